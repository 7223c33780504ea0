"""Every door reads the same way: one parser per kind (store/parsing.py) and one function per
change (store/changes.py) behind the CLI's flags, `unship add LINE`, quick add, the order form
and the record dialog.

The table tests feed every accepted form of a date, a price and a retailer through every door
that takes it and check what was stored; the comparison test feeds the same orders (odd dates,
prices, aliases, hostile text) through `unship add` and through the form, typed into it in the
running app, and compares the stored orders field by field.
"""

from __future__ import annotations

import asyncio
from datetime import date

import pytest
from hostile_inputs import TEXT
from textual.app import App
from textual.widgets import Input
from unship.store import changes, settings
from unship.store.model import new_item, new_order
from unship.store.order_input import OrderFields
from unship.store.parsing import ParseError, parse_date
from unship.store.repository import OrderBook
from unship.tui.screens.order_form import OrderForm
from unship.tui.screens.quick_add import QuickAdd
from unship.tui.screens.record import RecordDialog

from unship.cli import main as unship_main

TODAY = date(2026, 11, 28)  # a Saturday
OLD = date(2025, 11, 1)  # the order date of the order events are recorded on

# (typed, the day it means on TODAY): every form a date may be typed in
DATES = [
    ("today", TODAY),
    ("yesterday", date(2026, 11, 27)),
    ("3 days ago", date(2026, 11, 25)),
    ("2 weeks ago", date(2026, 11, 14)),
    ("mon", date(2026, 11, 23)),
    ("Wednesday", date(2026, 11, 25)),
    ("21 Nov", date(2026, 11, 21)),
    ("nov 21", date(2026, 11, 21)),
    ("dec 2", date(2025, 12, 2)),  # the latest past Dec 2
    ("25 nov", date(2026, 11, 25)),
    ("Nov 21 2025", date(2025, 11, 21)),
    ("11/20", date(2026, 11, 20)),
    ("12/2", date(2025, 12, 2)),
    ("12/01/2025", date(2025, 12, 1)),  # US month first
    ("11/3/26", date(2026, 11, 3)),
    ("2026-11-21", date(2026, 11, 21)),
]
# (typed, minor units, currency the order ends in)
PRICES = [
    ("12.99", 1299, "USD"),
    ("$12.99", 1299, "USD"),
    ("12,99 €", 1299, "EUR"),
    ("EUR 5", 500, "EUR"),
    ("1,299.00", 129900, "USD"),
    ("£0.50", 50, "GBP"),
    ("1200 JPY", 1200, "JPY"),
]
# (typed, the retailer's name as stored)
RETAILERS = [
    ("amazon", "Amazon"),
    ("amzn", "Amazon"),
    ("best buy", "Best Buy"),
    ("bestbuy", "Best Buy"),
    ("Target", "Target"),
    ("whole foods market", "Amazon Fresh / Whole Foods"),
    ("Corner Shop", "Corner Shop"),  # unknown: quoted in a quick-add line
]


def _line_retailer(typed: str) -> str:
    return f'"{typed}"' if typed == "Corner Shop" else typed


@pytest.fixture(autouse=True)
def _no_fsync(monkeypatch):
    """These tests are about reading input, not durability (tests/test_storage*.py)."""
    import os

    monkeypatch.setattr(os, "fsync", lambda fd: None)


def run(coro):
    return asyncio.run(coro)


# -- the doors ------------------------------------------------------------------------------


def cli(db, *args: str) -> tuple[int, str]:
    """`unship --db DB --today TODAY ARGS...` in this process: (exit status, stderr)."""
    import io
    import sys

    err, out = io.StringIO(), io.StringIO()
    old = sys.stderr, sys.stdout
    sys.stderr, sys.stdout = err, out
    try:
        code = unship_main(["--db", str(db), "--today", TODAY.isoformat(), *args])
    except SystemExit as stop:  # argparse refusing a flag
        code = int(stop.code or 0)
    finally:
        sys.stderr, sys.stdout = old
    return code, err.getvalue()


class Door(App):
    """Holds the book like the real app; the test pushes the screens."""

    def __init__(self, book: OrderBook) -> None:
        super().__init__()
        self.book = book


