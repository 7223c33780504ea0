"""Mail against the order book: what the facts in a mailbox would change, then one write.

    result = plan_mail(book, [path], progress=callback, add=False)   # reads, never writes
    result.summary_lines()                                            # per kind, and why not
    apply_mail(book, result)                                          # one undoable change

Facts from mail are recorded facts: each moves the items of its order along the lifecycle
on the day the mail gives, with "from an email of DATE" in the history. An item is never
moved backwards, and a fact it already has changes nothing. The messages read are
remembered in the book (hashes of their Message-IDs, in the side table `mail_read`, written
with the orders), so reading the same mailbox again skips them. For a message about an order
that is not in the book, its fact is kept there instead (numbers, dates: never the text) and
checked again at each import without reading the message, so it counts once the order is
logged.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from pathlib import Path

from .. import lifecycle
from ..model import Event, HistoryEntry, ModelError, Order, new_item, new_order, replace
from ..text import clean_line
from . import ImportPlan
from .common import ImportFileError, Progress
from .mail import Letter, find_messages, raw_messages, read_letter
from .mail_classify import KINDS, Fact, classify, worth_reading

TABLE = "mail_read"
VERSION = 1  # of what is kept in the mail_read table
# when what is kept of mail about orders not in the book counts (`with_kept_mail`)
KEPT_COUNTS = "it counts when an import brings {0} in (logged by hand: import this mail again)"
SHOWN = 20  # lines of each list in the summary
EVENTS = {
    "shipped": Event.SHIPPED,
    "out-for-delivery": Event.OUT_FOR_DELIVERY,
    "delivered": Event.DELIVERED,
    "exception": Event.PROBLEM,
    "refunded": Event.REFUNDED,
}
_RANK = {kind: n for n, kind in enumerate(KINDS)}
# A mail's date may fall a day before the order's: a different time zone, or a day typed
# from memory.
ORDER_DATE_SLACK = timedelta(days=1)


@dataclass
class Found:
    """A message's fact, where it came from, and what became of it."""

    fact: Fact
    key: str
    subject: str
    outcome: str = ""  # used, known, unmatched, undated, earlier (than its order)
    kept: bool = False  # the fact was kept in the book by an earlier import


@dataclass
class MailPlan(ImportPlan):
    source_kind: str = ""
    read: int = 0
    skipped: int = 0  # read by an earlier import
    other: int = 0  # not order mail
    found: list[Found] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)  # subjects
    # understood, but naming no order number or tracking number to find the order by (an
    # apartment Hub's "package to pick up" notice): 'pickup: SUBJECT'
    nameless: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # messages that could not be read
    unmatched: list[str] = field(default_factory=list)  # what mail says of unknown orders
    earlier: list[str] = field(default_factory=list)  # mail sent before its order's date
    remember: list[str] = field(default_factory=list)  # message keys to keep as read
    pending: dict[str, dict] = field(default_factory=dict)  # new facts for unknown orders
    plain_keys: list[str] = field(default_factory=list)  # other mail, not understood
    add: bool = False
    addable: int = 0  # confirmations of orders not in the book, that `add` would log
    tz: tzinfo | None = None

    def description(self) -> str:
        return f"import mail {self.name}: {len(self.new)} new, {len(self.updated)} updated"

    def has_work(self) -> bool:
        return self.has_changes or bool(self.remember or self.pending)

    def summary_lines(self) -> list[str]:
        lines = [
            f"{self.read} message{'' if self.read == 1 else 's'} read: {len(self.found)} about "
            f"orders, {self.other} other mail, "
            f"{len(self.not_understood)} not understood, {len(self.problems)} unreadable"
            + (f", {len(self.nameless)} naming no order" if self.nameless else "")
            + (f", {self.skipped} read before" if self.skipped else "")
        ]
        tally: dict[str, Counter[str]] = {}
        for found in self.found:
            tally.setdefault(found.fact.kind, Counter())[found.outcome] += 1
        for kind in sorted(tally, key=_RANK.get):
            c = tally[kind]
            parts = [f"{c['used']} used", f"{c['known']} already known"]
            if c["unmatched"]:
                parts.append(f"{c['unmatched']} for orders not in the book")
            if c["undated"]:
                parts.append(f"{c['undated']} without a date")
            if c["earlier"]:
                parts.append(f"{c['earlier']} sent before their order's date")
            lines.append(f"  {kind}: {sum(c.values())} read, " + ", ".join(parts))
        lines += _listed("orders not in the book", self.unmatched)
        lines += _listed(
            "sent before the order's date (about another order with that number, or the "
            "order's date is wrong)",
            self.earlier,
        )
        lines += _listed("naming no order or tracking number", self.nameless)
        lines += _listed("not understood", self.not_understood)
        lines += _listed("could not be read", self.problems)
        return lines

    def kept_orders(self) -> int:
        """How many orders not in the book (by order or tracking number) writing the plan
        keeps new facts for."""
        return len(
            {(f.get("order_numbers") or f.get("tracking"))[0] for f in self.pending.values()}
        )

    def kept_text(self) -> str:
        """What writing the plan keeps for orders not in the book, when that is new: 'what it
        says of 14 orders not in the book is kept: it counts when an import brings them in
        (logged by hand: import this mail again)'; else ''."""
        n = self.kept_orders()
        if not n:
            return ""
        orders = "orders" if n != 1 else "order"
        return f"what it says of {n} {orders} not in the book is kept: {self.kept_counts()}"

    def kept_counts(self) -> str:
        """When what is kept of the mail about orders not in the book counts."""
        return KEPT_COUNTS.format("them" if self.kept_orders() != 1 else "it")


