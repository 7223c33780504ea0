"""The item lifecycle: which event may happen in which state, and where it leads.

Every transition is listed here; anything else is refused with a message that says
what the item's state is and what can happen from there.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .model import Event, HistoryEntry, Item, ModelError, Order, State, replace
from .text import NOTE_MAX, clean_text

S, E = State, Event

TRANSITIONS: dict[State, dict[Event, State]] = {
    S.ORDERED: {
        E.SHIPPED: S.SHIPPED,
        E.OUT_FOR_DELIVERY: S.OUT_FOR_DELIVERY,
        E.DELIVERED: S.DELIVERED,
        E.CANCEL_REQUESTED: S.CANCEL_REQUESTED,
        E.CANCELLED: S.CANCELLED,
        E.PROBLEM: S.PROBLEM,
    },
    S.CANCEL_REQUESTED: {
        E.CANCELLED: S.CANCELLED,
        E.CANCEL_FAILED: S.ORDERED,
        # The cancel came too late: the item shipped anyway.
        E.SHIPPED: S.SHIPPED,
        E.OUT_FOR_DELIVERY: S.OUT_FOR_DELIVERY,
        E.DELIVERED: S.DELIVERED,
        E.PROBLEM: S.PROBLEM,
    },
    S.CANCELLED: {
        # A charged order is refunded after the cancel.
        E.REFUNDED: S.REFUNDED,
    },
    # A shipment with no delivery recorded counts as delivered once its latest plausible
    # day has passed (store/estimates.py): it can be returned or kept from there.
    S.SHIPPED: {
        E.OUT_FOR_DELIVERY: S.OUT_FOR_DELIVERY,
        E.DELIVERED: S.DELIVERED,
        E.REFUSED: S.REFUSED,
        E.PROBLEM: S.PROBLEM,
        E.RETURN_REQUESTED: S.RETURN_REQUESTED,
        E.KEPT: S.KEPT,
    },
    S.OUT_FOR_DELIVERY: {
        E.DELIVERED: S.DELIVERED,
        E.REFUSED: S.REFUSED,
        E.PROBLEM: S.PROBLEM,
        E.RETURN_REQUESTED: S.RETURN_REQUESTED,
        E.KEPT: S.KEPT,
    },
    S.DELIVERED: {
        E.RETURN_REQUESTED: S.RETURN_REQUESTED,
        E.REFUNDED: S.REFUNDED,  # a refund without a return (e.g. damaged, not as described)
        E.KEPT: S.KEPT,
        E.PROBLEM: S.PROBLEM,
    },
    S.REFUSED: {
        E.REFUNDED: S.REFUNDED,
        E.PROBLEM: S.PROBLEM,
    },
    S.RETURN_REQUESTED: {
        E.RETURN_SHIPPED: S.RETURN_SHIPPED,
        E.REFUNDED: S.REFUNDED,  # a returnless refund
        E.KEPT: S.KEPT,  # changed their mind and kept it
        E.PROBLEM: S.PROBLEM,
    },
    S.RETURN_SHIPPED: {
        E.REFUNDED: S.REFUNDED,
        E.PROBLEM: S.PROBLEM,
    },
    S.REFUNDED: {},
    S.KEPT: {
        E.PROBLEM: S.PROBLEM,
    },
    S.PROBLEM: {
        E.SHIPPED: S.SHIPPED,  # a replacement is on its way
        E.DELIVERED: S.DELIVERED,  # it turned up after all
        E.RETURN_REQUESTED: S.RETURN_REQUESTED,
        E.REFUNDED: S.REFUNDED,
        E.KEPT: S.KEPT,
    },
}

# States in which nothing more is expected to happen.
FINAL_STATES = frozenset({S.CANCELLED, S.REFUNDED, S.KEPT})
# Still on its way to the person.
INBOUND_STATES = frozenset({S.ORDERED, S.CANCEL_REQUESTED, S.SHIPPED, S.OUT_FOR_DELIVERY})
# Money going back: a refund is owed.
REFUND_PENDING_STATES = frozenset({S.REFUSED, S.RETURN_REQUESTED, S.RETURN_SHIPPED})


class TransitionError(ModelError):
    """An event that cannot happen to an item in its current state."""


def next_state(state: State, event: Event) -> State:
    try:
        return TRANSITIONS[state][event]
    except KeyError:
        can = ", ".join(e.value for e in TRANSITIONS[state]) or "nothing: it is final"
        raise TransitionError(
            f"can't mark {event.value}: the item is {state.label}; from there: {can}"
        ) from None


def apply_event(item: Item, event: Event, on: date, *, ordered_on: date) -> Item:
    """The item after `event` happened on `on`; refuses an impossible event or date."""
    new_state = next_state(item.state, event)
    if on < ordered_on:
        raise TransitionError(
            f"can't mark {event.value} on {on.isoformat()}: "
            f"that is before the order date {ordered_on.isoformat()}"
        )
    latest = max(item.dates.values(), default=None)
    if latest is not None and on < latest:
        raise TransitionError(
            f"can't mark {event.value} on {on.isoformat()}: "
            f"the item's last event was on {latest.isoformat()}"
        )
    dates = dict(item.dates)
    if event is E.DELIVERED and E.SHIPPED.value not in dates:
        # Logged after it arrived (straight from ordered): it shipped too, by that day.
        dates[E.SHIPPED.value] = on
    dates[event.value] = on
    return replace(item, state=new_state, dates=dates)


def record(
    order: Order,
    event: Event | str,
    on: date,
    *,
    items: list[int] | tuple[int, ...] | None = None,
    note: str = "",
    today: date | None = None,
) -> Order:
    """The order after `event` happened to some of its items (all of them by default).

    With no items named, the event applies to every item for which it is possible
    (marking an order shipped leaves its cancelled items alone); if it is possible for
    none, the first item's refusal is raised.
    """
    try:
        event = Event(event)
    except ValueError:
        known = ", ".join(e.value for e in Event)
        raise TransitionError(f"unknown event {event!r}; one of: {known}") from None
    if today is not None and on > today:
        raise TransitionError(
            f"can't mark {event.value} on {on.isoformat()}: that is in the future"
        )
    if items is None:
        chosen = [i for i, item in enumerate(order.items) if event in TRANSITIONS[item.state]]
        if not chosen:
            next_state(order.items[0].state, event)  # raises with the reason
            raise TransitionError(f"can't mark {event.value}")  # pragma: no cover
    else:
        chosen = sorted(set(items))
        for index in chosen:
            if not 0 <= index < len(order.items):
                raise TransitionError(
                    f"there is no item {index + 1}: the order has {len(order.items)}"
                )
    new_items = list(order.items)
    for index in chosen:
        new_items[index] = apply_event(new_items[index], event, on, ordered_on=order.ordered_on)
    entry = HistoryEntry(
        on=on,
        event=event.value,
        items=tuple(chosen) if len(order.items) > 1 else (),
        note=clean_text(note, limit=NOTE_MAX),
    )
    return replace(order, items=tuple(new_items), history=(*order.history, entry))


CLOSED_LABEL = "window closed"


def summary_state(order: Order, states: tuple[State, ...] | None = None) -> str:
    """The order's state in a few words: 'delivered', or '1 shipped, 1 ordered'.

    `states`: the items' states to describe instead of the stored ones (estimates applied)."""
    if states is None:
        states = tuple(item.state for item in order.items)
    if states and states.count(states[0]) == len(states):  # most orders: one state
        return states[0].label
    counts = Counter(states)
    if len(counts) == 1:
        return next(iter(counts)).label
    parts = sorted(counts.items(), key=lambda kv: list(State).index(kv[0]))
    return ", ".join(f"{n} {state.label}" for state, n in parts)


def is_open(order: Order) -> bool:
    """Something may still happen to at least one item."""
    return any(item.state not in FINAL_STATES for item in order.items)


def shipped_if_tracked(order: Order) -> Order:
    """A new order logged with a tracking number has shipped: recorded on the order date
    (the earliest it can have), for the items still ordered."""
    if not order.tracking or not any(item.state is S.ORDERED for item in order.items):
        return order
    return record(order, E.SHIPPED, order.ordered_on, note="logged with a tracking number")