async def through_quick_add(book: OrderBook, lines: list[str]) -> None:
    """Each line typed into quick add (as pasted), then Enter."""
    app = Door(book)
    async with app.run_test(size=(100, 30)) as pilot:
        for line in lines:
            screen = QuickAdd(book)
            await app.push_screen(screen)
            screen.query_one("#quick-line", Input).value = line
            await pilot.press("enter")
            if app.screen is screen:  # refused: the line stays; leave without saving
                await pilot.press("escape")


async def through_form(book: OrderBook, forms: list[OrderFields]) -> None:
    """Each order's values put into the form's fields (as pasted), leaving each, then ctrl+s."""
    app = Door(book)
    async with app.run_test(size=(100, 40)) as pilot:
        for fields in forms:
            form = OrderForm(book)
            await app.push_screen(form)
            for key in ("retailer", "order_number", "ordered_on", "currency"):
                form.query_one(f"#{key}", Input).value = getattr(fields, key)
            for n, item in enumerate(fields.items):
                if n:
                    await pilot.press("ctrl+n")
                row = form.item_rows.rows[n]
                for part in ("title", "quantity", "category", "price"):
                    row.input(part).value = getattr(item, part)
                row.input("price").focus()
                await pilot.press("tab")  # leaving a price reads its currency, as a person's
            for key in ("carrier", "tracking", "seller"):
                form.query_one(f"#{key}", Input).value = getattr(fields, key)
            await pilot.press("ctrl+s")
            if app.screen is form:  # refused: leave, discarding
                form.dismiss(None)
                await pilot.pause()


async def through_record_dialog(book: OrderBook, days: list[tuple[int, str]]) -> None:
    """For each (order id, typed): `typed` into the record dialog's date for 'mark
    delivered', then Enter."""
    app = Door(book)
    async with app.run_test(size=(100, 30)) as pilot:
        for order_id, typed in days:
            order = book.get(order_id)
            action = next(a for a in book.actions(order) if a.action == "mark-delivered")
            dialog = RecordDialog(book, order, action)
            await app.push_screen(dialog)
            dialog.query_one("#date", Input).value = typed
            await pilot.press("enter")
            if app.screen is dialog:
                await pilot.press("escape")


def shipped_order(book: OrderBook, number: str) -> int:
    order = new_order("Shop", number, OLD, [new_item("Lamp", 1000)], today=TODAY)
    saved = book.add(order)
    return book.record(saved.id, "shipped", OLD).id


# -- the parser table at every door ---------------------------------------------------------


@pytest.mark.parametrize(("typed", "day"), DATES, ids=[t for t, _ in DATES])
def test_every_date_form_reads_alike_in_the_parser(typed, day):
    assert parse_date(typed, TODAY) == day


@pytest.mark.slow  # about 16 s of dialogs and forms in the app
def test_every_date_form_at_every_door(tmp_path):
    """CLI `add --ordered`, `unship add LINE`, quick add, the form, `mark --on` and the record
    dialog all store the same day for each way of writing it."""
    doors = {
        name: tmp_path / f"{name}.json"
        for name in ("flag", "line", "quick", "form", "mark", "dialog")
    }
    for n, (typed, _) in enumerate(DATES):
        number = f"D-{n}"
        assert cli(doors["flag"], "add", "--retailer", "Shop", "--order-number", number,
                   "--item", "Lamp", "--price", "10", "--ordered", typed)[0] == 0  # fmt: skip
        code, err = cli(doors["line"], "add", f'shop {number} "Lamp" 10 {typed}')
        assert code == 0, err
    lines = [f'shop D-{n} "Lamp" 10 {typed}' for n, (typed, _) in enumerate(DATES)]
    forms = [
        OrderFields(retailer="Shop", order_number=f"D-{n}", ordered_on=typed, items=[_item()])
        for n, (typed, _) in enumerate(DATES)
    ]
    with OrderBook(doors["quick"], today=TODAY) as book:
        run(through_quick_add(book, lines))
    with OrderBook(doors["form"], today=TODAY) as book:
        run(through_form(book, forms))
    for name in ("flag", "line", "quick", "form"):
        with OrderBook(doors[name], today=TODAY) as book:
            got = {o.order_number: o.ordered_on for o in book.orders()}
        assert got == {f"D-{n}": day for n, (_, day) in enumerate(DATES)}, name

    with OrderBook(doors["mark"], today=TODAY) as book:
        ids = [shipped_order(book, f"M-{n}") for n in range(len(DATES))]
    for order_id, (typed, _) in zip(ids, DATES, strict=True):
        code, err = cli(doors["mark"], "mark", str(order_id), "delivered", "--on", typed)
        assert code == 0, err
    with OrderBook(doors["dialog"], today=TODAY) as book:
        ids = [shipped_order(book, f"M-{n}") for n in range(len(DATES))]
        typed = [t for t, _ in DATES]
        run(through_record_dialog(book, list(zip(ids, typed, strict=True))))
    for name in ("mark", "dialog"):
        with OrderBook(doors[name], today=TODAY) as book:
            got = [o.items[0].on("delivered") for o in book.orders()]
        assert got == [day for _, day in DATES], name


