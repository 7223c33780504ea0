"""The item lifecycle: which event may happen in which state, and where it leads.

Every transition is listed here; anything else is refused with a message that says
what the item's state is and what can happen from there.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .model import Event, HistoryEntry, Item, ModelError, Order, State, replace
from .money import format_money
from .text import NOTE_MAX, clean_line, clean_text

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
    # Only while the refund is short (`Item.refund_short`; see `possible`): the rest of it
    # arrived, or the person accepts what came.
    S.REFUNDED: {
        E.REFUNDED: S.REFUNDED,
        E.REFUND_ACCEPTED: S.REFUNDED,
    },
    S.KEPT: {
        E.PROBLEM: S.PROBLEM,
        # Only while the return window is open: the window comes from the retailer's policy,
        # so the order book checks it (advice.unkeep_refusal) before recording.
        E.UNKEPT: S.DELIVERED,
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


# Events that need more than the item's state: a refund to be short.
_NEEDS_SHORT = frozenset({E.REFUNDED, E.REFUND_ACCEPTED})


def possible(item: Item, event: Event) -> bool:
    """The event can happen to the item now (its state allows it; for a refunded item only
    while the refund is short; un-keeping only an item whose delivery is recorded)."""
    if event not in TRANSITIONS[item.state]:
        return False
    if event is E.UNKEPT and E.DELIVERED.value not in item.dates:
        return False  # back to delivered needs a delivery: kept before it was recorded
    return not (item.state is S.REFUNDED and event in _NEEDS_SHORT and not item.refund_short)


def next_state(state: State, event: Event, item: Item | None = None) -> State:
    """Where `event` leads from `state`; refused with what can happen instead (for `item`,
    only what is possible for it now)."""
    try:
        new = TRANSITIONS[state][event]
        if item is None or possible(item, event):
            return new
    except KeyError:
        pass
    events = [e for e in TRANSITIONS[state] if item is None or possible(item, e)]
    can = ", ".join(e.value for e in events) or "nothing: it is final"
    raise TransitionError(f"can't mark {event.value}: the item is {state.label}; from there: {can}")


def apply_event(
    item: Item,
    event: Event,
    on: date,
    *,
    ordered_on: date,
    refunded: int | None = None,
    return_tracking: str = "",
) -> Item:
    """The item after `event` happened on `on`; refuses an impossible event or date.

    refunded: the amount refunded for this item now (with `refunded`), added to what an
    earlier short refund brought; return_tracking: the return parcel's number (with
    `return-shipped`)."""
    new_state = next_state(item.state, event, item)
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
    changes: dict = {"state": new_state, "dates": dates}
    if event is E.REFUNDED:
        earlier = item.refunded if item.state is S.REFUNDED and item.refunded is not None else 0
        if refunded is not None:
            changes["refunded"] = earlier + refunded
        elif item.state is S.REFUNDED:  # the rest arrived, amount not said: all of it
            changes["refunded"] = item.line_total
    if event is E.RETURN_SHIPPED and return_tracking:
        changes["return_tracking"] = return_tracking
    return replace(item, **changes)


def ship_day(order: Order, index: int) -> date | None:
    """The day item `index` shipped, when that is known. A delivery logged straight from
    ordered gives the item the delivery day as its ship day ("by that day", `apply_event`),
    which no shipping event in the history backs: that day is not known (None)."""
    item = order.items[index]
    shipped = item.on(E.SHIPPED)
    if shipped is None or shipped != item.on(E.DELIVERED):
        return shipped
    for entry in order.history:
        if entry.event == E.SHIPPED.value and (not entry.items or index in entry.items):
            return shipped
    return None


def ship_day_missing(order: Order, index: int) -> bool:
    """Item `index` was delivered with no ship day of its own: marking it shipped on a day up
    to its delivery fills that day in (a window that starts at shipment counts from it)."""
    return order.items[index].on(E.DELIVERED) is not None and ship_day(order, index) is None


def can_record(order: Order, index: int, event: Event) -> bool:
    """`event` can be recorded for item `index` now: its state allows it, or it is the ship
    day of an item delivered without one."""
    return possible(order.items[index], event) or (
        event is E.SHIPPED and ship_day_missing(order, index)
    )


def _fill_ship_day(item: Item, on: date, ordered_on: date) -> Item:
    """The item, delivered, with the day it shipped: between the order and the delivery."""
    delivered = item.dates[E.DELIVERED.value]
    if on < ordered_on:
        raise TransitionError(
            f"can't mark shipped on {on.isoformat()}: that is before the order date "
            f"{ordered_on.isoformat()}"
        )
    if on > delivered:
        raise TransitionError(
            f"can't mark shipped on {on.isoformat()}: it was delivered on {delivered.isoformat()}"
        )
    return replace(item, dates={**item.dates, E.SHIPPED.value: on})


def share_refund(items: list[Item], amount: int) -> list[int]:
    """An amount refunded for several items, shared out in their order: each gets what it is
    owed (its price, less what an earlier short refund brought) until the amount runs out;
    the last one takes any excess."""
    shares = []
    left = amount
    for item in items:
        share = min(left, item.refund_owed)
        shares.append(share)
        left -= share
    if shares:
        shares[-1] += left
    return shares


def record(
    order: Order,
    event: Event | str,
    on: date,
    *,
    items: list[int] | tuple[int, ...] | None = None,
    note: str = "",
    today: date | None = None,
    refunded: int | None = None,
    return_tracking: str = "",
) -> Order:
    """The order after `event` happened to some of its items (all of them by default).

    With no items named, the event applies to every item for which it is possible
    (marking an order shipped leaves its cancelled items alone); if it is possible for
    none, the first item's refusal is raised.

    refunded: the amount refunded (minor units) for the items together, with `refunded`
    (`share_refund` splits it); less than they cost makes the refund short (`Item.refund_short`).
    return_tracking: the return parcel's tracking number, with `return-shipped`.
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
    if refunded is not None and (event is not E.REFUNDED or refunded < 0):
        raise TransitionError("a refunded amount goes with refunded, and is zero or more")
    return_tracking = clean_line(return_tracking, limit=60).replace(" ", "")
    if return_tracking and event is not E.RETURN_SHIPPED:
        raise TransitionError("a return tracking number goes with return-shipped")
    if items is None:
        chosen = [i for i in range(len(order.items)) if can_record(order, i, event)]
        if not chosen:
            next_state(order.items[0].state, event, order.items[0])  # raises with the reason
            raise TransitionError(f"can't mark {event.value}")  # pragma: no cover
    else:
        chosen = sorted(set(items))
        for index in chosen:
            if not 0 <= index < len(order.items):
                raise TransitionError(
                    f"there is no item {index + 1}: the order has {len(order.items)}"
                )
    new_items = list(order.items)
    shares: list[int | None] = [None] * len(chosen)
    if refunded is not None:
        shares = list(share_refund([new_items[i] for i in chosen], refunded))
    filled = False  # a ship day filled in for an item delivered without one
    for index, share in zip(chosen, shares, strict=True):
        if event is E.SHIPPED and ship_day_missing(order, index):
            new_items[index] = _fill_ship_day(new_items[index], on, order.ordered_on)
            filled = True
            continue
        new_items[index] = apply_event(
            new_items[index],
            event,
            on,
            ordered_on=order.ordered_on,
            refunded=share,
            return_tracking=return_tracking,
        )
    said = []  # what the history says of the amount and the parcel, the same from every door
    if refunded is not None:
        said.append(f"refunded {format_money(refunded, order.currency)}")
        short = sum(new_items[i].refund_short for i in chosen)
        if short:
            said.append(f"{format_money(short, order.currency)} short")
    if return_tracking:
        said.append(f"return tracking {return_tracking}")
    note = "; ".join([*said, note] if note.strip() else said)
    entry = HistoryEntry(
        on=on,
        event=event.value,
        items=tuple(chosen) if len(order.items) > 1 else (),
        note=clean_text(note, limit=NOTE_MAX),
    )
    history = list(order.history)
    at = len(history)
    if filled:  # a day filled in goes where it happened, before the delivery
        at = next((n for n, e in enumerate(history) if e.on > on), at)
    history.insert(at, entry)
    return replace(order, items=tuple(new_items), history=tuple(history))


