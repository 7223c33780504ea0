"""The advice engine: for each item, what the person can do now, why not, and by when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from . import estimates
from .estimates import Delivery
from .lifecycle import CLOSED_LABEL, FINAL_STATES, summary_state
from .model import Event, Item, Order, State
from .policies import Policy, PolicyBook

DECISIONS = ("cancel", "refuse", "return")
CHECK = "check with the retailer"


def day_text(day: date, today: date) -> str:
    """'21 Nov', or '21 Nov 2025' outside today's year."""
    return _day_text(day, day.year == today.year)


@lru_cache(maxsize=4096)
def _day_text(day: date, this_year: bool) -> str:
    # strftime costs ~10 us and the advice engine asks for the same few days again and again
    text = f"{day.day} {day:%b}"
    return text if this_year else f"{text} {day.year}"


def days_left_text(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "1 day left"
    if left > 1:
        return f"{left} days left"
    return "1 day overdue" if left == -1 else f"{-left} days overdue"


@dataclass(frozen=True)
class Action:
    action: str  # cancel, refuse, return, track, mark-shipped, ...
    label: str
    available: bool
    reason: str
    kind: str = "decision"  # or "follow-up"
    deadline: date | None = None
    steps: tuple[str, ...] = ()
    cost_note: str = ""
    event: str | None = None  # the event recorded when the person does it
    items: tuple[int, ...] = ()
    link: str = ""
    overdue: bool = False
    # The deadline counts from an estimated delivery (the earliest plausible day).
    estimated: bool = False

    def to_json(self, order: Order | None = None) -> dict:
        data = {
            "action": self.action,
            "label": self.label,
            "available": self.available,
            "reason": self.reason,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "estimated": self.estimated,
            "overdue": self.overdue,
            "steps": list(self.steps),
            "cost_note": self.cost_note or None,
            "event": self.event,
            "kind": self.kind,
            "items": [i + 1 for i in self.items],
            "link": self.link or None,
        }
        if order is not None:
            data["item_titles"] = [order.items[i].title for i in self.items]
        return data


@dataclass(frozen=True)
class Context:
    order: Order
    policy: Policy
    book: PolicyBook
    today: date
    index: int
    item: Item = field(init=False)
    delivery: Delivery | None = field(init=False)
    # The item's state with estimates applied (a shipment long past its latest plausible
    # day counts as delivered); the stored state is `item.state`.
    state: State = field(init=False)

    def __post_init__(self) -> None:
        item = self.order.items[self.index]
        found = estimates.delivery(self.order, item)
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "delivery", found)
        object.__setattr__(self, "state", estimates.effective_state(item, found, self.today))

    @property
    def estimated(self) -> bool:
        """The item counts as delivered on an estimate (no delivery date is recorded)."""
        return self.delivery is not None and self.delivery.estimated

    def day(self, d: date | None) -> str:
        return day_text(d, self.today) if d else "?"

    def approx(self, d: date | None) -> str:
        """A day, with '~' when it comes from an estimated delivery."""
        return f"~{self.day(d)}" if self.estimated else self.day(d)

    def since(self, event: Event | str) -> date | None:
        return self.item.on(event)

    def category(self) -> str:
        return self.book.category(self.item.category)

    def return_by(self, *, latest: bool = False) -> date | None:
        """The return window's last day, from the delivery (the earliest plausible day of an
        estimate, or with `latest` the latest plausible one)."""
        if self.delivery is None:
            return None
        delivered = self.delivery.latest if latest else self.delivery.day
        return self.policy.return_by(self.category(), delivered, self.since(Event.SHIPPED))

    def estimate_note(self) -> str:
        """'estimated: shipped 12 Sep by two-day delivery (1-3 days in transit); record the
        delivery date to make it exact', or ''."""
        if not self.estimated or self.delivery is None:
            return ""
        basis = self.delivery.basis(self.day)
        return f"estimated: {basis}; record the delivery date to make it exact"

    def tracking_link(self) -> str:
        carrier = self.book.carrier(self.order.carrier)
        return carrier.link(self.order.tracking) if carrier else ""