def _item(title="Lamp", price="10"):
    from unship.store.order_input import ItemFields

    return ItemFields(title=title, price=price)


@pytest.mark.slow  # about 12 s of forms typed in the app
def test_every_price_and_retailer_form_at_every_door(tmp_path):
    """Prices with or without their currency, and retailers by name or alias (several words
    too), at `add --price/--retailer`, `unship add LINE`, quick add and the form."""
    cases = [(f"P-{n}", "Shop", price) for n, (price, _, _) in enumerate(PRICES)]
    cases += [(f"R-{n}", typed, "10") for n, (typed, _) in enumerate(RETAILERS)]
    doors = {name: tmp_path / f"{name}.json" for name in ("flag", "line", "quick", "form")}
    for number, retailer, price in cases:
        code, err = cli(doors["flag"], "add", "--retailer", retailer, "--order-number", number,
                        "--item", "Lamp", "--price", price)  # fmt: skip
        assert code == 0, err
        line = f'{_line_retailer(retailer)} {number} "Lamp" {price} yesterday'
        code, err = cli(doors["line"], "add", line)
        assert code == 0, err
    with OrderBook(doors["quick"], today=TODAY) as book:
        lines = [f'{_line_retailer(r)} {n} "Lamp" {p} yesterday' for n, r, p in cases]
        run(through_quick_add(book, lines))
    with OrderBook(doors["form"], today=TODAY) as book:
        forms = [
            OrderFields(retailer=r, order_number=n, ordered_on="yesterday", items=[_item(price=p)])
            for n, r, p in cases
        ]
        run(through_form(book, forms))
    want_prices = {f"P-{n}": (minor, cur) for n, (_, minor, cur) in enumerate(PRICES)}
    want_retailers = {f"R-{n}": name for n, (_, name) in enumerate(RETAILERS)}
    for name, db in doors.items():
        with OrderBook(db, today=TODAY) as book:
            orders = {o.order_number: o for o in book.orders()}
        prices = {k: (o.items[0].price, o.currency) for k, o in orders.items() if k[0] == "P"}
        retailers = {k: o.retailer for k, o in orders.items() if k[0] == "R"}
        assert prices == want_prices, name
        assert retailers == want_retailers, name


# -- refusals say what was read and why ---------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("13/2", "read as month/day: there is no month 13"),
        ("2/30/2026", "February 2026 has no day 30"),
        ("2026-02-30", "February 2026 has no day 30"),
        ("next week", "'next week' is not a date (try"),
    ],
)
def test_a_refused_date_says_what_was_read_and_why(typed, says):
    with pytest.raises(ParseError, match=r".*".join(map(_escape, says.split(" ")))):
        parse_date(typed, TODAY)


def _escape(word: str) -> str:
    import re

    return re.escape(word)