def picked_up(order: Order, on: date, *, note: str = "", today: date | None = None) -> Order:
    """The order after its parcel was collected from the pickup point a notice named
    (`extra["pickup_by"]`): the day is kept (`extra["picked_up"]`), so the 'pick it up by'
    reminder ends, and the history says so. Items still on their way (a carrier holding the
    parcel at a post office) are delivered that day: their return window starts. Items
    delivered to a locker stay as they are (the notice recorded that delivery)."""
    if not order.extra.get("pickup_by"):
        raise TransitionError(
            "can't mark picked up: no pickup notice is recorded for this order "
            "(nothing waits at a pickup point)"
        )
    if order.extra.get("picked_up"):
        raise TransitionError(f"already marked picked up on {order.extra['picked_up']}")
    if today is not None and on > today:
        raise TransitionError(f"can't mark picked up on {on.isoformat()}: that is in the future")
    at_point = [  # the dates of the items waiting there (or delivered to the locker)
        day
        for item in order.items
        if item.state in (S.SHIPPED, S.OUT_FOR_DELIVERY, S.DELIVERED)
        for day in item.dates.values()
    ]
    if at_point and on < max(at_point):
        raise TransitionError(
            f"can't mark picked up on {on.isoformat()}: the parcel's last event was on "
            f"{max(at_point).isoformat()}"
        )
    where = order.extra.get("pickup_at", "")
    said = "; ".join(filter(None, [f"picked up at {where}" if where else "picked up", note]))
    extra = {**order.extra, "picked_up": on.isoformat()}
    waiting = [
        i for i, item in enumerate(order.items) if item.state in (S.SHIPPED, S.OUT_FOR_DELIVERY)
    ]
    if waiting:  # allowed from their states, on a day checked above
        delivered = record(order, E.DELIVERED, on, items=waiting, note=said, today=today)
        return replace(delivered, extra=extra)
    entry = HistoryEntry(on=on, event="note", note=clean_text(said, limit=NOTE_MAX))
    return replace(order, extra=extra, history=(*order.history, entry))


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
    """Something may still happen to at least one item (a short refund is still owed)."""
    return any(item.state not in FINAL_STATES or item.refund_short for item in order.items)


def shipped_if_tracked(order: Order) -> Order:
    """A new order logged with a tracking number has shipped: recorded on the order date
    (the earliest it can have), for the items still ordered."""
    if not order.tracking or not any(item.state is S.ORDERED for item in order.items):
        return order
    return record(order, E.SHIPPED, order.ordered_on, note="logged with a tracking number")
