"""The advice engine: what applies in each state, why not, and by when."""

from __future__ import annotations

import contextlib
import re
from datetime import date, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from unship.store import lifecycle, policies
from unship.store.advice import day_text, days_left_text, item_states, order_actions
from unship.store.lifecycle import TransitionError, record
from unship.store.model import Event, State, new_item, new_order

BOOK = policies.load()
TODAY = date(2026, 11, 28)


def make(retailer="Amazon", category="general", seller="", events=(), ordered=date(2026, 5, 1)):
    o = new_order(
        retailer,
        "113-1234567-1234567",
        ordered,
        [new_item("Widget", 2500, category=category, seller=seller)],
    )
    for event, day in events:
        o = record(o, event, day)
    return o


def actions(o, today=TODAY):
    return {a.action: a for a in order_actions(o, BOOK, today)}


def test_ordered_can_be_cancelled_not_refused_or_returned():
    a = actions(make(ordered=TODAY))
    assert a["cancel"].available and a["cancel"].event == "cancel-requested"
    assert "Your Orders > the order > Cancel items" in a["cancel"].steps
    assert not a["refuse"].available and a["refuse"].reason == "not shipped yet: cancel instead"
    assert not a["return"].available
    assert a["mark-shipped"].event == "shipped"


def test_third_party_seller_must_approve():
    a = actions(make(ordered=TODAY, seller="Gadget Hut"))
    assert a["cancel"].available and "seller" in a["cancel"].reason
    assert any("seller must approve" in s for s in a["cancel"].steps)


def test_shipped_cannot_be_cancelled_and_says_when():
    a = actions(make(events=[("shipped", date(2026, 11, 21))]))
    assert not a["cancel"].available
    assert a["cancel"].reason == "can't cancel: shipped on 21 Nov"
    assert a["refuse"].available and a["refuse"].event == "refused"
    assert "not delivered yet" in a["return"].reason


def test_failed_cancel_says_what_to_do_instead():
    o = make(events=[("cancel-requested", date(2026, 11, 20)), ("shipped", date(2026, 11, 21))])
    a = actions(o)
    assert "came too late" in a["cancel"].reason and "refuse" in a["cancel"].reason
    assert a["refuse"].available
    o2 = make(
        events=[("cancel-requested", date(2026, 11, 20)), ("cancel-failed", date(2026, 11, 21))]
    )
    assert "failed" in actions(o2)["cancel"].reason


def test_cancel_requested_waits_for_confirmation():
    a = actions(make(events=[("cancel-requested", date(2026, 11, 27))]))
    assert not a["cancel"].available and "wait for the confirmation" in a["cancel"].reason
    assert {"mark-cancelled", "cancel-failed"} <= set(a)


def test_out_for_delivery_can_be_refused():
    o = make(events=[("shipped", date(2026, 11, 26)), ("out-for-delivery", TODAY)])
    assert actions(o)["refuse"].available


def test_delivered_return_window_with_deadline_and_cost_note():
    o = make(events=[("shipped", date(2026, 10, 1)), ("delivered", date(2026, 10, 3))])
    a = actions(o, today=date(2026, 10, 10))
    assert a["return"].available
    assert a["return"].deadline == date(2026, 11, 2)
    assert a["return"].reason == "return by 2 Nov, 23 days left (check with the retailer)"
    assert "Return shipping may be charged" in a["return"].cost_note
    assert any("Unopened" in s for s in a["return"].steps)
    assert not a["cancel"].available and not a["refuse"].available


def test_return_window_closes():
    o = make(events=[("shipped", date(2026, 10, 1)), ("delivered", date(2026, 10, 3))])
    a = actions(o, today=date(2026, 11, 3))
    assert not a["return"].available
    assert a["return"].reason == "can't return: the return window closed on 2 Nov"
    assert a["keep"].available and a["keep"].reason == "the return window closed on 2 Nov"


def test_keeping_says_when_an_estimated_window_closed_and_that_it_is_estimated():
    o = make(events=[("shipped", date(2026, 10, 1))])  # no delivery date: it is estimated
    later = [actions(o, date(2026, 10, 1) + timedelta(days=n)) for n in range(25, 60)]
    closed = next(a for a in later if not a["return"].available)
    day = closed["return"].reason.removeprefix("can't return: the return window closed on ")
    assert day.startswith("~")
    assert closed["keep"].reason == f"the return window closed on {day.split(' (')[0]} (estimated)"


