"""Amazon's "Request Your Data" order history (`Retail.OrderHistory.*.csv`).

One row per item shipped; rows with the same Order ID make one order with several
items. Columns are found by header name (28-, 27- and 22-column files and the newer
renamed columns all work). Status pairs (Order Status / Shipment Status):

- Cancelled / anything -> the item is cancelled (the file has no cancel date: the
  order date is used).
- anything / Shipped, or a Ship Date -> shipped on the Ship Date. The file has no
  delivery date: the Shipping Option and carrier are kept on the item, and
  `store/estimates.py` works out when it arrived (an estimate, marked as such).
- Closed / Not Available with quantity 0 -> a split line that holds nothing: skipped.
- Authorized, Paid, Not Yet Shipped, anything else -> ordered.

ASIN, condition, shipping option, carrier code and Total Owed (what a refund in the
returns export is matched against) go to the item's `extra`; the website to the order's.
Website kinds: Amazon.com is "Amazon"; Amazon.ca, Amazon.com.mx and other regional
sites keep their own name; panda01 is Amazon Fresh / Whole Foods (groceries). Gift-card
reloads are redeemable and nothing travels; carrier "Email" marks a digital item.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, tzinfo

from ..estimates import ship_date_problem
from ..model import Item, ModelError, new_item, new_order, replace
from ..money import MoneyError, check_currency
from ..policies import PolicyBook
from ..text import clean_line
from ..transit import default_transit
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

FORMAT = "amazon"

ALIASES: dict[str, tuple[str, ...]] = {
    "website": ("Website",),
    "order_id": ("Order ID", "OrderId", "Order Id"),
    "order_date": ("Order Date", "OrderDate"),
    "currency": ("Currency",),
    "unit_price": ("Unit Price", "UnitPrice"),
    "quantity": ("Quantity", "Original Quantity"),
    "order_status": ("Order Status", "OrderStatus"),
    "shipment_status": ("Shipment Status", "ShipmentStatus"),
    "ship_date": ("Ship Date", "ShipDate"),
    "carrier_tracking": ("Carrier Name & Tracking Number",),
    "product_name": ("Product Name", "ProductName"),
    "asin": ("ASIN",),
    "condition": ("Product Condition",),
    "shipping_option": ("Shipping Option",),
    "total_owed": ("Total Owed", "Total Amount"),
}
# Known columns unship does not use (not reported as unknown).
IGNORED = (
    "Purchase Order Number",
    "Unit Price Tax",
    "Shipping Charge",
    "Total Discounts",
    "Shipment Item Subtotal",
    "Shipment Item Subtotal Tax",
    "Payment Instrument Type",
    "Payment Method Type",
    "Shipping Address",
    "Billing Address",
    "Gift Message",
    "Gift Sender Name",
    "Gift Recipient Contact Details",
    "Gift Recipient Contact",
    "Item Serial Number",
)
REQUIRED = ("order_id", "order_date", "unit_price", "product_name")


def looks_like(header: set[str]) -> bool:
    return "order id" in header and "product name" in header and "order status" in header


class _Row:
    __slots__ = (
        "line",
        "order_id",
        "ordered_on",
        "currency",
        "website",
        "item",
        "event",
        "event_day",
        "shipments",
        "option",
    )


FRESH_WEBSITES = frozenset({"panda01"})


def parse(
    text: str,
    *,
    policies: PolicyBook,
    today: date | None,
    tz: tzinfo | None = None,
    progress: Progress | None = None,
) -> Parsed:
    table = open_table(text, ALIASES, known_extra=IGNORED)
    require(table, REQUIRED, "Amazon order history")
    parsed = Parsed(FORMAT, unknown_columns=table.unknown)
    groups: dict[str, list[_Row]] = {}
    retailer = _retailer_cache(policies)
    carrier_name = _carrier_cache(policies)
    for line, fields in table.rows:
        parsed.rows += 1
        if progress and parsed.rows % 500 == 0:
            progress(parsed.rows, 0)
        order_id = clean_line(table.get(fields, "order_id"))
        try:
            if len(fields) > len(table.header) and any(
                f.strip() for f in fields[len(table.header) :]
            ):
                raise RowError(f"{len(fields)} fields but the header has {len(table.header)}")
            if not order_id:
                raise RowError("no Order ID")
            row = _row(table, fields, line, order_id, tz, today)
        except (RowError, ModelError, MoneyError) as error:
            parsed.rejected.append(Rejected(line, str(error), order_id))
            continue
        if row is None:
            parsed.notes.append(f"line {line}: a zero-quantity split line ({order_id}): skipped")
            continue
        group = groups.setdefault(order_id, [])
        if group and row.currency != group[0].currency:
            parsed.rejected.append(
                Rejected(
                    line,
                    f"currency {row.currency} differs from the order's {group[0].currency} "
                    f"(line {group[0].line})",
                    order_id,
                )
            )
            continue
        group.append(row)
    _note_unknown_options(parsed, groups)
    for order_id, rows in groups.items():
        _build(parsed, order_id, rows, carrier_name, retailer, today)
    return parsed


def _note_unknown_options(parsed: Parsed, groups: dict[str, list[_Row]]) -> None:
    """Say which shipping options unship has no allowance for (shipped rows only)."""
    transit = default_transit()
    unknown: dict[str, int] = {}
    for rows in groups.values():
        for row in rows:
            if row.event == "shipped" and row.option and not transit.knows(row.option):
                unknown[row.option] = unknown.get(row.option, 0) + 1
    widest = transit.unknown
    for option, count in sorted(unknown.items()):
        parsed.notes.append(
            f"shipping option {option!r} ({count} item{'s' if count != 1 else ''}) is unknown: "
            f"deliveries estimated with the widest allowance, {widest.earliest}-{widest.latest} "
            "days after shipping"
        )


def _row(table, fields: list[str], line: int, order_id: str, tz, today) -> _Row | None:
    get = table.get
    row = _Row()
    row.line, row.order_id = line, order_id
    row.ordered_on = parse_day(get(fields, "order_date") or "(empty)", "Order Date", tz)
    try:
        row.currency = check_currency(get(fields, "currency") or "USD")
    except MoneyError as error:
        raise RowError(f"Currency: {error}") from None
    price_text = get(fields, "unit_price")
    if not price_text:
        raise RowError("no Unit Price")
    price = parse_amount(price_text, row.currency, "Unit Price")
    quantity = parse_quantity(get(fields, "quantity") or "1")
    order_status = get(fields, "order_status").lower()
    shipment_status = get(fields, "shipment_status").lower()
    ship_text = get(fields, "ship_date")
    ship_day = parse_day(ship_text, "Ship Date", tz) if ship_text else None
    if ship_day is not None and order_status not in ("cancelled", "canceled"):
        problem = ship_date_problem(row.ordered_on, ship_day, today)
        if problem:
            raise RowError(problem)
    if order_status == "cancelled" or order_status == "canceled":
        row.event, row.event_day = "cancelled", row.ordered_on
    elif shipment_status == "shipped" or ship_day is not None:
        row.event, row.event_day = "shipped", ship_day or row.ordered_on
    else:
        row.event, row.event_day = None, None
    if quantity == 0:
        if row.event != "cancelled":
            return None  # Closed / Not Available, quantity 0: a split line that holds nothing
        quantity = 1  # a cancelled item: the file writes its quantity as 0
    title = get(fields, "product_name") or (
        f"ASIN {get(fields, 'asin')}" if get(fields, "asin") else ""
    )
    if not title:
        raise RowError("no Product Name")
    extra = {k: get(fields, k) for k in ("asin", "condition") if get(fields, k)}
    row.website = get(fields, "website")
    row.shipments = parse_shipments(get(fields, "carrier_tracking"))
    row.option = get(fields, "shipping_option")
    if row.option:
        extra["shipping"] = row.option
    if row.shipments and row.shipments[0][0]:
        extra["carrier"] = row.shipments[0][0]
    owed = get(fields, "total_owed")
    if owed:
        extra["total_owed"] = str(parse_amount(owed, row.currency, "Total Owed"))
    if order_status in ("closed", "authorized", "paid"):
        extra["status"] = order_status
    category, digital = _kind(title, row.website, extra.get("carrier", ""))
    if digital:
        extra["delivery"] = "digital"
    row.item = new_item(title, price, quantity=quantity, category=category, extra=extra)
    return row


def _kind(title: str, website: str, carrier: str) -> tuple[str, bool]:
    """(category, nothing travels) from what the row says: Fresh groceries, gift cards
    (a balance reload is redeemable and sent by email), digital items (carrier Email)."""
    lowered = title.lower()
    if website.strip().lower() in FRESH_WEBSITES:
        return "grocery", False
    if "gift card" in lowered or "giftcard" in lowered:
        reload = "reload" in lowered or "e-gift" in lowered or carrier.lower() == "email"
        return "gift-card", reload
    if carrier.strip().lower() == "email":
        return "digital", True
    return "general", False


def _retailer_cache(policies: PolicyBook) -> Callable[[str], str]:
    cache: dict[str, str] = {}

    def name(website: str) -> str:
        """'Amazon' for Amazon.com; a regional site keeps its own name ('Amazon.ca')."""
        if website not in cache:
            site = clean_line(website, limit=60)
            policy = policies.retailer(site or "amazon")
            if policy.key == "other":
                cache[website] = "Amazon"
            elif policy.key == "amazon" and "." in site and site.lower() != "amazon.com":
                cache[website] = site[0].upper() + site[1:]
            else:
                cache[website] = policy.name
        return cache[website]

    return name


def _carrier_cache(policies: PolicyBook) -> Callable[[str], str]:
    """'AMZN_CA' -> 'Amazon Logistics' (the export's code when unship does not know it)."""
    cache: dict[str, str] = {}

    def name(code: str) -> str:
        if code not in cache:
            carrier = policies.carrier(code.replace("_", " ")) or policies.carrier(code)
            cache[code] = carrier.name if carrier else code
        return cache[code]

    return name


def _build(parsed: Parsed, order_id, rows: list[_Row], carrier_name, retailer, today) -> None:
    first = rows[0]
    shipments: list[tuple[str, str]] = []
    for row in rows:
        for shipment in row.shipments:
            if shipment not in shipments:
                shipments.append(shipment)
    items: list[Item] = []
    for row in rows:
        item = row.item
        if len(shipments) > 1 and row.shipments:
            text = ", ".join(f"{carrier_name(c)} {n}".strip() for c, n in row.shipments)
            item = replace(item, extra={**item.extra, "shipment": clean_line(text)})
        items.append(item)
    carrier, tracking = shipments[0] if shipments else ("", "")
    extra = {"website": first.website} if first.website else {}
    if len(shipments) > 1:
        extra["shipments"] = clean_line(
            "; ".join(f"{carrier_name(c)} {n}".strip() for c, n in shipments), limit=400
        )
    try:
        order = new_order(
            retailer(first.website),
            order_id,
            first.ordered_on,
            items,
            currency=first.currency,
            carrier=carrier_name(carrier) if carrier else "",
            tracking=tracking,
            source=FORMAT,
            extra=extra,
            today=today,
        )
    except ModelError as error:
        for row in rows:
            parsed.rejected.append(Rejected(row.line, str(error), order_id))
        return
    events = [(row.event, row.event_day, i) for i, row in enumerate(rows) if row.event]
    order, problems = with_events(order, events, today=today, note="from the Amazon export")
    parsed.notes.extend(f"line {first.line} ({order_id}): {p}" for p in problems)
    parsed.orders.append(Incoming(order, first.line, tuple(r.line for r in rows)))
