"""Forgiving parsers for what people type: dates, prices, tracking numbers, a quick-add line.

Each returns a value or raises ParseError with a message that names the problem in words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from .model import ModelError
from .text import clean_line


class ParseError(ModelError):
    pass


_MONTHS = {
    m: n
    for n, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DAYS = {d: n for n, d in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])}
_AGO = re.compile(r"^(\d{1,5})\s*(d|day|days|w|week|weeks)\s+ago$")
_DAY_MONTH = re.compile(r"^(\d{1,2})\s*([a-z]{3,})\.?(?:\s+(\d{4}))?$")
_MONTH_DAY = re.compile(r"^([a-z]{3,})\.?\s*(\d{1,2})(?:,?\s+(\d{4}))?$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


_NUMERIC = re.compile(r"^(\d{1,2})/(\d{1,2})(?:/(\d{4}|\d{2}))?$")
_MONTH_NAMES = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]  # fmt: skip
DATE_FORMS = "2026-11-21, 11/21, 21 Nov, Nov 21, yesterday, 3 days ago, mon"


def parse_date(text: str, today: date, *, day_first: bool = False, exact: bool = False) -> date:
    """The one reader of a typed date: 'today', 'yesterday', '3 days ago', 'mon', '21 Nov',
    'Nov 21 2025', '2026-11-21', '11/21', '11/21/2026' (or '21/11/2026' with `day_first`).

    A date without a year is the latest such date not after today (orders are in the past).
    `exact`: only a whole date (ISO, or numbers with the year), as files from elsewhere hold.
    """
    raw = " ".join(str(text).strip().lower().split())
    if not raw:
        raise ParseError("the date is empty")
    shown = clean_line(text, limit=40)
    if m := _ISO.match(raw):
        return _make(int(m.group(1)), int(m.group(2)), int(m.group(3)), shown)
    if m := _NUMERIC.match(raw):
        first, second = int(m.group(1)), int(m.group(2))
        month, day = (second, first) if day_first else (first, second)
        if not 1 <= month <= 12:
            order = "day/month" if day_first else "month/day"
            other = "month-first" if day_first else "day-first"
            raise ParseError(
                f"{shown!r} read as {order}: there is no month {month} "
                f"(`unship config dates {other}` reads it the other way)"
            )
        if m.group(3):
            year = int(m.group(3))
            if year < 100:  # '26 is 2026 and '99 is 1999
                year += 2000 if year < 70 else 1900
            return _make(year, month, day, shown)
        if not exact:
            return _latest(today, month, day, shown)
    if exact:
        raise ParseError(f"{shown!r} is not a date (a whole date: 2026-11-21 or 11/21/2026)")
    if raw in ("today", "now", "t"):
        return today
    if raw in ("yesterday", "y"):
        return today - timedelta(days=1)
    if m := _AGO.match(raw):
        n = int(m.group(1)) * (7 if m.group(2).startswith("w") else 1)
        return today - timedelta(days=n)
    if raw[:3] in _DAYS and raw in (raw[:3], _full_day(raw[:3])):
        back = (today.weekday() - _DAYS[raw[:3]]) % 7
        return today - timedelta(days=back)
    for pattern, day_group, month_group in ((_DAY_MONTH, 1, 2), (_MONTH_DAY, 2, 1)):
        if m := pattern.match(raw):
            month = _month(m.group(month_group))
            if month is None:
                break
            day = int(m.group(day_group))
            if m.group(3):
                return _make(int(m.group(3)), month, day, shown)
            return _latest(today, month, day, shown)
    raise ParseError(f"{shown!r} is not a date (try {DATE_FORMS})")


def _month(word: str) -> int | None:
    """'nov', 'november', 'sept' -> the month; a word that only starts like one ('mario',
    'decor', 'junior': a title in a quick-add line) is none."""
    for n, name in enumerate(_MONTH_NAMES, 1):
        if name.lower().startswith(word) or (n == 9 and word == "sept"):
            return n
    return None


def _latest(today: date, month: int, day: int, shown: str) -> date:
    """The latest month/day not after today (29 Feb: the 28th in a year without it)."""
    guess = _make(today.year, month, day, shown, leap_ok=True)
    if guess > today:
        guess = _make(today.year - 1, month, day, shown, leap_ok=True)
    return guess


def _full_day(short: str) -> str:
    return {
        "mon": "monday",
        "tue": "tuesday",
        "wed": "wednesday",
        "thu": "thursday",
        "fri": "friday",
        "sat": "saturday",
        "sun": "sunday",
    }[short]


def _make(year: int, month: int, day: int, shown: str, leap_ok: bool = False) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        if leap_ok and month == 2 and day == 29:
            return date(year, 2, 28)
        why = (
            f"{_MONTH_NAMES[month - 1]} {year} has no day {day}"
            if 1 <= month <= 12 and year >= 1
            else f"there is no month {month}"
            if year >= 1
            else f"there is no year {year}"
        )
        raise ParseError(f"{shown} is not a date: {why}") from None


_SYMBOLS = [
    ("CA$", "CAD"),
    ("C$", "CAD"),
    ("A$", "AUD"),
    ("US$", "USD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("₹", "INR"),
]
_CODE = re.compile(r"\b([A-Za-z]{3})\b")


def parse_price(text: str, dollar: str = "USD") -> tuple[Decimal, str | None]:
    """'12.99', '$12.99', '12,99 €', '1,299.00', '1.299,00 EUR' -> (Decimal, currency or None).
    `dollar`: what a bare "$" stands for (`money.dollars`: the order's own dollars)."""
    raw = str(text).strip()
    currency = None
    for symbol, code in _SYMBOLS:
        if symbol in raw:
            currency = dollar if symbol == "$" else code
            raw = raw.replace(symbol, "")
            break
    if m := _CODE.search(raw):
        currency = m.group(1).upper()
        raw = raw[: m.start()] + raw[m.end() :]
    raw = raw.replace(" ", "").replace("\u00a0", "").replace("'", "")
    if not raw:
        raise ParseError(f"{text.strip()!r} is not a price")
    if raw.startswith("-"):
        raise ParseError(f"{clean_line(text)} is negative: a price can't be below zero")
    if not re.fullmatch(r"[0-9.,]+", raw) or not re.search(r"\d", raw):
        raise ParseError(f"{text.strip()!r} is not a price (try 12.99, $12.99 or 12,99 €)")
    if "," in raw and "." in raw:
        decimal_mark = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif "," in raw:
        # 12,99 is a decimal comma; 1,299 is a thousands separator
        decimal_mark = "," if re.search(r",\d{1,2}$", raw) and raw.count(",") == 1 else "."
    else:
        # one dot is a decimal point, as typed (1.299 is one dollar and change, 1000.000 KWD a
        # thousand dinars); several dots group thousands (1.299.000)
        decimal_mark = "." if raw.count(".") <= 1 else ","
    thousands = "." if decimal_mark == "," else ","
    grouped = raw.split(decimal_mark)
    if len(grouped) > 2:
        raise ParseError(f"{text.strip()!r} is not a price")
    whole = grouped[0]
    if thousands in whole and not re.fullmatch(rf"\d{{1,3}}(\{thousands}\d{{3}})+", whole):
        raise ParseError(f"{text.strip()!r} is not a price (check the separators)")
    number = whole.replace(thousands, "") + ("." + grouped[1] if len(grouped) == 2 else "")
    if number.endswith(".") or not number:
        raise ParseError(f"{text.strip()!r} is not a price")
    try:
        value = Decimal(number)
    except InvalidOperation:
        raise ParseError(f"{text.strip()!r} is not a price") from None
    return value, currency


# -- tracking numbers ----------------------------------------------------------------------


def _ups_ok(number: str) -> bool:
    body = number[2:17]
    total = 0
    for i, ch in enumerate(body):
        value = int(ch) if ch.isdigit() else (ord(ch) - 63) % 10
        total += value * (2 if i % 2 else 1)
    return (10 - total % 10) % 10 == int(number[17]) if number[17].isdigit() else False


def _s10_ok(number: str) -> bool:
    digits = [int(c) for c in number[2:10]]
    total = sum(d * w for d, w in zip(digits, [8, 6, 4, 2, 3, 5, 9, 7], strict=True))
    check = 11 - total % 11
    check = 5 if check == 11 else 0 if check == 10 else check
    return check == int(number[10])


def _mod10_usps(number: str) -> bool:
    digits = [int(c) for c in number]
    body, check = digits[:-1], digits[-1]
    total = sum(d * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(body)))
    return (10 - total % 10) % 10 == check


