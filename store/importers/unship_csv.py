"""unship's plain CSV: one row per item, UTF-8, comma-separated, with this header:

    retailer,order_number,ordered_on,currency,carrier,tracking,notes,source,order_extra,
    title,price,quantity,category,seller,state,<event>_on ...,item_extra,return_tracking,refunded

- retailer, order_number, ordered_on (YYYY-MM-DD), title and price are required; the
  other columns may be left out or empty.
- Rows with the same retailer and order number are one order, items in row order; the
  order's columns (retailer ... order_extra) are read from its first row.
- price: the unit price as a plain decimal in the currency (12.99; 1200 for JPY).
- state: one of ordered, cancel-requested, cancelled, shipped, out-for-delivery,
  delivered, refused, return-requested, return-shipped, refunded, kept, problem.
- <event>_on: the date each event happened to the item, one column per event:
  shipped_on, out_for_delivery_on, delivered_on, cancel_requested_on, cancel_failed_on,
  cancelled_on, refused_on, return_requested_on, return_shipped_on, refunded_on,
  kept_on, problem_on, unkept_on, refund_accepted_on.
- order_extra, item_extra: a JSON object of text values ({"asin": "B0..."}), or empty.
- return_tracking: the tracking number of the item sent back; refunded: how much was
  refunded for the item's line, a plain decimal (less than price x quantity: a short refund).

The CSV holds every field but the history's notes: on import the history is rebuilt
from the item dates. Columns not listed here are reported and ignored.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..model import Event, HistoryEntry, ModelError, Order, State, new_item, new_order, replace
from ..money import MoneyError, check_currency
from ..parsing import ParseError, parse_date
from ..policies import PolicyBook
from ..text import clean_line
from .common import (
    Incoming,
    Parsed,
    Progress,
    Rejected,
    RowError,
    check_day,
    open_table,
    parse_amount,
    parse_quantity,
    require,
)

FORMAT = "csv"
ORDER_COLUMNS = (
    "retailer",
    "order_number",
    "ordered_on",
    "currency",
    "carrier",
    "tracking",
    "notes",
    "source",
    "order_extra",
)
EVENT_COLUMNS = tuple(f"{e.value.replace('-', '_')}_on" for e in Event)
ITEM_COLUMNS = ("title", "price", "quantity", "category", "seller", "state")
RETURN_COLUMNS = ("return_tracking", "refunded")
HEADER = (*ORDER_COLUMNS, *ITEM_COLUMNS, *EVENT_COLUMNS, "item_extra", *RETURN_COLUMNS)
REQUIRED = ("retailer", "order_number", "ordered_on", "title", "price")


def looks_like(header: set[str]) -> bool:
    return {"retailer", "order_number", "title"} <= header


def parse(
    text: str,
    *,
    policies: PolicyBook,
    today: date | None,
    progress: Progress | None = None,
    **_: Any,
) -> Parsed:
    table = open_table(text, {name: (name,) for name in HEADER}, plain=True)
    require(table, REQUIRED, "unship CSV")
    parsed = Parsed(FORMAT, unknown_columns=table.unknown)
    groups: dict[tuple[str, str], list[tuple[int, list[str]]]] = {}
    for line, fields in table.rows:
        parsed.rows += 1
        if progress and parsed.rows % 500 == 0:
            progress(parsed.rows, 0)
        retailer, number = table.get(fields, "retailer"), table.get(fields, "order_number")
        if not number:
            parsed.rejected.append(Rejected(line, "no order_number"))
            continue
        key = (policies.retailer_key(retailer), number.lower())
        groups.setdefault(key, []).append((line, fields))
    for rows in groups.values():
        _build(parsed, table, rows, today)
    return parsed


def _build(parsed: Parsed, table, rows: list[tuple[int, list[str]]], today) -> None:
    first_line, first = rows[0]
    get = lambda name: table.get(first, name)  # noqa: E731
    number = get("order_number")
    line = first_line
    try:
        currency = check_currency(get("currency") or "USD")
        text = get("ordered_on")
        try:
            ordered_on = parse_date(text, date.today(), exact=True)
        except ParseError:
            raise RowError(f"ordered_on {text!r} is not a date (YYYY-MM-DD)") from None
        read = []
        for line, fields in rows:  # noqa: B007 - `line` names the row to blame
            read.append(_item(table, fields, currency))
        line = first_line
        order = new_order(
            get("retailer"),
            number,
            ordered_on,
            [item for item, _, _ in read],
            currency=currency,
            carrier=get("carrier"),
            tracking=get("tracking"),
            notes=get("notes"),
            source=get("source") or "csv",
            extra=_json_extra(get("order_extra"), "order_extra"),
            today=today,
        )
        for (line, _), (_, _, dates) in zip(rows, read, strict=True):  # noqa: B007
            for event, day in dates.items():
                check_day(day, f"{event.replace('-', '_')}_on", ordered_on, today)
        line = first_line
    except (RowError, ModelError, MoneyError) as error:
        parsed.rejected.append(Rejected(line, str(error), number))
        return
    items = [
        replace(item, state=state, dates=dates)
        for item, (_, state, dates) in zip(order.items, read, strict=True)
    ]
    history: dict[tuple[date, str], list[int]] = {}
    shipped, delivered = Event.SHIPPED.value, Event.DELIVERED.value
    for index, item in enumerate(items):
        # Logged as delivered straight away, its ship day was only "by the delivery day" and
        # is left out of the export: kept as lifecycle.record keeps it, with no history of
        # its own, so that it still reads as not known (lifecycle.ship_day).
        implied = delivered in item.dates and shipped not in item.dates
        if implied:
            item = items[index] = replace(
                item, dates={shipped: item.dates[delivered], **item.dates}
            )
        for event, day in item.dates.items():
            if not (implied and event == shipped):
                history.setdefault((day, event), []).append(index)
    entries = [
        HistoryEntry(day, event, tuple(idx) if len(items) > 1 else ())
        for (day, event), idx in sorted(history.items(), key=_history_order)
    ]
    order = replace(order, items=tuple(items), history=(*order.history, *entries))
    parsed.orders.append(Incoming(order, first_line, tuple(line for line, _ in rows)))


_EVENT_ORDER = {e.value: n for n, e in enumerate(Event)}


def _history_order(pair):
    (day, event), _ = pair
    return day, _EVENT_ORDER.get(event, 99)


def _item(table, fields: list[str], currency: str):
    get = table.get
    price_text = get(fields, "price")
    if not price_text:
        raise RowError("no price")
    item = new_item(
        get(fields, "title"),
        parse_amount(price_text, currency, "price"),
        quantity=parse_quantity(get(fields, "quantity") or "1", "quantity") or 1,
        category=get(fields, "category") or "general",
        seller=get(fields, "seller"),
        extra=_json_extra(get(fields, "item_extra"), "item_extra"),
    )
    state_text = get(fields, "state") or "ordered"
    try:
        state = State(state_text.strip().lower())
    except ValueError:
        raise RowError(f"state {state_text!r} is not one of {', '.join(State)}") from None
    dates: dict[str, date] = {}
    for event, column in zip(Event, EVENT_COLUMNS, strict=True):
        value = get(fields, column)
        if value:
            try:
                dates[event.value] = parse_date(value, date.today(), exact=True)
            except ParseError:
                raise RowError(f"{column} {value!r} is not a date (YYYY-MM-DD)") from None
    tracking = clean_line(get(fields, "return_tracking") or "", limit=60).replace(" ", "")
    refunded_text = get(fields, "refunded") or ""
    refunded = parse_amount(refunded_text, currency, "refunded") if refunded_text else None
    item = replace(item, return_tracking=tracking, refunded=refunded)
    return item, state, dates


def _json_extra(text: str, column: str) -> dict[str, str]:
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise RowError(f'{column} is not a JSON object like {{"asin": "B0..."}}') from None
    if not isinstance(value, dict):
        raise RowError(f"{column} is not a JSON object")
    return {str(k): str(v) for k, v in value.items()}


def order_rows(order: Order) -> list[dict[str, str]]:
    """The CSV rows of one order (for the exporter)."""
    from ..money import to_decimal

    common = {
        "retailer": order.retailer,
        "order_number": order.order_number,
        "ordered_on": order.ordered_on.isoformat(),
        "currency": order.currency,
        "carrier": order.carrier,
        "tracking": order.tracking,
        "notes": order.notes,
        "source": order.source,
        "order_extra": json.dumps(order.extra, ensure_ascii=False) if order.extra else "",
    }
    from ..lifecycle import ship_day

    rows = []
    for index, item in enumerate(order.items):
        row = dict(common)
        row.update(
            title=item.title,
            price=format(to_decimal(item.price, order.currency), "f"),
            quantity=str(item.quantity),
            category=item.category,
            seller=item.seller,
            state=item.state.value,
            item_extra=json.dumps(item.extra, ensure_ascii=False) if item.extra else "",
            return_tracking=item.return_tracking,
            refunded=(
                format(to_decimal(item.refunded, order.currency), "f")
                if item.refunded is not None
                else ""
            ),
        )
        for event, column in zip(Event, EVENT_COLUMNS, strict=True):
            day = item.dates.get(event.value)
            if event is Event.SHIPPED and day is not None and ship_day(order, index) is None:
                day = None  # only "by the delivery day": imported back, it would read as known
            row[column] = day.isoformat() if day else ""
        rows.append(row)
    return rows
