"""The advice engine: for each item, what the person can do now, why not, and by when."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

import msgspec
from msgspec.structs import replace

from . import estimates
from .days import day_text, days_left_text
from .facts import Deadline
from .lifecycle import (
    CLOSED_LABEL,
    FINAL_STATES,
    possible,
    ship_day,
    ship_day_missing,
    summary_state,
)
from .model import SELLER_WINDOW, Event, Item, Order, State
from .money import format_money
from .policies import Escalation, Policy, PolicyBook, ReturnDeadline

DECISIONS = ("cancel", "refuse", "return")
CHECK = "check with the retailer"
# Deadlines this close count as needing action now.
SOON = timedelta(days=7)
# The escalation ladder's rungs, in the order a person climbs them.
RUNGS = ("contact", "a-to-z", "money-back-guarantee", "marketplace-promise", "chargeback")
# Digital items, services and gift cards: no A-to-z claim (Amazon help 200783670).
NO_CLAIM_CATEGORIES = frozenset({"digital", "kindle-book", "gift-card", "membership"})


def seller_window_days(item: Item) -> int | None:
    """The seller's own return window the person typed on the order, if any."""
    text = item.extra.get(SELLER_WINDOW, "")
    return int(text) if text.isdigit() and 0 < int(text) <= 3650 else None


class Action(msgspec.Struct, frozen=True):
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
    # The deadline (or `closed_on`) counts from an estimated delivery (the earliest
    # plausible day), or a guess of the window ('~').
    estimated: bool = False
    # Return, not available: the window may still be open until this day, the soonest
    # "perhaps until" of the reason: counted from an estimate's latest plausible day
    # (`_later_window`), or under a rule not confirmed, as a holiday season (`_perhaps`)
    perhaps: date | None = None
    # Return, not available: the window's last day, passed
    closed_on: date | None = None

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
            "perhaps_until": self.perhaps.isoformat() if self.perhaps else None,
            "closed_on": self.closed_on.isoformat() if self.closed_on else None,
        }
        if order is not None:
            data["item_titles"] = [order.items[i].title for i in self.items]
        return data


class Context:
    """One item of an order as the advice engine sees it today: its delivery (recorded or
    estimated) and its state with estimates applied (a shipment long past its latest
    plausible day counts as delivered; the stored state is `item.state`). A plain class
    with slots: one is made per item each time deadlines are worked out."""

    __slots__ = ("book", "brief", "delivery", "index", "item", "order", "policy", "state", "today")

    def __init__(
        self,
        order: Order,
        policy: Policy,
        book: PolicyBook,
        today: date,
        index: int,
        *,
        brief: bool = False,
    ) -> None:
        self.order, self.policy, self.book, self.today, self.index = (
            order,
            policy,
            book,
            today,
            index,
        )
        item = self.item = order.items[index]
        found = self.delivery = estimates.delivery(order, item)
        self.state: State = estimates.effective_state(item, found, today)
        # Deadlines only: the steps (what to do, why this date) are left out.
        self.brief = brief

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
        found = self.return_deadline(latest=latest)
        return found.day if found else None

    def return_deadline(self, *, latest: bool = False) -> ReturnDeadline | None:
        """The return window's last day and the rule behind it: the order date keys the
        holiday seasons, the seller decides retailer or marketplace, the person's
        memberships and a seller window typed on the order count."""
        if self.delivery is None:
            return None
        delivered = self.delivery.latest if latest else self.delivery.day
        # the latest plausible ship day is the one recorded, if only as "by the delivery day"
        shipped = self.since(Event.SHIPPED) if latest else self.shipped_on()
        # a shop unship has no policy for goes by its own name: 'unship doesn't know Uniqlo's'
        unknown = self.policy.key == "other"
        return self.policy.return_deadline(
            self.category(),
            delivered,
            shipped,
            ordered=self.order.ordered_on,
            seller=self.item.seller or (self.order.retailer if unknown else ""),
            seller_window_days=seller_window_days(self.item),
            memberships=self.book.memberships,
            category_known=self.book.known_category(self.item.category),
            site=self.policy.site_of(self.order),
        )

    def shipped_on(self) -> date | None:
        """The day the item shipped, when that is known (`lifecycle.ship_day`)."""
        return ship_day(self.order, self.index)

    @property
    def first_party(self) -> bool:
        return self.policy.is_first_party(self.item.seller)

    def order_link(self) -> str:
        """The order's page on the site it was placed on (Amazon.ca orders: amazon.ca)."""
        return self.policy.page_of(self.order)

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
    third_party = not ctx.first_party
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