def test_a_holiday_season_only_third_parties_report_never_moves_the_deadline():
    # Walmart's 2025 season (bought 1 Oct - 31 Dec, return by 31 Jan) is on third-party pages
    # only: the date that holds without it is the deadline, the season is said beside it.
    events = [("shipped", date(2025, 11, 18)), ("delivered", date(2025, 11, 20))]
    walmart = make("Walmart", "electronics", ordered=date(2025, 11, 15), events=events)
    found = actions(walmart, date(2025, 11, 21))["return"]
    assert found.deadline == date(2025, 12, 20)  # 30 days from delivery
    assert found.reason.endswith(
        "(check with the retailer; perhaps until 31 Jan 2026: Walmart's 2025 holiday returns "
        "as third parties report them)"
    )
    assert found.steps[0] == "Why this date: 30 days from delivery (Walmart)"
    assert found.steps[1].startswith("Perhaps later: holiday season 2025: bought 1 Oct - 31 Dec")
    assert "as third-party pages report it (not found on Walmart's own pages)" in found.steps[1]
    # after the deadline, while the season could still hold, it says so; after it, not
    closed = actions(walmart, date(2026, 1, 5))["return"]
    assert not closed.available and closed.reason == (
        "can't return: the return window closed on 20 Dec 2025; perhaps until 31 Jan: "
        "Walmart's 2025 holiday returns as third parties report them"
    )
    later = actions(walmart, date(2026, 2, 1))["return"]
    assert later.reason == "can't return: the return window closed on 20 Dec 2025"
    # Amazon's 2025 season is Amazon's own notice: it is the deadline
    amazon = actions(make(ordered=date(2025, 11, 15), events=events), date(2025, 11, 21))["return"]
    assert amazon.deadline == date(2026, 1, 31)
    assert "perhaps" not in amazon.reason and amazon.steps[0].endswith("(Amazon)")
    assert "(holiday season 2025; check with the retailer)" in amazon.reason


def test_an_amazon_ca_order_gets_amazon_coms_holiday_season_only_as_a_perhaps():
    events = [("shipped", date(2025, 11, 3)), ("delivered", date(2025, 11, 5))]
    ca = make("Amazon.ca", ordered=date(2025, 11, 2), events=events)
    found = actions(ca, date(2025, 11, 10))["return"]
    assert found.deadline == date(2025, 12, 5)
    assert found.reason.endswith(
        "(check with the retailer; perhaps until 31 Jan 2026: Amazon's 2025 holiday returns as "
        "announced for amazon.com)"
    )
    assert "as Amazon announced it for amazon.com (not found for amazon.ca)" in found.steps[1]
    com = actions(make(ordered=date(2025, 11, 2), events=events), date(2025, 11, 10))["return"]
    assert com.deadline == date(2026, 1, 31)


def test_an_amazon_ca_order_is_told_that_last_years_season_was_amazon_coms():
    # The 2026 season is assumed from amazon.com's 2025 notice: for an Amazon.ca order the
    # hint says so, instead of reading as if Amazon.ca had announced one before.
    events = [("shipped", date(2026, 11, 21)), ("delivered", date(2026, 11, 23))]
    ca = actions(make("Amazon.ca", ordered=date(2026, 11, 20), events=events))["return"]
    assert ca.deadline == date(2026, 12, 23)
    assert ca.reason.endswith(
        "perhaps until 31 Jan 2027: Amazon's 2026 holiday returns are not announced yet, and "
        "its 2025 ones were for amazon.com)"
    )
    assert "; its 2025 ones were for amazon.com (none found for amazon.ca); unship" in ca.steps[1]
    com = actions(make(ordered=date(2026, 11, 20), events=events))["return"]
    assert "amazon.com" not in com.reason + com.steps[1]


