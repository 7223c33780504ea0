"""Amazon's returns and refunds exports, beside the order history in "Request Your Data":

- `Retail.CustomerReturns.1.1.csv`: "OrderId","ContractId","DateOfReturn","ReturnAmount",
  "ReturnAmountCurrency","ReturnReason","Resolution"; one row per returned unit (identical
  rows repeat: counted once); ReturnAmount includes tax, or is "No Refund".
- `Retail.OrdersReturned*.csv`: order id, reversal id, creation date, status
  (Completed / Declined), reason, refund completion date, amount refunded (spellings vary).

These files hold no items: they move on orders already in the book. A refund is matched to
an item by amount against the item's Total Owed from the order export (tax included); where
no item matches, the refund is written in the order's history with its amount, and the
summary says so. A row for an order that is not in the book is rejected with its line:
nothing is invented. Reason "Refused" records a refusal at the door; Resolution "Exchange"
records a return then "kept" (a replacement came); "No Refund" records the return without
a refund. Re-importing changes nothing: an event the item is already past is not recorded.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, tzinfo

from .. import lifecycle
from ..model import Event, HistoryEntry, Order, replace
from ..money import MoneyError, check_currency, format_money
from ..text import NOTE_MAX, clean_line, clean_text
from .common import (
    ImportFileError,
    Parsed,
    Rejected,
    RowError,
    open_table,
    parse_amount,
    parse_day,
    require,
)

FORMAT = "amazon-returns"
NOTE = "from the Amazon returns export"

ALIASES: dict[str, tuple[str, ...]] = {
    "order_id": ("OrderId", "Order ID", "Order Id"),
    "contract_id": ("ContractId", "Contract ID", "ReversalId", "Reversal ID", "Reversal Id"),
    "date": ("DateOfReturn", "Date Of Return", "Date of Return"),
    "created": ("CreationDate", "Creation Date"),
    "completed": ("RefundCompletionDate", "Refund Completion Date"),
    "amount": ("ReturnAmount", "Return Amount", "AmountRefunded", "Amount Refunded"),
    "currency": ("ReturnAmountCurrency", "Return Amount Currency", "Currency", "Refund Currency"),
    "reason": ("ReturnReason", "Return Reason", "Reason", "Reversal Reason"),
    "resolution": ("Resolution",),
    "status": ("Status", "Reversal Status", "Refund Status"),
}


def looks_like(header: set[str]) -> bool:
    customer_returns = {"orderid", "dateofreturn", "returnamount"} <= header
    orders_returned = bool(header & {"orderid", "order id"}) and bool(
        header & {"refundcompletiondate", "refund completion date"}
        | {"amountrefunded", "amount refunded"}
    )
    return customer_returns or orders_returned


@dataclass(frozen=True)
class ReturnRow:
    line: int
    order_id: str
    day: date
    amount: int | None  # minor units; None: no refund
    currency: str
    reason: str
    resolution: str  # "refund", "exchange", "declined", ...


def read(text: str, *, tz: tzinfo | None = None) -> tuple[Parsed, list[ReturnRow]]:
    """The file's rows, identical ones counted once; bad rows rejected with their line."""
    table = open_table(text, ALIASES)
    require(table, ("order_id",), "Amazon returns")
    if not {"date", "created", "completed"} & set(table.columns):
        raise ImportFileError("this Amazon returns file has no date column")
    parsed = Parsed(FORMAT, unknown_columns=table.unknown)
    rows: list[ReturnRow] = []
    seen: set[tuple[str, ...]] = set()
    get = table.get
    for line, fields in table.rows:
        parsed.rows += 1
        key = tuple(f.strip() for f in fields)
        order_id = clean_line(get(fields, "order_id"))
        if key in seen:
            parsed.notes.append(
                f"line {line} ({order_id}): the same as an earlier line: counted once"
            )
            continue
        seen.add(key)
        try:
            rows.append(_row(table, fields, line, order_id, tz))
        except (RowError, MoneyError) as error:
            parsed.rejected.append(Rejected(line, str(error), order_id))
    return parsed, rows


def _row(table, fields: list[str], line: int, order_id: str, tz) -> ReturnRow:
    get = table.get
    if not order_id:
        raise RowError("no OrderId")
    when = get(fields, "date") or get(fields, "completed") or get(fields, "created")
    if not when:
        raise RowError("no date of return")
    day = parse_day(when, "date of return", tz)
    amount_text = get(fields, "amount")
    currency_text = get(fields, "currency")
    amount: int | None = None
    currency = ""
    if amount_text and amount_text.lower() not in ("no refund", "norefund"):
        try:
            currency = check_currency(currency_text or "USD")
        except MoneyError as error:
            raise RowError(f"currency: {error}") from None
        amount = parse_amount(amount_text, currency, "ReturnAmount")
        if amount < 0:
            amount = -amount  # some files write the refund as a negative charge
        if amount == 0:
            amount = None
    status = get(fields, "status").lower()
    resolution = get(fields, "resolution").lower()
    if status == "declined":
        resolution = "declined"
    elif not resolution:
        resolution = "refund" if amount is not None else "return"
    return ReturnRow(
        line,
        order_id,
        day,
        amount,
        currency,
        clean_line(get(fields, "reason"), limit=80),
        resolution,
    )