def _listed(title: str, values: list[str]) -> list[str]:
    if not values:
        return []
    lines = [f"  {title}:"] + [f"    {v}" for v in values[:SHOWN]]
    if len(values) > SHOWN:
        lines.append(f"    … and {len(values) - SHOWN} more")
    return lines


def read_keys(book) -> set[str]:
    return read_memory(book)[0]


def read_memory(book) -> tuple[set[str], dict[str, Fact]]:
    """The messages done with, and the facts kept for orders not in the book (by key)."""
    keys: set[str] = set()
    pending: dict[str, Fact] = {}
    for doc in book.records(TABLE):
        if not isinstance(doc, dict):
            continue
        if isinstance(doc.get("keys"), list):
            keys.update(k for k in doc["keys"] if isinstance(k, str))
        for key, data in (doc.get("pending") or {}).items():
            fact = _fact_from(data)
            if fact is not None:
                pending[key] = fact
    return keys, {k: f for k, f in pending.items() if k not in keys}


_DAYS = ("sent", "day", "pickup_by")  # a Fact's dates, kept as ISO text


def _fact_to(fact: Fact) -> dict:
    data = {k: v for k, v in vars(fact).items() if v not in ("", [], None)}
    for name in _DAYS:
        if name in data:
            data[name] = data[name].isoformat()
    return data


def _fact_from(data: object) -> Fact | None:
    if not isinstance(data, dict):
        return None
    try:
        values = dict(data)
        for name in _DAYS:
            if name in values:
                values[name] = date.fromisoformat(values[name])
        values.setdefault("sent", None)  # kept without it: the message had no date
        values["items"] = [tuple(i) for i in values.get("items", [])]
        fact = Fact(**values)
    except (TypeError, ValueError):
        return None
    return fact if fact.kind in KINDS else None


