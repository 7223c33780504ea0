"""What an order or shipping email says, as a `Fact`: its kind, the order number or
tracking number it is about, and the dates it gives.

Classified by the sender (the shop's or carrier's domain) and by phrases in the subject
and text, in the languages the samples show, not by one template: retailers change their
layouts often. A message whose sender is neither a shop nor a carrier is looked at only
when its subject talks about an order (a forward).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo

from ..money import MoneyError, dollars, site_currency, to_minor
from ..text import TITLE_MAX, clean_line
from .mail import Letter, local_date

KINDS = ("placed", "shipped", "out-for-delivery", "delivered", "exception", "pickup", "refunded")

RETAILERS = {  # domain (last labels) -> policy key
    "amazon": "amazon",
    "walmart": "walmart",
    "target": "target",
    "bestbuy": "bestbuy",
    "ebay": "ebay",
}
CARRIERS = {"ups": "UPS", "usps": "USPS", "fedex": "FedEx", "dhl": "DHL"}


@dataclass
class Fact:
    kind: str
    sender: str  # "amazon", "UPS", ...
    is_carrier: bool
    sent: date | None  # the message's date, in the person's time zone
    day: date | None = None  # when it happened (the body's date, else `sent`)
    order_numbers: list[str] = field(default_factory=list)
    tracking: list[str] = field(default_factory=list)
    carrier: str = ""
    expected: str = ""  # "2020-09-11" or "2021-03-27 to 2021-03-28"
    note: str = ""
    titles: list[str] = field(default_factory=list)  # item titles (or their beginnings)
    items: list[tuple[str, int, int]] = field(default_factory=list)  # title, quantity, price
    currency: str = ""
    pickup_by: date | None = None  # a pickup notice's last day ("please pick up until ...")
    pickup_at: str = ""  # and where the parcel waits
    site: str = ""  # a shop's own domain, for its country site: "amazon.co.uk", "walmart.ca"


def _domain_owner(address: str) -> tuple[str, bool, str] | None:
    """Who sent from `address`: a carrier's name or a shop's key, whether it is a carrier,
    and a shop's site, its domain from its name on ('amazon.co.uk' for
    'shipment-tracking@amazon.co.uk'): an order placed there is the country site's."""
    domain = address.rsplit("@", 1)[-1].lower().strip(".")
    labels = domain.split(".")
    for at, label in enumerate(labels):
        if label in CARRIERS:
            return CARRIERS[label], True, ""
        if label in RETAILERS:
            return RETAILERS[label], False, ".".join(labels[at:])
    return None


_ORDERISH = re.compile(
    r"order|shipped|dispatch|deliver|package|parcel|refund|tracking|spedi|ordine|consegn|"
    r"bestell|versand|commande|livr|pedido|envío|enviado",
    re.I,
)


def sender_of(letter: Letter) -> tuple[str, bool, str] | None:
    return _domain_owner(letter.sender)


def worth_reading(letter: Letter) -> bool:
    """Whether the body is worth reading: from a shop or carrier, or a forward about one."""
    if sender_of(letter) is not None:
        return True
    return bool(_ORDERISH.search(letter.subject)) and bool(
        re.match(r"\s*(fwd?|tr|wg|rv|i)\s*:", letter.subject, re.I)
    )


# -- phrases ------------------------------------------------------------------------------------

_RE = lambda pattern: re.compile(pattern, re.I)  # noqa: E731

