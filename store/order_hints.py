"""What the order form suggests and says back: known retailers, categories and carriers, the
book's usual currency, and the one-line summary of an order before it is saved."""

from __future__ import annotations

from collections import Counter
from datetime import date

from .model import Order
from .money import format_money, locale_currency
from .policies import PolicyBook


def short_day(day: date, today: date) -> str:
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b %Y}"


def summary_line(order: Order, today: date) -> str:
    """'Amazon 113-1234567-1234567 · 2 items · $25.98 · ordered 27 Nov'."""
    count = sum(item.quantity for item in order.items)
    parts = [
        f"{order.retailer} {order.order_number}",
        f"{count} item{'s' if count != 1 else ''}",
        format_money(order.total, order.currency),
        f"ordered {short_day(order.ordered_on, today)}",
    ]
    return " · ".join(parts)


def default_currency(orders: list[Order]) -> str:
    """The currency most of the book's orders are in; for an empty book, the currency of the
    country the person's locale names (en_CA: CAD), else USD."""
    counts = Counter(order.currency for order in orders)
    if counts:
        return counts.most_common(1)[0][0]
    return locale_currency() or "USD"


def known_retailers(policies: PolicyBook, orders: list[Order]) -> list[str]:
    """Retailer names to suggest: the policy list and those already in the book."""
    names = [p.name for key, p in policies.retailers.items() if key != "other"]
    seen = {name.lower() for name in names}
    for order in orders:
        if order.retailer.lower() not in seen:
            seen.add(order.retailer.lower())
            names.append(order.retailer)
    return names


def known_categories(policies: PolicyBook) -> list[str]:
    names = {"general", *policies.category_aliases.values()}
    for policy in policies.retailers.values():
        names.update(policy.categories)
    return sorted(names)


def known_carriers(policies: PolicyBook) -> list[str]:
    return [carrier.name for carrier in policies.carriers.values()]
