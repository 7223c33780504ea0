"""Fuzzing the parsers and importers with hypothesis, for a bounded time.

Each target may only raise its documented error (ParseError, MoneyError, ImportFileError), and
what it returns keeps the model's rules. Every crashing input found is kept as an `@example`.
The example counts keep the whole file under ~30 s on a CI machine; FUZZ_SCALE=10 (an
environment variable) runs ten times as many for a longer local hunt.
"""

from __future__ import annotations

import json
import os
from datetime import date

import pytest
from hostile_inputs import DATES, NUMBERS, TEXT, unsafe, values
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from import_support import (
    AMAZON_HEADER,
    REPORT_HEADER,
    UNSHIP_HEADER,
    amazon_row,
    assert_valid,
    csv_text,
    report_row,
    unship_row,
)
from tally import count
from unship.store import importers
from unship.store.importers import ImportFileError
from unship.store.money import MoneyError, to_minor
from unship.store.parsing import ParseError, detect_carrier, parse_date, parse_price, parse_quick
from unship.store.repository import OrderBook
from unship.store.text import clean_line, clean_text, terminal_safe

TODAY = date(2026, 11, 28)
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(n: int):
    return settings(
        max_examples=n * SCALE,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,
    )


# Text that looks like what each parser reads, mixed with anything at all.
any_text = st.text(max_size=60)
word = st.sampled_from(
    [
        "today",
        "yesterday",
        "ago",
        "days",
        "weeks",
        "mon",
        "feb",
        "Nov",
        "29",
        "30",
        "2026",
        "-",
        "1e30",
        "$",
        "€",
        "¥",
        "EUR",
        "JPY",
        "KWD",
        ",",
        ".",
        "'",
        '"',
        "1Z999AA10123456784",
        "TBA123456789012",
        "\x1b[2J",
        "\x00",
        "\u202e",
        "\ud800",
        "[/]",
        "0",
        "99999",
    ]
)
digits = st.from_regex(r"[0-9.,' ]{0,14}", fullmatch=True)
soup = st.one_of(
    any_text,
    digits,
    st.lists(st.one_of(word, digits), max_size=8).map(" ".join),
    st.lists(st.one_of(word, digits), max_size=8).map("".join),
)


@fuzz(300)
@given(soup)
@example("30\x1cfeb 2026")
@example("-\x1b]52;c;aGk=\x075")
def test_parse_date(text):
    count("inputs: fuzz parse_date")
    try:
        day = parse_date(text, TODAY)
    except ParseError as error:
        assert str(error) and not unsafe(str(error))
        return
    assert isinstance(day, date)


@fuzz(300)
@given(soup)
@example("-\x1b]52;c;aGk=\x075")
@example("1,2,3.4.5")
def test_parse_price_and_to_minor(text):
    count("inputs: fuzz parse_price")
    try:
        amount, currency = parse_price(text)
    except ParseError as error:
        assert str(error) and not unsafe(str(error))
        return
    assert amount.is_finite() and amount >= 0
    for code in (currency or "USD", "JPY", "KWD"):
        try:
            minor = to_minor(amount, code)
        except MoneyError as error:
            assert not unsafe(str(error))
            continue
        assert 0 <= minor <= 10**10


@fuzz(200)
@given(st.lists(soup, max_size=8).map(" ".join))
@example('a b "' + "x" * 5000 + '" 1')
@example("0 '':")  # found: an empty quoted order number was returned as the order number
def test_parse_quick(line):
    count("inputs: fuzz parse_quick")
    try:
        quick = parse_quick(line, TODAY)
    except ParseError as error:
        assert str(error) and not unsafe(str(error))
        return
    assert quick.retailer and quick.order_number and quick.titles


@fuzz(300)
@given(st.one_of(any_text, st.from_regex(r"[0-9A-Z \-]{8,30}", fullmatch=True)))
def test_detect_carrier(text):
    count("inputs: fuzz detect_carrier")
    guess = detect_carrier(text)
    assert guess is None or guess.checksum_ok in (True, False, None)