def test_an_amazon_ca_baby_item_gets_amazon_coms_90_days_only_as_a_perhaps():
    events = [("shipped", date(2026, 6, 2)), ("delivered", date(2026, 6, 3))]
    found = actions(make("Amazon.ca", "baby", events=events), date(2026, 6, 10))["return"]
    assert found.deadline == date(2026, 7, 3)
    assert found.reason == (
        "return by 3 Jul, 23 days left (check with the retailer; perhaps until 1 Sep: Amazon "
        "gives baby items 90 days on amazon.com)"
    )
    assert found.steps[1].startswith(
        "Perhaps later: Amazon gives baby items 90 days on amazon.com (not found for amazon.ca)"
    )


def test_a_shop_unship_has_no_policy_for_gets_a_window_said_to_be_a_guess():
    from msgspec.structs import replace
    from unship.store.model import SELLER_WINDOW

    shop = make("Corner Shop", events=[("delivered", date(2026, 6, 3))])
    found = actions(shop, date(2026, 6, 10))["return"]
    assert found.deadline == date(2026, 7, 3) and found.estimated  # delivery recorded or not
    assert found.reason == (
        "return by ~3 Jul, 23 days left (a guess: unship doesn't know Corner Shop's window; "
        "check with the retailer)"
    )
    assert found.steps[0] == (
        "Why this date: 30 days from delivery: a guess, as unship doesn't know Corner Shop's window"
    )
    closed = actions(shop, date(2026, 7, 20))
    assert closed["return"].reason == (
        "can't return: the return window closed on ~3 Jul (a guess: unship doesn't know Corner "
        "Shop's window)"
    )
    assert closed["keep"].reason == "the return window closed on ~3 Jul (a guess)"
    # an eBay seller's window is the seller's: eBay sets none
    ebay = make("eBay", events=[("delivered", date(2026, 6, 3))])
    bought = actions(ebay, date(2026, 6, 10))["return"]
    assert bought.estimated and bought.reason == (
        "return by ~3 Jul, 23 days left (a guess: each eBay seller sets its own window (see the "
        "listing); check with the retailer)"
    )
    # its own window, typed on the order, is no guess
    item = replace(shop.items[0], seller="Corner Shop", extra={SELLER_WINDOW: "45"})
    own = actions(replace(shop, items=(item,)), date(2026, 6, 10))["return"]
    assert own.deadline == date(2026, 7, 18) and not own.estimated
    assert own.reason == (
        "return by 18 Jul, 38 days left (Corner Shop's policy: 45 days from delivery; check with "
        "the retailer)"
    )


def test_a_parcel_waiting_at_a_pickup_point_is_to_be_picked_up_by_the_notices_day():
    from msgspec.structs import replace
    from unship.store.advice import dated_actions

    waiting = {"pickup_by": "2021-11-25", "pickup_at": "Amazon Hub Locker - Location"}
    at_locker = replace(
        make(ordered=date(2021, 11, 18), events=[("delivered", date(2021, 11, 22))]),
        extra=waiting,
    )
    found = actions(at_locker, date(2021, 11, 23))
    pick = found["pick-up"]
    assert pick.available and pick.deadline == date(2021, 11, 25) and pick.kind == "follow-up"
    assert pick.reason == (
        "pick it up by 25 Nov, 2 days left, at Amazon Hub Locker - Location (the day the notice "
        "gives)"
    )
    assert pick.steps[-1] == "Once you have it, mark it picked up: the reminder ends"
    assert found["return"].deadline == date(2021, 12, 22)  # the window runs meanwhile
    # what `due`, the list and the header use: the same deadlines as the full advice
    quick = dated_actions(at_locker, BOOK, date(2021, 11, 23))
    assert [(a.action, a.deadline) for a in quick] == [
        (a.action, a.deadline)
        for a in order_actions(at_locker, BOOK, date(2021, 11, 23))
        if a.deadline is not None
    ]
    assert "pick-up" in actions(at_locker, date(2021, 11, 25))  # its last day
    assert "pick-up" not in actions(at_locker, date(2021, 11, 26))
    # once something is recorded that says what became of it, no reminder
    kept = record(at_locker, "kept", date(2021, 11, 24))
    assert "pick-up" not in actions(kept, date(2021, 11, 24))
    # nor once it is marked picked up
    collected = lifecycle.picked_up(at_locker, date(2021, 11, 23))
    assert "pick-up" not in actions(collected, date(2021, 11, 23))
    assert "return" in actions(collected, date(2021, 11, 23))
    # a carrier's notice: the parcel is still in transit, waiting at the post office
    held = replace(
        make(ordered=date(2021, 11, 18), events=[("shipped", date(2021, 11, 19))]),
        extra={"pickup_by": "2021-11-30"},
    )
    held_pick = actions(held, date(2021, 11, 20))["pick-up"]
    assert held_pick.reason.startswith("pick it up by 30 Nov, 10 days left (the day")
    assert "pick-up" not in actions(replace(held, extra={"pickup_by": "soon"}), date(2021, 11, 20))


