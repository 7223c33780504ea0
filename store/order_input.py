"""From what a person typed into the order form to an Order: checks, warnings, edits, summary.

Plain Python (no Textual): the TUI's form and the CLI share it. Every field is text as typed;
`check_order` returns the order it would store (or None), an error per field key in words,
and warnings that are said but never block.

Field keys: "retailer", "order_number", "ordered_on", "currency", "carrier", "tracking",
"notes", "items" (the list as a whole) and "item-N-title" / "-quantity" / "-price" /
"-category" for the row at position N (0-based).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from .errors import StoreError
from .lifecycle import shipped_if_tracked
from .model import SELLER_WINDOW, ModelError, Order, new_item, new_order, replace
from .money import MoneyError, check_currency, dollars, site_currency, to_decimal, to_minor
from .order_edit import edit_order, with_seller
from .parsing import ParseError, QuickOrder, TrackingGuess, detect_carrier, parse_date, parse_price
from .text import FIELD_MAX, NOTE_MAX, TITLE_MAX, clean_line, clean_text

if TYPE_CHECKING:  # the book builds its policies when first used, not with the app
    from .policies import PolicyBook

ITEM_PARTS = ("title", "quantity", "price", "category")


def item_key(row: int, part: str) -> str:
    return f"item-{row}-{part}"


@dataclass
class ItemFields:
    """One item row as typed. `index` is the stored item's position when editing an order."""

    title: str = ""
    quantity: str = "1"
    price: str = ""
    category: str = ""
    index: int | None = None

    def is_blank(self) -> bool:
        return (
            not self.title.strip()
            and not self.price.strip()
            and not self.category.strip()
            and self.quantity.strip() in ("", "1")
        )


@dataclass
class OrderFields:
    """The whole form as typed."""

    retailer: str = ""
    order_number: str = ""
    ordered_on: str = "today"
    currency: str = "USD"
    items: list[ItemFields] = field(default_factory=lambda: [ItemFields()])
    carrier: str = ""
    tracking: str = ""
    notes: str = ""
    seller: str = ""  # a marketplace seller, for every item ('' : the retailer itself)
    seller_window: str = ""  # that seller's own return window, in days

    @classmethod
    def from_order(cls, order: Order, policies: PolicyBook | None = None) -> OrderFields:
        """The form pre-filled with a stored order, for editing."""
        carrier = order.carrier
        if policies is not None and (known := policies.carrier(carrier)):
            carrier = known.name
        return cls(
            retailer=order.retailer,
            order_number=order.order_number,
            ordered_on=order.ordered_on.isoformat(),
            currency=order.currency,
            items=[
                ItemFields(
                    title=item.title,
                    quantity=str(item.quantity),
                    price=price_text(item.price, order.currency),
                    category=item.category,
                    index=n,
                )
                for n, item in enumerate(order.items)
            ],
            carrier=carrier,
            tracking=order.tracking,
            notes=order.notes,
            seller=order.items[0].seller if order.items else "",
            seller_window=order.items[0].extra.get(SELLER_WINDOW, "") if order.items else "",
        )


def check_seller_window(text: str) -> int | None:
    """A marketplace seller's return window as typed: whole days, or '' for none."""
    value = text.strip().lower().removesuffix("days").removesuffix("day").strip()
    if not value:
        return None
    if not value.isdigit() or not 1 <= int(value) <= 3650:
        raise ModelError(
            f"{clean_line(text, limit=20)!r}: type the seller's window in days (1-3650)"
        )
    return int(value)


def price_text(minor: int, currency: str) -> str:
    """A stored price as a person would type it: '12.99', '1200' (JPY)."""
    return str(to_decimal(minor, currency))


# -- one field at a time -----------------------------------------------------------------


def check_retailer(text: str) -> str:
    name = clean_line(text, limit=60)
    if not name:
        raise ModelError("type the retailer (e.g. Amazon)")
    return name


def check_order_number(text: str) -> str:
    number = clean_line(text, limit=FIELD_MAX)
    if not number:
        raise ModelError("type the order number from the confirmation")
    return number


def check_date(text: str, today: date, day_first: bool = False) -> date:
    if not text.strip():
        raise ModelError("type the order date (today, yesterday, 21 Nov, 11/21, 2026-11-21)")
    day = parse_date(text, today, day_first=day_first)
    if day > today:
        raise ModelError(f"{day.isoformat()} is in the future: orders are logged after")
    if day < date(1990, 1, 1):
        raise ModelError(f"{day.isoformat()} is too far in the past")
    return day