# Checked in this order, subject first, then the text: the first kind that matches wins.
PHRASES: list[tuple[str, re.Pattern[str]]] = [
    (
        "refunded",
        _RE(
            r"\brefund(ed)?\b.*\b(issued|processed|on its way|for)\b|"
            r"\byour refund\b|\brimborso\b|\berstattung\b|\bremboursement\b|"
            r"\breembolso\b"
        ),
    ),
    (
        "exception",
        _RE(
            r"delivery exception|delivery attempt(ed)?|unable to deliver|"
            r"could not be delivered|couldn't deliver|returned to sender|"
            r"\bdamaged\b|was lost|undeliverable"
        ),
    ),
    (
        "pickup",
        _RE(
            r"ready for pick ?up|to pick ?up at|available for pick ?up|"
            r"pronto per il ritiro|abholbereit|prêt à être retiré"
        ),
    ),
    (
        "delivered",
        _RE(
            r"^delivered\b|\b(was|has been|have been|were|is) delivered\b|"
            r"\bitem delivered\b|\bpackage delivered\b|\bconsegnat[oia]\b|"
            r"\bzugestellt\b|\blivré\b|\bentregado\b"
        ),
    ),
    (
        "out-for-delivery",
        _RE(
            r"\b(is|are|now) out for delivery\b|out for delivery today|"
            r"scheduled for delivery today|arriving today\b.*\bdriver|"
            r"delivery driver|coming today|deliver your package today|"
            r"in consegna oggi|in zustellung"
        ),
    ),
    (
        "shipped",
        _RE(
            r"\b(has|have|was|were|been) shipped\b|^shipped\b|\bdispatched\b|"
            r"\bon (its|the) way\b|\bspedit[oia]\b|\bversandt\b|\bverschickt\b|"
            r"\bexpédié|\benviado\b|running late|shipping confirmation"
        ),
    ),
    (
        "placed",
        _RE(
            r"order confirmation|thank(s| you) for (your|shopping)|order (received|"
            r"placed|confirmed)|we've received your order|your [\w.]+ order #|"
            r"ordine (confermato|ricevuto)|bestellbestätigung|confirmation de commande|"
            r"confirmación de pedido"
        ),
    ),
]


def _kind(subject: str, text: str) -> str | None:
    for kind, pattern in PHRASES:
        if pattern.search(subject):
            return kind
    head = text[:6000]
    for kind, pattern in PHRASES:
        if pattern.search(head):
            return kind
    return None


# -- numbers ------------------------------------------------------------------------------------

_URL = re.compile(r"<?https?://\S+>?|www\.\S+")
# An order named by a retailer's own link (Amazon's invoice link: print.html?orderID=...).
# The parameter alone: a pattern from the link's start rescanned a run of links without
# spaces from each of them (1.2 s for 40 kB).
_LINKED_ORDER = re.compile(r"[?&]order_?id=([A-Z0-9-]{6,30})", re.I)
ORDER_PATTERNS: dict[str, re.Pattern[str]] = {
    "amazon": re.compile(r"\b(?:\d{3}|D\d{2})-\d{7}-\d{7}\b"),
    "walmart": re.compile(r"\b\d{7}-\d{8}\b"),
    "ebay": re.compile(r"\b\d{2}-\d{5}-\d{5}\b"),
    "bestbuy": re.compile(r"\bBBY01-\d{12}\b", re.I),
}
# The runs of spaces between a label's parts are taken whole (*+, possessive): a space never
# matches what follows, and with several runs that could give back, a long run of spaces
# after "Order #" was split every way before the number was found missing (for minutes).
_ORDER_LABEL = re.compile(
    r"\b(?:order|ordine|bestellung|commande|pedido)\s*+(?:number|no\.?|nr\.?|n\.|n°|#|:)\s*+"
    r":?\s*+#?\s*+([A-Z0-9][A-Z0-9-]{5,30})\b",
    re.I,
)
TRACKING_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("UPS", re.compile(r"\b1Z[0-9A-Z]{16}\b")),
    ("Amazon Logistics", re.compile(r"\bTB[ACM]\d{12}\b")),
    ("USPS", re.compile(r"\b9[1-5]\d{18,24}\b")),
    ("USPS", re.compile(r"\b[A-Z]{2}\d{9}US\b")),
]
_TRACKING_LABEL = re.compile(
    r"(?:tracking (?:number|id|no\.?)|numero di tracciabilit[àa]|sendungsnummer|"
    r"num[ée]ro de suivi|n[úu]mero de seguimiento|fedex shipment|master tracking number)"
    r"\s*+(?:is|è|:)?\s*+:?\s*+([A-Z0-9]{8,34})\b",  # a newline is a space: \s*+ takes it
    re.I,
)


def order_numbers(text: str, retailer: str) -> list[str]:
    """The order numbers a message names; those written after 'Order #' first."""
    found: list[str] = []
    for m in _ORDER_LABEL.finditer(text):
        number = m.group(1)
        if any(p.fullmatch(number) for p in ORDER_PATTERNS.values()) and number not in found:
            found.append(number)
    if found:
        return found
    patterns = [ORDER_PATTERNS[retailer]] if retailer in ORDER_PATTERNS else []
    patterns += [p for k, p in ORDER_PATTERNS.items() if k != retailer]
    for pattern in patterns:
        for m in pattern.finditer(text):
            if m.group(0) not in found:
                found.append(m.group(0))
        if found:
            return found
    for m in _ORDER_LABEL.finditer(text):
        number = m.group(1)
        if any(c.isdigit() for c in number) and number not in found:
            found.append(number)
    return found