def test_a_parcel_never_recorded_as_delivered_offers_the_claims_only_while_they_are_open():
    o = make(ordered=date(2020, 1, 3), events=[("shipped", date(2020, 1, 6))])
    soon = actions(o, date(2020, 2, 1))["report-missing"]
    assert soon.available and soon.reason.endswith("if it never came, report it to open the claims")
    years = actions(o, date(2026, 12, 6))["report-missing"]
    assert years.available and years.reason.endswith(
        "report it and ask Amazon customer service; the claims have closed (a chargeback most "
        "likely too)"
    )


def test_holiday_season_is_keyed_on_the_purchase_date():
    # Amazon keys its season on the purchase date: ordered in May, shipped in November,
    # the normal 30 days apply; ordered in November 2026, the 2026 season is assumed from
    # 2025's notice: said beside the deadline, which stays the normal one.
    shipped = [("shipped", date(2026, 11, 21)), ("delivered", date(2026, 11, 23))]
    assert actions(make(events=shipped))["return"].deadline == date(2026, 12, 23)
    assert "perhaps" not in actions(make(events=shipped))["return"].reason
    bought = actions(make(events=shipped, ordered=date(2026, 11, 20)))["return"]
    assert bought.deadline == date(2026, 12, 23)
    assert bought.reason.endswith(
        "perhaps until 31 Jan 2027: Amazon's 2026 holiday returns are not announced yet)"
    )
    assert bought.steps[1] == (
        "Perhaps later: holiday season 2026: bought 1 Nov - 31 Dec 2026, return by 31 Jan 2027 "
        "(assumed from 2025: not announced yet); unship goes by the date above until Amazon "
        "announces it. If the order page shows a later date, it holds"
    )
    # ordered 31 Oct, shipped 1 Nov, delivered 3 Nov: 30 days from delivery, not 31 Jan
    o = make(
        ordered=date(2026, 10, 31),
        events=[("shipped", date(2026, 11, 1)), ("delivered", date(2026, 11, 3))],
    )
    assert actions(o, today=date(2026, 11, 4))["return"].deadline == date(2026, 12, 3)
    # once the normal window has closed, the season may still hold: the lists say until when
    from unship.store import facts

    ordered = make(events=shipped, ordered=date(2026, 11, 20))
    closed = actions(ordered, today=date(2026, 12, 24))["return"]
    assert not closed.available and closed.perhaps == date(2027, 1, 31)
    found = facts.compute(ordered, BOOK, date(2026, 12, 24))
    assert found.deadlines == () and found.perhaps == date(2027, 1, 31)
    assert found.next_text == "return perhaps until 31 Jan 2027 · 38 days left"
    assert facts.compute(ordered, BOOK, date(2027, 2, 1)).perhaps is None


def test_non_returnable_category():
    o = make(
        category="grocery",
        events=[("shipped", date(2026, 11, 20)), ("delivered", date(2026, 11, 21))],
    )
    a = actions(o)
    assert not a["return"].available
    assert (
        a["return"].reason == "can't return: groceries and perishables can't be returned (Amazon)"
    )


def test_category_window_and_aliases():
    o = make(
        category="Amazon Renewed",
        events=[("shipped", date(2026, 6, 1)), ("delivered", date(2026, 6, 2))],
    )
    assert actions(o, today=date(2026, 6, 10))["return"].deadline == date(2026, 8, 31)
    # Best Buy: "the time period begins the day you receive your product": day 1 is 2 Jun
    o = make("Best Buy", events=[("shipped", date(2026, 6, 1)), ("delivered", date(2026, 6, 2))])
    assert actions(o, today=date(2026, 6, 3))["return"].deadline == date(2026, 6, 16)
    # Target: an online order's window opens when it is invoiced (shipped, 1 Jun), day 1 counts
    o = make(
        "Target",
        category="phones",
        events=[("shipped", date(2026, 6, 1)), ("delivered", date(2026, 6, 2))],
    )
    assert actions(o, today=date(2026, 6, 3))["return"].deadline == date(2026, 6, 14)


