"""The forgiving parsers: a table of inputs, and hypothesis for crashes and round trips."""

from __future__ import annotations

import contextlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unship.store.parsing import ParseError, detect_carrier, parse_date, parse_price, parse_quick

TODAY = date(2026, 11, 28)  # a Saturday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", TODAY),
        ("Yesterday", date(2026, 11, 27)),
        ("3 days ago", date(2026, 11, 25)),
        ("2 weeks ago", date(2026, 11, 14)),
        ("mon", date(2026, 11, 23)),
        ("Saturday", TODAY),
        ("21 Nov", date(2026, 11, 21)),
        ("Nov 21", date(2026, 11, 21)),
        ("21 November 2025", date(2025, 11, 21)),
        ("Dec 29", date(2025, 12, 29)),
        ("2026-11-21", date(2026, 11, 21)),
        ("  2026-1-5 ", date(2026, 1, 5)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-02-30", "2026-02-30 is not a date"),
        ("", "empty"),
        ("soon", "is not a date"),
        ("31 Feb 2026", "is not a date"),
        ("0000-01-01", "is not a date"),
    ],
)
def test_bad_dates(text, message):
    with pytest.raises(ParseError, match=message):
        parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("12.99", "12.99", None),
        ("$12.99", "12.99", "USD"),
        ("12,99 €", "12.99", "EUR"),
        ("1,299.00", "1299.00", None),
        ("1.299,00 EUR", "1299.00", "EUR"),
        ("CA$5", "5", "CAD"),
        ("£0.50", "0.50", "GBP"),
        ("1200 JPY", "1200", "JPY"),
        ("1,299", "1299", None),
        ("1 299,50", "1299.50", None),
    ],
)
def test_prices(text, amount, currency):
    assert parse_price(text) == (Decimal(amount), currency)


@pytest.mark.parametrize(
    "text", ["", "abc", "-3", "1.2.3,4,5", "12,,99", "$", "1,29,9.00", "NaN", "inf"]
)
def test_bad_prices(text):
    with pytest.raises(ParseError):
        parse_price(text)


@given(st.text(max_size=40))
def test_parsers_never_crash(text):
    for parse in (lambda t: parse_date(t, TODAY), parse_price, lambda t: parse_quick(t, TODAY)):
        with contextlib.suppress(ParseError):
            parse(text)
    detect_carrier(text)


@given(st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False, allow_infinity=False))
def test_price_round_trip(value):
    for text in (f"{value:.2f}", f"${value:,.2f}", f"{value:.2f}".replace(".", ",") + " €"):
        assert parse_price(text)[0] == value


@given(st.dates(min_value=date(1990, 1, 1), max_value=TODAY))
def test_date_round_trip(day):
    assert parse_date(day.isoformat(), TODAY) == day
    assert parse_date(f"{day.day} {day:%b} {day.year}", TODAY) == day
    if TODAY - day < timedelta(days=300):
        assert parse_date(f"{day.day} {day:%b}", TODAY) == day
    assert parse_date(f"{(TODAY - day).days} days ago", TODAY) == day


@pytest.mark.parametrize(
    ("number", "carrier", "ok"),
    [
        ("1Z999AA10123456784", "ups", True),
        ("1Z999AA10123456785", "ups", False),
        ("TBA318260419000", "amazon", None),
        ("TBC012345678901", "amazon", None),
        ("RA123456785US", "usps", True),
        ("9205590164917312751089", "usps", None),
        ("771234567890", "fedex", None),
        ("1234567890", "dhl", None),
    ],
)
def test_tracking_numbers(number, carrier, ok):
    guess = detect_carrier(number)
    assert guess.carrier == carrier
    if ok is not None:
        assert guess.checksum_ok is ok
    assert detect_carrier("hello") is None


def test_quick_add():
    q = parse_quick('amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday', TODAY)
    assert (q.retailer, q.order_number, q.titles, q.price, q.ordered_on) == (
        "amazon",
        "113-1234567-1234567",
        ["USB-C cable"],
        Decimal("12.99"),
        date(2026, 11, 27),
    )
    q = parse_quick("walmart 2000118 oak bookcase $49.97 3 days ago TBA318260419000", TODAY)
    assert q.titles == ["oak bookcase"] and q.currency == "$" and q.ordered_on == date(2026, 11, 25)
    assert q.tracking == "TBA318260419000"
    q = parse_quick("shop AL-1 Alpha thing 1 $10", TODAY)  # the priced token is the price
    assert (q.titles, q.price, q.currency) == (["Alpha thing 1"], Decimal("10"), "$")
    q = parse_quick('target 9 "lamp" "towels" Levi\'s jeans', TODAY)
    assert q.titles == ["lamp", "towels", "Levi's jeans"]
    with pytest.raises(ParseError, match="no item title"):
        parse_quick("amazon 1 12.99", TODAY)
    with pytest.raises(ParseError, match="can't read"):
        parse_quick('amazon 1 "open', TODAY)
