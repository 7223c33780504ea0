"""Bringing orders in: Amazon's exports and unship's own JSON and CSV.

Two steps, so that a screen can preview before anything is written:

    result = plan(book, path, format=None, progress=callback)   # reads, checks, compares
    result.counts  -> {"new": 3, "updated": 1, "unchanged": 240, "rejected": 2}
    apply(book, result, partial=False)                           # one undoable change

`plan` never writes; it may run in a worker thread and calls `progress(done, total)`
as it reads. `apply` writes every new and updated order in one `book.replace_all`
(so `unship undo` takes the whole import back); with rejected rows it refuses unless
`partial=True` (all or nothing per file).

Re-importing is idempotent. An order already in the book (same retailer and order
number) is merged: the file's events that the item has not had are recorded (so the
history says when it shipped) when the item's state allows them; nothing is ever
moved backwards and nothing the person recorded (notes, returns, refunds, delivered
dates, tracking) is overwritten; empty fields are filled in.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, tzinfo
from pathlib import Path
from typing import Any

from .. import advice, lifecycle
from ..model import Event, Item, Order, replace
from ..text import terminal_safe
from . import amazon, amazon_report, amazon_returns, unship_csv, unship_json
from .common import (
    ImportFileError,
    Incoming,
    Parsed,
    Progress,
    Rejected,
    decode,
    header_key,
    read_text,
)

__all__ = [
    "FORMATS",
    "ImportFileError",
    "ImportPlan",
    "ImportRejectedError",
    "Outlook",
    "Rejected",
    "apply",
    "detect_format",
    "plan",
    "plan_text",
]

FORMATS = ("amazon", "amazon-report", "amazon-returns", "json", "csv", "mail")
_PARSERS = {
    "amazon": amazon.parse,
    "amazon-report": amazon_report.parse,
    "json": unship_json.parse,
    "csv": unship_csv.parse,
}
IMPORT_NOTE = "from import"


class ImportRejectedError(ImportFileError):
    """Some rows were rejected and the person did not ask for a partial import."""


@dataclass
class ImportPlan:
    """What importing a file would do; nothing is written until `apply`."""

    name: str
    format: str
    rows: int
    new: list[Incoming] = field(default_factory=list)
    updated: list[tuple[Order, Order]] = field(default_factory=list)  # (in the book, merged)
    unchanged: list[Order] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    parsed: Parsed | None = None
    # Files that move orders already in the book (returns): how to compare again at apply.
    replan: Callable[[Any], ImportPlan] | None = None

    @property
    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "rejected": len(self.rejected),
        }

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.updated)

    def outlook(self, book) -> Outlook:
        """How the orders this import brings or moves on will stand today."""
        return outlook(book, [i.order for i in self.new] + [new for _, new in self.updated])

    def description(self) -> str:
        return f"import {self.name}: {len(self.new)} new, {len(self.updated)} updated"

    def changes(self) -> dict[int, Order | None]:
        """For `book.replace_all`: updated orders by id, new ones as -1, -2, ... (file order)."""
        out: dict[int, Order | None] = {old.id: merged for old, merged in self.updated}
        for n, incoming in enumerate(self.new, 1):
            out[-n] = incoming.order
        return out


@dataclass(frozen=True)
class Outlook:
    open: int = 0
    in_transit: int = 0
    closed_history: int = 0  # done because every window closed long ago
    done: int = 0  # done by their states (kept, refunded, cancelled)
    # deadlines marked '~': from an estimated delivery (a ship date and no delivery date), a
    # ship day not recorded, or a guessed window
    estimated: int = 0

    def text(self) -> str:
        """'after the import: 3 open (1 in transit) · 240 closed history · 3 done · 2
        deadlines estimated'."""
        parts = [
            f"{self.open} open" + (f" ({self.in_transit} in transit)" if self.in_transit else "")
        ]
        if self.closed_history:
            parts.append(f"{self.closed_history} closed history (every window long over)")
        if self.done:
            parts.append(f"{self.done} done")
        if self.estimated:
            s = "s" if self.estimated != 1 else ""
            parts.append(f"{self.estimated} deadline{s} estimated (~)")
        return "after the import: " + " · ".join(parts)


def outlook(book, orders: list[Order]) -> Outlook:
    policies, today = book.policies, book.today
    counts = dict.fromkeys(("open", "in_transit", "closed_history", "done", "estimated"), 0)
    travelling = (lifecycle.State.SHIPPED, lifecycle.State.OUT_FOR_DELIVERY)
    for order in orders:
        where = advice.standing(order, policies, today)
        if where.closed:
            counts["closed_history"] += 1
        elif where.done:
            counts["done"] += 1
        else:
            counts["open"] += 1
            counts["in_transit"] += any(s in travelling for s in where.states)
        counts["estimated"] += sum(
            1 for d in advice.deadlines(order, policies, today) if d.estimated
        )
    return Outlook(**counts)