def _state_phrase(ctx: Context) -> str:
    """'shipped on 21 Nov', 'delivered on 23 Nov', ... for the item's current state."""
    state = ctx.state
    event_of = {
        State.CANCEL_REQUESTED: Event.CANCEL_REQUESTED,
        State.CANCELLED: Event.CANCELLED,
        State.SHIPPED: Event.SHIPPED,
        State.OUT_FOR_DELIVERY: Event.OUT_FOR_DELIVERY,
        State.DELIVERED: Event.DELIVERED,
        State.REFUSED: Event.REFUSED,
        State.RETURN_REQUESTED: Event.RETURN_REQUESTED,
        State.RETURN_SHIPPED: Event.RETURN_SHIPPED,
        State.REFUNDED: Event.REFUNDED,
        State.KEPT: Event.KEPT,
        State.PROBLEM: Event.PROBLEM,
    }
    words = {
        State.CANCEL_REQUESTED: "cancel requested",
        State.OUT_FOR_DELIVERY: "out for delivery",
        State.RETURN_REQUESTED: "return started",
        State.PROBLEM: "problem reported",
    }
    if state is State.ORDERED:
        return f"ordered on {ctx.day(ctx.order.ordered_on)}"
    if state is State.DELIVERED and ctx.estimated and ctx.delivery is not None:
        return f"delivered ~{ctx.day(ctx.delivery.day)} (estimated)"
    when = ctx.since(event_of[state])
    word = words.get(state, state.value.replace("-", " "))
    return f"{word} on {ctx.day(when)}" if when else word


def _cancel(ctx: Context) -> Action:
    state, policy = ctx.state, ctx.policy
    third_party = bool(ctx.item.seller) and ctx.item.seller.lower() not in ("amazon", "amazon.com")
    steps = policy.cancel_steps_third_party if third_party else policy.cancel_steps
    silent = estimates.no_news(ctx.order, ctx.item, ctx.today)
    if state is State.ORDERED and silent is not None:
        reason = f"no news since {ctx.day(silent)}: check its status before you try to cancel"
        return Action("cancel", "Cancel", False, reason, steps=steps)
    if state is State.ORDERED:
        if ctx.since(Event.CANCEL_FAILED):
            reason = (
                f"your cancel request failed on {ctx.day(ctx.since(Event.CANCEL_FAILED))}; "
                "try again, or refuse it at the door when it comes"
            )
        elif third_party:
            reason = "not shipped yet: ask the seller to cancel (they must approve)"
        else:
            reason = "not shipped yet: you can still cancel"
        return Action("cancel", "Cancel", True, reason, steps=steps, event=Event.CANCEL_REQUESTED)
    if state is State.CANCEL_REQUESTED:
        reason = f"cancel requested on {ctx.day(ctx.since(Event.CANCEL_REQUESTED))}: wait for the confirmation"
    elif state in (State.SHIPPED, State.OUT_FOR_DELIVERY) and ctx.since(Event.CANCEL_REQUESTED):
        reason = (
            f"can't cancel: your cancel request came too late, it {_state_phrase(ctx)}; "
            "refuse it at the door instead"
        )
    elif state is State.CANCELLED:
        reason = f"already cancelled on {ctx.day(ctx.since(Event.CANCELLED))}"
    else:
        reason = f"can't cancel: {_state_phrase(ctx)}"
    return Action("cancel", "Cancel", False, reason, steps=steps)


def _refuse(ctx: Context) -> Action:
    state = ctx.state
    steps = ctx.policy.refuse_steps
    if state is State.SHIPPED and ctx.delivery is not None and not _travels(ctx):
        return Action(
            "refuse", "Refuse at the door", False, "nothing to refuse: it was sent by email"
        )
    if state in (State.SHIPPED, State.OUT_FOR_DELIVERY):
        if ctx.since(Event.CANCEL_REQUESTED):
            reason = "the cancel came too late: refuse the package at the door, unopened"
        else:
            reason = f"{_state_phrase(ctx)}: refuse the package at the door, unopened"
        return Action(
            "refuse", "Refuse at the door", True, reason, steps=steps, event=Event.REFUSED
        )
    if state in (State.ORDERED, State.CANCEL_REQUESTED):
        reason = "not shipped yet: cancel instead"
    elif state is State.REFUSED:
        reason = f"already refused on {ctx.day(ctx.since(Event.REFUSED))}"
    elif state is State.DELIVERED and not _travels(ctx):
        reason = "nothing to refuse: it was sent by email"
    elif state is State.DELIVERED:
        reason = f"can't refuse: {_state_phrase(ctx)}; return it instead"
    else:
        reason = f"can't refuse: {_state_phrase(ctx)}"
    return Action("refuse", "Refuse at the door", False, reason, steps=steps)


