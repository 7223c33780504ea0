"""Which site and currency an order typed by hand is at: a number that starts as the book's
orders from another site do is said (never guessed); a bare "$" is the order's own dollars."""

from __future__ import annotations

from datetime import date

import pytest
from unship.store import policies
from unship.store.model import ModelError, new_item, new_order, replace
from unship.store.order_input import (
    ItemFields,
    check_price,
    currency_warning,
    fields_from_quick,
    site_warning,
    typed_currency,
)
from unship.store.parsing import parse_quick

POLICIES = policies.load()
TODAY = date(2026, 11, 28)


def order(retailer, number, order_id, website=""):
    made = new_order(retailer, number, date(2026, 11, 20), [new_item("Mug", 999)], today=TODAY)
    extra = {"website": website} if website else {}
    return replace(made, id=order_id, extra=extra)


# a Canadian's book: what the Amazon export logs (its Website column names the site)
CANADIAN = [
    order("Amazon.ca", "702-4060128-5100216", 1, website="Amazon.ca"),
    order("Amazon.ca", "701-1588136-1524244", 2, website="Amazon.ca"),
    order("Amazon.com", "111-7634359-8390444", 3, website="Amazon.com"),
]


def warned(retailer, number, orders=CANADIAN, own=0):
    return site_warning(POLICIES, orders, retailer, number, own)


def test_a_number_like_another_sites_orders_names_that_site():
    said = warned("amazon", "702-1234567-1234567")
    assert said == (
        "your Amazon.ca orders' numbers start with 702-, like this one: if it is one of them, "
        "name the shop Amazon.ca (its rules, order page and currency)"
    )
    assert "Amazon.com" in warned("Amazon.ca", "111-1234567-1234567")


def test_nothing_is_said_without_the_books_evidence_or_against_it():
    assert warned("Amazon.ca", "702-1234567-1234567") == ""  # the site its orders are from
    assert warned("amazon", "111-1234567-1234567") == ""  # the main site's own
    assert warned("amazon", "405-1234567-1234567") == ""  # no order of the book starts so
    assert warned("amazon", "702-1234567-1234567", orders=[]) == ""
    assert warned("Uniqlo", "702-1234567-1234567") == ""  # a shop unship has no rules for
    assert warned("amazon", "7021234567") == ""  # not a number in parts
    # both sites have orders starting so: the number says nothing
    both = [*CANADIAN, order("Amazon", "702-9999999-9999999", 4)]
    assert warned("amazon", "702-1234567-1234567", orders=both) == ""
    # another retailer's orders are no evidence (Walmart Canada is a retailer of its own)
    walmart = [order("Walmart Canada", "702-1111111-1111111", 5)]
    assert warned("walmart", "702-1234567-1234567", orders=walmart) == ""


def test_the_order_itself_is_no_evidence():
    typed = order("Amazon", "702-1234567-1234567", 9)
    alone = [order("Amazon.ca", "702-4060128-5100216", 1), typed]
    assert "Amazon.ca" in warned("Amazon", typed.order_number, orders=alone, own=9)
    moved = [order("Amazon.ca", "702-1234567-1234567", 9)]  # edited from Amazon: its own
    assert warned("Amazon", "702-1234567-1234567", orders=moved, own=9) == ""


@pytest.mark.parametrize(
    ("line", "book_usual", "currency"),
    [
        ("amazon.ca 702-1234567-1234567 kettle $39.99", "USD", "CAD"),  # amazon.ca shows "$"
        ("walmart.ca 1 kettle $39.99", "USD", "CAD"),
        ("amazon 113-1234567-1234567 kettle $39.99", "CAD", "USD"),  # amazon.com's dollars
        ("uniqlo U-1 shirt $20", "CAD", "CAD"),  # a shop with no rules: the book's dollars
        ("uniqlo U-1 shirt $20", "EUR", "USD"),  # not a "$" currency: US dollars
        ("amazon.ca 702-1234567-1234567 kettle US$39.99", "CAD", "USD"),  # said as typed
        ("amazon.de 302-1234567-1234567 mug $5", "EUR", "USD"),
        ("amazon.ca 702-1234567-1234567 kettle 39.99", "USD", "CAD"),
    ],
)
def test_a_bare_dollar_is_the_orders_own_dollars(line, book_usual, currency):
    quick = parse_quick(line, TODAY, retailers=POLICIES.retailer_names())
    assert fields_from_quick(quick, book_usual, POLICIES).currency == currency


def test_a_price_or_refund_typed_with_a_bare_dollar_fits_a_dollar_order():
    assert check_price("$20", "CAD") == 2000 and check_price("$20", "USD") == 2000
    assert check_price("CA$20", "CAD") == 2000 and check_price("$ 20", "AUD") == 2000
    for text, currency in (("US$20", "CAD"), ("$20", "EUR"), ("CA$20", "USD")):
        with pytest.raises(ModelError, match="an order has one currency"):
            check_price(text, currency)
    assert typed_currency([ItemFields(price="$5")], "CAD") == "CAD"
    assert typed_currency([ItemFields(price="$5")], "EUR") == "USD"
    assert typed_currency([ItemFields(price="$5")]) == "USD"
    assert typed_currency([ItemFields(price="5")], "CAD") is None


def test_an_order_at_a_country_site_in_another_currency_is_said():
    assert (
        currency_warning("Amazon.ca", "USD") == "Amazon.ca sells in CAD, and this order is in USD"
    )
    assert currency_warning("Amazon.ca", "CAD") == ""
    assert currency_warning("Amazon", "CAD") == ""  # no country site named: nothing known
    assert currency_warning("Uniqlo", "EUR") == ""
