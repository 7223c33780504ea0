"""The item lifecycle: every listed transition works, everything else is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unship.store import lifecycle
from unship.store.lifecycle import TRANSITIONS, TransitionError, record, summary_state
from unship.store.model import Event, State, new_item, new_order

ORDERED_ON = date(2026, 11, 1)


def order(*titles: str):
    items = [new_item(t, 1000) for t in titles or ("Thing",)]
    return new_order("Amazon", "113-1234567-1234567", ORDERED_ON, items)


def test_every_state_has_a_row():
    assert set(TRANSITIONS) == set(State)


@pytest.mark.parametrize(
    ("state", "event"),
    [(s, e) for s in State for e in Event],
    ids=lambda v: v.value,
)
def test_transition_table_is_the_only_truth(state, event):
    if event in TRANSITIONS[state]:
        assert lifecycle.next_state(state, event) == TRANSITIONS[state][event]
    else:
        with pytest.raises(TransitionError, match=f"can't mark {event.value}"):
            lifecycle.next_state(state, event)


def test_delivered_cannot_go_back_to_ordered_or_be_cancelled():
    o = record(order(), "shipped", ORDERED_ON + timedelta(days=1))
    o = record(o, "delivered", ORDERED_ON + timedelta(days=2))
    with pytest.raises(TransitionError, match="the item is delivered"):
        record(o, "cancelled", ORDERED_ON + timedelta(days=3))
    assert not any(
        State.ORDERED in TRANSITIONS[s].values() for s in State if s is not State.CANCEL_REQUESTED
    )


def test_refund_before_anything_happened_is_refused():
    with pytest.raises(TransitionError, match="can't mark refunded: the item is ordered"):
        record(order(), "refunded", ORDERED_ON)


def test_dates_cannot_go_backwards_or_before_the_order():
    o = record(order(), "shipped", ORDERED_ON + timedelta(days=5))
    with pytest.raises(TransitionError, match="last event was on 2026-11-06"):
        record(o, "delivered", ORDERED_ON + timedelta(days=2))
    with pytest.raises(TransitionError, match="before the order date"):
        record(order(), "shipped", ORDERED_ON - timedelta(days=1))
    with pytest.raises(TransitionError, match="in the future"):
        record(order(), "shipped", date(2026, 12, 1), today=date(2026, 11, 28))


def test_unknown_event_is_named():
    with pytest.raises(TransitionError, match="unknown event 'teleported'"):
        record(order(), "teleported", ORDERED_ON)


def test_event_applies_to_every_item_it_can_and_history_says_which():
    o = order("a", "b")
    o = record(o, "cancelled", ORDERED_ON, items=[0])
    o = record(o, "shipped", ORDERED_ON + timedelta(days=1))  # only b can ship
    assert [i.state for i in o.items] == [State.CANCELLED, State.SHIPPED]
    assert o.history[-1].items == (1,)
    assert summary_state(o) == "1 cancelled, 1 in transit"


def test_bad_item_index():
    with pytest.raises(TransitionError, match="there is no item 3"):
        record(order("a", "b"), "shipped", ORDERED_ON, items=[2])


@settings(max_examples=300, deadline=None)
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(list(Event)), st.integers(0, 5), st.sampled_from([None, 0, 1])),
        max_size=25,
    )
)
def test_no_sequence_of_events_reaches_an_impossible_state(steps):
    o = order("a", "b")
    day = ORDERED_ON
    for event, gap, item in steps:
        day += timedelta(days=gap)
        before = o
        try:
            o = record(o, event, day, items=None if item is None else [item])
        except TransitionError:
            assert o is before
            continue
        for n, (old, new) in enumerate(zip(before.items, o.items, strict=True)):
            filled = event is Event.SHIPPED and lifecycle.ship_day_missing(before, n)
            if old is not new and filled:
                # or the ship day of an item delivered without one, filled in: nothing else
                assert new.state is old.state
                assert new.dates == {**old.dates, "shipped": day} and lifecycle.ship_day(o, n)
                assert ORDERED_ON <= day <= new.dates["delivered"]
            elif old is not new:
                # every change is a listed transition, dated no earlier than anything before it
                assert TRANSITIONS[old.state][event] == new.state
                assert new.dates[event.value] >= max(old.dates.values(), default=ORDERED_ON)
        # a refunded, cancelled item never comes back to life except through listed moves
        for it in o.items:
            assert it.state in State
            if it.state is State.ORDERED:
                assert Event.SHIPPED.value not in it.dates and Event.DELIVERED.value not in it.dates


def test_picked_up_is_said_in_the_history_and_asked_once_of_a_parcel_that_waits():
    from msgspec.structs import replace

    delivered = record(order(), "delivered", ORDERED_ON + timedelta(days=3))
    with pytest.raises(TransitionError, match="no pickup notice is recorded"):
        lifecycle.picked_up(delivered, ORDERED_ON + timedelta(days=4))
    waiting = replace(delivered, extra={"pickup_by": "2026-11-08", "pickup_at": "the Hub"})
    with pytest.raises(TransitionError, match="in the future"):
        lifecycle.picked_up(waiting, date(2026, 11, 6), today=date(2026, 11, 5))
    got = lifecycle.picked_up(waiting, date(2026, 11, 5), note="code 1234", today=date(2026, 11, 5))
    assert got.extra == {
        "pickup_by": "2026-11-08",
        "pickup_at": "the Hub",
        "picked_up": "2026-11-05",
    }
    assert got.history[-1].event == "note"
    assert got.history[-1].note == "picked up at the Hub; code 1234"
    assert got.items == waiting.items  # the items' states are the delivery's
    with pytest.raises(TransitionError, match="already marked picked up on 2026-11-05"):
        lifecycle.picked_up(got, date(2026, 11, 5))
    with pytest.raises(TransitionError, match="the parcel's last event was on 2026-11-04"):
        lifecycle.picked_up(waiting, date(2026, 11, 3))  # before it reached the locker


def test_a_parcel_held_by_the_carrier_is_delivered_the_day_it_is_picked_up():
    from msgspec.structs import replace

    shipped = record(order("Lamp", "Plug"), "shipped", ORDERED_ON + timedelta(days=1))
    held = replace(shipped, extra={"pickup_by": "2026-11-12", "pickup_at": "the post office"})
    got = lifecycle.picked_up(held, date(2026, 11, 6))
    assert [i.state for i in got.items] == [State.DELIVERED, State.DELIVERED]
    assert got.items[0].dates["delivered"] == date(2026, 11, 6)
    assert got.history[-1].event == "delivered"
    assert got.history[-1].note == "picked up at the post office"
    assert got.extra["picked_up"] == "2026-11-06"
    with pytest.raises(TransitionError, match="can't mark picked up on 2026-11-01: the parcel's"):
        lifecycle.picked_up(held, ORDERED_ON)


def test_a_ship_day_not_known_can_be_filled_in_once_between_order_and_delivery():
    o = record(order("a", "b"), "delivered", ORDERED_ON + timedelta(days=6))  # straight away
    assert [lifecycle.ship_day(o, n) for n in (0, 1)] == [None, None]
    assert lifecycle.can_record(o, 0, Event.SHIPPED) and not lifecycle.possible(
        o.items[0], Event.SHIPPED
    )
    with pytest.raises(TransitionError, match="it was delivered on 2026-11-07"):
        record(o, "shipped", ORDERED_ON + timedelta(days=7))
    with pytest.raises(TransitionError, match="before the order date"):
        record(o, "shipped", ORDERED_ON - timedelta(days=1))
    filled = record(o, "shipped", ORDERED_ON + timedelta(days=2), items=[0])
    assert filled.items[0].state is State.DELIVERED
    assert lifecycle.ship_day(filled, 0) == ORDERED_ON + timedelta(days=2)
    assert lifecycle.ship_day(filled, 1) is None  # item b's is still not known
    # the history tells it where it happened, before the delivery
    assert [(e.on.day, e.event, e.items) for e in filled.history] == [
        (1, "placed", ()),
        (3, "shipped", (0,)),
        (7, "delivered", (0, 1)),
    ]
    with pytest.raises(TransitionError, match="can't mark shipped: the item is delivered"):
        record(filled, "shipped", ORDERED_ON + timedelta(days=3), items=[0])
    both = record(filled, "shipped", ORDERED_ON + timedelta(days=4))  # the one that can
    assert lifecycle.ship_day(both, 1) == ORDERED_ON + timedelta(days=4)
    assert both.items[0] == filled.items[0]
