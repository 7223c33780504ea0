"""The application layer: every change to the order book, one function each.

Each takes the book and plain values (text as a person typed it, ids) and returns what it
changed, or raises FieldError naming the field that was refused and why (a StoreError when
the file can't be read or written). The CLI (unship/cli_commands.py) and the app (tui/)
change the book only through here, so a check made for one door is made for every door:
`unship add` and the order form both go through order_input.check_order, and every typed
date, price and retailer is read by store/parsing.py.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .model import Event, ModelError, Order
from .order_input import Checked, OrderFields, check_order, check_price
from .parsing import ParseError, QuickOrder, parse_date, parse_quick
from .repository import OrderBook
from .text import clean_line

if TYPE_CHECKING:  # the importers load when a file is imported, not with the app
    from .importers import ImportPlan


class FieldError(ModelError):
    """What was typed can't be stored. `errors` maps each refused field to why: the keys of
    order_input for an order ("retailer", "item-0-price", ...), "on" for an event's day."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(self.errors.values()))

    @property
    def field(self) -> str:
        return next(iter(self.errors), "")


# -- reading what was typed ------------------------------------------------------------------


def read_date(book: OrderBook, text: str) -> date:
    """A typed date, read the one way every door reads it (the day-first setting included)."""
    return parse_date(text, book.today, day_first=book.day_first)


def read_quick(book: OrderBook, line: str) -> QuickOrder:
    """A quick-add line, knowing the retailers' names and aliases ('best buy')."""
    return parse_quick(
        line, book.today, retailers=book.policies.retailer_names(), day_first=book.day_first
    )


def event_day(book: OrderBook, text: str | date | None, not_before: date | None = None) -> date:
    """The day an event happened: empty is today; never in the future, nor before `not_before`
    (the order date). FieldError under "on" otherwise."""
    today = book.today
    if isinstance(text, date):
        day = text
    elif text is None or not text.strip():
        day = today
    else:
        try:
            day = read_date(book, text)
        except ParseError as error:
            raise FieldError({"on": str(error)}) from None
    if day > today:
        raise FieldError({"on": f"{day.isoformat()} is in the future (today is {today})"})
    if not_before is not None and day < not_before:
        raise FieldError(
            {"on": f"{day.isoformat()} is before the order date {not_before.isoformat()}"}
        )
    return day


# -- orders ----------------------------------------------------------------------------------


def check(book: OrderBook, fields: OrderFields, editing: Order | None = None) -> Checked:
    """What `fields` would store, with every error and warning (the form shows it live)."""
    return check_order(fields, book, editing=editing)


def _storable(checked: Checked) -> Order:
    """The order the checks built, or FieldError with every refused field."""
    if not checked.ok or checked.order is None:
        raise FieldError(checked.errors or {"items": "nothing to store"})
    return checked.order


def add_order(book: OrderBook, fields: OrderFields) -> Order:
    """Store a new order from the form's values (the CLI's flags and quick add fill the same)."""
    return book.add(_storable(check_order(fields, book)))


def save_edit(book: OrderBook, order: Order, fields: OrderFields) -> tuple[Order, list[str]]:
    """Store an edited order; returns it and what changed ([] : nothing, nothing written)."""
    checked = check_order(fields, book, editing=order)
    edited = _storable(checked)
    if not checked.changes:
        return order, []
    what = f"edit {edited.order_number}: " + ", ".join(checked.changes)
    return book.update(edited, clean_line(what)), checked.changes


def delete_orders(book: OrderBook, refs: list[str | int]) -> list[Order]:
    """Delete orders by id or order number in one undoable change (all or none)."""
    return book.delete_many(refs)


# -- events ----------------------------------------------------------------------------------


def record_event(
    book: OrderBook,
    ref: str | int,
    event: Event | str,
    on: str | date | None = None,
    *,
    items: list[int] | None = None,
    note: str = "",
    refunded: str | int | None = None,
    return_tracking: str = "",
) -> Order:
    """Record that `event` happened to order `ref` on the day typed (default today).

    `refunded` is the amount a refund came to (typed text, or minor units), only with
    "refunded"; `return_tracking` the return's tracking number, only with "return-shipped".
    FieldError under "on" or "amount" for what can't be read."""
    order = book.find(ref)
    day = event_day(book, on, order.ordered_on)
    if isinstance(refunded, str):
        refunded = read_amount(refunded, order.currency) if refunded.strip() else None
    return book.record(  # the lifecycle refuses an amount or a tracking number out of place
        order.id,
        event,
        day,
        items=items,
        note=note,
        refunded=refunded,
        return_tracking=return_tracking,
    )


def record_pickup(
    book: OrderBook, ref: str | int, on: str | date | None = None, *, note: str = ""
) -> Order:
    """Record that order `ref`'s parcel was collected from its pickup point on the day typed
    (default today): its 'pick it up by' reminder ends."""
    order = book.find(ref)
    return book.picked_up(order.id, event_day(book, on, order.ordered_on), note=note)


def read_amount(text: str, currency: str) -> int:
    """A refund's amount as typed ("1,169.99", "$1169.99") in the order's currency, in minor
    units; FieldError under "amount"."""
    try:
        return check_price(text, currency)
    except ModelError as error:
        raise FieldError({"amount": str(error)}) from None


def record_many(
    book: OrderBook, ids: list[int], event: Event | str, on: str | date | None = None
) -> tuple[list[Order], dict[int, str]]:
    """Record `event` for several orders in one change; returns the changed and the refused."""
    day = event_day(book, on)
    return book.record_many(ids, event, day)


# -- whole-book changes ----------------------------------------------------------------------


def apply_import(book: OrderBook, plan: ImportPlan, *, partial: bool = False) -> str:
    """Store what an import plan found (a file's or a mailbox's), as one undoable change."""
    from .importers import apply as apply_plan

    return apply_plan(book, plan, partial=partial)


def undo(book: OrderBook) -> str:
    return book.undo()


def redo(book: OrderBook) -> str:
    return book.redo()


__all__ = [
    "FieldError",
    "add_order",
    "apply_import",
    "check",
    "delete_orders",
    "event_day",
    "read_date",
    "read_quick",
    "record_event",
    "record_many",
    "redo",
    "save_edit",
    "undo",
]
