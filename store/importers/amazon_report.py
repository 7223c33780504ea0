"""Amazon's old "Order History Reports" items CSV (retired in 2023, still in people's files).

One row per item: Order Date and Shipment Date are US dates (MM/DD/YY), prices carry a
currency sign ($12.99), and there are Category and Seller columns. Order Status
Shipped (or a Shipment Date) -> shipped on the Shipment Date; Cancelled -> cancelled;
anything else -> ordered. ASIN/ISBN and Condition go to the item's `extra`, the
website to the order's.
"""

from __future__ import annotations

from datetime import date, tzinfo

from ..model import ModelError, new_item, new_order
from ..money import MoneyError, check_currency
from ..policies import PolicyBook
from ..text import clean_line
from .amazon import _carrier_cache, _retailer_cache
from .common import (
    Incoming,
    Parsed,
    Progress,
    Rejected,
    RowError,
    open_table,
    parse_amount,
    parse_day,
    parse_quantity,
    parse_shipments,
    require,
    with_events,
)

FORMAT = "amazon-report"

ALIASES: dict[str, tuple[str, ...]] = {
    "order_date": ("Order Date",),
    "order_id": ("Order ID",),
    "title": ("Title",),
    "category": ("Category",),
    "asin": ("ASIN/ISBN",),
    "website": ("Website",),
    "condition": ("Condition",),
    "seller": ("Seller",),
    "price": ("Purchase Price Per Unit",),
    "quantity": ("Quantity",),
    "ship_date": ("Shipment Date",),
    "order_status": ("Order Status",),
    "carrier_tracking": ("Carrier Name & Tracking Number",),
    "currency": ("Currency",),
}
IGNORED = (
    "UNSPSC Code",
    "Release Date",
    "Seller Credentials",
    "List Price Per Unit",
    "Payment Instrument Type",
    "Purchase Order Number",
    "PO Line Number",
    "Ordering Customer Email",
    "Shipping Address Name",
    "Shipping Address Street 1",
    "Shipping Address Street 2",
    "Shipping Address City",
    "Shipping Address State",
    "Shipping Address Zip",
    "Item Subtotal",
    "Item Subtotal Tax",
    "Item Total",
    "Tax Exemption Applied",
    "Tax Exemption Type",
    "Exemption Opt-Out",
    "Buyer Name",
    "Group Name",
)
REQUIRED = ("order_date", "order_id", "title", "price")


def looks_like(header: set[str]) -> bool:
    return "order id" in header and "title" in header and "purchase price per unit" in header


def parse(
    text: str,
    *,
    policies: PolicyBook,
    today: date | None,
    tz: tzinfo | None = None,
    progress: Progress | None = None,
) -> Parsed:
    table = open_table(text, ALIASES, known_extra=IGNORED)
    require(table, REQUIRED, "Amazon order report")
    parsed = Parsed(FORMAT, unknown_columns=table.unknown)
    retailer = _retailer_cache(policies)
    carrier_name = _carrier_cache(policies)
    groups: dict[str, list[tuple[int, dict]]] = {}
    get = table.get
    for line, fields in table.rows:
        parsed.rows += 1
        if progress and parsed.rows % 500 == 0:
            progress(parsed.rows, 0)
        order_id = clean_line(get(fields, "order_id"))
        try:
            if not order_id:
                raise RowError("no Order ID")
            ordered_on = parse_day(get(fields, "order_date") or "(empty)", "Order Date", tz)
            try:
                currency = check_currency(get(fields, "currency") or "USD")
            except MoneyError as error:
                raise RowError(f"Currency: {error}") from None
            price_text = get(fields, "price")
            if not price_text:
                raise RowError("no Purchase Price Per Unit")
            price = parse_amount(price_text, currency, "Purchase Price Per Unit")
            quantity = parse_quantity(get(fields, "quantity") or "1") or 1
            status = get(fields, "order_status").lower()
            ship_text = get(fields, "ship_date")
            ship_day = parse_day(ship_text, "Shipment Date", tz) if ship_text else None
            if status in ("cancelled", "canceled"):
                event = ("cancelled", ordered_on)
            elif status == "shipped" or ship_day is not None:
                event = ("shipped", ship_day or ordered_on)
            else:
                event = None
            extra = {k: get(fields, k) for k in ("asin", "condition") if get(fields, k)}
            item = new_item(
                get(fields, "title"),
                price,
                quantity=quantity,
                category=policies.category(get(fields, "category") or "general"),
                seller=get(fields, "seller"),
                extra=extra,
            )
        except (RowError, ModelError, MoneyError) as error:
            parsed.rejected.append(Rejected(line, str(error), order_id))
            continue
        row = {
            "ordered_on": ordered_on,
            "currency": currency,
            "item": item,
            "event": event,
            "website": get(fields, "website"),
            "shipments": parse_shipments(get(fields, "carrier_tracking")),
        }
        group = groups.setdefault(order_id, [])
        if group and currency != group[0][1]["currency"]:
            parsed.rejected.append(
                Rejected(line, f"currency {currency} differs from the order's", order_id)
            )
            continue
        group.append((line, row))
    for order_id, rows in groups.items():
        first_line, first = rows[0]
        shipments = [s for _, r in rows for s in r["shipments"]]
        carrier, tracking = shipments[0] if shipments else ("", "")
        try:
            order = new_order(
                retailer(first["website"]),
                order_id,
                first["ordered_on"],
                [r["item"] for _, r in rows],
                currency=first["currency"],
                carrier=carrier_name(carrier) if carrier else "",
                tracking=tracking,
                source=FORMAT,
                extra={"website": first["website"]} if first["website"] else None,
                today=today,
            )
        except ModelError as error:
            parsed.rejected.extend(Rejected(line, str(error), order_id) for line, _ in rows)
            continue
        events = [(*r["event"], i) for i, (_, r) in enumerate(rows) if r["event"]]
        order, problems = with_events(order, events, today=today, note="from the Amazon report")
        parsed.notes.extend(f"line {first_line} ({order_id}): {p}" for p in problems)
        parsed.orders.append(Incoming(order, first_line, tuple(line for line, _ in rows)))
    return parsed