def _travels(ctx: Context) -> bool:
    d = ctx.delivery
    return d is None or d.allowance is None or d.allowance.travels


def _return(ctx: Context) -> Action:
    state, policy, today = ctx.state, ctx.policy, ctx.today
    steps = policy.return_steps + policy.unopened_steps
    note = policy.return_cost_note
    rule = policy.rule_for(ctx.category())
    if state is State.DELIVERED:
        if not rule.returnable:
            reason = (
                f"can't return: {rule.why or 'this category is not returnable'} ({policy.name})"
            )
            return Action("return", "Return", False, reason, steps=policy.unopened_steps)
        last = ctx.return_by()
        if last is not None and today > last:
            reason = f"can't return: the return window closed on {ctx.approx(last)}"
            if ctx.estimated:
                reason += f" ({ctx.estimate_note()})"
            return Action("return", "Return", False, reason, steps=policy.unopened_steps)
        reason = f"return by {ctx.approx(last)}, {days_left_text(last, today)} ({CHECK})"
        if ctx.estimated:
            reason = f"{reason}; {ctx.estimate_note()}"
        return Action(
            "return",
            "Return",
            True,
            reason,
            deadline=last,
            steps=steps,
            cost_note=note,
            event=Event.RETURN_REQUESTED,
            link=policy.order_link(ctx.order.order_number),
            estimated=ctx.estimated,
        )
    if state in (State.ORDERED, State.CANCEL_REQUESTED):
        reason = "not delivered yet: cancel it before it ships"
    elif state in (State.SHIPPED, State.OUT_FOR_DELIVERY):
        reason = "not delivered yet: refuse it at the door, or return it after delivery"
    elif state is State.RETURN_REQUESTED:
        reason = f"return already started on {ctx.day(ctx.since(Event.RETURN_REQUESTED))}"
    elif state is State.RETURN_SHIPPED:
        reason = f"return already shipped on {ctx.day(ctx.since(Event.RETURN_SHIPPED))}"
    else:
        reason = f"nothing to return: {_state_phrase(ctx)}"
    return Action("return", "Return", False, reason, steps=steps, cost_note=note)


def _refund_expected(ctx: Context, after: Event) -> Action:
    start = ctx.since(after) or ctx.today
    by = start + timedelta(days=ctx.policy.refund_within_days)
    overdue = ctx.today > by
    if overdue:
        reason = f"refund overdue since {ctx.day(by)}: contact {ctx.policy.name} customer service"
    else:
        reason = f"refund expected by {ctx.day(by)}, {days_left_text(by, ctx.today)} (an estimate)"
    steps = ("Check your payment method for the refund; record it when it arrives",)
    if ctx.policy.refund_note:
        steps += (ctx.policy.refund_note,)
    return Action(
        "expect-refund",
        "Record the refund",
        True,
        reason,
        kind="follow-up",
        deadline=by,
        steps=steps,
        event=Event.REFUNDED,
        overdue=overdue,
    )