def test_return_requested_then_shipped_then_refund_expected_and_overdue():
    base = [("shipped", date(2026, 10, 1)), ("delivered", date(2026, 10, 3))]
    o = make(events=[*base, ("return-requested", date(2026, 10, 10))])
    a = actions(o, today=date(2026, 10, 11))
    assert not a["return"].available and "already started" in a["return"].reason
    assert a["return-shipped"].deadline == date(2026, 11, 2)
    o = record(o, "return-shipped", date(2026, 10, 12))
    a = actions(o, today=date(2026, 10, 13))
    # Amazon: up to 30 days to receive and process it, then 3-5 business days to a card
    # (the old 14 days called a refund overdue while Amazon was still within its time)
    assert a["expect-refund"].deadline == date(2026, 11, 18) and not a["expect-refund"].overdue
    assert "up to 30 days to receive and process it" in a["expect-refund"].reason
    assert not {"contact", "chargeback"} & set(a)
    a = actions(o, today=date(2026, 11, 19))
    assert a["expect-refund"].overdue and "overdue" in a["expect-refund"].reason
    # overdue leads somewhere: the retailer, then the card issuer
    assert a["contact"].available and a["contact"].kind == "escalation"
    assert a["chargeback"].available and a["chargeback"].deadline is not None


def test_refused_expects_a_refund():
    o = make(events=[("shipped", date(2026, 11, 20)), ("refused", date(2026, 11, 22))])
    a = actions(o)
    assert a["expect-refund"].available and a["expect-refund"].event == "refunded"
    assert a["refuse"].reason == "already refused on 22 Nov"


@pytest.mark.parametrize("state", list(State))
def test_every_state_gets_the_three_decisions_with_reasons(state):
    paths = {
        State.ORDERED: [],
        State.CANCEL_REQUESTED: ["cancel-requested"],
        State.CANCELLED: ["cancelled"],
        State.SHIPPED: ["shipped"],
        State.OUT_FOR_DELIVERY: ["shipped", "out-for-delivery"],
        State.DELIVERED: ["shipped", "delivered"],
        State.REFUSED: ["shipped", "refused"],
        State.RETURN_REQUESTED: ["shipped", "delivered", "return-requested"],
        State.RETURN_SHIPPED: ["shipped", "delivered", "return-requested", "return-shipped"],
        State.REFUNDED: ["shipped", "refused", "refunded"],
        State.KEPT: ["shipped", "delivered", "kept"],
        State.PROBLEM: ["shipped", "problem"],
    }
    o = make(
        ordered=date(2026, 11, 20),
        events=[(e, date(2026, 11, 21 + n)) for n, e in enumerate(paths[state])],
    )
    assert o.items[0].state is state
    a = actions(o)
    for decision in ("cancel", "refuse", "return"):
        assert a[decision].reason, decision
    for action in a.values():
        if action.event:
            # what an action offers to record is always a legal move from here
            try:
                record(o, action.event, TODAY)
            except TransitionError as error:  # pragma: no cover - the assertion explains
                pytest.fail(f"{action.action} offers {action.event}: {error}")


def test_multi_item_actions_are_merged_by_items():
    o = new_order(
        "Amazon", "1", date(2026, 11, 20), [new_item("a", 1), new_item("b", 1), new_item("c", 1)]
    )
    o = record(o, "shipped", date(2026, 11, 21), items=[0])
    acts = order_actions(o, BOOK, TODAY)
    cancel = [x for x in acts if x.action == "cancel" and x.available]
    assert len(cancel) == 1 and cancel[0].items == (1, 2)
    refuse = [x for x in acts if x.action == "refuse" and x.available]
    assert refuse[0].items == (0,)
    assert acts[0].available  # available first