def _deadline_steps(ctx: Context, found: ReturnDeadline | None) -> tuple[str, ...]:
    """Why the return date is what it is: the rule, then what may change it (a holiday
    season not confirmed, an unknown category, a marketplace seller's own policy)."""
    if found is None or ctx.brief:
        return ()
    name = ctx.policy.name
    whose = "" if found.basis == "guess" or ctx.policy.key == "other" else f" ({name})"
    steps = [f"Why this date: {_rule_text(ctx, found)}{whose}"]
    maybe = _maybe(ctx, found)
    if maybe is not None:
        steps.append(maybe[1])
    if found.ship_unknown:
        steps.append(
            f"{name}'s window starts when the order ships; its ship day is not recorded (it "
            f"was logged as delivered), so it counts from the order date, "
            f"{ctx.day(ctx.order.ordered_on)}. Record the ship day to make it exact; if the "
            "order page shows a later date, it holds"
        )
    for note in found.notes:
        if note.startswith("category ") and not found.category_known:
            note = (
                f"Category {ctx.item.category!r} is not one unship knows: accepted as "
                "general, the general rules apply"
            )
        steps.append(note[:1].upper() + note[1:])
    ref = ctx.order.id or "ID"
    how = (  # a shop unship doesn't know is its own seller (order_input)
        f"type it in the form's Their window (e), or unship edit {ref} --seller-window DAYS"
        if ctx.policy.key == "other"
        else f"type it in the form's Sold by and Their window (e), or unship edit {ref} "
        "--seller NAME --seller-window DAYS"
    )
    if found.basis in ("marketplace-minimum", "marketplace-default"):
        steps.append(f"The seller's own window may be longer: {how}")
    elif found.basis == "guess":
        steps.append(f"The real window may be shorter or longer: look it up and {how}")
    return tuple(steps)


def _window_day(ctx: Context, found: ReturnDeadline | None) -> str:
    """The return window's last day, with '~' when it is not known: counted from an
    estimated delivery, or the order date for a ship day not recorded, or a guess of a
    shop's window."""
    if found is None:
        return "?"
    known = not (ctx.estimated or found.basis == "guess" or found.ship_unknown)
    return ctx.day(found.day) if known else f"~{ctx.day(found.day)}"


def _perhaps(ctx: Context, found: ReturnDeadline | None) -> str:
    """'; perhaps until 31 Jan 2027: Amazon's 2026 holiday returns are not announced yet',
    while a rule not confirmed for the order could still give a later day; else ''."""
    if found is None or found.maybe_until is None or ctx.today > found.maybe_until:
        return ""
    maybe = _maybe(ctx, found)
    return f"; perhaps until {ctx.day(found.maybe_until)}: {maybe[0]}" if maybe else ""


def _later_window(ctx: Context, last: date) -> date | None:
    """The last day of the window counted from the latest plausible day (of an estimated
    delivery, or of a ship day not recorded), while it is open and the one counted from the
    earliest (ending `last`) is not; else None."""
    later = ctx.return_by(latest=True)
    if later is None or later <= last or ctx.today > later:
        return None
    return later


def _if_later(ctx: Context, later: date | None) -> str:
    """'; perhaps until 27 Nov, if it came on 28 Oct': the window counted from the latest
    plausible day is open until `later` (`_later_window`); '' when there is none."""
    if later is None:
        return ""
    d = ctx.delivery
    if d is not None and d.latest > d.day:
        return f"; perhaps until {ctx.day(later)}, if it came on {ctx.day(d.latest)}"
    came = ctx.day(ctx.since(Event.DELIVERED))
    return f"; perhaps until {ctx.day(later)}, if it shipped the day it came ({came})"


def _maybe(ctx: Context, found: ReturnDeadline) -> tuple[str, str] | None:
    """Why a later day than the deadline may hold (`found.maybe_from`), in a few words for
    the reason and whole for its step; None when none may."""
    name, season, site = ctx.policy.name, found.season, ctx.policy.site_of(ctx.order)
    reported = f", as third-party pages report it (not found on {name}'s own pages)"
    until = ""
    if found.maybe_from == "membership":
        says = _membership_says(ctx, found)
        short, whole = f"{says}, as third parties report it", f"{says}{reported}"
    elif found.maybe_from == "category":
        window = ctx.policy.category_window(found.category).text()
        gives = f"{name} gives {found.category} items {window}"
        if found.maybe_why == "secondary":
            short, whole = f"{gives}, as third parties report it", f"{gives}{reported}"
        else:
            main = ctx.policy.main_site
            short, whole = f"{gives} on {main}", f"{gives} on {main} (not found for {site})"
    elif found.maybe_from == "season" and season is not None:
        year = f"{name}'s {season.year} holiday returns"
        if season.assumed:
            short, whole = f"{year} are not announced yet", season.text()
            until = f" until {name} announces it"
            if site not in ctx.policy.sites_of(season.sites):  # last year's held elsewhere
                sites, last = _sites(ctx, season), season.assumed_from
                short += f", and its {last} ones were for {sites}"
                whole += f"; its {last} ones were for {sites} (none found for {site})"
        elif season.confirmed:  # announced for another site
            sites = _sites(ctx, season)
            short = f"{year} as announced for {sites}"
            whole = f"{season.text()}, as {name} announced it for {sites} (not found for {site})"
        else:
            short, whole = f"{year} as third parties report them", f"{season.text()}{reported}"
    else:
        return None
    step = (
        f"Perhaps later: {whole}; unship goes by the date above{until}. If the order page "
        "shows a later date, it holds"
    )
    return short, step