def _follow_ups(ctx: Context) -> list[Action]:
    state, today = ctx.state, ctx.today
    out: list[Action] = []

    def add(action: str, label: str, reason: str, event: Event | None = None, **kw) -> None:
        out.append(Action(action, label, True, reason, kind="follow-up", event=event, **kw))

    silent = estimates.no_news(ctx.order, ctx.item, today)
    if silent is not None:
        add(
            "check-status",
            "Check its status",
            f"no news since {ctx.day(silent)}: check its status",
            steps=(
                f"Look the order up on {ctx.policy.name}'s site: shipped, delivered or cancelled?",
                "Record what you find: shipped, delivered, or cancelled",
            ),
            link=ctx.policy.order_link(ctx.order.order_number),
        )
    if state in (State.SHIPPED, State.OUT_FOR_DELIVERY):
        link = ctx.tracking_link()
        if ctx.order.tracking:
            steps = (f"Tracking number {ctx.order.tracking}",) + ((link,) if link else ())
            add("track", "Track the package", "see where it is", steps=steps, link=link)
        else:
            add("track", "Track the package", "no tracking number yet: add it from the order page")
    if state in (State.ORDERED, State.CANCEL_REQUESTED):
        add(
            "mark-shipped", "Mark shipped", "when the retailer says it is on its way", Event.SHIPPED
        )
    if state is State.CANCEL_REQUESTED:
        add(
            "mark-cancelled",
            "Mark cancelled",
            "when the retailer confirms the cancel",
            Event.CANCELLED,
        )
        add(
            "cancel-failed",
            "Cancel failed",
            "the retailer could not cancel it",
            Event.CANCEL_FAILED,
        )
    if state is State.SHIPPED:
        add(
            "mark-out-for-delivery",
            "Mark out for delivery",
            "the carrier says it arrives today",
            Event.OUT_FOR_DELIVERY,
        )
    if state in (State.SHIPPED, State.OUT_FOR_DELIVERY):
        add(
            "mark-delivered",
            "Mark delivered",
            "it arrived: the return window starts",
            Event.DELIVERED,
        )
    elif state is State.ORDERED:  # logged after it arrived: shipped is recorded with it
        add(
            "mark-delivered",
            "Mark delivered",
            "it already arrived: records shipped too, the same day",
            Event.DELIVERED,
        )
    if state is State.DELIVERED and ctx.estimated and ctx.item.state is not State.DELIVERED:
        d = ctx.delivery
        add(
            "mark-delivered",
            "Record the delivery date",
            f"delivered ~{ctx.day(d.day if d else None)} (estimated): record the real date "
            "to make the deadlines exact",
            Event.DELIVERED,
        )
    if state is State.RETURN_REQUESTED:
        last = ctx.return_by()
        reason = "drop it off or hand it to the carrier, then record it"
        if last is not None:
            reason = f"ship it back by {ctx.approx(last)}, {days_left_text(last, today)}"
            if ctx.estimated:
                reason += f" ({ctx.estimate_note()})"
        add(
            "return-shipped",
            "Mark return shipped",
            reason,
            Event.RETURN_SHIPPED,
            deadline=last,
            overdue=last is not None and today > last,
            steps=("Keep the drop-off receipt and the return tracking number",),
            estimated=last is not None and ctx.estimated,
        )
    if state is State.RETURN_SHIPPED:
        out.append(_refund_expected(ctx, Event.RETURN_SHIPPED))
    if state is State.REFUSED:
        out.append(_refund_expected(ctx, Event.REFUSED))
    if state is State.DELIVERED:
        last = ctx.return_by()
        if last is not None and today > last:
            add("keep", "Keep it", "the return window is over", Event.KEPT)
            add(
                "record-return",
                "Record a return",
                "the retailer agreed to take it back after all",
                Event.RETURN_REQUESTED,
            )
        else:
            add("keep", "Keep it", "no return: close this item", Event.KEPT)
    if state is State.RETURN_REQUESTED:
        add("keep", "Keep it after all", "cancel the return and keep the item", Event.KEPT)
    if state in (
        State.SHIPPED,
        State.OUT_FOR_DELIVERY,
        State.DELIVERED,
        State.REFUSED,
        State.RETURN_SHIPPED,
    ):
        add(
            "report-problem", "Report a problem", "lost, damaged or not as described", Event.PROBLEM
        )
    if state is State.PROBLEM:
        add(
            "contact",
            "Contact the retailer",
            f"problem reported on {ctx.day(ctx.since(Event.PROBLEM))}",
            steps=(
                f"Contact {ctx.policy.name} customer service about the problem",
                "Record what they do: a refund, a replacement shipped, or a return",
            ),
            link=ctx.policy.order_link(ctx.order.order_number),
        )
        add("mark-refunded", "Record the refund", "the retailer refunded it", Event.REFUNDED)
        add("mark-shipped", "Replacement shipped", "a replacement is on its way", Event.SHIPPED)
    if state is State.CANCELLED and not ctx.since(Event.REFUNDED):
        add("mark-refunded", "Record a refund", "if you had been charged", Event.REFUNDED)
    return out


def item_actions(order: Order, index: int, book: PolicyBook, today: date) -> list[Action]:
    ctx = Context(order, book.retailer(order.retailer), book, today, index)
    actions = [_cancel(ctx), _refuse(ctx), _return(ctx), *_follow_ups(ctx)]
    return [_with_items(a, (index,)) for a in actions]