def apply_rows(
    book_orders: dict[str, Order], rows: list[ReturnRow], parsed: Parsed, *, today: date | None
) -> dict[int, tuple[Order, Order]]:
    """The orders moved on by the rows: {id: (in the book, after)}; problems go to
    `parsed` (rejected rows, notes)."""
    out: dict[int, tuple[Order, Order]] = {}
    used: dict[int, set[int]] = {}  # order id -> items a row of this file has matched
    for row in sorted(rows, key=lambda r: (r.day, r.line)):
        found = book_orders.get(row.order_id.strip().lower())
        if found is None:
            parsed.rejected.append(
                Rejected(
                    row.line,
                    f"order {row.order_id} is not in the book: import its order history first",
                    row.order_id,
                )
            )
            continue
        before = out[found.id][0] if found.id in out else found
        order = out[found.id][1] if found.id in out else found
        if row.resolution == "declined":
            parsed.notes.append(
                f"line {row.line} ({row.order_id}): the return was declined: nothing recorded"
            )
            continue
        index = _match(order, row, used.setdefault(order.id, set()))
        if index is None:
            order = _unmatched(order, row, parsed)
        else:
            used[order.id].add(index)
            order = _record_row(order, index, row, today, parsed)
        if order != before:
            out[found.id] = (before, order)
        elif found.id in out:
            del out[found.id]
    return out


def _match(order: Order, row: ReturnRow, used: set[int]) -> int | None:
    """The item a row is about: the only item, or the one whose Total Owed is the amount."""
    if len(order.items) == 1:
        return 0
    if row.amount is None:
        return None
    fits = []
    for i, item in enumerate(order.items):
        owed = item.extra.get("total_owed", "")
        if not owed.isdigit():
            continue
        total, quantity = int(owed), max(item.quantity, 1)
        if row.amount == total or abs(row.amount * quantity - total) <= quantity:
            fits.append(i)
    fresh = [i for i in fits if i not in used and _open_to_refund(order, i)]
    # Else an item already refunded: the row was recorded before (a re-import).
    return (fresh or [i for i in fits if _open_to_refund(order, i)] or fits or [None])[0]


def _open_to_refund(order: Order, index: int) -> bool:
    return order.items[index].state is not lifecycle.State.REFUNDED


def _money(row: ReturnRow) -> str:
    return format_money(row.amount, row.currency) if row.amount is not None else "no refund"


def _unmatched(order: Order, row: ReturnRow, parsed: Parsed) -> Order:
    """A refund no item matches: said in the history (once) and in the summary."""
    what = f"refund of {_money(row)}" if row.amount else f"{row.resolution or 'return'}, no refund"
    note = clean_text(
        f"{what} on {row.day.isoformat()} {NOTE} (reason: {row.reason or 'not given'}); "
        "which item is not known",
        limit=NOTE_MAX,
    )
    if any(e.event == "note" and e.note == note for e in order.history):
        return order
    what = (
        f"{_money(row)} matched no item by amount"
        if row.amount
        else "a return without an amount names no item"
    )
    parsed.notes.append(f"line {row.line} ({row.order_id}): {what}: written in the order's history")
    on = max(row.day, order.ordered_on)
    return replace(order, history=(*order.history, HistoryEntry(on=on, event="note", note=note)))


def _record_row(
    order: Order, index: int, row: ReturnRow, today: date | None, parsed: Parsed
) -> Order:
    reason = f" (reason: {row.reason})" if row.reason else ""
    if row.reason.lower() == "refused":
        steps = [(Event.REFUSED, f"refused at the door{reason}")]
    elif row.resolution == "exchange":
        steps = [
            (Event.RETURN_REQUESTED, f"return for an exchange{reason}"),
            (Event.KEPT, "exchanged: a replacement was sent"),
        ]
    else:
        steps = [(Event.RETURN_REQUESTED, f"return{reason}")]
        if row.amount is None:
            steps.append((Event.RETURN_SHIPPED, "the export lists no refund for this return"))
    if row.amount is not None and row.resolution != "exchange":
        steps.append((Event.REFUNDED, f"refunded {_money(row)}"))
    for event, words in steps:
        item = order.items[index]
        if event not in lifecycle.TRANSITIONS[item.state]:
            continue  # already past it (a re-import), or never possible from here
        on = max([row.day, order.ordered_on, *item.dates.values()])
        if today is not None and on > today:
            parsed.notes.append(
                f"line {row.line} ({row.order_id}): {event.value} is in the future: left out"
            )
            break
        try:
            order = lifecycle.record(
                order, event, on, items=[index], note=f"{words} {NOTE}", today=today
            )
        except lifecycle.TransitionError as error:
            parsed.notes.append(f"line {row.line} ({row.order_id}): {error}")
            break
    return order
