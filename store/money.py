"""Exact money: amounts are integers in the currency's minor unit, never floats."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from functools import lru_cache

# ISO 4217 currencies whose minor unit is not 2 digits.
_MINOR_DIGITS = {
    "BIF": 0,
    "CLP": 0,
    "DJF": 0,
    "GNF": 0,
    "ISK": 0,
    "JPY": 0,
    "KMF": 0,
    "KRW": 0,
    "PYG": 0,
    "RWF": 0,
    "UGX": 0,
    "UYI": 0,
    "VND": 0,
    "VUV": 0,
    "XAF": 0,
    "XOF": 0,
    "XPF": 0,
    "BHD": 3,
    "IQD": 3,
    "JOD": 3,
    "KWD": 3,
    "LYD": 3,
    "OMR": 3,
    "TND": 3,
}
_SYMBOLS = {"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "INR": "₹"}
_CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
MAX_MINOR = 10**10  # a hundred million dollars (or ten billion yen): anything larger is a typo


# The currency a shop's country site charges in, by the end of its name ('Amazon.ca',
# 'amazon.co.uk'): what an order logged there without a currency is in. '.com' names no
# country (Uniqlo's is not in dollars).
_SITE_CURRENCIES = {
    "ca": "CAD",
    "uk": "GBP",
    "de": "EUR",
    "fr": "EUR",
    "it": "EUR",
    "es": "EUR",
    "nl": "EUR",
    "mx": "MXN",
    "jp": "JPY",
    "au": "AUD",
    "in": "INR",
}


# Currencies written with a bare "$" where they are spent (amazon.ca, amazon.com.au and
# amazon.com.mx show "$39.99"): a "$" typed for an order is the order's own dollars.
DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "MXN", "SGD", "HKD"})


def dollars(usual: str | None) -> str:
    """What a bare "$" typed for an order stands for: its currency when that is written
    with one (a Canadian's "$20" on an Amazon.ca order is CA$20), else US dollars."""
    return usual if usual in DOLLARS else "USD"


# Countries a locale names whose currency no site suffix above gives ('en_US', 'en_GB').
_COUNTRY_CURRENCIES = {
    "us": "USD",
    "gb": "GBP",
    "ie": "EUR",
    "at": "EUR",
    "be": "EUR",
    "fi": "EUR",
    "pt": "EUR",
    "nz": "NZD",
}


def locale_currency(environ: Mapping[str, str] | None = None) -> str | None:
    """The currency of the country the person's locale names, read as POSIX does (LC_ALL,
    else LC_MONETARY, else LANG: 'en_CA.UTF-8' is CAD), or None ('C.UTF-8', none set, or a
    country not listed). The environment only: the process's locale is never changed."""
    env = os.environ if environ is None else environ
    value = env.get("LC_ALL") or env.get("LC_MONETARY") or env.get("LANG") or ""
    country = value.partition(".")[0].partition("@")[0].partition("_")[2].lower()
    return _COUNTRY_CURRENCIES.get(country) or _SITE_CURRENCIES.get(country)


def site_currency(name: str) -> str | None:
    """The currency of the country site a shop's name names ('Amazon.ca': CAD), or None."""
    host = name.strip().lower().removeprefix("https://").removeprefix("http://")
    host = host.split("/")[0].rstrip(".")
    if "." not in host:
        return None
    return _SITE_CURRENCIES.get(host.rsplit(".", 1)[1])


class MoneyError(ValueError):
    """An amount or currency that cannot be stored."""


def check_currency(code: str) -> str:
    code = (code or "").strip().upper()
    if not _CURRENCY_RE.match(code):
        raise MoneyError(
            f"{code or '(empty)'!r} is not a currency code (use three letters, e.g. USD)"
        )
    return code


def minor_digits(currency: str) -> int:
    return _MINOR_DIGITS.get(currency, 2)


def to_minor(amount: str | Decimal | int, currency: str) -> int:
    """Turn a plain decimal amount ("12.99") into minor units (1299), exactly."""
    currency = check_currency(currency)
    if isinstance(amount, float):
        raise MoneyError("amounts are never floats; pass a string or Decimal")
    try:
        value = Decimal(str(amount).strip())
    except (InvalidOperation, ValueError):
        raise MoneyError(f"{str(amount)!r} is not an amount") from None
    if not value.is_finite():
        raise MoneyError(f"{str(amount)!r} is not an amount")
    if value < 0:
        raise MoneyError(f"{str(amount)!r} is negative: a price can't be below zero")
    if value > MAX_MINOR:
        raise MoneyError(f"{str(amount)!r} is too large for a price")
    digits = minor_digits(currency)
    scaled = value.scaleb(digits)
    if scaled != scaled.to_integral_value():
        raise MoneyError(f"{str(amount)!r} has too many decimals for {currency} (at most {digits})")
    if scaled > MAX_MINOR:
        raise MoneyError(f"{str(amount)!r} is too large for a price")
    return int(scaled)


def to_decimal(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-minor_digits(currency))


@lru_cache(maxsize=8192)  # a list repeats prices and totals: 2 us each, 0.1 s at 50k orders
def format_money(minor: int, currency: str) -> str:
    """`$12.99`, `¥1,200`, `12.500 KWD`."""
    digits = minor_digits(currency)
    # whole numbers only: as Decimal formatting gives it, without building a Decimal
    whole, part = divmod(abs(minor), 10**digits)
    sign = "-" if minor < 0 else ""
    text = f"{sign}{whole:,}.{part:0{digits}d}" if digits else f"{sign}{whole:,}"
    symbol = _SYMBOLS.get(currency)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"