def linked_orders(text: str, retailer: str) -> list[str]:
    """The order numbers the message's links carry (`orderID=`), in the sender's format (the
    sender is known to be the retailer by its address)."""
    pattern = ORDER_PATTERNS.get(retailer)
    found: list[str] = []
    for m in _LINKED_ORDER.finditer(text):
        number = m.group(1)
        if pattern is not None and pattern.fullmatch(number) and number not in found:
            found.append(number)
    return found


def tracking_numbers(text: str, carrier: str) -> tuple[list[str], str]:
    found: list[str] = []
    named = ""
    for m in _TRACKING_LABEL.finditer(text):
        number = m.group(1).upper()
        if any(c.isdigit() for c in number) and number not in found:
            found.append(number)
    for name, pattern in TRACKING_PATTERNS:
        for m in pattern.finditer(text):
            if m.group(0) not in found:
                found.append(m.group(0))
                named = named or name
    if carrier == "FedEx":
        for m in re.finditer(r"\b(\d{12}|\d{15}|\d{20}|\d{22})\b", text):
            if m.group(1) not in found:
                found.append(m.group(1))
    return found, carrier or named


# -- dates --------------------------------------------------------------------------------------

MONTHS = {
    **{
        m: n
        for n, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ],
            1,
        )
    },
    **{
        m: n
        for n, m in enumerate(
            [
                "gennaio",
                "febbraio",
                "marzo",
                "aprile",
                "maggio",
                "giugno",
                "luglio",
                "agosto",
                "settembre",
                "ottobre",
                "novembre",
                "dicembre",
            ],
            1,
        )
    },
    **{
        m: n
        for n, m in enumerate(
            [
                "januar",
                "februar",
                "märz",
                "april",
                "mai",
                "juni",
                "juli",
                "august",
                "september",
                "oktober",
                "november",
                "dezember",
            ],
            1,
        )
    },
    **{
        m: n
        for n, m in enumerate(
            [
                "janvier",
                "février",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "août",
                "septembre",
                "octobre",
                "novembre",
                "décembre",
            ],
            1,
        )
    },
}
MONTHS.update({k[:3]: v for k, v in list(MONTHS.items()) if len(k) > 3 and k[:3] not in MONTHS})
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
_DAY_MONTH_YEAR = re.compile(
    rf"\b(?:(?P<m1>{_MONTH})\.?\s+(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?"
    rf"|(?P<d2>\d{{1,2}})\.?\s+(?P<m2>{_MONTH})\.?)(?:,?\s+(?P<y>\d{{4}}))?\b",
    re.I,
)
_NUMERIC = re.compile(r"\b(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})\b")


def _dates(text: str, sent: date | None) -> list[date]:
    """Every date written in `text`, in order; a date without a year is the one nearest
    after the message was sent (or up to 2 weeks before it)."""
    out: list[tuple[int, date]] = []
    for m in _DAY_MONTH_YEAR.finditer(text):
        month = MONTHS[(m.group("m1") or m.group("m2")).lower()]
        day = int(m.group("d1") or m.group("d2"))
        day_ = _make(m.group("y"), month, day, sent)
        if day_ is not None:
            out.append((m.start(), day_))
    for m in _NUMERIC.finditer(text):
        day_ = _make(m.group("y"), int(m.group("m")), int(m.group("d")), sent)
        if day_ is not None:
            out.append((m.start(), day_))
    return [d for _, d in sorted(out, key=lambda pair: pair[0])]


def _make(year: str | None, month: int, day: int, sent: date | None) -> date | None:
    try:
        if year:
            return date(int(year), month, day)
        if sent is None:
            return None
        guess = date(sent.year, month, day)
        if guess < sent - timedelta(days=14):
            guess = date(sent.year + 1, month, day)
        return guess
    except ValueError:
        return None


def _after(label: re.Pattern[str], text: str, sent: date | None, span: int = 80) -> list[date]:
    m = label.search(text)
    return _dates(text[m.end() : m.end() + span], sent) if m else []


_EXPECTED = re.compile(
    r"(?:will arrive|arriving|arriverà|now expected|expected delivery(?: date)?|"
    r"scheduled delivery|estimated delivery(?: date)?|standard transit|should arrive|"
    r"voraussichtliche lieferung|livraison prévue|llegará)\s*:?",
    re.I,
)
_SHIP_DATE = re.compile(r"\bship(?:ped)? date\s*:?", re.I)
_DELIVERED_ON = re.compile(r"delivered\b[^\n]{0,80}?\bon\b|delivered on|consegnato il", re.I)