def _membership_says(ctx: Context, found: ReturnDeadline) -> str:
    """'the Target Circle Card's 30 extra days'."""
    member = next((m for m in ctx.policy.memberships.values() if m.name == found.maybe_why), None)
    if member is None:
        return found.maybe_why
    if member.extra is not None:
        return f"the {member.name}'s {member.extra.text()} more"
    return f"{member.window.text() if member.window else 'a longer window'} with {member.name}"


def _sites(ctx: Context, season) -> str:
    return " and ".join(ctx.policy.sites_of(season.sites))


def _short_rule(ctx: Context, found: ReturnDeadline) -> str:
    """The rule in a few words for the return's reason, where it is not the plain window
    (the steps give it whole): 'holiday season 2025', 'Lamp Co's policy', 'marketplace
    seller: at least 30 days', 'with My Best Buy Plus'."""
    season = found.season
    if found.basis == "holiday" and season is not None:
        return f"holiday season {season.year}"
    if found.basis == "marketplace-minimum":
        return f"marketplace seller: {found.rule.split(': ', 1)[-1]}"
    if found.basis == "marketplace-default":
        return f"marketplace seller: {ctx.policy.name}'s window shown"
    if found.basis == "guess":
        return f"a guess: {found.guess}"
    if found.basis == "seller":
        return found.rule
    if found.memberships:
        return _rule_text(ctx, found)
    if found.ship_unknown:
        return "from the order date: the ship day is not recorded"
    return ""