def item_states(order: Order, today: date) -> tuple[State, ...]:
    """Each item's state with estimates applied (see `Context.state`)."""
    return tuple(
        estimates.effective_state(item, estimates.delivery(order, item), today)
        for item in order.items
    )


@dataclass(frozen=True, slots=True)
class Standing:
    """Where an order stands today, estimates applied."""

    states: tuple[State, ...]  # each item's state
    closed: bool  # closed history (`is_history`)

    def text(self, order: Order) -> str:
        return CLOSED_LABEL if self.closed else summary_state(order, self.states)

    @property
    def done(self) -> bool:
        return self.closed or all(s in FINAL_STATES for s in self.states)


def standing(order: Order, book: PolicyBook, today: date) -> Standing:
    return Standing(item_states(order, today), is_history(order, book, today))


def is_history(order: Order, book: PolicyBook, today: date) -> bool:
    """Closed history: every item is final, or delivered with its return window (holiday
    extension included, counted from the latest plausible delivery of an estimate) over
    for longer than `estimates.CLOSE_AFTER`. Such an order is done ("window closed"),
    still open to a reported problem or a return the retailer agrees to."""
    policy = book.retailer(order.retailer)
    closed_any = False
    for index, item in enumerate(order.items):
        if item.state in FINAL_STATES:
            continue
        ctx = Context(order, policy, book, today, index)
        if ctx.state is not State.DELIVERED or ctx.delivery is None:
            return False
        if policy.rule_for(ctx.category()).returnable:
            end = ctx.return_by(latest=True)
        else:
            end = ctx.delivery.latest
        if end is None or today - end <= estimates.CLOSE_AFTER:
            return False
        closed_any = True
    return closed_any


def _with_items(action: Action, items: tuple[int, ...]) -> Action:
    """`dataclasses.replace(action, items=items)` without its per-call introspection (it
    was a quarter of the engine's time); Action has no __post_init__ to run."""
    new = object.__new__(Action)
    new.__dict__.update(action.__dict__)
    new.__dict__["items"] = items
    return new


def order_actions(order: Order, book: PolicyBook, today: date) -> list[Action]:
    """Every action for the order, items with the same advice merged; available first."""
    merged: dict[tuple, Action] = {}
    for index in range(len(order.items)):
        for action in item_actions(order, index, book, today):
            key = (
                action.action,
                action.available,
                action.reason,
                action.deadline,
                action.event,
                action.estimated,
            )
            if key in merged:
                prev = merged[key]
                merged[key] = _with_items(prev, prev.items + action.items)
            else:
                merged[key] = action
    actions = list(merged.values())
    order_of_kind = {"decision": 0, "follow-up": 1}
    actions.sort(
        key=lambda a: (
            not a.available,
            order_of_kind[a.kind],
            a.deadline or date.max,
            DECISIONS.index(a.action) if a.action in DECISIONS else 9,
        )
    )
    return actions


@dataclass(frozen=True)
class Deadline:
    order_id: int
    day: date
    action: str
    label: str
    reason: str
    items: tuple[int, ...]
    overdue: bool
    estimated: bool = False  # counts from an estimated delivery

    def days_left(self, today: date) -> int:
        return (self.day - today).days


def deadlines(
    order: Order, book: PolicyBook, today: date, actions: list[Action] | None = None
) -> list[Deadline]:
    """The order's dated, still-actionable deadlines, soonest first (from `actions` if given)."""
    if actions is None:
        actions = order_actions(order, book, today)
    out = [
        Deadline(order.id, a.deadline, a.action, a.label, a.reason, a.items, a.overdue, a.estimated)
        for a in actions
        if a.available and a.deadline is not None
    ]
    return sorted(out, key=lambda d: d.day)


def next_deadline(order: Order, book: PolicyBook, today: date) -> Deadline | None:
    found = deadlines(order, book, today)
    return found[0] if found else None


def needs_action(
    order: Order, book: PolicyBook, today: date, actions: list[Action] | None = None
) -> bool:
    """A decision is open now (cancel, refuse, return), a deadline is overdue, or an order
    with no news needs its status checked; never for closed history."""
    if actions is None:
        actions = order_actions(order, book, today)
    return (
        any(item.state not in FINAL_STATES for item in order.items)
        and any(
            a.available and (a.kind == "decision" or a.overdue or a.action == "check-status")
            for a in actions
        )
        and not is_history(order, book, today)
    )