def _expected(text: str, sent: date | None) -> str:
    m = _EXPECTED.search(text)
    if not m:
        return ""
    window = text[m.end() : m.end() + 90]
    if sent is not None and re.match(r"\s*(today|oggi|heute|aujourd)", window, re.I):
        return sent.isoformat()
    if sent is not None and re.match(r"\s*(tomorrow|domani|morgen|demain)", window, re.I):
        return (sent + timedelta(days=1)).isoformat()
    days = _dates(window, sent)
    if not days:
        return ""
    if len(days) >= 2 and re.search(r"\d\s*[-–]\s*\w", window) and days[1] > days[0]:
        return f"{days[0].isoformat()} to {days[1].isoformat()}"
    return days[0].isoformat()


# -- items (order confirmations) ------------------------------------------------------------

_ITEM_LINE = re.compile(r"^\s*(\d{1,4})\s*[xX×]\s+(.{3,300}?)\s*$")
_PRICE = re.compile(
    r"(?P<cur>US\$|CDN\$|C\$|\$|£|€|EUR|GBP|USD|CAD)\s?(?P<num>\d{1,6}(?:[.,]\d{3})*[.,]\d{2})"
    r"|(?P<num2>\d{1,6}(?:[.,]\d{3})*[.,]\d{2})\s?(?P<cur2>€|EUR|£)"
)
_CURRENCY = {
    "US$": "USD",
    "$": "USD",
    "USD": "USD",
    "CDN$": "CAD",
    "C$": "CAD",
    "CAD": "CAD",
    "£": "GBP",
    "GBP": "GBP",
    "€": "EUR",
    "EUR": "EUR",
}


def _price(text: str, default_currency: str) -> tuple[int, str] | None:
    m = _PRICE.search(text)
    if not m:
        return None
    sign = m.group("cur") or m.group("cur2")
    number = m.group("num") or m.group("num2")
    # a bare "$" is the site's dollars (Amazon.ca's, Amazon.com.mx's pesos); "US$" says USD
    currency = dollars(default_currency) if sign == "$" else _CURRENCY.get(sign, default_currency)
    if re.search(r",\d{2}$", number):
        number = number.replace(".", "").replace(",", ".")
    else:
        number = number.replace(",", "")
    try:
        return to_minor(number, currency), currency
    except MoneyError:
        return None


def _items(text: str, default_currency: str) -> tuple[list[tuple[str, int, int]], str]:
    """'2 x Title' lines followed within three lines by a price."""
    lines = text.splitlines()
    items: list[tuple[str, int, int]] = []
    currency = ""
    for n, line in enumerate(lines):
        m = _ITEM_LINE.match(line)
        if not m:
            continue
        for follow in lines[n : n + 4]:
            tail = follow[m.end(2) :] if follow is line else follow
            found = _price(tail, default_currency)
            if found:
                title = clean_line(m.group(2), limit=TITLE_MAX)
                title = _PRICE.sub("", title).strip(" -–") or title
                items.append((title, int(m.group(1)), found[0]))
                currency = currency or found[1]
                break
        if len(items) >= 50:
            break
    return items, currency


def _titles(subject: str, text: str) -> list[str]:
    out = []
    m = re.search(r"[\"“](.{4,120}?)(?:\.\.\.|…)?[\"”]", subject)
    if m:
        out.append(m.group(1).rstrip(". …"))
    for line in text.splitlines():
        m = _ITEM_LINE.match(line)
        if m:
            out.append(clean_line(m.group(2), limit=120).rstrip(". …"))
    return out[:20]


# -- the fact -----------------------------------------------------------------------------------

# Where a parcel waits: "ready for pickup from Amazon Hub Locker - Main St; please pick up
# until...", "ready for pickup at the Apartment Hub for Unit 123 until..."
_PICKUP_PLACE = re.compile(
    r"ready for pick ?up (?:from|at) ([^;:\n]{3,60}?)\s*(?:for unit\b|until\b|[;.\n])", re.I
)