def check_currency_text(text: str) -> str:
    try:
        return check_currency(text)
    except MoneyError as error:
        raise ModelError(str(error)) from None


def check_title(text: str) -> str:
    title = clean_line(text, limit=TITLE_MAX)
    if not title:
        raise ModelError("the item needs a title")
    return title


def check_quantity(text: str) -> int:
    raw = text.strip() or "1"
    if not raw.isdigit() or not 1 <= int(raw) <= 9999:
        raise ModelError(f"{raw!r} is not a quantity (a whole number from 1 to 9999)")
    return int(raw)


def read_price(text: str, dollar: str = "USD") -> tuple[Decimal, str | None]:
    """The amount and the currency typed with it (if any; a bare "$" is `dollar`)."""
    if not text.strip():
        raise ModelError("type the price (0 if it was free)")
    return parse_price(text, dollar)


def check_price(text: str, currency: str) -> int:
    """The price in minor units of `currency`; a price typed in another currency is an error
    (a bare "$" is the order's own dollars: `money.dollars`)."""
    amount, typed = read_price(text, dollars(currency))
    if typed and typed != currency:
        raise ModelError(
            f"{clean_line(text, limit=40)} is in {typed}, but the order is in {currency}: "
            "an order has one currency"
        )
    try:
        return to_minor(amount, currency)
    except MoneyError as error:
        raise ModelError(str(error)) from None


def typed_currency(items: list[ItemFields], usual: str | None = None) -> str | None:
    """The currency typed with the first price that has one ('12,99 €' -> EUR): the order's
    currency when the person did not choose one. A bare "$" is dollars: those of `usual`,
    the currency the order would be in otherwise, when it is written with a "$" ("$39.99"
    for Amazon.ca is CAD), else US dollars."""
    for row in items:
        try:
            _, typed = parse_price(row.price, dollars(usual)) if row.price.strip() else (None, None)
        except ParseError:
            continue
        if typed:
            return typed
    return None


def check_category(text: str, policies: PolicyBook) -> str:
    return policies.category(clean_line(text, limit=40) or "general")


def fields_from_quick(
    quick: QuickOrder, currency: str = "USD", policies: PolicyBook | None = None
) -> OrderFields:
    """A parsed quick-add line as form values (the price goes with the first title); the
    currency: typed, else the retailer's site's (`PolicyBook.currency_of`), else `currency`."""
    price = str(quick.price) if quick.price is not None else ""
    site = policies.currency_of(quick.retailer) if policies else site_currency(quick.retailer)
    typed = dollars(site or currency) if quick.currency == "$" else quick.currency
    return OrderFields(
        retailer=quick.retailer,
        order_number=quick.order_number,
        ordered_on=quick.ordered_on.isoformat() if quick.ordered_on else "today",
        currency=typed or site or currency,
        items=[
            ItemFields(title=title, price=price if n == 0 else "")
            for n, title in enumerate(quick.titles)
        ],
        tracking=quick.tracking,
    )


def quick_problems(quick: QuickOrder, today: date, day_first: bool = False) -> list[str]:
    """What a quick-add line got wrong that its parts alone don't say (a bad date read as
    a title word, no price)."""
    out = []
    for title in quick.titles:
        for word in title.split():
            if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", word):
                try:
                    parse_date(word, today, day_first=day_first)
                except ParseError as error:
                    out.append(str(error))
    if quick.price is None:
        out.append("no price: add one (12.99, $12.99, 12,99 €)")
    return out


# -- the whole order -----------------------------------------------------------------------


@dataclass
class Checked:
    """What the form's values would store, or why they can't be stored yet."""

    order: Order | None
    errors: dict[str, str] = field(default_factory=dict)
    warnings: dict[str, str] = field(default_factory=dict)
    ordered_on: date | None = None
    carrier_guess: str = ""  # carrier key detected from the tracking number
    tracking_link: str = ""
    duplicate: Order | None = None
    changes: list[str] = field(default_factory=list)  # when editing: what changed

    @property
    def ok(self) -> bool:
        return self.order is not None and not self.errors