def detect_format(text: str) -> str:
    """The format of a file's text, from its first line."""
    if not text.strip():
        raise ImportFileError("the file is empty")
    if unship_json.looks_like(text):
        return "json"
    first = next((line for line in text.splitlines() if line.strip()), "")
    import csv

    header = {header_key(cell) for cell in next(csv.reader([first]), [])}
    if amazon.looks_like(header):
        return "amazon"
    if amazon_report.looks_like(header):
        return "amazon-report"
    if amazon_returns.looks_like(header):
        return "amazon-returns"
    if unship_csv.looks_like(header):
        return "csv"
    raise ImportFileError(
        f"can't tell the file's format from its first line; give --format ({', '.join(FORMATS)})"
    )


def plan(
    book,
    path: str | Path,
    *,
    format: str | None = None,
    progress: Progress | None = None,
    tz: tzinfo | None = None,
    add: bool = False,
) -> ImportPlan:
    """Read `path` and compare it with the book. Raises ImportFileError if the whole
    file can't be read; bad rows are in `.rejected`. `add`: mail's order confirmations of
    orders not in the book log them (`unship import --add`)."""
    path = Path(path)
    if format == "mail" or (format is None and _is_mail(path)):
        from .mail_book import plan_for

        return plan_for(book, path, progress=progress, tz=tz, add=add)
    text = read_text(path)
    shown, name = terminal_safe(path), terminal_safe(path.name)
    try:
        return plan_text(book, text, name=name, format=format, progress=progress, tz=tz)
    except ImportFileError as error:
        if shown in str(error) or name in str(error):
            raise
        raise ImportFileError(f"{shown}: {error}") from None


def _is_mail(path: Path) -> bool:
    from .mail import is_mail

    return is_mail(path)


def plan_text(
    book,
    text: str | bytes,
    *,
    name: str = "file",
    format: str | None = None,
    progress: Progress | None = None,
    tz: tzinfo | None = None,
) -> ImportPlan:
    if isinstance(text, bytes):
        text = decode(text)
    text = text.lstrip("\ufeff")
    fmt = format or detect_format(text)
    if fmt == amazon_returns.FORMAT:
        return _plan_returns(book, text, name, progress, tz)
    if fmt not in _PARSERS:
        raise ImportFileError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    total = max(1, text.count("\n"))

    def report(done: int, _total: int) -> None:
        if progress is not None:
            progress(min(done, total), total)

    parsed = _PARSERS[fmt](text, policies=book.policies, today=book.today, tz=tz, progress=report)
    result = _compare(book, parsed, name)
    if progress is not None:
        progress(total, total)
    return result


def _plan_returns(book, text: str, name: str, progress, tz) -> ImportPlan:
    """A returns file: its rows moved onto the book's Amazon orders (see amazon_returns)."""
    parsed, rows = amazon_returns.read(text, tz=tz)

    def compare(book) -> ImportPlan:
        found = Parsed(
            parsed.format, parsed.rows, [], list(parsed.rejected), [], list(parsed.notes)
        )
        orders = {
            o.order_number.strip().lower(): o
            for o in book.orders()
            if book.policies.retailer_key(o.retailer) in ("amazon", "amazon-fresh")
        }
        moved = amazon_returns.apply_rows(orders, rows, found, today=book.today)
        touched = {o.id for o, _ in moved.values()}
        mentioned = {r.order_id.strip().lower() for r in rows}
        return ImportPlan(
            name=name,
            format=parsed.format,
            rows=parsed.rows,
            updated=list(moved.values()),
            unchanged=[o for k, o in orders.items() if k in mentioned and o.id not in touched],
            rejected=sorted(found.rejected, key=lambda r: r.line),
            unknown_columns=list(parsed.unknown_columns),
            notes=found.notes,
        )

    result = compare(book)
    result.replan = compare
    if progress is not None:
        progress(parsed.rows, parsed.rows)
    return result


def _compare(book, parsed: Parsed, name: str) -> ImportPlan:
    result = ImportPlan(
        name=name,
        format=parsed.format,
        rows=parsed.rows,
        rejected=sorted(parsed.rejected, key=lambda r: r.line),
        unknown_columns=list(parsed.unknown_columns),
        notes=list(parsed.notes),
        parsed=parsed,
    )
    keys: dict[str, str] = {}

    def key_of(retailer: str, number: str) -> tuple[str, str]:
        if retailer not in keys:
            keys[retailer] = book.policies.retailer_key(retailer)
        return keys[retailer], number.strip().lower()

    index = {key_of(o.retailer, o.order_number): o for o in book.orders()}
    names: dict[str, str] = {}
    for incoming in parsed.orders:
        existing = index.get(key_of(incoming.order.retailer, incoming.order.order_number))
        if existing is None:
            retailer = incoming.order.retailer
            if retailer not in names:
                names[retailer] = book.retailer_name(retailer)
            result.new.append(
                replace(incoming, order=replace(incoming.order, retailer=names[retailer]))
            )
            continue
        merged, problems = merge(existing, incoming.order, today=book.today)
        result.notes.extend(f"{existing.order_number}: {p}" for p in problems)
        if merged == existing:
            result.unchanged.append(existing)
        else:
            result.updated.append((existing, merged))
    return result