def test_day_texts():
    assert day_text(date(2026, 12, 23), TODAY) == "23 Dec"
    assert day_text(date(2027, 1, 2), TODAY) == "2 Jan 2027"
    assert days_left_text(TODAY, TODAY) == "today"
    assert days_left_text(TODAY + timedelta(days=1), TODAY) == "1 day left"
    assert days_left_text(TODAY - timedelta(days=3), TODAY) == "3 days overdue"


EVENTS = st.sampled_from(list(Event))


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(st.tuples(EVENTS, st.integers(0, 20)), max_size=12),
    retailer=st.sampled_from(["Amazon", "Walmart", "Target", "Best Buy", "eBay", "Corner Shop"]),
    category=st.sampled_from(
        ["general", "electronics", "grocery", "renewed", "phones", "gift card"]
    ),
    look=st.integers(0, 200),
)
def test_properties_of_the_advice(steps, retailer, category, look):
    o = make(retailer=retailer, category=category, ordered=date(2026, 1, 1))
    day = date(2026, 1, 1)
    for event, gap in steps:
        day += timedelta(days=gap)
        with contextlib.suppress(TransitionError):  # impossible events are simply refused
            o = record(o, event, day)
    today = day + timedelta(days=look)
    item = o.items[0]
    a = actions(o, today)
    shipped = any(k in item.dates for k in ("shipped", "out-for-delivery", "delivered"))
    if shipped:
        assert not a["cancel"].available, "cancel offered after shipment"
    state = item_states(o, today)[0]  # a long-gone shipment counts as delivered (estimated)
    if a["return"].available:
        assert state is State.DELIVERED, "return offered before delivery"
        guessed = bool(BOOK.retailer(retailer).window_guess)  # eBay: each seller's own
        # Target's window counts from shipment: with no ship day of its own (delivered
        # straight away), from the order date, marked too when that moves the day
        ship_unknown = (
            BOOK.retailer(retailer).window_starts == "shipment" and lifecycle.ship_day(o, 0) is None
        )
        if "delivered" not in item.dates or guessed:
            assert a["return"].estimated
        elif not ship_unknown:
            assert not a["return"].estimated
        assert a["return"].deadline is not None and today <= a["return"].deadline
        assert BOOK.retailer(retailer).rule_for(BOOK.category(category)).returnable
    if item.state is State.DELIVERED and "delivered" in item.dates:
        policy = BOOK.retailer(retailer)
        last = policy.return_by(
            BOOK.category(category), item.dates["delivered"], item.dates.get("shipped")
        )
        if today > last:
            assert not a["return"].available, "return offered after its window"
    if a["refuse"].available:
        assert state in (State.SHIPPED, State.OUT_FOR_DELIVERY)


# three items shipped on the order day, by no known option (0-21 days in transit)
ALL_SHIPPED = {
    "steps": [(Event.SHIPPED, 0, 0), (Event.SHIPPED, 0, 1), (Event.SHIPPED, 0, 2)],
    "retailer": "Amazon",
    "seller": "",
    "option": "",
    "later": 1,
}


