"""A throwaway order book of realistic orders in every state, for `unship --demo`.

It lives in a fresh temporary folder, never the person's real data file.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

from . import lifecycle
from .model import Order, new_item, new_order

# (retailer, order number, days ago ordered, currency, items [(title, price, category)],
#  carrier, tracking, notes, events [(event, days ago, item indexes or None)])
DEMO_ORDERS = [
    (
        "Amazon",
        "113-4820195-7730611",
        1,
        "USD",
        [
            ("Anker USB-C to USB-C cable, 6 ft, 2-pack", 1299, "electronics"),
            ("Logitech M720 Triathlon mouse", 3999, "electronics"),
            ("AmazonBasics AA batteries, 24-pack", 1549, "general"),
        ],
        "",
        "",
        "Birthday present for Sam",
        [],
    ),
    (
        "Amazon",
        "113-9102734-5521904",
        4,
        "USD",
        [("Instant Pot Duo 7-in-1, 6 quart", 8995, "kitchen")],
        "AMZN_US",
        "TBA318260419000",
        "",
        [("shipped", 2, None)],
    ),
    (
        "Walmart",
        "200011823954471",
        5,
        "USD",
        [("Mainstays 5-shelf bookcase, oak", 4997, "furniture")],
        "FedEx",
        "771234567890",
        "",
        [("shipped", 3, None), ("out-for-delivery", 0, None)],
    ),
    (
        "Amazon",
        "114-2203918-6641209",
        21,
        "USD",
        [("Sony WH-1000XM5 noise-cancelling headphones", 32800, "electronics")],
        "UPS",
        "1Z999AA10123456784",
        "Left ear crackles at high volume",
        [("shipped", 19, None), ("delivered", 17, None)],
    ),
    (
        "Best Buy",
        "BBY01-806532144598",
        14,
        "USD",
        [('LG 27" 4K UHD monitor', 29999, "electronics")],
        "UPS",
        "1Z12345E0205271688",
        "",
        [("shipped", 13, None), ("delivered", 11, None)],
    ),
    (
        "Amazon",
        "112-5529076-1180233",
        6,
        "USD",
        [("Lavazza Super Crema whole bean coffee, 2.2 lb", 2299, "grocery")],
        "AMZN_US",
        "TBA318266001000",
        "",
        [("shipped", 5, None), ("delivered", 4, None)],
    ),
    (
        "Amazon",
        "111-7038852-3390127",
        0,
        "USD",
        [("Spigen phone case, iPhone 17", 1699, "phones")],
        "",
        "",
        "Ordered the wrong model",
        [("cancel-requested", 0, None)],
    ),
    (
        "Amazon",
        "113-0457721-8809314",
        12,
        "USD",
        [("Kindle Paperwhite cover", 2499, "general")],
        "",
        "",
        "",
        [("cancel-requested", 12, None), ("cancelled", 11, None)],
    ),
    (
        "Amazon",
        "114-6613309-2047755",
        15,
        "USD",
        [("Philips Hue desk lamp", 8999, "home")],
        "AMZN_US",
        "TBA318199283000",
        "Too dim for the desk",
        [("shipped", 14, None), ("delivered", 12, None), ("return-requested", 2, None)],
    ),
    (
        "Amazon",
        "112-8841290-6632018",
        70,
        "USD",
        [("Merino wool sweater, navy, L", 6800, "apparel")],
        "USPS",
        "9400111899223817651234",
        "Dropped at the UPS Store, receipt in drawer",
        [
            ("shipped", 68, None),
            ("delivered", 66, None),
            ("return-requested", 60, None),
            ("return-shipped", 50, None),
        ],
    ),
    (
        "eBay",
        "12-11223-44556",
        10,
        "USD",
        [("Vintage Pentax K1000 camera body", 14500, "camera")],
        "USPS",
        "9205590164917312751089",
        "Seller listed it as working; refused after the listing changed",
        [("shipped", 8, None), ("refused", 5, None)],
    ),
    (
        "Amazon",
        "111-3920017-4473920",
        60,
        "USD",
        [("Yoga mat, 6 mm", 2995, "sports")],
        "AMZN_US",
        "TBA317000120000",
        "",
        [
            ("shipped", 59, None),
            ("delivered", 57, None),
            ("return-requested", 50, None),
            ("return-shipped", 48, None),
            ("refunded", 40, None),
        ],
    ),
    (
        "Target",
        "902001554120",
        120,
        "USD",
        [("Threshold bath towels, set of 6", 3600, "home")],
        "",
        "",
        "",
        [("shipped", 119, None), ("delivered", 117, None), ("kept", 20, None)],
    ),
    (
        "Amazon",
        "113-6671048-9902215",
        9,
        "USD",
        [("Ninja air fryer, 4 qt", 8999, "kitchen")],
        "AMZN_US",
        "TBA318200777000",
        "Tracking says delivered; nothing at the door",
        [("shipped", 7, None), ("problem", 3, None)],
    ),
    (
        "Amazon",
        "114-0095513-3357712",
        3,
        "USD",
        [
            ("Moleskine notebook, large, ruled", 2195, "office"),
            ("Pilot G2 pens, 12-pack", 1349, "office"),
        ],
        "AMZN_US",
        "TBA318233100000",
        "Split shipment",
        [("shipped", 1, (0,))],
    ),
    (
        "Amazon.ca",
        "702-1183345-9904417",
        26,
        "CAD",
        [("Canada Goose toque", 9500, "apparel")],
        "CANADA_POST",
        "7023210039414604",
        "",
        [("shipped", 24, None), ("delivered", 20, None)],
    ),
    (
        "Uniqlo",
        "JP-88310452",
        8,
        "JPY",
        [("Heattech crew neck T-shirt", 1990, "apparel")],
        "DHL",
        "1234567890",
        "",
        [("shipped", 7, None), ("delivered", 5, None)],
    ),
]


def demo_orders(today: date) -> list[Order]:
    orders = []
    for retailer, number, ago, currency, items, carrier, tracking, notes, events in DEMO_ORDERS:
        order = new_order(
            retailer,
            number,
            today - timedelta(days=ago),
            [new_item(t, p, category=c) for t, p, c in items],
            currency=currency,
            carrier=carrier,
            tracking=tracking,
            notes=notes,
            source="demo",
        )
        for event, days_ago, which in events:
            order = lifecycle.record(
                order,
                event,
                today - timedelta(days=days_ago),
                items=list(which) if which is not None else None,
            )
        orders.append(order)
    return orders


def fill(book, today: date) -> None:
    """Put the demo orders into an (empty) order book, as one change."""
    book.replace_all({-n: order for n, order in enumerate(demo_orders(today))}, "demo orders")
    book.clear_undo()


def demo_path(today: date | None = None) -> Path:
    """A fresh demo database in a temporary folder that is removed when the program exits."""
    from .repository import OrderBook

    folder = Path(tempfile.mkdtemp(prefix="unship-demo-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    path = folder / "orders.json"
    with OrderBook(path, today=today) as book:
        fill(book, book.today)
    return path
