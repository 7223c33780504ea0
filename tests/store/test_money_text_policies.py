from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unship.store import policies
from unship.store.money import MoneyError, format_money, to_decimal, to_minor
from unship.store.text import clean_line, clean_text


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [
        ("12.99", "USD", 1299),
        ("0", "USD", 0),
        ("1200", "JPY", 1200),
        ("1.250", "KWD", 1250),
        (Decimal("3.5"), "EUR", 350),
    ],
)
def test_to_minor(amount, currency, minor):
    assert to_minor(amount, currency) == minor


@pytest.mark.parametrize(
    ("amount", "currency", "message"),
    [
        ("-1", "USD", "negative"),
        ("NaN", "USD", "not an amount"),
        ("inf", "USD", "not an amount"),
        ("1e30", "USD", "too large"),
        ("1.5", "JPY", "too many decimals"),
        ("1", "US", "currency code"),
        ("", "USD", "not an amount"),
    ],
)
def test_bad_amounts(amount, currency, message):
    with pytest.raises(MoneyError, match=message):
        to_minor(amount, currency)


def test_floats_are_refused():
    with pytest.raises(MoneyError):
        to_minor(12.99, "USD")  # type: ignore[arg-type]


@given(st.integers(0, 10**8), st.sampled_from(["USD", "JPY", "KWD", "EUR"]))
def test_minor_round_trip(minor, currency):
    assert to_minor(to_decimal(minor, currency), currency) == minor


def test_format_money():
    assert format_money(123456, "USD") == "$1,234.56"
    assert format_money(1990, "JPY") == "¥1,990"
    assert format_money(12500, "KWD") == "12.500 KWD"


def test_clean_line_removes_controls_escapes_and_bidi():
    raw = "a\x1b[31mred\x1b[0m\x1b]52;c;aGk=\x07b\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\ \u202eevil\x00\x07\n c"
    assert clean_line(raw) == "aredblink evil c"
    assert clean_line("x" * 1000, limit=10) == "x" * 9 + "…"
    assert clean_line("\ud800lone") == "lone"


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_clean_line_skips_only_text_that_is_already_clean(value):
    """The fast path for plain ASCII gives what the full cleaning gives."""
    from unship.store.text import _clean_line, _plain_line

    if _plain_line(value):
        assert _clean_line(value) == value
    assert clean_line(value, limit=10_000) == _clean_line(value)


def test_clean_text_keeps_newlines_and_tabs():
    assert clean_text("one\r\ntwo\tthree\x1b[2J\x7f") == "one\ntwo\tthree"


@given(st.text())
def test_cleaned_text_has_no_controls(value):
    for cleaned in (clean_line(value), clean_text(value)):
        assert not any(
            (ord(c) < 32 and c not in "\n\t")
            or 0x7F <= ord(c) <= 0x9F
            or 0x202A <= ord(c) <= 0x202E
            or 0x2066 <= ord(c) <= 0x2069
            or 0xD800 <= ord(c) <= 0xDFFF
            for c in cleaned
        )
        cleaned.encode("utf-8")


def test_shipped_policies_name_their_sources():
    book = policies.load()
    for key in ("amazon", "walmart", "target", "bestbuy", "ebay", "other"):
        policy = book.retailers[key]
        assert policy.sources and all(s["checked"] and s["source"] for s in policy.sources)
    assert book.retailer("Amazon.ca").key == "amazon"
    assert book.retailer("best buy").key == "bestbuy"
    assert book.retailer("Corner Shop").key == "other"
    assert book.carrier("AMZN_US").name == "Amazon Logistics"
    assert book.carrier("ups").link("1Z999") == "https://www.ups.com/track?tracknum=1Z999"


def test_user_policy_file_overrides_key_by_key(tmp_path):
    user = tmp_path / "policies.json"
    user.write_text(
        json.dumps(
            {
                "retailers": {
                    "amazon": {"return_window_days": 45},
                    "corner": {"name": "Corner Shop", "return_window_days": 7},
                }
            }
        )
    )
    book = policies.load(user)
    assert book.retailers["amazon"].return_window_days == 45
    assert book.retailers["amazon"].cancel_steps  # the rest is kept
    assert book.retailer("corner shop").return_window_days == 7


def test_broken_user_policy_file_is_a_clear_error(tmp_path):
    user = tmp_path / "policies.json"
    user.write_text("{nope")
    with pytest.raises(policies.PolicyError, match="can't read your policies file"):
        policies.load(user)
    user.write_text(json.dumps({"retailers": {"amazon": {"return_window_days": "soon"}}}))
    with pytest.raises(policies.PolicyError, match="amazon"):
        policies.load(user)


def test_a_country_site_names_its_currency():
    from unship.store.money import site_currency

    assert site_currency("Amazon.ca") == "CAD" and site_currency("walmart.ca") == "CAD"
    assert (
        site_currency("amazon.co.uk") == "GBP" and site_currency("https://www.amazon.de/x") == "EUR"
    )
    assert site_currency("amazon.com.mx") == "MXN" and site_currency("Amazon.co.jp") == "JPY"
    for name in ("Amazon", "amazon.com", "Uniqlo", "", "best buy", "shop.example"):
        assert site_currency(name) is None, name


@pytest.mark.parametrize(
    ("environ", "currency"),
    [
        ({"LANG": "en_CA.UTF-8"}, "CAD"),
        ({"LANG": "fr_CA.UTF-8"}, "CAD"),
        ({"LANG": "en_GB.UTF-8"}, "GBP"),
        ({"LANG": "de_DE.UTF-8@euro"}, "EUR"),
        ({"LANG": "en_US.UTF-8"}, "USD"),
        ({"LANG": "en_CA.UTF-8", "LC_MONETARY": "en_GB.UTF-8"}, "GBP"),  # as POSIX reads them
        ({"LANG": "en_CA", "LC_MONETARY": "en_GB", "LC_ALL": "de_AT.UTF-8"}, "EUR"),
        ({"LANG": "C.UTF-8"}, None),
        ({"LANG": "POSIX"}, None),
        ({"LANG": "sw_KE.UTF-8"}, None),  # a country not listed: no guess
        ({}, None),
    ],
)
def test_the_locale_names_a_currency(environ, currency):
    from unship.store.money import locale_currency

    assert locale_currency(environ) == currency


def test_an_empty_books_currency_is_the_locales_else_usd(monkeypatch):
    from unship.store.model import new_item, new_order
    from unship.store.order_hints import default_currency

    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_MONETARY", "en_CA.UTF-8")
    assert default_currency([]) == "CAD"
    order = new_order("Etsy", "1", date(2026, 11, 1), [new_item("Mug", 900)], currency="EUR")
    assert default_currency([order]) == "EUR"  # the book's own orders say more
    monkeypatch.setenv("LC_MONETARY", "C.UTF-8")
    assert default_currency([]) == "USD"


def test_a_retailer_unship_has_rules_for_is_in_its_sites_currency():
    # the currency of the site whose rules apply: a Target order in a book of Canadian
    # orders is in dollars, not the book's usual CAD; a shop with no rules has none
    book = policies.load()
    assert [book.currency_of(n) for n in ("Target", "best buy", "Amazon", "eBay")] == ["USD"] * 4
    assert book.currency_of("Walmart Canada") == "CAD" and book.currency_of("Amazon.ca") == "CAD"
    assert book.currency_of("amazon.co.uk") == "GBP"
    assert book.currency_of("Uniqlo") is None and book.currency_of("") is None