@settings(max_examples=400, deadline=None)
@given(
    steps=st.lists(st.tuples(EVENTS, st.integers(0, 40), st.integers(0, 2)), max_size=10),
    retailer=st.sampled_from(["Amazon", "Walmart", "Target", "Best Buy", "eBay", "Corner Shop"]),
    category=st.sampled_from(["general", "electronics", "grocery", "renewed", "phones", "apple"]),
    seller=st.sampled_from(["", "Gadget Hut", "Amazon.com"]),
    option=st.sampled_from(["", "std-us", "second-ca", "Email"]),
    look=st.integers(0, 400),
    later=st.integers(1, 900),
)
# Rare among drawn books (all three items delivered, not yet history), so given: every
# window closed on the estimate and on any later delivery, and a category that can't be
# returned at all.
@example(**ALL_SHIPPED, category="general", look=60)
@example(**ALL_SHIPPED, category="grocery", look=30)
def test_the_deadlines_alone_are_the_full_advice_s(
    steps, retailer, category, seller, option, look, later
):
    """`deadlines` (which works out only the dated actions) says what the full advice says."""
    from unship.store.advice import deadlines

    extra = {"shipping": option} if option and option != "Email" else {}
    if option == "Email":
        extra["carrier"] = "Email"
    items = [
        new_item(f"Widget {n}", 2500 + n, category=category, seller=seller, extra=extra)
        for n in range(3)
    ]
    o = new_order(retailer, "113-1234567-1234567", date(2025, 10, 20), items)
    day = date(2025, 10, 20)
    for event, gap, item in steps:
        day += timedelta(days=gap)
        with contextlib.suppress(TransitionError):
            o = record(o, event, day, items=[item])
    today = day + timedelta(days=look)
    full = order_actions(o, BOOK, today)
    assert deadlines(o, BOOK, today) == deadlines(o, BOOK, today, full)
    # and the facts lists show (store/facts.py), worked out from the dated actions alone
    from unship.store import advice, days, facts

    found = facts.compute(o, BOOK, today)
    where = advice.standing(o, BOOK, today)
    assert found.deadlines == tuple(deadlines(o, BOOK, today, full))
    assert (found.states, found.closed, found.done) == (where.states, where.closed, where.done)
    assert found.state_text == where.text(o)
    first = found.deadlines[0] if found.deadlines else None
    # a window closed on an estimate that may still be open: the day the full advice says
    said = {
        day
        for a in full
        if a.action == "return" and not a.available
        for day in re.findall(r"perhaps until (\d+ \w+(?: \d{4})?)[,:]", a.reason)
    }
    if first is None and not found.closed:
        assert (found.perhaps is not None) == bool(said)
    # every window of the items that may still be returned closed, surely: the day the
    # full advice says, the latest of them
    shut = [a for a in full if a.action == "return" and not a.available and a.closed_on]
    may = [
        i
        for i, item in enumerate(o.items)
        if item.state not in lifecycle.FINAL_STATES or item.refund_short
    ]
    # ...or never opened: a category that can't be returned (groceries)
    policy = BOOK.retailer(o.retailer)
    never = [
        i
        for i in may
        if found.states[i] is State.DELIVERED
        and not policy.rule_for(BOOK.category(o.items[i].category)).returnable
    ]
    covered = bool(may) and sorted([*never, *(i for a in shut for i in a.items)]) == may
    if first is None and found.perhaps is None and not found.closed:
        assert (found.closed_on is not None) == (covered and bool(shut))
        assert found.not_returnable == (covered and not shut)
    if found.not_returnable:
        assert first is None and found.perhaps is None and found.closed_on is None
        assert found.next_text == days.NOT_RETURNABLE
    elif found.closed_on is not None:
        assert first is None and found.perhaps is None and not found.closed
        last = max(a.closed_on for a in shut)
        on = ("~" if found.closed_estimated else "") + days.day_text(last, today)
        assert found.closed_on == last
        assert any(f"closed on {on}" in a.reason for a in shut if a.closed_on == last)
        assert found.next_text == days.closed_text(last, found.closed_estimated, today)
    elif found.perhaps is not None:
        assert first is None and days.day_text(found.perhaps, today) in said
        assert found.next_text == days.perhaps_text(found.perhaps, today)
    else:
        assert found.next_text == (days.deadline_text(first, today) if first else "")
    assert found.needs_action == advice.needs_action(o, BOOK, today, full)
    assert found.urgent == (found.needs_action and advice.is_urgent(full, where.states, today))
    # a done order stays as it is on every later day (the kept facts rely on it)
    if found.done:
        assert facts.compute(o, BOOK, today + timedelta(days=later)) == found