def test_the_same_refusal_at_the_cli_and_the_record_dialog(tmp_path):
    db = tmp_path / "o.json"
    with OrderBook(db, today=TODAY) as book:
        order_id = shipped_order(book, "X-1")
    code, err = cli(db, "mark", str(order_id), "delivered", "--on", "13/2")
    assert code == 2 and "there is no month 13" in err
    code, err = cli(db, "add", "--retailer", "s", "--order-number", "9", "--item", "t",
                    "--price", "1", "--ordered", "12/01/2026")  # fmt: skip
    assert code == 2 and "--ordered: 2026-12-01 is in the future" in err
    with OrderBook(db, today=TODAY) as book, pytest.raises(changes.FieldError) as refused:
        changes.record_event(book, order_id, "delivered", "12/01/2026")
    assert refused.value.field == "on" and "2026-12-01 is in the future" in str(refused.value)


def test_day_first_is_a_setting_every_door_follows(tmp_path):
    """`unship config dates day-first`: 3/4 is 3 April, at the CLI and in the app alike."""
    db = tmp_path / "o.json"
    assert cli(db, "config", "dates", "day-first")[0] == 0
    assert settings.get_day_first()
    assert cli(db, "add", "--retailer", "s", "--order-number", "1", "--item", "t",
               "--price", "1", "--ordered", "3/4")[0] == 0  # fmt: skip
    with OrderBook(db, today=TODAY) as book:
        assert book.day_first
        run(through_quick_add(book, ['s 2 "t" 1 13/2/2026']))
        assert changes.event_day(book, "1/11") == date(2026, 11, 1)
        assert [o.ordered_on for o in book.orders()] == [date(2026, 4, 3), date(2026, 2, 13)]
    assert cli(db, "config", "dates", "month-first")[0] == 0
    with OrderBook(db, today=TODAY) as book:
        assert not book.day_first and changes.read_date(book, "3/4") == date(2026, 3, 4)


def test_quick_add_reads_two_word_dates_and_retailers():
    """Regression: 'dec 2', '25 nov' and '12/2' were read as a second price, and 'best buy'
    as the retailer 'best' with the order number 'buy'."""
    from unship.store.parsing import parse_quick

    names = ["best buy", "amazon"]
    for line, day in [
        ('amazon 1 "mug" 12.99 dec 2', date(2025, 12, 2)),
        ('amazon 1 "mug" 25 nov 12.99', date(2026, 11, 25)),
        ('amazon 1 "mug" 12/2 $3', date(2025, 12, 2)),
    ]:
        quick = parse_quick(line, TODAY, retailers=names)
        assert quick.ordered_on == day and quick.titles == ["mug"] and quick.price is not None
    quick = parse_quick('best buy BBY01-1 "TV" 99 3 days ago', TODAY, retailers=names)
    assert (quick.retailer, quick.order_number, quick.titles) == ("best buy", "BBY01-1", ["TV"])
    assert quick.ordered_on == date(2026, 11, 25)
    assert parse_quick("amazon 1 mug 2 $10", TODAY, retailers=names).titles == ["mug 2"]
    # a word that only starts like a month is a title word, not a date
    mario = parse_quick("amazon 1 Mario 8 deluxe $40", TODAY, retailers=names)
    assert mario.titles == ["Mario 8 deluxe"] and mario.ordered_on is None
    # '10 dec 2': the month goes with the day after it, and 10 is the price
    quick = parse_quick("amazon 1 mug 10 dec 2", TODAY, retailers=names)
    assert (quick.price, quick.ordered_on) == (10, date(2025, 12, 2))


# -- the same orders through the CLI and the form -------------------------------------------

ODD = [
    # (retailer, order number, date, [(title, quantity, price)], carrier, tracking, seller)
    ("best buy", "BBY01-7", "dec 2", [("TV", "1", "$499.99")], "", "1Z999AA10123456784", ""),
    ("amzn", "113-1234567-1234567", "12/2", [("Cable", "2", "12,99 €")], "UPS", "", ""),
    ("Target", "T-1", "11/20/2026", [("Mug", "3", "6.5"), ("Tea", "1", "2")], "", "", ""),
    ("Corner Shop", "C-1", "3 days ago", [("Kettle", "1", "1200 JPY")], "", "", "Ann's"),
    ("ebay", "E-1", "25 nov", [("Lamp", "1", "1,299.00")], "", "", "seller9"),
    ("Shop", "F-1", "12/01/2026", [("Future", "1", "1")], "", "", ""),  # refused: future
    ("Shop", "Q-0", "today", [("Zero", "0", "1")], "", "", ""),  # refused: quantity 0
    ("Shop", "M-1", "today", [("A", "1", "1200 JPY"), ("B", "1", "2.50 KWD")], "", "", ""),
]
# one of each kind: markup, escape sequences, C0/C1 controls, bidi, wide and combining, blank
HOSTILE = [
    value
    for key, value in TEXT
    if key
    in (
        *("markup-click", "csi-clear-home", "osc52-clipboard", "c1-csi", "nul"),
        *("carriage-return", "rtl-override", "combining", "emoji-zwj", "cjk-wide", "spaces"),
    )
]


