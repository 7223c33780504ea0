"""Hostile input through the store's doors: nothing crashes, nothing bad is stored.

Each door has a table of inputs; what comes out is either a clean record or a clear error.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from tally import count
from unship.store.model import ModelError, new_item, new_order
from unship.store.money import MoneyError, to_minor
from unship.store.parsing import ParseError, parse_date, parse_price, parse_quick

TODAY = date(2026, 11, 28)

HOSTILE_TEXT = [
    "[bold]x[/]",
    "[/]",
    "[/",
    "[@click=app.quit]x[/]",
    "[link=file:///etc/passwd]x[/]",
    "\x1b[31mred\x1b[0m",
    "\x1b[2J\x1b[H",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\",
    "\x1b]0;pwned\x07",
    "bell\x07",
    "nul\x00",
    "back\x08space",
    "carriage\rreturn",
    "\ud800lone",
    "\u202eevil\u202c",
    "e\u0301\u0301\u0301",
    "👩🏽‍💻👨‍👩‍👧",
    "中文字符テスト",
    "x" * 10_000,
    "",
    "   ",
    "\t\n",
    "\x9b31m",
    "\x9d0;t\x9c",
    "\x7f",
]
CONTROL = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _clean(text: str, newline_ok: bool = False) -> bool:
    bad = CONTROL - ({"\n", "\t"} if newline_ok else set())
    return not (set(text) & bad) and "\x1b" not in text


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=range(len(HOSTILE_TEXT)))
def test_text_through_the_model(text):
    count("inputs: text inputs")
    try:
        item = new_item(text, 100)
    except ModelError as error:
        assert "empty" in str(error)
        assert not text.strip() or not _clean_visible(text)
        return
    order = new_order(
        "Shop" + text[:20], "N" + text[:30], TODAY, [item], notes=text, tracking=text[:50]
    )
    assert _clean(item.title) and len(item.title) <= 300
    assert _clean(order.retailer) and _clean(order.order_number) and _clean(order.tracking)
    assert _clean(order.notes, newline_ok=True) and len(order.notes) <= 4000
    json.dumps(order.to_json(), ensure_ascii=False).encode("utf-8")  # storable as UTF-8


def _clean_visible(text: str) -> str:
    from unship.store.text import clean_line

    return clean_line(text)


@pytest.mark.parametrize(
    "amount",
    [
        "-1",
        "0",
        "1e30",
        "NaN",
        "inf",
        "-inf",
        "1.001",
        "12.",
        ".5",
        "1_000",
        "0x10",
        "١٢٣",
        "  ",
        "9" * 400,
    ],
)
@pytest.mark.parametrize("currency", ["USD", "JPY", "KWD"])
def test_numbers(amount, currency):
    count("inputs: number inputs")
    try:
        minor = to_minor(amount, currency)
    except MoneyError as error:
        assert str(error)
        return
    assert isinstance(minor, int) and 0 <= minor <= 100_000_000 * 1000


@pytest.mark.parametrize(
    "text",
    [
        "2026-02-30",
        "0000-01-01",
        "99999-01-01",
        "2026-13-01",
        "-1 days ago",
        "999999 days ago",
        "32 Jan",
        "Feb 29",
        "\x00",
        "mon\x1b[2J",
        "2026-11-21T23:59:59-10:00",
    ],
)
def test_dates(text):
    count("inputs: date inputs")
    try:
        day = parse_date(text, TODAY)
    except ParseError as error:
        assert str(error)
        return
    assert date(1, 1, 1) <= day <= TODAY


def test_order_dates_out_of_range_are_refused():
    with pytest.raises(ModelError, match="in the future"):
        new_order("Amazon", "1", date(2027, 1, 1), [new_item("x", 1)], today=TODAY)
    with pytest.raises(ModelError, match="too far in the past"):
        new_order("Amazon", "1", date(1, 1, 1), [new_item("x", 1)])


@pytest.mark.parametrize("line", [*HOSTILE_TEXT, 'a b "' + "x" * 5000 + '" 1', "a b c " * 2000])
def test_quick_add_lines(line):
    count("inputs: quick-add lines")
    try:
        quick = parse_quick(line, TODAY)
    except ParseError:
        return
    for title in quick.titles:
        try:
            item = new_item(title, 0)
        except ModelError:
            continue
        assert _clean(item.title)


@pytest.mark.parametrize("text", HOSTILE_TEXT[:12])
def test_prices_with_garbage(text):
    count("inputs: price inputs")
    with pytest.raises(ParseError):
        parse_price(text)
