"""What unship knows and what it estimates about where an item is.

A delivery is recorded (the person, a mail or a file said so) or estimated from the ship
date and the transit allowance of the shipment's option and carrier (`transit.json`).
Nothing here is stored: estimates are worked out when asked, so a recorded fact always
wins, and an item shipped yesterday becomes delivered (estimated) once the latest
plausible day has passed.

- In transit: until ship date + the allowance's latest day; then delivered (estimated).
- A deadline from an estimate counts from the EARLIEST plausible delivery, so it is never
  later than the one the real delivery would give.
- History closes itself: see `advice.is_history`, which uses the LATEST plausible delivery,
  so nothing closes while the real window could still be open.
"""

from __future__ import annotations

from datetime import date, timedelta

import msgspec

from .model import Event, Item, Order, State
from .transit import Allowance, Transit, default_transit

# A window (or a non-returnable delivery) that ended this long ago is history, not work.
CLOSE_AFTER = timedelta(days=30)
# An order with no news this long after its last event: more than twice the longest
# shipment (21 days) plus a retailer's usual handling time.
NO_NEWS_AFTER = timedelta(days=45)

# The dates' keys as plain strings (an enum member's `.value` is a property call).
_DELIVERED, _OUT_FOR_DELIVERY, _SHIPPED = (
    Event.DELIVERED.value,
    Event.OUT_FOR_DELIVERY.value,
    Event.SHIPPED.value,
)
_TRAVELLING = frozenset({State.SHIPPED, State.OUT_FOR_DELIVERY})
_WAITING = frozenset({State.ORDERED, State.CANCEL_REQUESTED})


class Delivery(msgspec.Struct, frozen=True):
    """An item's delivery: `day` is the one deadlines count from."""

    day: date  # the recorded day, or the earliest plausible one
    latest: date  # the recorded day, or the latest plausible one
    estimated: bool
    shipped: date | None = None
    allowance: Allowance | None = None

    def basis(self, day_text) -> str:
        """'shipped 12 Sep by two-day delivery (arrives in 1-3 days)', for an estimate."""
        if not self.estimated or self.shipped is None or self.allowance is None:
            return ""
        a = self.allowance
        if not a.travels:
            return f"{a.label} on {day_text(self.shipped)}"
        if a is _OUT:  # counted from the day on the van, not from the ship date
            return f"out for delivery on {day_text(self.day)} (delivered that day or the next)"
        span = f"{a.earliest}-{a.latest}" if a.earliest != a.latest else f"{a.latest}"
        return f"shipped {day_text(self.shipped)} by {a.label} ({span} days in transit)"

    def arriving(self, today: date, day_text) -> str:
        """'arriving ~13 Sep to ~15 Sep', for a parcel still on its way; once its earliest
        plausible day has gone by, only the latest: 'arriving by ~2 Oct'."""
        if self.day < today:
            return f"arriving by ~{day_text(self.latest)}"
        if self.day == self.latest:
            return f"arriving ~{day_text(self.day)}"
        return f"arriving ~{day_text(self.day)} to ~{day_text(self.latest)}"


def shipment(order: Order, item: Item) -> tuple[str, str, str]:
    """(shipping option, carrier, website) of the item's shipment."""
    return (
        item.extra.get("shipping", ""),
        item.extra.get("carrier", "") or order.carrier,
        order.extra.get("website", ""),
    )


def allowance_for(order: Order, item: Item, transit: Transit | None = None) -> Allowance:
    transit = transit or default_transit()
    if item.extra.get("delivery") == "digital" or item.category == "digital":
        return transit.allowances["digital"]
    return transit.allowance(*shipment(order, item))


def delivery(order: Order, item: Item, transit: Transit | None = None) -> Delivery | None:
    """The item's delivery, recorded or estimated; None while nothing has shipped."""
    recorded = item.dates.get(_DELIVERED)
    if recorded is not None:
        return Delivery(recorded, recorded, False)
    out = item.dates.get(_OUT_FOR_DELIVERY)
    shipped = item.dates.get(_SHIPPED)
    if shipped is None and item.state is State.ORDERED and item.extra.get("status") == "closed":
        shipped = order.ordered_on  # a file said the retailer closed it: it went out
    if out is not None:  # on the van: today, or the next try
        return Delivery(out, out + timedelta(days=1), True, shipped or out, _OUT)
    if shipped is None:
        return None
    a = allowance_for(order, item, transit)
    return Delivery(
        shipped + timedelta(days=a.earliest), shipped + timedelta(days=a.latest), True, shipped, a
    )


_OUT = Allowance("out-for-delivery", "out for delivery", 0, 1)


def effective_state(item: Item, found: Delivery | None, today: date) -> State:
    """The item's state with estimates applied: a shipment past its latest plausible day
    (or one that carries nothing) counts as delivered. A refund short of the price, not
    accepted, is a problem to chase (`Item.refund_short`)."""
    if item.refund_short:
        return State.PROBLEM
    travelling = item.state in _TRAVELLING or (
        item.state is State.ORDERED and item.extra.get("status") == "closed"
    )
    if not (travelling and found is not None and found.estimated):
        return item.state
    carried = found.allowance is None or found.allowance.travels
    return State.DELIVERED if today > found.latest or not carried else item.state


def last_news(order: Order, item: Item) -> date:
    return max(item.dates.values(), default=order.ordered_on)


def no_news(order: Order, item: Item, today: date) -> date | None:
    """The day of the last news when an item still waiting to ship has had none for far
    longer than any shipment takes; None otherwise."""
    if item.state not in _WAITING or item.extra.get("status") == "closed":
        return None
    last = last_news(order, item)
    return last if today - last > NO_NEWS_AFTER else None


def ship_date_problem(ordered_on: date, shipped: date, today: date | None) -> str:
    """Why a ship date read from a file can't be right ('' when it can)."""
    if shipped < ordered_on - timedelta(days=1):  # a day's slack: UTC times near midnight
        return f"ship date {shipped.isoformat()} is before the order date {ordered_on.isoformat()}"
    if today is not None and shipped > today:
        return f"ship date {shipped.isoformat()} is in the future"
    return ""


def _chosen(order: Order, items: list[int] | tuple[int, ...] | None) -> list[Item]:
    indexes = range(len(order.items)) if items is None else items
    return [order.items[i] for i in indexes if 0 <= i < len(order.items)]


def delivery_default(order: Order, items: list[int] | tuple[int, ...] | None = None) -> date | None:
    """The day to offer when the person records a delivery: the estimate (its earliest
    plausible day) of the chosen items still on their way; None when there is none."""
    days = [
        found.day
        for item in _chosen(order, items)
        if item.state in _TRAVELLING and (found := delivery(order, item)) and found.estimated
    ]
    return min(days) if days else None


def delivery_warning(
    order: Order, items: list[int] | tuple[int, ...] | None, on: date, day_text
) -> str:
    """A word of doubt when a delivery day is implausibly long after shipping ('' if not)."""
    for item in _chosen(order, items):
        shipped = item.dates.get(_SHIPPED)
        if shipped is None or item.state not in _TRAVELLING:
            continue
        a = allowance_for(order, item)
        if a.travels and on > shipped + timedelta(days=a.latest + IMPLAUSIBLE_SLACK):
            took = (on - shipped).days
            return (
                f"{took} days after it shipped on {day_text(shipped)}, while {a.label} takes "
                f"{a.earliest}-{a.latest} days: check the date"
            )
    return ""


# How many days past the latest plausible delivery a recorded day starts to look wrong.
IMPLAUSIBLE_SLACK = 7