def classify(letter: Letter, tz: tzinfo | None = None) -> Fact | None:
    """The fact a message states, or None when it states none unship understands."""
    owner = sender_of(letter)
    text = _URL.sub(" ", letter.text)
    sent_at: datetime | None = letter.date
    if owner is None or letter.subject.lower().startswith(("fwd:", "fw:")):
        # the address from a word's start only: from each position of a long line with no
        # address, the rest of the line was rescanned (minutes for 200,000 characters)
        inner = re.search(r"^[> ]*From:.*?(?<![\w.+-])([\w.+-]+@[\w.-]+)", text, re.I | re.M)
        if inner and _domain_owner(inner.group(1)):
            owner = _domain_owner(inner.group(1))
            letter.forwarded = True
            inner_date = re.search(r"^[> ]*Date:\s*(.+)$", text[inner.start() :], re.I | re.M)
            sent_at = _forwarded_date(inner_date.group(1)) if inner_date else None
            sent_at = sent_at or letter.date
    if owner is None:
        return None
    name, is_carrier, site = owner
    sent = local_date(sent_at, tz)
    subject = re.sub(r"^\s*((fwd?|tr|wg|rv|i)\s*:\s*)+", "", letter.subject, flags=re.I)
    kind = _kind(subject, text)
    if kind is None:
        return None
    fact = Fact(kind=kind, sender=name, is_carrier=is_carrier, site=site, sent=sent, day=sent)
    both = f"{subject}\n{text}"
    fact.order_numbers = order_numbers(both, "" if is_carrier else name)
    if not fact.order_numbers and not is_carrier:
        # Only when the text names none: links in the samples' other rendering can name
        # another order than the text does. A Hub locker notice names its order only here.
        fact.order_numbers = linked_orders(letter.text, name)
    fact.tracking, fact.carrier = tracking_numbers(both, name if is_carrier else "")
    if not is_carrier:
        m = re.search(
            r"(?:sent by|being sent by|spedito con il corriere|shipped with|carrier)\s+"
            r"([A-Z][\w ]{1,30}?)(?:\.|,| e | and |\n)",
            text,
        )
        if m and fact.tracking:
            fact.carrier = clean_line(m.group(1), limit=40)
    fact.expected = _expected(text, sent)
    fact.titles = _titles(subject, text)
    if kind == "shipped":
        shipped = _after(_SHIP_DATE, text, sent, 40)
        if shipped and (sent is None or shipped[0] <= sent):
            fact.day = shipped[0]
        if re.search(r"running late", text, re.I) and fact.expected:
            fact.note = f"running late, now expected {fact.expected}"
    elif kind == "out-for-delivery":
        if sent is not None and fact.expected and fact.expected[:10] > sent.isoformat():
            fact.kind = "shipped"  # says when it will come, not that it is coming today
    elif kind == "delivered":
        said = _after(_DELIVERED_ON, text, sent, 60)
        if said and (sent is None or said[0] <= sent):
            fact.day = said[0]
    elif kind == "pickup":
        until = _after(re.compile(r"(?:pick ?up until|until)\s*:?", re.I), both, sent, 60)
        place = _PICKUP_PLACE.search(both)
        fact.pickup_at = clean_line(place.group(1), limit=60) if place else ""
        fact.pickup_by = until[0] if until else None
        fact.note = (
            "ready for pickup"
            + (f" at {fact.pickup_at}" if fact.pickup_at else "")
            + (f" until {until[0].isoformat()}" if until else "")
        )
    elif kind == "exception":
        fact.note = "delivery exception"
    elif kind == "placed":
        fact.items, fact.currency = _items(text, site_currency(site) or "USD")
        placed = _after(re.compile(r"order (?:date|placed)\s*:?", re.I), text, sent, 40)
        if placed and (sent is None or placed[0] <= sent):
            fact.day = placed[0]
    if kind != "placed":
        placed = _after(re.compile(r"order date\s*:?", re.I), text, sent, 40)
        if placed:
            fact.note = (fact.note + "; " if fact.note else "") + f"ordered {placed[0]}"
    return fact


def _forwarded_date(text: str) -> datetime | None:
    from email.utils import parsedate_to_datetime

    raw = text.strip()
    try:
        moment = parsedate_to_datetime(raw)
        if moment is not None:
            return moment
    except (TypeError, ValueError, IndexError):
        pass
    m = re.match(r"(\w+)\s+(\d{1,2}),\s+(\d{4})(?:\s+at\s+(\d{1,2}):(\d{2}))?", raw)
    if m and m.group(1).lower() in MONTHS:
        try:
            hour, minute = int(m.group(4) or 12), int(m.group(5) or 0)
            if re.search(r"\bPM\b", raw) and hour < 12:
                hour += 12
            return datetime(
                int(m.group(3)), MONTHS[m.group(1).lower()], int(m.group(2)), hour, minute
            )
        except ValueError:
            return None
    return None