def _attempt(errors: dict[str, str], key: str, check, *args):
    try:
        return check(*args)
    except ModelError as error:
        errors[key] = str(error)
        return None


def check_order(
    fields: OrderFields,
    book,
    *,
    editing: Order | None = None,
) -> Checked:
    """Check every field; build the order as it would be stored (new, or `editing` edited)."""
    policies: PolicyBook = book.policies
    today: date = book.today
    errors: dict[str, str] = {}
    warnings: dict[str, str] = {}
    retailer = _attempt(errors, "retailer", check_retailer, fields.retailer)
    number = _attempt(errors, "order_number", check_order_number, fields.order_number)
    ordered_on = _attempt(
        errors, "ordered_on", check_date, fields.ordered_on, today, book.day_first
    )
    currency = _attempt(errors, "currency", check_currency_text, fields.currency)

    rows: list[tuple[int | None, dict]] = []
    filled = [(n, row) for n, row in enumerate(fields.items) if not row.is_blank()]
    if not filled:
        errors["items"] = "an order needs at least one item"
    for n, row in filled:
        title = _attempt(errors, item_key(n, "title"), check_title, row.title)
        quantity = _attempt(errors, item_key(n, "quantity"), check_quantity, row.quantity)
        if currency is not None:
            price = _attempt(errors, item_key(n, "price"), check_price, row.price, currency)
        else:
            price = _attempt(errors, item_key(n, "price"), read_price, row.price)
        category = check_category(row.category, policies)
        rows.append(
            (
                row.index,
                {"title": title, "quantity": quantity, "price": price, "category": category},
            )
        )

    tracking = clean_line(fields.tracking, limit=60).replace(" ", "")
    guess = detect_carrier(tracking) if tracking else None
    carrier = _carrier_key(fields.carrier, policies)
    carrier_guess = ""
    if editing is not None and carrier == _carrier_key(editing.carrier, policies):
        carrier = editing.carrier  # the same carrier, however it was stored
    if not carrier and guess is not None:
        carrier = carrier_guess = guess.carrier
    if fields.carrier.strip() and policies.carrier(fields.carrier) is None:
        warnings["carrier"] = f"unship doesn't know the carrier {clean_line(fields.carrier)!r}"
    if warning := _tracking_warning(tracking, guess):
        warnings["tracking"] = warning
    known_carrier = policies.carrier(carrier) if carrier else None
    link = known_carrier.link(tracking) if known_carrier and tracking else ""

    seller = clean_line(fields.seller, limit=FIELD_MAX)
    seller_window = _attempt(errors, "seller_window", check_seller_window, fields.seller_window)
    if seller_window is not None and not seller:
        if retailer and policies.retailer(retailer).key == "other":
            seller = clean_line(retailer, limit=FIELD_MAX)  # a shop unship doesn't know: its own
        else:
            errors["seller_window"] = (
                "a seller's window needs the seller's name (Sold by, --seller)"
            )
    if retailer and number and (warning := order_number_warning(policies, retailer, number)):
        warnings["order_number"] = warning
    # said under the shop's name, where it is typed (an edit's currency field may never be)
    if retailer:
        own = editing.id if editing is not None else 0
        about_shop = [
            site_warning(policies, book.known_orders(), retailer, number, own) if number else "",
            currency_warning(retailer, currency) if currency else "",
        ]
        if any(about_shop):
            warnings["retailer"] = "; ".join(filter(None, about_shop))

    duplicate = None
    if retailer and number:
        try:
            duplicate = book.find_duplicate(retailer, number)
        except StoreError:  # the file cannot be read now: saving checks again and says why
            duplicate = None
        if duplicate is not None and editing is not None and duplicate.id == editing.id:
            duplicate = None
        if duplicate is not None:
            errors["order_number"] = (
                f"{duplicate.retailer} order {duplicate.order_number} is already in the book "
                f"(id {duplicate.id})"
            )

    checked = Checked(
        order=None,
        errors=errors,
        warnings=warnings,
        ordered_on=ordered_on,
        carrier_guess=carrier_guess,
        tracking_link=link,
        duplicate=duplicate,
    )
    if errors:
        return checked
    assert retailer and number and ordered_on and currency
    notes = clean_text(fields.notes, limit=NOTE_MAX)
    try:
        if editing is None:
            items = [
                new_item(v["title"], v["price"], quantity=v["quantity"], category=v["category"])
                for _, v in rows
            ]
            checked.order = new_order(
                book.retailer_name(retailer),
                number,
                ordered_on,
                items,
                currency=currency,
                carrier=carrier,
                tracking=tracking,
                notes=notes,
                today=today,
            )
            checked.order = shipped_if_tracked(checked.order)
        else:
            checked.order, checked.changes = edit_order(
                editing,
                retailer=book.retailer_name(retailer),
                order_number=number,
                ordered_on=ordered_on,
                currency=currency,
                rows=rows,
                carrier=carrier,
                tracking=tracking,
                notes=notes,
                today=today,
                seller=seller,
                seller_window=seller_window,
            )
    except ModelError as error:
        key = "ordered_on" if "date" in str(error) else "items"
        checked.errors[key] = str(error)
        checked.order = None
    if checked.order is not None and editing is None:
        checked.order = replace(
            checked.order, items=with_seller(checked.order.items, seller, seller_window)
        )
    return checked