@dataclass(frozen=True)
class TrackingGuess:
    carrier: str  # a key of the carriers in policies.json
    checksum_ok: bool | None  # None: the format has no check digit we test


_TRACKING = [
    (re.compile(r"^1Z[0-9A-Z]{16}$"), "ups", _ups_ok),
    (re.compile(r"^TB[ACM]\d{12}$"), "amazon", None),
    (re.compile(r"^(9[1-5]\d{18,20})$"), "usps", _mod10_usps),
    (re.compile(r"^[A-Z]{2}\d{9}[A-Z]{2}$"), "usps", _s10_ok),  # S10 international
    (re.compile(r"^(\d{12}|\d{15}|\d{20,22})$"), "fedex", None),
    (re.compile(r"^\d{10}$"), "dhl", None),
]


def detect_carrier(tracking: str) -> TrackingGuess | None:
    """A guess at the carrier from the number's format (never a refusal: warn on a bad check)."""
    number = re.sub(r"[\s-]", "", str(tracking)).upper()
    for pattern, carrier, check in _TRACKING:
        if pattern.match(number):
            return TrackingGuess(carrier, check(number) if check else None)
    return None


# -- quick add -----------------------------------------------------------------------------


@dataclass
class QuickOrder:
    retailer: str = ""
    order_number: str = ""
    titles: list[str] = field(default_factory=list)
    price: Decimal | None = None
    currency: str | None = None  # as typed with the price; "$": dollars, the shop's
    ordered_on: date | None = None
    tracking: str = ""