def plan_mail(
    book,
    paths: list[Path],
    *,
    progress: Progress | None = None,
    tz: tzinfo | None = None,
    add: bool = False,
) -> MailPlan:
    source = find_messages([Path(p) for p in paths])
    result = MailPlan(
        name=source.name, format="mail", rows=0, source_kind=source.kind, add=add, tz=tz
    )
    seen, kept = read_memory(book)
    total = max(1, source.size)

    def tick(done: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    def wants_body(letter: Letter) -> bool:
        return letter.key not in seen and letter.key not in kept and worth_reading(letter)

    for where, data, problem, received in raw_messages(source, tick):
        result.read += 1
        if data is None:
            result.problems.append(f"{where}: {problem}")
            continue
        letter = read_letter(where, data, wants_body, tz)
        if letter.date is None:  # no Date header: when the mailbox received it
            letter.date = received
        if letter.key in seen:
            result.skipped += 1
            continue
        if letter.key in kept:  # its fact is in the book: the message is not read again
            result.found.append(Found(kept[letter.key], letter.key, letter.subject, kept=True))
            continue
        if letter.problem:
            result.problems.append(f"{where}: {letter.subject or '(no subject)'}: {letter.problem}")
            continue
        if not letter.body_read:
            result.other += 1
            result.plain_keys.append(letter.key)
            continue
        try:
            fact = classify(letter, tz)
        except (RecursionError, ValueError, OverflowError) as error:
            result.problems.append(f"{where}: {letter.subject}: {type(error).__name__}")
            continue
        if fact is None or not (fact.order_numbers or fact.tracking):
            subject = clean_line(letter.subject or f"({where})", limit=100)
            if fact is None:
                result.not_understood.append(subject)
            else:
                result.nameless.append(f"{fact.kind}: {subject}")
            result.plain_keys.append(letter.key)
            continue
        result.found.append(Found(fact, letter.key, letter.subject))
    result.rows = result.read
    _compare(book, result)
    if progress is not None:
        progress(total, total)
    return result


# -- comparing with the book ---------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Z0-9]{8,34}")


def _tracking_of(order: Order) -> set[str]:
    texts = [order.tracking, order.extra.get("shipments", "")]
    texts += [item.extra.get("shipment", "") for item in order.items]
    return {t for text in texts for t in _TOKEN.findall(text.upper())}


def _compare(book, result: MailPlan, given: dict[int, Order] | None = None) -> dict[int, Order]:
    """Fill result.new / updated / unchanged and each Found's outcome from the book now.
    Given orders (an import's, by id), the facts are matched against those alone, and the
    orders are returned as the facts leave them (result.new / updated stay empty)."""
    orders = dict(given) if given is not None else {o.id: o for o in book.orders()}
    by_number: dict[str, list[int]] = {}
    by_tracking: dict[str, list[int]] = {}

    def index(order: Order) -> None:
        by_number.setdefault(order.order_number.strip().lower(), []).append(order.id)
        for t in _tracking_of(order):
            by_tracking.setdefault(t, []).append(order.id)

    for order in orders.values():
        index(order)
    keys: dict[str, str] = {}

    def retailer_key(name: str) -> str:
        if name not in keys:
            keys[name] = book.policies.retailer_key(name)
        return keys[name]

    created: dict[int, Order] = {}  # --add: negative ids
    addable: set[str] = set()  # without it: the order numbers it would log
    unmatched: dict[str, str] = {}
    earlier: list[str] = []
    today = book.today
    remember = list(result.plain_keys)
    pending: dict[str, dict] = {}
    for found in sorted(result.found, key=_when):
        fact = found.fact
        ids = _match(fact, orders, by_number, by_tracking, retailer_key)
        loggable = fact.kind == "placed" and bool(fact.items) and fact.day is not None
        if not ids and loggable and not result.add:
            addable.add(fact.order_numbers[0])  # what --add would log
        elif not ids and loggable and (order := _new_order(book, fact, today)) is not None:
            new_id = -(len(created) + 1)
            order = replace(order, id=new_id)
            orders[new_id] = created[new_id] = order
            index(order)
            found.outcome = "used"
            remember.append(found.key)
            continue
        if not ids:
            found.outcome = "unmatched"
            number = (fact.order_numbers or fact.tracking)[0]
            what = f"{fact.kind} {fact.day or 'undated'}"
            if fact.expected:
                what += f", expected {fact.expected}"
            if fact.tracking and fact.order_numbers:
                what += f", {fact.carrier or 'tracking'} {fact.tracking[0]}"
            if fact.items:
                what += f", {len(fact.items)} items"
            by = "order" if fact.order_numbers else "tracking"
            label = f"{fact.site or fact.sender} {by} {number}"
            unmatched[label] = f"{label}: {clean_line(what, limit=160)}"
            if not found.kept:
                pending[found.key] = _fact_to(fact)
            continue
        if fact.day is None:
            found.outcome = "undated"
            remember.append(found.key)  # nothing to learn from it, however often it is read
            continue
        # Mail sent before the order was placed is not about it: the number belongs to another
        # order (a carrier reuses tracking numbers) or the order's date is wrong. Applied at
        # the order's date, it made up a delivery and a return window. Not remembered, so
        # that it counts once the date is put right.
        sent = fact.sent or fact.day
        fitting = [i for i in ids if sent >= orders[i].ordered_on - ORDER_DATE_SLACK]
        if not fitting:
            found.outcome = "earlier"
            first = orders[ids[0]]
            earlier.append(
                f"{fact.sender} {fact.kind} mail of {sent.isoformat()} for order "
                f"{clean_line(first.order_number, limit=40)}, dated {first.ordered_on.isoformat()}"
            )
            continue
        ids = fitting
        changed = False
        for order_id in ids:
            new = _apply_fact(orders[order_id], fact, today)
            if new is not orders[order_id]:
                orders[order_id] = new
                if order_id < 0:
                    created[order_id] = new
                changed = True
        found.outcome = "used" if changed else "known"
        remember.append(found.key)
    result.new, result.updated, result.unchanged = [], [], []
    result.unmatched = list(unmatched.values())
    result.earlier = earlier
    result.remember = list(dict.fromkeys(remember))
    result.pending = pending
    result.addable = len(addable)
    if given is not None:
        return orders
    from .common import Incoming

    for order_id, order in sorted(created.items(), reverse=True):
        result.new.append(Incoming(order=replace(order, id=0), line=-order_id))
    for old in book.orders():
        if orders[old.id] != old:
            result.updated.append((old, orders[old.id]))
    return orders


def with_kept_mail(
    book, changes: dict[int, Order | None]
) -> tuple[dict[int, Order | None], int, tuple[str, dict] | None]:
    """An import's `changes` (for `book.replace_all`: new orders under negative ids) with
    the facts kept from mail read earlier, about orders that were not in the book then,
    applied to the orders the import brings in or changes: (the changes, how many orders
    the mail changed, the record that marks those facts as used, written with them).
    Facts about other orders stay kept; the import and the mail's part are one change."""
    _seen, kept = read_memory(book)
    if not kept:
        return changes, 0, None
    orders = {i: replace(o, id=i) for i, o in changes.items() if o is not None}
    result = MailPlan(name="mail read earlier", format="mail", rows=0)
    result.found = [Found(fact, key, "", kept=True) for key, fact in kept.items()]
    after = _compare(book, result, orders)
    if not result.remember:
        return changes, 0, None
    told = {i: order for i, order in after.items() if order is not orders[i]}
    return {**changes, **told}, len(told), (TABLE, _record(result))


def _when(found: Found) -> tuple[date, int]:
    return found.fact.day or date.max, _RANK.get(found.fact.kind, 99)


def _match(fact, orders, by_number, by_tracking, retailer_key) -> list[int]:
    for number in fact.order_numbers:
        ids = by_number.get(number.strip().lower(), [])
        if not fact.is_carrier:
            shop = retailer_key(fact.site or fact.sender)
            same = [i for i in ids if retailer_key(orders[i].retailer) == shop]
            ids = same or ids
        if ids:
            return ids[:1]
    for number in fact.tracking:
        ids = by_tracking.get(number.upper(), [])
        if ids:
            return ids[:1]
    return []


def _note(fact: Fact) -> str:
    note = f"from an email of {fact.sent.isoformat()}" if fact.sent else "from an email"
    return f"{note}; {fact.note}" if fact.note else note


def _items_for(order: Order, fact: Fact) -> list[int]:
    """The items a message is about: those whose titles it names, else all of them."""
    everyone = list(range(len(order.items)))
    if len(order.items) < 2 or not fact.titles:
        return everyone
    wanted = [t.casefold() for t in fact.titles if len(t) >= 4]
    named = [
        i
        for i, item in enumerate(order.items)
        if any(
            item.title.casefold().startswith(w) or w.startswith(item.title.casefold())
            for w in wanted
        )
    ]
    return named or everyone


def _apply_fact(order: Order, fact: Fact, today: date) -> Order:
    day = min(max(fact.day, order.ordered_on), today)
    new = order
    event = EVENTS.get(fact.kind)
    if fact.kind == "pickup" and not fact.is_carrier:
        # A shop writes once the parcel is in its pickup point (Amazon Hub: "Once your parcel
        # has been delivered, we will email you a collection barcode"): it can no longer be
        # cancelled, and its return window runs. A carrier's notice may follow a missed
        # delivery: that stays a note.
        event = Event.DELIVERED
    if event is not None:
        ready = []
        for i in _items_for(order, fact):
            item = order.items[i]
            if event is Event.SHIPPED and lifecycle.ship_day_missing(order, i):
                if day <= item.dates[Event.DELIVERED.value]:  # delivered with no ship day
                    ready.append(i)
                continue
            if event not in lifecycle.TRANSITIONS[item.state]:
                continue  # already there or further along: never moved back
            if event is Event.PROBLEM and item.state not in lifecycle.INBOUND_STATES:
                continue
            if item.dates.get(event.value) == day:
                continue
            if any(d > day for d in item.dates.values()):
                continue  # something later already happened
            ready.append(i)
        if ready:
            try:
                new = lifecycle.record(new, event, day, items=ready, note=_note(fact), today=today)
            except lifecycle.TransitionError:
                new = order
    if fact.kind == "pickup" and new is order:
        note = _note(fact)
        if not any(e.note == note for e in order.history):  # a note, or the delivery's
            entry = HistoryEntry(on=day, event="note", note=note)
            new = replace(new, history=(*new.history, entry))
    fill = {}
    if fact.tracking and not new.tracking and fact.kind in ("shipped", "out-for-delivery"):
        fill["tracking"] = clean_line(fact.tracking[0], limit=60)
        if fact.carrier and not new.carrier:
            fill["carrier"] = clean_line(fact.carrier, limit=40)
    if fact.kind == "pickup" and fact.pickup_by is not None and fact.pickup_by >= day:
        # The day the parcel waits until, for the 'pick it up by' reminder; a later notice
        # (the parcel kept longer, or another one waiting) moves it, and asks again.
        by = fact.pickup_by.isoformat()
        if new.extra.get("pickup_by", "") < by:
            where = {"pickup_at": fact.pickup_at} if fact.pickup_at else {}
            extra = {k: v for k, v in new.extra.items() if k != "picked_up"}
            fill["extra"] = {**extra, "pickup_by": by, **where}
    inbound = any(item.state in lifecycle.INBOUND_STATES for item in new.items)
    newer = fact.sent is None or new.extra.get("expected_from", "") <= fact.sent.isoformat()
    if fact.expected and inbound and newer and new.extra.get("expected_delivery") != fact.expected:
        extra = {**fill.get("extra", new.extra), "expected_delivery": fact.expected}
        if fact.sent is not None:
            extra["expected_from"] = fact.sent.isoformat()
        fill["extra"] = extra
    return replace(new, **fill) if fill else new


def _new_order(book, fact: Fact, today: date) -> Order | None:
    try:
        items = [new_item(title, price, quantity=qty) for title, qty, price in fact.items]
        order = new_order(
            book.retailer_name(fact.site or fact.sender),
            fact.order_numbers[0],
            min(fact.day, today),
            items,
            currency=fact.currency or "USD",
            source="mail",
            notes=_note(fact),
            today=today,
        )
    except (ModelError, IndexError):
        return None
    return order


def apply_mail(book, result: MailPlan) -> str:
    """Write the plan (compared again with the book as it is now) in one change."""
    _compare(book, result)
    doc = _record(result)
    if not result.has_changes:
        if result.remember or result.pending:
            book.add_record(TABLE, doc)
        return ""
    description = result.description()
    book.replace_all(result.changes(), description, record=(TABLE, doc))
    return description


def plan_for(book, path: Path, **kw) -> MailPlan:
    try:
        return plan_mail(book, [path], **kw)
    except OSError as error:
        raise ImportFileError(f"can't read the mail: {error.strerror or error}") from None


def _record(result: MailPlan) -> dict:
    """What the mail_read table keeps of a plan: the messages done with, and the facts kept
    for orders not in the book."""
    doc = {"v": VERSION, "at": datetime.now().isoformat(timespec="seconds")}
    doc["keys"] = result.remember
    if result.pending:
        doc["pending"] = result.pending
    return doc