def _carrier_key(text: str, policies: PolicyBook) -> str:
    name = clean_line(text, limit=40)
    known = policies.carrier(name) if name else None
    return known.key if known else name


def _tracking_warning(tracking: str, guess: TrackingGuess | None) -> str:
    if guess is not None and guess.checksum_ok is False:
        return f"{tracking} fails its check digit: check the number"
    return ""


def order_number_warning(policies: PolicyBook, retailer: str, number: str) -> str:
    policy = policies.retailer(retailer)
    if policy.order_number_looks_right(number):
        return ""
    article = "an" if policy.name[:1].lower() in "aeiou" else "a"
    example = {"amazon": " (Amazon's look like 123-1234567-1234567)"}.get(policy.key, "")
    return f"{number} doesn't look like {article} {policy.name} order number{example}"


_NUMBER_START = re.compile(r"(\d{3})-")


def site_warning(
    policies: PolicyBook, orders: Iterable[Order], retailer: str, number: str, own: int = 0
) -> str:
    """An order filed under one of a retailer's sites whose number starts as the book's
    orders from another of its sites do ('702-', Amazon.ca's in a Canadian's export) and
    as none from its own: perhaps the person meant that site, whose rules, order page and
    currency differ. Said, never guessed: the book's own orders are the evidence. `own`:
    the order's id, when it is in the book already."""
    start = _NUMBER_START.match(number)
    policy = policies.retailer(retailer)
    if start is None or policy.key == "other":
        return ""
    prefix, site = start.group(), policy.site_named(retailer)
    names: Counter[str] = Counter()  # the names the other site's orders go by
    other = ""
    for order in orders:
        if not order.order_number.startswith(prefix) or order.id == own:
            continue
        if policies.retailer(order.retailer) is policy:
            theirs = order.extra.get("website") or order.retailer
            at = policy.site_named(theirs)
            if at == site or other not in ("", at):
                return ""  # its own site's orders start so too, or two sites' do
            other = at
            names[theirs] += 1
    if not names:
        return ""
    name = names.most_common(1)[0][0]
    return (
        f"your {name} orders' numbers start with {prefix}, like this one: if it is one of "
        f"them, name the shop {name} (its rules, order page and currency)"
    )


def currency_warning(retailer: str, currency: str) -> str:
    """A shop named for a country site ('Amazon.ca') sells in that country's currency: an
    order there in another one was most likely left in the one it was first typed in."""
    sells = site_currency(retailer)
    if sells is None or sells == currency:
        return ""
    return f"{retailer} sells in {sells}, and this order is in {currency}"


def order_warnings(policies: PolicyBook, order: Order, orders: Iterable[Order] = ()) -> list[str]:
    """Things that look wrong but may be right: said, never refused. `orders`: the book's
    (its other orders' numbers say which site an order's may be from)."""
    out = []
    if warning := order_number_warning(policies, order.retailer, order.order_number):
        out.append(warning)
    if warning := site_warning(policies, orders, order.retailer, order.order_number, order.id):
        out.append(warning)
    if warning := currency_warning(order.retailer, order.currency):
        out.append(warning)
    guess = detect_carrier(order.tracking) if order.tracking else None
    if warning := _tracking_warning(order.tracking, guess):
        out.append(f"tracking number {warning}")
    return out


__all__ = [
    "Checked",
    "ItemFields",
    "OrderFields",
    "ParseError",
    "check_order",
]