_TOKEN = re.compile(r'"([^"]*)"|(?<!\w)\'([^\']*)\'(?!\w)|(\S+)')


def _price_with_currency(tokens: list[str], quoted: set[int]) -> int | None:
    """Where the first unquoted token that is a price with a currency stands, if any."""
    for i, token in enumerate(tokens):
        if i in quoted or not re.search(r"\d", token):
            continue
        try:
            if parse_price(token)[1]:
                return i
        except ParseError:
            continue
    return None


def parse_quick(
    line: str, today: date, *, retailers: Iterable[str] = (), day_first: bool = False
) -> QuickOrder:
    """`amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday` -> its parts.

    The retailer comes first (several words when they name a retailer in `retailers`, names
    and aliases in lower case: 'best buy') and the order number second; then, in any order, a
    price, a date (one to three words: 'dec 2', '3 days ago'), a tracking number and the title
    (quoted, or the words left over).
    """
    if line.count('"') % 2:  # single quotes may be apostrophes (Levi's)
        raise ParseError("can't read that line: a quote is not closed")
    found = [
        (
            m.group(1)
            if m.group(1) is not None
            else m.group(2)
            if m.group(2) is not None
            else m.group(3),
            m.group(3) is None,
        )
        for m in _TOKEN.finditer(line)
    ]
    found = _join_currency(found)
    tokens = [text for text, _ in found]
    quoted = {i for i, (_, q) in enumerate(found) if q}
    named = _retailer_words(tokens, quoted, {r.lower() for r in retailers})
    if len(tokens) - named < 2:
        raise ParseError('quick add needs at least: RETAILER ORDER-NUMBER "TITLE" [PRICE] [DATE]')
    retailer, number = " ".join(tokens[:named]), tokens[named]
    if not retailer.strip() or not number.strip():
        raise ParseError("quick add: the retailer and the order number come first, not empty")
    quick = QuickOrder(retailer=retailer, order_number=number)
    rest = tokens[named + 1 :]
    quoted = {i - named - 1 for i in quoted}
    if not rest:
        raise ParseError('quick add needs at least: RETAILER ORDER-NUMBER "TITLE" [PRICE] [DATE]')
    # A price with its currency ($10, 12,99 €) is the price even after a bare number: in
    # "mug 2 $10" the 2 belongs to the title (it once became the price, and $10 a title word).
    marked = _price_with_currency(rest, quoted)
    dated = _find_date(rest, quoted, today, day_first)
    words: list[str] = []
    i = 0
    while i < len(rest):
        token = rest[i]
        if dated is not None and i == dated[0]:
            quick.ordered_on, i = dated[2], i + dated[1]
            continue
        if i in quoted:
            quick.titles.append(token)
            i += 1
            continue
        if quick.price is None and marked in (None, i) and re.search(r"\d", token):
            try:
                quick.price, quick.currency = parse_price(token, dollar="$")
                i += 1
                continue
            except ParseError:
                pass
        if not quick.tracking and " " not in token and detect_carrier(token):
            quick.tracking = token
            i += 1
            continue
        words.append(token)
        i += 1
    if words:
        quick.titles.append(" ".join(words))
    if not quick.titles:
        raise ParseError("quick add: no item title (put it in quotes)")
    return quick


