"""Hostile input through the store's doors: nothing crashes, nothing bad is stored.

Each door has a table of inputs; what comes out is either a clean record or a clear error.
"""

from __future__ import annotations

import json
from datetime import date

import pytest
from hostile_inputs import CURRENCIES, DATES, NUMBERS, TEXT, ids, unsafe, values
from tally import count
from unship.store.model import ModelError, new_item, new_order
from unship.store.money import MoneyError, to_minor
from unship.store.order_input import check_date
from unship.store.parsing import ParseError, parse_date, parse_price, parse_quick
from unship.store.text import terminal_safe

TODAY = date(2026, 11, 28)

HOSTILE_TEXT = values(TEXT)
CONTROL = {chr(c) for c in [*range(0, 9), *range(11, 32), *range(0x7F, 0xA0)]} | set(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def _clean(text: str, newline_ok: bool = False) -> bool:
    bad = CONTROL - ({"\n", "\t"} if newline_ok else set())
    return not (set(text) & bad) and "\x1b" not in text


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=ids(TEXT))
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


@pytest.mark.parametrize("amount", values(NUMBERS), ids=ids(NUMBERS))
@pytest.mark.parametrize("currency", CURRENCIES)
def test_numbers(amount, currency):
    count("inputs: number inputs")
    try:
        minor = to_minor(amount, currency)
    except MoneyError as error:
        assert str(error) and not unsafe(str(error))
        return
    assert isinstance(minor, int) and 0 <= minor <= 100_000_000 * 1000


@pytest.mark.parametrize("text", values(DATES), ids=ids(DATES))
def test_dates(text):
    """Any date may parse; an order date must be from 1990 to today; messages are clean."""
    count("inputs: date inputs")
    try:
        day = check_date(text, TODAY)
    except ModelError as error:
        assert str(error) and not unsafe(str(error))
        return
    assert date(1990, 1, 1) <= day <= TODAY


def test_order_dates_out_of_range_are_refused():
    with pytest.raises(ModelError, match="in the future"):
        new_order("Amazon", "1", date(2027, 1, 1), [new_item("x", 1)], today=TODAY)
    with pytest.raises(ModelError, match="too far in the past"):
        new_order("Amazon", "1", date(1, 1, 1), [new_item("x", 1)])


@pytest.mark.parametrize(
    "line",
    [
        *HOSTILE_TEXT,
        'a b "' + "x" * 5000 + '" 1',
        "a b c " * 2000,
        # a price-like word before and after a currency (one took minutes to be told apart)
        "amazon 1 lamp € " + "1," * 60_000 + "x",
        "amazon 1 lamp " + "1," * 60_000 + "1 €",
    ],
)
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


@pytest.mark.parametrize(
    "text", ["-\x1b]52;c;aGk=\x075", "-\x1b[2J5", "-5\x07"], ids=["osc52", "csi", "bel"]
)
def test_a_negative_price_message_carries_no_escape(text):
    """Regression: 'X is negative' quoted the typed text raw, escape sequences included."""
    with pytest.raises(ParseError, match="is negative") as caught:
        parse_price(text)
    assert not unsafe(str(caught.value))


def test_a_bad_date_message_carries_no_control():
    """Regression: '30\\x1cfeb 2026' (\\x1c splits like a space) was quoted raw."""
    with pytest.raises(ParseError, match="is not a date") as caught:
        parse_date("30\x1cfeb 2026", TODAY)
    assert not unsafe(str(caught.value))


@pytest.mark.parametrize("text", HOSTILE_TEXT, ids=ids(TEXT))
def test_terminal_safe_leaves_nothing_a_terminal_acts_on(text):
    count("inputs: terminal filter")
    out = terminal_safe(text)
    assert not unsafe(out) and "\x1b" not in out
    assert terminal_safe(out) == out


def test_terminal_safe_keeps_line_ends_and_text():
    assert terminal_safe("a,b\r\nc\td\n") == "a,b\r\nc\td\n"
    assert terminal_safe("good\rEVIL") == "goodEVIL"
    assert (
        terminal_safe("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ 中文 👩🏽‍💻") == "link 中文 👩🏽‍💻"
    )