def apply(book, result: ImportPlan, *, partial: bool = False) -> str:
    """Write the plan as one undoable change; returns its description ('' if nothing to do).

    The comparison is made again against the book as it is now, so a change made
    elsewhere since `plan` is not overwritten.
    """
    if result.format == "mail":
        from .mail_book import apply_mail

        return apply_mail(book, result)
    if result.rejected and not partial:
        n = len(result.rejected)
        rows = f"{n} row{'s' if n != 1 else ''} rejected: nothing imported"
        if not result.has_changes:  # no good row to import
            raise ImportRejectedError(rows)
        raise ImportRejectedError(f"{rows} (use --partial to import the good rows)")
    if result.replan is not None:
        fresh = result.replan(book)
        result.new, result.updated, result.unchanged = fresh.new, fresh.updated, fresh.unchanged
    elif result.parsed is not None:
        fresh = _compare(book, result.parsed, result.name)
        result.new, result.updated, result.unchanged = fresh.new, fresh.updated, fresh.unchanged
    if not result.has_changes:
        return ""
    from .mail_book import with_kept_mail

    # what mail read earlier said of orders not in the book then, once they are
    changes, told, record = with_kept_mail(book, result.changes())
    description = result.description()
    if told:
        description += f"; {told} {'orders' if told != 1 else 'order'} as mail read earlier said"
    book.replace_all(changes, description, record=record)
    return description


# -- merging a file's order into the book's ---------------------------------------------


def _item_key(item: Item) -> str:
    asin = item.extra.get("asin", "")
    return f"asin:{asin.lower()}" if asin else f"title:{item.title.casefold()}"


def merge(existing: Order, incoming: Order, *, today: date | None) -> tuple[Order, list[str]]:
    """`existing` moved on by what `incoming` (the same order, from a file) knows.

    Returns the merged order (equal to `existing` when the file adds nothing) and the
    events that could not be applied, explained.
    """
    order = existing
    problems: list[str] = []
    free: dict[str, list[int]] = {}
    for i, item in enumerate(existing.items):
        free.setdefault(_item_key(item), []).append(i)
    pairs: list[tuple[int, Item]] = []
    items = list(order.items)
    for item in incoming.items:
        slots = free.get(_item_key(item))
        if slots:
            index = slots.pop(0)
            old = items[index]
            extra = {**item.extra, **old.extra}
            if extra != old.extra or (not old.seller and item.seller):
                items[index] = replace(old, extra=extra, seller=old.seller or item.seller)
        else:  # an item the book does not have yet: added as ordered, then moved on
            index = len(items)
            items.append(replace(item, state=lifecycle.State.ORDERED, dates={}))
        pairs.append((index, item))
    fill = {}
    for name in ("carrier", "tracking", "notes"):
        if not getattr(order, name) and getattr(incoming, name):
            fill[name] = getattr(incoming, name)
    extra = {**incoming.extra, **order.extra}
    if extra != order.extra:
        fill["extra"] = extra
    order = replace(order, items=tuple(items), **fill)
    events: dict[tuple[date, str], list[int]] = {}
    for index, item in pairs:
        have = order.items[index].dates
        for event, day in item.dates.items():
            if event not in have:
                events.setdefault((day, event), []).append(index)
    rank = {e.value: n for n, e in enumerate(Event)}
    for (day, event), indexes in sorted(events.items(), key=lambda kv: (kv[0][0], rank[kv[0][1]])):
        # Only items whose state allows it: the person may be further along (never move back).
        ready = [i for i in indexes if Event(event) in lifecycle.TRANSITIONS[order.items[i].state]]
        on = max(day, order.ordered_on)
        try:
            order = (
                lifecycle.record(order, event, on, items=ready, note=IMPORT_NOTE, today=today)
                if ready
                else order
            )
        except lifecycle.TransitionError:
            for index in ready:  # one by one, to keep those that can
                try:
                    order = lifecycle.record(
                        order, event, on, items=[index], note=IMPORT_NOTE, today=today
                    )
                except lifecycle.TransitionError as error:
                    problems.append(str(error))
    return order, problems