def _rule_text(ctx: Context, found: ReturnDeadline) -> str:
    """The rule, with the person's memberships that changed it ('60 days from delivery,
    with My Best Buy Plus')."""
    names = [
        m.name for key in found.memberships if (m := ctx.policy.memberships.get(key)) is not None
    ]
    return f"{found.rule}, with {' and '.join(names)}" if names else found.rule


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
        found = ctx.return_deadline()
        last = found.day if found else None
        why = _deadline_steps(ctx, found)
        guess = found is not None and found.basis == "guess"
        ship_unknown = found is not None and found.ship_unknown
        if last is not None and today > last:
            reason = f"can't return: the return window closed on {_window_day(ctx, found)}"
            if ctx.estimated:
                reason += f" ({ctx.estimate_note()})"
            if guess or ship_unknown:
                reason += f" ({_short_rule(ctx, found)})"
            later = _later_window(ctx, last) if ctx.estimated or ship_unknown else None
            unconfirmed = _perhaps(ctx, found)  # a holiday season not announced yet...
            reason += _if_later(ctx, later) + unconfirmed
            # the soonest day the reason says it may still be open until
            perhaps = found.maybe_until if unconfirmed and found is not None else None
            if later is not None and (perhaps is None or later < perhaps):
                perhaps = later
            steps = why + policy.unopened_steps
            return Action(
                "return",
                "Return",
                False,
                reason,
                steps=steps,
                estimated=ctx.estimated or guess or ship_unknown,
                perhaps=perhaps,
                closed_on=last,
            )
        short = _short_rule(ctx, found) if found else ""
        rule = f"{short}; " if short else ""
        reason = (
            f"return by {_window_day(ctx, found)}, {days_left_text(last, today)} "
            f"({rule}{CHECK}{_perhaps(ctx, found)})"
        )
        if ctx.estimated:
            reason = f"{reason}; {ctx.estimate_note()}"
        return Action(
            "return",
            "Return",
            True,
            reason,
            deadline=last,
            steps=why + steps,
            cost_note=note,
            event=Event.RETURN_REQUESTED,
            link="" if ctx.brief else ctx.order_link(),
            estimated=ctx.estimated or guess or ship_unknown,
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
    """The refund clock, from the day the item went back (the return handed over, or the
    refused parcel): the retailer's time to receive and process it plus the payment
    method's, where the policy data give them; else the retailer's usual refund time."""
    policy, today = ctx.policy, ctx.today
    start = ctx.since(after) or today
    method = _payment_method(ctx)
    due = policy.refund_due(start, method)
    after_return = policy.after_return
    steps = ["Check your payment method for the refund; record it when it arrives"]
    if due is not None:
        times = after_return.refund_times
        how = f"; then {times[method]} for {method.replace('-', ' ')}" if method in times else ""
        basis = f"up to {after_return.refund_processing_days} days to receive and process it{how}"
        if times and not policy.refund_note:
            steps.append(
                f"{policy.name}'s refund times once it is processed: "
                + ", ".join(f"{k.replace('-', ' ')} {v}" for k, v in times.items())
            )
    else:
        due = start + timedelta(days=policy.refund_within_days)
        basis = f"{policy.refund_within_days} days, unship's usual estimate"
    if policy.refund_note:
        steps.append(policy.refund_note)
    overdue = today > due
    went = "refused" if after is Event.REFUSED else "return shipped"
    if overdue:
        reason = (
            f"refund overdue since {ctx.day(due)} ({went} {ctx.day(start)}, {basis}): "
            "contact them, then climb the ladder"
        )
    else:
        reason = (
            f"refund expected by {ctx.day(due)}, {days_left_text(due, today)} "
            f"({went} {ctx.day(start)}, {basis})"
        )
    return Action(
        "expect-refund",
        "Record the refund",
        True,
        reason,
        kind="follow-up",
        deadline=due,
        steps=tuple(steps),
        event=Event.REFUNDED,
        overdue=overdue,
    )


def _payment_method(ctx: Context) -> str:
    """The payment method's key in the policy data ('credit-card'): the order's own when
    an import recorded it, else a credit card (the usual, and the times are listed)."""
    text = (ctx.order.extra.get("payment") or "").lower()
    for key in ctx.policy.after_return.refund_days:
        if key.replace("-", " ") in text.replace("-", " "):
            return key
    return "credit-card"


def _ship_back(ctx: Context) -> Action:
    """A started return: hand it to the carrier by the date the retailer gives (policy
    data: Amazon's is the return-by date it shows; others state none)."""
    policy, today = ctx.policy, ctx.today
    started = ctx.since(Event.RETURN_REQUESTED) or today
    last = ctx.return_by()
    by = policy.ship_back_by(started, last)
    after = policy.after_return
    steps = ["Keep the drop-off receipt and the return tracking number"]
    if after.late_note:
        steps.append(after.late_note)
    overdue = by is not None and today > by
    estimated = by is not None and ctx.estimated and by == last
    if by is None:
        reason = (
            f"{policy.name} states no ship-back date: drop it off soon, while the return "
            "label is valid, then record it"
        )
    elif overdue:
        reason = f"late: the ship-back date was {ctx.approx(by) if estimated else ctx.day(by)}"
        reason += f"; {after.late_note}" if after.late_note else f"; {CHECK}"
    else:
        shown = ctx.approx(by) if estimated else ctx.day(by)
        reason = f"ship it back by {shown}, {days_left_text(by, today)}"
        if after.ship_back_basis == "return-by":
            reason += f" ({policy.name}'s return-by date; {CHECK})"
        if estimated:
            reason += f" ({ctx.estimate_note()})"
    return Action(
        "return-shipped",
        "Mark return shipped",
        True,
        reason,
        kind="follow-up",
        event=Event.RETURN_SHIPPED,
        deadline=by,
        overdue=overdue,
        steps=tuple(steps),
        estimated=estimated,
    )


def _who(ctx: Context) -> str:
    """Whom to ask first when something went wrong: the seller, or the retailer."""
    return "the seller" if not ctx.first_party else f"{ctx.policy.name} customer service"


def _ladder(ctx: Context, since: date, why: str) -> list[Action]:
    """What to do when something went wrong (a problem reported on `since`, or a refund
    overdue since then), one rung after another, each with its own deadline: contact the
    seller or retailer, then the marketplace's guarantee claim, then a card chargeback."""
    policy, today = ctx.policy, ctx.today
    first_party = ctx.first_party
    rungs = [
        e
        for e in policy.escalations
        if e.applies_to == "all" or (e.applies_to == "marketplace" and not first_party)
    ]
    contact = next((e for e in rungs if e.key == "contact-seller"), None)
    claims = [e for e in rungs if e.key != "contact-seller"]
    out: list[Action] = []
    waited = since
    who = _who(ctx)
    next_word = _claim_label(claims[0]) if claims else "a card chargeback"
    if contact is not None:
        waited = since + timedelta(days=-(-contact.wait_hours // 24))
        steps = (
            f"{contact.name}: tell them what went wrong ({why})",
            f"{contact.note} (source: {contact.source})",
            "Record what they do: a refund, a replacement shipped, or a return",
        )
        if today <= waited:
            hours = f"{contact.wait_hours} hours"
            reason = (
                f"ask {who} first: they have {hours} (until {ctx.day(waited)}) to make it "
                f"right; then {next_word}"
            )
            deadline = waited
        else:
            reason = f"no fix from {who} by {ctx.day(waited)}? go on to {next_word}"
            deadline = None
    else:
        steps = (
            f"Contact {who} about it ({why})",
            "Record what they do: a refund, a replacement shipped, or a return",
        )
        reason = f"{why}: contact {who}; no answer? {next_word}"
        deadline = None
    out.append(
        Action(
            "contact",
            "Contact the seller" if not first_party else "Contact the retailer",
            True,
            reason,
            kind="escalation",
            deadline=deadline,
            steps=steps,
            link=ctx.order_link(),
        )
    )
    for rung in claims:
        out.append(_claim(ctx, rung, waited))
    chargeback = _chargeback(ctx, claims)
    if chargeback is not None:
        out.append(chargeback)
    return out


def _claim(ctx: Context, rung: Escalation, waited: date) -> Action:
    """A guarantee claim (A-to-z, Money Back Guarantee, Marketplace Promise): open from
    `opens_days` after its anchor (and after the wait for the seller), until `closes_days`."""
    today, d = ctx.today, ctx.delivery
    if rung.anchor == "problem" or d is None:
        anchor, anchor_text = waited, "the problem"
    elif not d.estimated:
        anchor, anchor_text = d.day, f"the delivery on {ctx.day(d.day)}"
    else:
        anchor, anchor_text = d.latest, f"the latest estimated delivery, ~{ctx.day(d.latest)}"
    opens = max(rung.opens(anchor), waited)
    if d is not None and not d.estimated:
        opens = waited  # delivered per tracking: no need to wait past the estimate
    closes = rung.closes(anchor)
    steps = (f"{rung.name}: {rung.note} (source: {rung.source})",)
    label = _claim_label(rung)
    if ctx.category() in NO_CLAIM_CATEGORIES and rung.key == "a-to-z":
        reason = "not for digital items, services or gift cards"
        return Action(rung.key, label, False, reason, kind="escalation", steps=steps)
    if closes is not None and today > closes:
        reason = f"closed on {ctx.day(closes)} ({rung.closes_days} days after {anchor_text})"
        return Action(rung.key, label, False, reason, kind="escalation", steps=steps)
    span = f"until {ctx.day(closes)}" if closes else "no closing date stated"
    when = f"claim from {ctx.day(opens)}" if today < opens else "claim now,"
    reason = f"{when} {span}"
    if closes is not None:
        reason += f" ({rung.closes_days} days after {anchor_text})"
    return Action(
        rung.key,
        label,
        True,
        reason,
        kind="escalation",
        deadline=closes,
        steps=steps,
        link=ctx.order_link(),
        estimated=d is not None and d.estimated and rung.anchor != "problem",
    )


def _claim_label(rung: Escalation) -> str:
    labels = {
        "a-to-z": "A-to-z Guarantee claim",
        "money-back-guarantee": "eBay Money Back Guarantee",
        "marketplace-promise": "Walmart Marketplace claim",
    }
    return labels.get(rung.key, rung.name)


# A card statement comes at most a billing cycle after the charge.
STATEMENT_AFTER = timedelta(days=31)


def _chargeback(ctx: Context, claims: list[Escalation]) -> Action | None:
    """The last rung: dispute the charge with the card issuer, within N days of the first
    statement with the charge. unship knows the charge day roughly (the shipment, else the
    order), not the statement's: the earliest possible end is shown, then the latest."""
    dispute = ctx.book.payment_disputes.get("card-chargeback")
    if dispute is None:
        return None
    today = ctx.today
    charged = ctx.since(Event.SHIPPED) or ctx.order.ordered_on
    earliest = dispute.closes(charged)
    latest = dispute.closes(charged + STATEMENT_AFTER)
    steps = [
        f"Call your card issuer or dispute it in their app: the charge of "
        f"{ctx.day(charged)} from {ctx.order.retailer}",
        f"{dispute.note} (source: {dispute.source})",
    ]
    if any(c.key == "a-to-z" for c in claims):
        steps.insert(0, "A chargeback ends an A-to-z claim: claim first, dispute if that fails")
    name = f"dispute the charge within {dispute.days} days of the statement that shows it"
    if today <= earliest:
        reason = (
            f"{name}: to be safe by {ctx.day(earliest)} (the statement's date decides; "
            f"{ctx.day(latest)} at the latest)"
        )
        deadline = earliest
    elif today <= latest:
        reason = f"{name}: check the statement's date; {ctx.day(latest)} at the latest"
        deadline = latest
    else:
        reason = (
            f"likely over: {dispute.days} days from the statement, {ctx.day(latest)} at the latest"
        )
        return Action(
            "chargeback", "Card chargeback", False, reason, kind="escalation", steps=tuple(steps)
        )
    return Action(
        "chargeback",
        "Card chargeback",
        True,
        reason,
        kind="escalation",
        deadline=deadline,
        steps=tuple(steps),
    )


def _pickup(ctx: Context) -> list[Action]:
    """A parcel waiting at a pickup point (an Amazon Hub locker, a post office) until the day
    a notice gave (`order.extra["pickup_by"]`, from mail): 'pick it up by 25 Nov', until that
    day, while nothing recorded since says what became of it: marked picked up
    (`extra["picked_up"]`), or the items moved on."""
    by = ctx.order.extra.get("pickup_by")
    if not by or ctx.order.extra.get("picked_up"):
        return []
    if ctx.state not in (State.SHIPPED, State.OUT_FOR_DELIVERY, State.DELIVERED):
        return []
    try:
        day = date.fromisoformat(by)
    except ValueError:
        return []
    if ctx.today > day:
        return []
    where = ctx.order.extra.get("pickup_at", "")
    reason = (
        f"pick it up by {ctx.day(day)}, {days_left_text(day, ctx.today)}"
        f"{f', at {where}' if where else ''} (the day the notice gives)"
    )
    steps = (
        ()
        if ctx.brief
        else (
            "Bring the pickup code or barcode from the notice",
            "Not collected by then, the parcel is sent back or removed: the notice says which",
            "Once you have it, mark it picked up: the reminder ends",
        )
    )
    return [
        Action("pick-up", "Pick it up", True, reason, kind="follow-up", deadline=day, steps=steps)
    ]


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
            link=ctx.order_link(),
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
    elif state is State.ORDERED:  # logged after it arrived: its ship day stays unknown
        from_shipment = ctx.policy.window_starts == "shipment"
        add(
            "mark-delivered",
            "Mark delivered",
            f"it already arrived; {ctx.policy.name}'s return window counts from shipment: mark "
            "it shipped first if you know the day"
            if from_shipment
            else "it already arrived: the return window starts",
            Event.DELIVERED,
        )
    if state is State.DELIVERED and ctx.estimated and ctx.item.state is not State.DELIVERED:
        d = ctx.delivery
        # what reporting it opens today: a claim or a chargeback, or (years on) only a word
        # with the retailer or the seller, whose rung the ladder always offers
        ladder = _ladder(ctx, today, "it never arrived")
        if any(a.available and a.action != "contact" for a in ladder):
            then = "report it to open the claims"
        else:
            then = (
                f"report it and ask {_who(ctx)}; the claims have closed (a chargeback most "
                "likely too)"
            )
        add(
            "report-missing",
            "Never arrived? Report it",
            f"not recorded as delivered by ~{ctx.day(d.latest if d else None)}, the latest "
            f"expected day: if it never came, {then}",
            Event.PROBLEM,
        )
        add(
            "mark-delivered",
            "Record the delivery date",
            f"delivered ~{ctx.day(d.day if d else None)} (estimated): record the real date "
            "to make the deadlines exact",
            Event.DELIVERED,
        )
    if (
        state is State.DELIVERED
        and ctx.policy.window_starts == "shipment"
        and ship_day_missing(ctx.order, ctx.index)
    ):
        add(
            "mark-shipped",
            "Record the ship day",
            f"not recorded (it was logged as delivered): {ctx.policy.name}'s return window "
            "counts from shipment, and from the order date until the day is known",
            Event.SHIPPED,
        )
    if state in (State.RETURN_REQUESTED, State.RETURN_SHIPPED, State.REFUSED):
        out.extend(_second_stage(ctx))
    if state is State.DELIVERED:
        found = ctx.return_deadline()
        last = found.day if found else None
        if last is not None and today > last:
            # the day, with its '~' when not known: the Return line says what it counts from
            over = f"the return window closed on {_window_day(ctx, found)}"
            if ctx.estimated or found.ship_unknown:
                over += " (estimated)"
            elif found.basis == "guess":
                over += " (a guess)"
            add("keep", "Keep it", over, Event.KEPT)
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
        out.extend(_problem_ladder(ctx))
        add("mark-refunded", "Record the refund", "the retailer refunded it", Event.REFUNDED)
        add("mark-shipped", "Replacement shipped", "a replacement is on its way", Event.SHIPPED)
    if state is State.CANCELLED and not ctx.since(Event.REFUNDED):
        add("mark-refunded", "Record a refund", "if you had been charged", Event.REFUNDED)
    return out


def _second_stage(ctx: Context) -> list[Action]:
    """After a return started or a refusal: ship it back by, the refund due, and the ladder
    when the refund is overdue."""
    if ctx.state is State.RETURN_REQUESTED:
        return [_ship_back(ctx)]
    went = Event.RETURN_SHIPPED if ctx.state is State.RETURN_SHIPPED else Event.REFUSED
    refund = _refund_expected(ctx, went)
    if refund.overdue and refund.deadline is not None:
        return [refund, *_ladder(ctx, refund.deadline, "the refund is overdue")]
    return [refund]


def _problem_ladder(ctx: Context) -> list[Action]:
    reported = ctx.since(Event.PROBLEM) or ctx.today
    return _ladder(ctx, reported, f"problem reported on {ctx.day(reported)}")


def short_text(item: Item, currency: str) -> str:
    """'$130.00 short' for a refund short of the item's price; '' otherwise."""
    short = item.refund_short
    return f"{format_money(short, currency)} short" if short else ""


def _short_ladder(ctx: Context) -> list[Action]:
    refunded = ctx.since(Event.REFUNDED) or ctx.today
    why = f"refund {short_text(ctx.item, ctx.order.currency)} on {ctx.day(refunded)}"
    return _ladder(ctx, refunded, why)


def _short_refund(ctx: Context) -> list[Action]:
    """A refund short of the price: chase the rest (the problem ladder, from the refund's
    day), record it when it comes, or accept what came (which closes the item)."""
    short = format_money(ctx.item.refund_short, ctx.order.currency)
    got = format_money(ctx.item.refunded or 0, ctx.order.currency)
    return [
        *_short_ladder(ctx),
        Action(
            "mark-refunded",
            "Record the rest of the refund",
            True,
            f"when the missing {short} arrives",
            kind="follow-up",
            event=Event.REFUNDED,
        ),
        Action(
            "accept-refund",
            "Accept the partial refund",
            True,
            f"refunded {got}, {short} short: accept it and close the item",
            kind="follow-up",
            event=Event.REFUND_ACCEPTED,
        ),
    ]


def unkeep_refusal(order: Order, index: int, book: PolicyBook, today: date) -> str:
    """Why "kept" can't be taken back for the item ('' when it can): only a kept item, and
    only while its return window is open."""
    ctx = Context(order, book.retailer(order.retailer), book, today, index)
    if ctx.item.state is not State.KEPT:
        return f"can't take back kept: the item is {ctx.item.state.label}"
    if not possible(ctx.item, Event.UNKEPT):
        return "can't take back kept: no delivery date is recorded (record it first)"
    last = ctx.return_by()
    if last is None or not ctx.policy.rule_for(ctx.category()).returnable:
        return "can't take back kept: the item has no return window"
    if today > last:
        return f"can't take back kept: the return window closed on {ctx.approx(last)}"
    return ""


def _unkeep(ctx: Context) -> list[Action]:
    if ctx.item.state is not State.KEPT:
        return []
    if unkeep_refusal(ctx.order, ctx.index, ctx.book, ctx.today):
        return []
    last = ctx.return_by()
    return [
        Action(
            "unkeep",
            "Un-keep",
            True,
            f"the return window is open until {ctx.approx(last)}: back to delivered, to return it",
            kind="follow-up",
            event=Event.UNKEPT,
        )
    ]


def _dated(ctx: Context) -> list[Action]:
    """The item's actions that can carry a deadline, as `item_actions` makes them, in the
    same order: everything else is undated whatever the item's state."""
    if ctx.item.refund_short:
        return _short_ladder(ctx)
    state = ctx.state
    if state is State.DELIVERED:
        return [*_pickup(ctx), _return(ctx)]
    if state in (State.SHIPPED, State.OUT_FOR_DELIVERY):
        return _pickup(ctx)
    if state in (State.RETURN_REQUESTED, State.RETURN_SHIPPED, State.REFUSED):
        return _second_stage(ctx)
    if state is State.PROBLEM:
        return _problem_ladder(ctx)
    return []


def item_actions(order: Order, index: int, book: PolicyBook, today: date) -> list[Action]:
    ctx = Context(order, book.retailer(order.retailer), book, today, index)
    if ctx.item.refund_short:
        actions = _short_refund(ctx)
    else:
        actions = [
            _cancel(ctx),
            _refuse(ctx),
            *_pickup(ctx),
            _return(ctx),
            *_follow_ups(ctx),
            *_unkeep(ctx),
        ]
    return [replace(a, items=(index,)) for a in actions]


def item_states(order: Order, today: date) -> tuple[State, ...]:
    """Each item's state with estimates applied (see `Context.state`)."""
    return tuple(
        estimates.effective_state(item, estimates.delivery(order, item), today)
        for item in order.items
    )


class Standing(msgspec.Struct, frozen=True):
    """Where an order stands today, estimates applied."""

    states: tuple[State, ...]  # each item's state
    closed: bool  # closed history (`is_history`)
    # the soonest day a closed return window may still be open until
    # (the Return action's `perhaps`); only `glance` works it out, for the lists
    perhaps: date | None = None
    # nothing dated, and every item that may still be returned has a window that surely
    # closed on this day or before, not yet history; '~' when it is not known (`glance`)
    closed_on: date | None = None
    closed_estimated: bool = False
    # nothing dated, and no item that may still be returned ever could be (groceries)
    not_returnable: bool = False

    def text(self, order: Order) -> str:
        return CLOSED_LABEL if self.closed else summary_state(order, self.states)

    @property
    def done(self) -> bool:
        return self.closed or all(s in FINAL_STATES for s in self.states)


def standing(order: Order, book: PolicyBook, today: date) -> Standing:
    """Each item's state with estimates applied, and whether the order is closed history:
    one Context (one delivery estimate) per item serves both."""
    policy = book.retailer(order.retailer)
    contexts = [Context(order, policy, book, today, i) for i in range(len(order.items))]
    return Standing(tuple(c.state for c in contexts), _closed(contexts, today))


def glance(order: Order, book: PolicyBook, today: date) -> tuple[list[Action], Standing]:
    """`dated_actions` and `standing` at once, from one Context per item (a list row)."""
    policy = book.retailer(order.retailer)
    contexts = [Context(order, policy, book, today, i, brief=True) for i in range(len(order.items))]
    closed = _closed(contexts, today)
    dated = _dated_of(contexts)
    perhaps = None
    if closed:
        return dated, Standing(tuple(c.state for c in contexts), closed)
    for action in dated:  # a loop, not min(): most orders have one dated action or none
        if action.perhaps and (perhaps is None or action.perhaps < perhaps):
            perhaps = action.perhaps
    states = tuple(c.state for c in contexts)
    if perhaps is None and not any(a.available and a.deadline is not None for a in dated):
        # every item that may still be returned can't be: its window closed, or its
        # category never could (groceries): the list says which, not an empty cell
        shut = [a for a in dated if a.closed_on is not None]
        never = [
            c.index
            for c in contexts
            if c.state is State.DELIVERED and not c.policy.rule_for(c.category()).returnable
        ]
        open_items = [c.index for c in contexts if _may_be_dated(c.item)]
        if open_items and sorted([*never, *(i for a in shut for i in a.items)]) == open_items:
            if not shut:
                return dated, Standing(states, closed, not_returnable=True)
            last = max(a.closed_on for a in shut)
            guessed = any(a.estimated for a in shut if a.closed_on == last)
            return dated, Standing(states, closed, None, last, guessed)
    return dated, Standing(states, closed, perhaps)


def is_history(order: Order, book: PolicyBook, today: date) -> bool:
    """Closed history: every item is final, or delivered with its return window (holiday
    extension included, counted from the latest plausible delivery of an estimate) over
    for longer than `estimates.CLOSE_AFTER`. Such an order is done ("window closed"),
    still open to a reported problem or a return the retailer agrees to."""
    return standing(order, book, today).closed


def _closed(contexts: list[Context], today: date) -> bool:
    closed_any = False
    for ctx in contexts:
        if ctx.item.state in FINAL_STATES and not ctx.item.refund_short:
            continue
        if ctx.state is not State.DELIVERED or ctx.delivery is None:
            return False
        if ctx.policy.rule_for(ctx.category()).returnable:
            end = ctx.return_by(latest=True)
        else:
            end = ctx.delivery.latest
        if end is None or today - end <= estimates.CLOSE_AFTER:
            return False
        closed_any = True
    return closed_any


def order_actions(order: Order, book: PolicyBook, today: date) -> list[Action]:
    """Every action for the order, items with the same advice merged; available first."""
    per_item = (item_actions(order, i, book, today) for i in range(len(order.items)))
    return _merged(per_item)


def _merged(per_item: Iterable[list[Action]]) -> list[Action]:
    merged: dict[tuple, Action] = {}
    for actions in per_item:
        for action in actions:
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
                merged[key] = replace(prev, items=prev.items + action.items)
            else:
                merged[key] = action
    actions = list(merged.values())
    order_of_kind = {"decision": 0, "escalation": 1, "follow-up": 2}
    # Overdue first; the ladder keeps its rungs' order (a chargeback may close before the
    # claim it follows).
    actions.sort(
        key=lambda a: (
            not a.available,
            not a.overdue,
            order_of_kind[a.kind],
            RUNGS.index(a.action) if a.kind == "escalation" else 0,
            a.deadline or date.max,
            DECISIONS.index(a.action) if a.action in DECISIONS else 9,
        )
    )
    return actions


def dated_actions(order: Order, book: PolicyBook, today: date) -> list[Action]:
    """The actions of `order_actions` that can carry a deadline, merged and sorted the same
    way, without working out the rest (reasons and steps of undated actions, and the dated
    ones' steps and links): what `due` and the list's deadlines need. A property test
    checks their deadlines agree."""
    policy = book.retailer(order.retailer)
    return _dated_of(
        [
            Context(order, policy, book, today, index, brief=True)
            for index, item in enumerate(order.items)
            if _may_be_dated(item)
        ]
    )


def _may_be_dated(item: Item) -> bool:
    """Cancelled, refunded (in full) or kept: nothing dated can follow."""
    return item.state not in FINAL_STATES or bool(item.refund_short)


def _dated_of(contexts: list[Context]) -> list[Action]:
    per_item = [
        [replace(a, items=(ctx.index,)) for a in _dated(ctx)]
        for ctx in contexts
        if _may_be_dated(ctx.item)
    ]
    if len(per_item) == 1 and len(per_item[0]) <= 1:
        return per_item[0]  # most orders: nothing to merge or sort
    return _merged(per_item)


def deadlines(
    order: Order, book: PolicyBook, today: date, actions: list[Action] | None = None
) -> list[Deadline]:
    """The order's dated, still-actionable deadlines, soonest first (from `actions` if given)."""
    if actions is None:
        actions = dated_actions(order, book, today)
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
    """The person must do something: a reported problem, something overdue, a deadline in
    the coming week, or no news for so long that the status needs checking; never for
    closed history. A fresh order that could still be cancelled is waiting, not this."""
    if actions is None:
        actions = order_actions(order, book, today)
    where = standing(order, book, today)
    return not where.done and calls_for_action(actions, where.states, today)


def calls_for_action(actions: list[Action], states: tuple[State, ...], today: date) -> bool:
    """`needs_action` on an open order's actions and its items' states (estimates applied)."""
    if is_urgent(actions, states, today):
        return True
    soon = today + SOON
    return any(
        a.available
        and (
            a.action == "check-status"
            # a refund on its way is the retailer's to do: waiting, until it is overdue
            or (a.deadline is not None and a.deadline <= soon and a.action != "expect-refund")
        )
        for a in actions
    )


def is_urgent(actions: list[Action], states: tuple[State, ...], today: date) -> bool:
    """A reported problem, or an available action past its deadline: first in the list."""
    return State.PROBLEM in states or any(
        a.available and (a.overdue or (a.deadline is not None and a.deadline < today))
        for a in actions
    )