# Currency codes a quick-add line may write apart from the number ('12,99 EUR', 'EUR 5'):
# typed in capitals, so that a title word ('usb 3') is never taken for one.
_CODES = {code for _, code in _SYMBOLS} | {
    *("CHF", "SEK", "NOK", "DKK", "PLN", "MXN", "NZD", "BRL", "CNY", "HKD", "SGD", "ZAR"),
    *("KRW", "KWD", "BHD", "JOD", "OMR"),
}
_ALONE = {symbol for symbol, _ in _SYMBOLS} | _CODES
# A number's characters, and a digit, looked for apart: as one pattern ('[\d.,]*\d[\d.,]*')
# a long word of digits and commas was tried every way (1.5 s for 24,000 characters).
_NUMBERISH = re.compile(r"[\d.,]+")
_DIGIT = re.compile(r"\d")


def _join_currency(found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """'12,99 €' and 'EUR 5' typed as two words are one price (a quoted word stays apart)."""
    out: list[tuple[str, bool]] = []
    for text, was_quoted in found:
        if out and not was_quoted and not out[-1][1]:
            last = out[-1][0]
            number = _NUMBERISH.fullmatch(text) and _DIGIT.search(text)
            ends_in_digit = _NUMBERISH.fullmatch(last) and _DIGIT.fullmatch(last[-1])
            if (text in _ALONE and ends_in_digit) or (last in _ALONE and number):
                out[-1] = (f"{last} {text}", False)
                continue
        out.append((text, was_quoted))
    return out


def _retailer_words(tokens: list[str], quoted: set[int], retailers: set[str]) -> int:
    """How many leading words name the retailer: the most (up to 3) that make a known name."""
    for n in (3, 2):
        if (
            len(tokens) > n
            and not quoted & set(range(n))
            and " ".join(tokens[:n]).lower() in retailers
        ):
            return n
    return 1


def _find_date(
    rest: list[str], quoted: set[int], today: date, day_first: bool
) -> tuple[int, int, date] | None:
    """Where the date stands among the words, how many words it takes, and the day. The
    longest reading wins ('3 days ago' over '3'), then a month before its day, then the
    leftmost: in '10 dec 2' the price is 10 and the date Dec 2."""
    for n in (3, 2, 1):
        starts = range(len(rest) - n + 1)
        if n == 2:  # 'dec 2' before '10 dec'
            starts = sorted(starts, key=lambda i: not rest[i][:1].isalpha())
        for i in starts:
            words = rest[i : i + n]
            if quoted & set(range(i, i + n)) or any(" " in w for w in words):
                continue
            try:
                return i, n, parse_date(" ".join(words), today, day_first=day_first)
            except ParseError:
                continue
    return None
