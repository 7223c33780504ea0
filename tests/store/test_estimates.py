"""Estimated deliveries and closed history: what unship knows and what it estimates.

Amazon's export has ship dates and no delivery dates: a shipment long past its latest
plausible day counts as delivered (estimated), its deadlines count from the earliest
plausible day and say so, and history whose windows closed long ago closes itself."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from io_support import AMAZON, TZ, needs_samples
from unship.store import advice, estimates, importers, policies
from unship.store.lifecycle import record
from unship.store.model import Event, State, new_item, new_order
from unship.store.repository import OrderBook
from unship.store.transit import default_transit

from unship.cli import main

BOOK = policies.load()
TRANSIT = default_transit()
SAMPLE = AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv"


def shipped_order(ship: date, option: str = "", *, retailer="Amazon", category="general"):
    extra = {"shipping": option} if option else {}
    o = new_order(
        retailer,
        "113-1234567-1234567",
        ship - timedelta(days=1),
        [new_item("Widget", 2500, category=category, extra=extra)],
    )
    return record(o, "shipped", ship)


def return_action(order, today):
    return next(a for a in advice.order_actions(order, BOOK, today) if a.action == "return")


# -- the allowances ---------------------------------------------------------------------


def test_allowances_by_option_and_carrier():
    assert TRANSIT.allowance("second-ca").key == "second-day"
    assert TRANSIT.allowance("next-ca").key == "next-day"
    assert TRANSIT.allowance("same-ca").key == "same-day"
    assert TRANSIT.allowance("rush").key == "next-day"
    assert TRANSIT.allowance("std-us").key == "standard"
    assert TRANSIT.allowance("Std CA D2D Dom").key == "standard"
    assert TRANSIT.allowance("std-intl-us-ca-fba").key == "cross-border"
    assert TRANSIT.allowance("Exp CA D2D Dom", "Email").key == "digital"
    assert not TRANSIT.allowance("", "Email").travels
    assert TRANSIT.allowance("", "", "panda01").key == "same-day"
    assert TRANSIT.allowance("pigeon-post").key == "unknown"
    assert not TRANSIT.knows("pigeon-post") and TRANSIT.knows("second-ca")
    widest = TRANSIT.unknown
    for a in TRANSIT.allowances.values():
        assert widest.earliest <= a.earliest <= a.latest <= widest.latest


def test_every_allowance_has_sources():
    assert TRANSIT.sources and all(s["source"] and s["checked"] for s in TRANSIT.sources)


# -- in transit, then delivered (estimated) ------------------------------------------------


def test_in_transit_until_the_latest_day_then_delivered_estimated():
    o = shipped_order(date(2024, 9, 12), "second-ca")  # two-day: 1-3 days in transit
    assert advice.item_states(o, date(2024, 9, 15)) == (State.SHIPPED,)
    refuse = next(
        a for a in advice.order_actions(o, BOOK, date(2024, 9, 15)) if a.action == "refuse"
    )
    assert refuse.available
    assert advice.item_states(o, date(2024, 9, 16)) == (State.DELIVERED,)
    acts = {a.action: a for a in advice.order_actions(o, BOOK, date(2024, 9, 30))}
    assert not acts["refuse"].available and not acts["cancel"].available
    ret = acts["return"]
    assert ret.available and ret.estimated and ret.deadline == date(2024, 10, 13)
    assert "~13 Oct" in ret.reason and "estimated" in ret.reason
    assert "record the delivery date" in ret.reason
    assert acts["mark-delivered"].available and acts["mark-delivered"].event == "delivered"
    assert o.items[0].state is State.SHIPPED  # nothing stored changes


def test_a_parcel_on_its_way_is_said_to_arrive_never_on_a_day_gone_by():
    o = shipped_order(date(2024, 9, 12), "second-ca")  # two-day: 1-3 days in transit
    found = estimates.delivery(o, o.items[0])
    said = {
        n: found.arriving(date(2024, 9, n), lambda d: d.strftime("%-d %b")) for n in (12, 13, 14)
    }
    assert said == {
        12: "arriving ~13 Sep to ~15 Sep",
        13: "arriving ~13 Sep to ~15 Sep",
        14: "arriving by ~15 Sep",  # its earliest day has gone by
    }


def test_an_estimate_from_the_van_counts_from_the_day_on_it_not_from_shipping():
    o = record(shipped_order(date(2025, 10, 18)), "out-for-delivery", date(2025, 10, 20))
    found = estimates.delivery(o, o.items[0])
    assert (found.day, found.latest) == (date(2025, 10, 20), date(2025, 10, 21))
    said = found.basis(lambda d: d.strftime("%-d %b"))
    assert said == "out for delivery on 20 Oct (delivered that day or the next)"


def test_a_recorded_delivery_wins_over_the_estimate():
    o = shipped_order(date(2024, 9, 12), "second-ca")
    o = record(o, "delivered", date(2024, 9, 20))
    ret = return_action(o, date(2024, 9, 30))
    assert not ret.estimated and ret.deadline == date(2024, 10, 20)
    assert "~" not in ret.reason


def test_digital_items_never_travel_and_are_never_refusable():
    o = new_order(
        "Amazon",
        "1",
        date(2023, 10, 14),
        [new_item("Protection plan", 599, category="digital", extra={"carrier": "Email"})],
    )
    o = record(o, "shipped", date(2023, 10, 14))
    acts = {a.action: a for a in advice.order_actions(o, BOOK, date(2023, 10, 14))}
    assert not acts["refuse"].available and "email" in acts["refuse"].reason
    assert advice.item_states(o, date(2023, 10, 14)) == (State.DELIVERED,)


def test_mark_delivered_defaults_to_the_estimate_and_doubts_a_late_day():
    o = shipped_order(date(2024, 9, 12), "second-ca")
    assert estimates.delivery_default(o) == date(2024, 9, 13)
    text = lambda d: d.isoformat()  # noqa: E731
    assert estimates.delivery_warning(o, None, date(2024, 9, 14), text) == ""
    doubt = estimates.delivery_warning(o, None, date(2024, 10, 20), text)
    assert "38 days after it shipped" in doubt and "check the date" in doubt
    o = record(o, "delivered", date(2024, 9, 14))
    assert estimates.delivery_default(o) is None


# -- the promise: an estimate is never later than the truth --------------------------------

RETAILERS = st.sampled_from(["Amazon", "Walmart", "Target", "Best Buy", "eBay", "Corner Shop"])
CATEGORIES = st.sampled_from(["general", "electronics", "renewed", "phones", "apparel"])
OPTIONS = st.sampled_from(["", *sorted(TRANSIT.options), "pigeon-post"])
DAYS = st.dates(date(2023, 1, 1), date(2027, 12, 31))


@settings(max_examples=300, deadline=None)
@given(ship=DAYS, option=OPTIONS, retailer=RETAILERS, category=CATEGORIES, data=st.data())
def test_an_estimated_deadline_is_never_later_than_the_real_one(
    ship, option, retailer, category, data
):
    o = shipped_order(ship, option, retailer=retailer, category=category)
    a = estimates.allowance_for(o, o.items[0])
    transit_days = data.draw(st.integers(a.earliest, a.latest), label="real transit days")
    real_day = ship + timedelta(days=transit_days)
    look = data.draw(st.integers(a.latest + 1, a.latest + 120), label="looked at after")
    today = ship + timedelta(days=look)
    estimated = return_action(o, today)
    real = return_action(record(o, "delivered", real_day), today)
    policy = BOOK.retailer(retailer)
    real_last = policy.return_by(BOOK.category(category), real_day, ship, ordered=o.ordered_on)
    if estimated.deadline is not None:  # open: dated from the earliest plausible day
        assert estimated.estimated
        assert estimated.deadline <= real_last
    # Recorded beats estimated, whatever the estimate said; a shop unship has no policy for
    # keeps its window a guess (said as one, '~'), recorded delivery or not.
    guessed = bool(policy.window_guess)  # a shop unship has no policy for, an eBay seller
    if real.available:
        assert real.deadline == real_last and real.estimated == guessed
    assert real.estimated == (guessed and (real.available or real.closed_on is not None))
    if estimated.available:
        assert today <= estimated.deadline
    # "Can't return" from an estimate is never said flat while a delivery the allowance
    # allows would leave the window open today: it says until when, and on what condition.
    if real.available and not estimated.available:
        assert "; perhaps until " in estimated.reason


def test_a_window_closed_on_the_estimate_may_still_be_open_and_says_so():
    # Shipped 26 Oct by one-day delivery: delivered 26-28 Oct, so 30 days end 25-27 Nov.
    o = shipped_order(date(2026, 10, 26), "next-ca", retailer="Amazon.ca")
    assert return_action(o, date(2026, 11, 25)).deadline == date(2026, 11, 25)
    reason = return_action(o, date(2026, 11, 26)).reason
    assert reason.startswith("can't return: the return window closed on ~25 Nov (estimated: ")
    assert reason.endswith("to make it exact); perhaps until 27 Nov, if it came on 28 Oct")
    later = return_action(o, date(2026, 11, 28)).reason
    assert "closed on ~25 Nov" in later and "perhaps" not in later
    # lists say it too, as what it is: not a deadline
    from unship.store import days, facts

    found = facts.compute(o, BOOK, date(2026, 11, 26))
    assert found.deadlines == () and found.perhaps == date(2026, 11, 27)
    assert found.next_text == "return perhaps until 27 Nov · 1 day left"
    assert days.next_text(found, date(2026, 11, 26), 20) == "return? · tomorrow"
    # then, closed on any delivery the allowance allows: when, in a word
    closed = facts.compute(o, BOOK, date(2026, 11, 28))
    assert closed.perhaps is None and closed.closed_on == date(2026, 11, 25)
    assert closed.next_text == "return window closed ~25 Nov (estimated)"
    assert days.next_text(closed, date(2026, 11, 28), 20) == "closed ~25 Nov"


@settings(max_examples=200, deadline=None)
@given(ship=DAYS, option=OPTIONS, look=st.integers(0, 900))
def test_history_closes_only_after_the_latest_plausible_window(ship, option, look):
    o = shipped_order(ship, option)
    today = ship + timedelta(days=look)
    closed = advice.is_history(o, BOOK, today)
    a = estimates.allowance_for(o, o.items[0])
    latest_window = BOOK.retailer("Amazon").return_by(
        "general", ship + timedelta(days=a.latest), ship, ordered=o.ordered_on
    )
    assert closed == (today - latest_window > estimates.CLOSE_AFTER)
    if closed:
        where = advice.standing(o, BOOK, today)
        assert where.done and where.text(o) == "window closed"
        assert not advice.needs_action(o, BOOK, today)
        # Still reversible: a problem, or a return the retailer agreed to.
        acts = {a.action for a in advice.order_actions(o, BOOK, today) if a.available}
        assert {"report-problem", "record-return"} <= acts


def test_a_hand_logged_order_with_no_news_asks_for_its_status():
    o = new_order("Walmart", "200", date(2026, 9, 1), [new_item("Lamp", 3000)])
    fresh = {a.action: a for a in advice.order_actions(o, BOOK, date(2026, 9, 10))}
    assert fresh["cancel"].available and "check-status" not in fresh
    old = {a.action: a for a in advice.order_actions(o, BOOK, date(2026, 12, 6))}
    assert not old["cancel"].available
    assert old["check-status"].available
    assert old["check-status"].reason == "no news since 1 Sep: check its status"
    assert advice.needs_action(o, BOOK, date(2026, 12, 6))


# -- the real export, as a new user meets it -----------------------------------------------


def _cli(capsys, *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def test_list_says_until_when_a_window_closed_on_the_estimate_may_be_open(tmp_path, capsys):
    with OrderBook(tmp_path / "orders.json", today=date(2026, 11, 26)) as book:
        book.add(shipped_order(date(2026, 10, 26), "next-ca", retailer="Amazon.ca"))
    at = ("--db", str(tmp_path / "orders.json"), "--today", "2026-11-26")
    code, out = _cli(capsys, *at, "list", "--json")
    (row,) = json.loads(out)
    assert row["next_deadline"] is None and row["perhaps_until"] == "2026-11-27"
    assert row["next_deadline_text"] == "return perhaps until 27 Nov · 1 day left"
    code, out = _cli(capsys, *at, "list")
    assert out.splitlines()[1].endswith("delivered  return perhaps until 27 Nov · 1 day left")
    code, out = _cli(capsys, *at, "due", "--json")
    assert json.loads(out) == []  # not a deadline
    code, out = _cli(capsys, *at, "actions", "1", "--json")
    acts = {a["action"]: a for a in json.loads(out)}
    assert not acts["return"]["available"] and acts["return"]["perhaps_until"] == "2026-11-27"
    assert acts["keep"]["perhaps_until"] is None


@needs_samples
def test_two_year_old_export_today_is_closed_history(tmp_path, capsys):
    db = str(tmp_path / "orders.json")
    code, out = _cli(capsys, "--db", db, "--today", "2026-12-06", "import", str(SAMPLE))
    assert code == 0
    assert "after the import: 0 open · 228 closed history" in out
    code, out = _cli(capsys, "--db", db, "--today", "2026-12-06", "list", "--json")
    assert json.loads(out) == []  # two years on, every order is in the archive
    code, out = _cli(capsys, "--db", db, "--today", "2026-12-06", "list", "--all", "--json")
    rows = json.loads(out)
    assert len(rows) == 246  # --all lists every order, closed history included
    assert sum(not r["done"] for r in rows) == 0
    assert not any(r["state"] in ("in transit",) for r in rows)
    assert {r["state"] for r in rows} == {"window closed", "cancelled"}
    code, out = _cli(capsys, "--db", db, "--today", "2026-12-06", "due")
    assert code == 1
    with OrderBook(tmp_path / "orders.json", today=date(2026, 12, 6)) as book:
        overview = book.overview()
        assert overview.open_orders == 0 and overview.due_soon == 0 and overview.overdue == 0


@needs_samples
def test_the_export_seen_when_it_was_fresh(tmp_path, capsys):
    db = str(tmp_path / "orders.json")
    with OrderBook(tmp_path / "orders.json", today=date(2024, 9, 30)) as book:
        importers.apply(book, importers.plan(book, SAMPLE, tz=TZ))
    at = ("--db", db, "--today", "2024-09-30")
    code, out = _cli(capsys, *at, "actions", "702-4060128-5100216", "--json")
    acts = {a["action"]: a for a in json.loads(out)}
    assert acts["return"]["available"] and acts["return"]["estimated"]
    assert acts["return"]["deadline"] == "2024-10-13"
    assert not acts["refuse"]["available"]
    code, out = _cli(capsys, *at, "list", "--json")
    row = next(r for r in json.loads(out) if r["order_number"] == "702-4060128-5100216")
    assert row["state"] == "delivered" and row["estimated"]
    assert row["next_deadline_text"].startswith("return by ~13 Oct (estimated)")
    code, out = _cli(capsys, *at, "show", "702-4060128-5100216")
    assert "delivered ~2024-09-13 (estimated: shipped 12 Sep by two-day delivery" in out
    code, out = _cli(capsys, *at, "due", "--days", "30", "--json")
    due = {d["order_number"]: d for d in json.loads(out)}
    assert due["702-4060128-5100216"]["estimated"] and code == 0
    code, out = _cli(capsys, *at, "export", "--format", "ics")
    assert "~Return by: Vacuum Storage Bags" in out.replace("\r\n ", "")


@needs_samples
def test_reimporting_the_export_is_idempotent_with_estimates(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=date(2026, 12, 6)) as book:
        importers.apply(book, importers.plan(book, SAMPLE, tz=TZ))
        before = book.orders()
        again = importers.plan(book, SAMPLE, tz=TZ)
        assert again.counts["new"] == again.counts["updated"] == 0
        assert book.orders() == before


@pytest.mark.parametrize("event", ["return-requested", "kept"])
def test_an_estimated_delivery_can_be_returned_or_kept(event):
    o = shipped_order(date(2024, 9, 12), "second-ca")
    o = record(o, event, date(2024, 9, 20))
    assert o.items[0].on(Event(event)) == date(2024, 9, 20)