def test_a_ship_day_not_recorded_is_not_taken_for_the_delivery_day():
    # Target's window starts when the order ships. Logged as delivered straight from
    # ordered, the item's ship day is the delivery day "at the latest": counted from there,
    # the deadline could be later than Target's. It counts from the order date, said so.
    straight = make(
        "Target", ordered=date(2026, 11, 20), events=[("delivered", date(2026, 11, 26))]
    )
    a = actions(straight)["return"]
    assert a.deadline == date(2027, 2, 17) and a.estimated  # 90 days, the order date day 1
    assert a.reason.startswith(
        "return by ~17 Feb 2027, 81 days left (from the order date: the ship day is not "
        "recorded; check with the retailer)"
    )
    assert a.steps[:2] == (
        "Why this date: 90 days from the order date (Target)",
        "Target's window starts when the order ships; its ship day is not recorded (it was "
        "logged as delivered), so it counts from the order date, 20 Nov. Record the ship day "
        "to make it exact; if the order page shows a later date, it holds",
    )
    late = actions(straight, date(2027, 2, 18))
    assert late["return"].reason == (
        "can't return: the return window closed on ~17 Feb (from the order date: the ship "
        "day is not recorded); perhaps until 23 Feb, if it shipped the day it came (26 Nov 2026)"
    )
    assert late["keep"].reason == "the return window closed on ~17 Feb (estimated)"
    # Its ship day recorded, even on the delivery day, it counts from there, exactly.
    shipped = [("shipped", date(2026, 11, 26)), ("delivered", date(2026, 11, 26))]
    exact = actions(make("Target", ordered=date(2026, 11, 20), events=shipped))["return"]
    assert exact.deadline == date(2027, 2, 23) and not exact.estimated
    # A Target Plus partner's item shows Target's own window, counted as Target counts it.
    partner = make("Target", seller="Acme Home", ordered=date(2026, 11, 20), events=shipped)
    assert actions(partner)["return"].deadline == date(2027, 2, 23)
    partner = make("Target", seller="Acme Home", ordered=date(2026, 11, 20), events=shipped[:1])
    partner = record(partner, "delivered", date(2026, 11, 28))
    assert actions(partner)["return"].steps[0] == (
        "Why this date: 90 days from shipment (Target's own window) (Target)"
    )
    assert actions(partner)["return"].deadline == date(2027, 2, 23)  # not from 28 Nov
    # The ship day can be recorded after the delivery: then it counts from there, exactly.
    fill = actions(straight)["mark-shipped"]
    assert (fill.label, fill.event) == ("Record the ship day", "shipped")
    assert fill.reason == (
        "not recorded (it was logged as delivered): Target's return window counts from "
        "shipment, and from the order date until the day is known"
    )
    known = actions(record(straight, "shipped", date(2026, 11, 24)))
    assert known["return"].deadline == date(2027, 2, 21) and not known["return"].estimated
    assert "mark-shipped" not in known
    ordered = actions(make("Target", ordered=date(2026, 11, 20)))["mark-delivered"]
    assert ordered.reason == (
        "it already arrived; Target's return window counts from shipment: mark it shipped "
        "first if you know the day"
    )
    # A window that starts at delivery has nothing to guess, nor to record.
    amazon = actions(make(events=[("delivered", date(2026, 11, 26))]))
    assert amazon["return"].deadline == date(2026, 12, 26) and not amazon["return"].estimated
    assert "mark-shipped" not in amazon


@settings(max_examples=200, deadline=None)
@given(
    ordered=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
    ship_after=st.integers(0, 20),
    transit=st.integers(0, 20),
    category=st.sampled_from(["general", "electronics", "apple", "phones", "baby"]),
    seller=st.sampled_from(["", "Acme Home"]),
    retailer=st.sampled_from(
        ["Target", "Amazon", "Amazon.ca", "Walmart", "Walmart.ca", "Best Buy", "eBay", "Corner"]
    ),
)
def test_a_ship_day_not_recorded_never_gives_a_later_deadline_than_the_real_one(
    ordered, ship_after, transit, category, seller, retailer
):
    shipped = ordered + timedelta(days=ship_after)
    delivered = shipped + timedelta(days=transit)
    today = delivered + timedelta(days=1)
    events = [("shipped", shipped), ("delivered", delivered)]
    straight = make(retailer, category, seller, ordered=ordered, events=events[1:])
    real = make(retailer, category, seller, ordered=ordered, events=events)
    guessed, known = actions(straight, today)["return"], actions(real, today)["return"]
    if known.deadline is not None and guessed.deadline is not None:
        assert guessed.deadline <= known.deadline
    assert known.available or not guessed.available
    # once the guessed window is over, while the real one is open, it says until when
    later = known.deadline
    if later is not None and guessed.deadline is not None and guessed.deadline < later:
        closed = actions(straight, later)["return"]
        assert not closed.available and "; perhaps until " in closed.reason