@fuzz(300)
@given(st.text(max_size=200))
def test_cleaning_is_clean_and_stable(text):
    count("inputs: fuzz text cleaning")
    line, free, shown = clean_line(text), clean_text(text), terminal_safe(text)
    assert not unsafe(line, newline_ok=False) and clean_line(line) == line
    assert not unsafe(free) and not unsafe(shown.replace("\r\n", "\n"))
    assert terminal_safe(shown) == shown


# -- importers ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def book(tmp_path_factory):
    with OrderBook(tmp_path_factory.mktemp("fuzz") / "orders.json", today=TODAY) as b:
        yield b


cell = st.one_of(
    st.sampled_from(
        values(TEXT)[:-5] + values(NUMBERS) + values(DATES) + ["", "USD", "JPY", "KWD"]
    ),
    soup,
    st.sampled_from(["2026-11-20T10:00:00Z", "11/20/26", "2026-11-20", "Shipped", "Cancelled"]),
)


def _check(book, text, fmt) -> None:
    try:
        plan = importers.plan_text(book, text, format=fmt)
    except ImportFileError as error:
        assert str(error) and not unsafe(str(error))
        return
    for incoming in plan.new:
        assert_valid(incoming.order, TODAY)
    for rejected in plan.rejected:
        assert not unsafe(str(rejected))


FORMATS = {
    "amazon": (AMAZON_HEADER, amazon_row),
    "amazon-report": (REPORT_HEADER, report_row),
    "csv": (UNSHIP_HEADER, unship_row),
}


@pytest.mark.parametrize("fmt", list(FORMATS))
@fuzz(40)
@given(data=st.data())
def test_csv_importers(book, fmt, data):
    """Good rows (several items of one order, several orders) with a few cells replaced."""
    count(f"inputs: fuzz import {fmt}")
    header, make = FORMATS[fmt]
    rows = []
    for n in range(data.draw(st.integers(1, 5))):
        changes = data.draw(st.dictionaries(st.sampled_from(header), cell, max_size=4))
        rows.append(make(n // 2, **changes))  # rows two by two share an order number
    if data.draw(st.booleans()):  # a ragged row: more or fewer fields than the header
        rows.append(",".join(data.draw(st.lists(cell.map(json.dumps), max_size=len(header) + 3))))
    _check(
        book,
        csv_text(header, [r for r in rows if isinstance(r, dict)])
        + "\n".join(r for r in rows if isinstance(r, str)),
        fmt,
    )


json_value = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(2**70), 2**70),
        st.floats(allow_nan=False),
        cell,
    ),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
ORDER_KEYS = ["retailer", "order_number", "ordered_on", "currency", "items", "history", "extra"]
ITEM_KEYS = ["title", "price", "quantity", "state", "dates", "category", "seller", "extra"]


@st.composite
def json_orders(draw):
    orders = []
    for n in range(draw(st.integers(1, 4))):
        item = {"title": "Kettle", "price": 1299, "quantity": 1, "state": "ordered", "dates": {}}
        for key in draw(st.lists(st.sampled_from(ITEM_KEYS), max_size=3)):
            item[key] = draw(json_value)
        order = {
            "retailer": "Shop",
            "order_number": f"N{n}",
            "ordered_on": "2026-11-20",
            "items": [item],
        }
        for key in draw(st.lists(st.sampled_from(ORDER_KEYS), max_size=3)):
            order[key] = draw(json_value)
        orders.append(order)
    return {"format": "unship", "version": 1, "orders": orders}


@fuzz(100)
@given(st.one_of(json_orders(), json_value))
def test_json_importer(book, data):
    count("inputs: fuzz import json")
    _check(book, json.dumps(data), "json")


@fuzz(150)
@given(st.binary(max_size=300))
@example(b"\xff\xfe")
@example(b"\xfe\xff\x00")
@example(b"\x00\x00\x00")
def test_any_bytes(book, data):
    count("inputs: fuzz import bytes")
    _check(book, data, None)