def _odd_fields() -> list[OrderFields]:
    from unship.store.order_input import ItemFields

    out = []
    for retailer, number, day, items, carrier, tracking, seller in ODD:
        rows = [ItemFields(title=t, quantity=q, price=p) for t, q, p in items]
        out.append(
            OrderFields(
                retailer=retailer,
                order_number=number,
                ordered_on=day,
                currency="USD",
                items=rows,
                carrier=carrier,
                tracking=tracking,
                seller=seller,
            )
        )
    for n, text in enumerate(HOSTILE):
        out.append(
            OrderFields(
                retailer=text or "Shop",
                order_number=f"H-{n}",
                ordered_on="yesterday",
                currency="USD",
                items=[ItemFields(title=text, quantity="1", price="1.50")],
                seller=text.strip() and text[:60],
            )
        )
    return out


def _cli_args(fields: OrderFields) -> list[str]:
    args = ["add", "--retailer", fields.retailer, "--order-number", fields.order_number]
    args += ["--ordered", fields.ordered_on]
    for item in fields.items:
        args += ["--item", item.title, "--price", item.price, "--quantity", item.quantity]
    for flag, value in (("--carrier", fields.carrier), ("--tracking", fields.tracking)):
        if value:
            args += [flag, value]
    if fields.seller:
        args += ["--seller", fields.seller]
    return args


@pytest.mark.slow  # about 16 s of forms typed in the app
def test_the_same_orders_through_the_cli_and_the_form_are_stored_alike(tmp_path):
    forms = _odd_fields()
    by_cli, by_form = tmp_path / "cli.json", tmp_path / "form.json"
    refused = 0
    for fields in forms:
        code, err = cli(by_cli, *_cli_args(fields))
        assert code in (0, 2) and "Traceback" not in err
        refused += code == 2
    with OrderBook(by_form, today=TODAY) as book:
        run(through_form(book, forms))
    with OrderBook(by_cli, today=TODAY) as a, OrderBook(by_form, today=TODAY) as b:
        cli_orders = {o.order_number: o for o in a.orders()}
        form_orders = {o.order_number: o for o in b.orders()}
    assert set(cli_orders) == set(form_orders)
    assert refused == len(forms) - len(cli_orders) >= 3  # the future, quantity 0, two currencies
    for number, order in cli_orders.items():
        other = form_orders[number]
        assert order == other, number
    assert cli_orders["BBY01-7"].retailer == "Best Buy"
    assert cli_orders["113-1234567-1234567"].currency == "EUR"
    assert cli_orders["113-1234567-1234567"].ordered_on == date(2025, 12, 2)


def test_unship_add_takes_the_currency_as_the_form_does(tmp_path):
    """Typed with the price, else the book's usual currency (the form's and quick add's
    default), else USD; --currency wins over both."""
    db = tmp_path / "o.json"
    add = ("add", "--retailer", "s", "--item", "t")
    assert cli(db, *add, "--order-number", "1", "--price", "5")[0] == 0
    assert cli(db, *add, "--order-number", "2", "--price", "5 EUR")[0] == 0
    assert cli(db, *add, "--order-number", "3", "--price", "€5")[0] == 0
    assert cli(db, *add, "--order-number", "4", "--price", "5")[0] == 0
    assert cli(db, *add, "--order-number", "5", "--price", "5", "--currency", "GBP")[0] == 0
    with OrderBook(db, today=TODAY) as book:
        got = [o.currency for o in book.orders()]
    assert got == ["USD", "EUR", "EUR", "EUR", "GBP"]
