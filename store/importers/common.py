"""What every importer shares: reading a CSV file safely, finding columns by name,
and turning the values found in exports into dates, amounts and carriers."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from pathlib import Path

from ..fileio import NotRegularFile, open_regular
from ..model import ModelError, Order
from ..money import MoneyError, to_minor
from ..parsing import ParseError, parse_date, parse_price
from ..text import clean_line, terminal_safe

Progress = Callable[[int, int], None]

# How exports write "no value".
MISSING = frozenset({"", "not available", "not applicable", "n/a", "na", "none", "null", "-"})
_MB = 1024 * 1024
MAX_FILE_BYTES = 200 * _MB
MAX_UNKNOWN_SHOWN = 20  # unknown columns named one by one; the rest are counted
csv.field_size_limit(10 * 1024 * 1024)


class ImportFileError(ModelError):
    """The whole file can't be imported (unreadable, unknown layout): nothing is written."""


class RowError(ValueError):
    """One row can't be imported; the message is the reason shown with its line number."""


@dataclass(frozen=True)
class Rejected:
    line: int  # 1-based line in the file (the order's position for JSON)
    reason: str
    order_number: str = ""
    unit: str = "line"

    def __post_init__(self) -> None:  # the reason may quote the file: shown on a terminal
        object.__setattr__(self, "reason", terminal_safe(self.reason))
        object.__setattr__(self, "order_number", clean_line(self.order_number))

    def __str__(self) -> str:
        return f"{self.unit} {self.line}: {self.reason}"


@dataclass(frozen=True)
class Incoming:
    """One order as the file has it, fully built (states, dates, history)."""

    order: Order
    line: int  # where it starts in the file
    lines: tuple[int, ...] = ()  # every line that made it


@dataclass
class Parsed:
    format: str
    rows: int = 0
    orders: list[Incoming] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows skipped on purpose, fixes made


def read_text(path: Path) -> str:
    """The file's text: UTF-8 (with or without a BOM), UTF-16 (with a BOM, or plain text
    without one), else Windows-1252. Refused before reading: anything but a regular file
    (a folder, a pipe, a device: opened without blocking, so a FIFO never hangs), a file
    over MAX_FILE_BYTES, and binary data."""
    shown = terminal_safe(path)
    try:
        fd, info = open_regular(path)
    except NotRegularFile as not_a_file:
        if not_a_file.kind == "a folder":
            raise ImportFileError(f"{shown} is a folder, not a file") from None
        raise ImportFileError(f"{shown} is not a regular file (a pipe or a device?)") from None
    except IsADirectoryError:
        raise ImportFileError(f"{shown} is a folder, not a file") from None
    except OSError as error:
        raise ImportFileError(f"can't read {shown}: {error.strerror or error}") from None
    try:
        with os.fdopen(fd, "rb") as file:
            if info.st_size > MAX_FILE_BYTES:
                raise ImportFileError(
                    f"{shown} is {info.st_size // _MB} MB: too large to import "
                    f"(the limit is {MAX_FILE_BYTES // _MB} MB)"
                )
            data = file.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise ImportFileError(f"can't read {shown}: {error.strerror or error}") from None
    if len(data) > MAX_FILE_BYTES:  # it grew while being read
        raise ImportFileError(f"{shown} is too large to import")
    try:
        return decode(data)
    except ImportFileError as error:
        raise ImportFileError(f"{shown}: {error}") from None


def decode(data: bytes) -> str:
    """Bytes to text (see read_text); ImportFileError for binary data."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) and not data.startswith(b"\xff\xfe\x00\x00"):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ImportFileError("not valid UTF-16 text despite its byte order mark") from None
    if b"\x00" in data:
        return _utf16_without_bom(data)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _utf16_without_bom(data: bytes) -> str:
    """Text with NUL bytes: UTF-16 without a byte order mark when every other byte is NUL
    (ASCII-range text), otherwise binary."""
    sample = data[:4096]
    for zeros, encoding in ((sample[1::2], "utf-16-le"), (sample[0::2], "utf-16-be")):
        if len(data) % 2 == 0 and zeros.count(0) >= 0.9 * len(zeros):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    raise ImportFileError(
        "this is not a text file (it holds binary data); export the orders as CSV or JSON"
    )


def header_key(name: str) -> str:
    return " ".join(name.replace("\ufeff", "").strip().lower().split())


@dataclass
class Table:
    """A CSV file with its columns found by name, never by position."""

    header: list[str]
    columns: dict[str, int]  # canonical field -> index
    unknown: list[str]
    rows: Iterator[tuple[int, list[str]]]  # (first line of the row, fields)
    plain: bool = False  # values as written: no 'Not Available' or apostrophe handling

    def get(self, fields: list[str], name: str) -> str:
        """A field's value with export noise removed ('Not Available', quotes, apostrophes)."""
        index = self.columns.get(name)
        if index is None or index >= len(fields):
            return ""
        text = fields[index].strip()
        if self.plain:
            return text
        if len(text) >= 2 and text[0] == text[-1] == "'":
            text = text[1:-1].strip()  # Amazon writes some amounts as '-10.68'
        return "" if text.lower() in MISSING else text


def open_table(
    text: str, aliases: dict[str, tuple[str, ...]], *, known_extra=(), plain: bool = False
) -> Table:
    """Parse the header of `text`; `aliases` maps each canonical field to the header names
    it may have. Columns neither mapped nor in `known_extra` are reported as unknown."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header: list[str] = []
    header_line = 0
    for header in reader:  # noqa: B007 - the first non-empty row is the header
        header_line = reader.line_num
        if any(cell.strip() for cell in header):
            break
    if not any(cell.strip() for cell in header):
        raise ImportFileError("the file is empty: no header line")
    lookup = {header_key(alias): name for name, names in aliases.items() for alias in names}
    known = {header_key(k) for k in known_extra}
    columns: dict[str, int] = {}
    unknown: list[str] = []
    more = 0  # unknown columns in all
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        if key in lookup and lookup[key] not in columns:
            columns[lookup[key]] = index
        elif key not in known and key not in lookup:
            if len(unknown) < MAX_UNKNOWN_SHOWN:
                unknown.append(clean_line(cell.replace("\ufeff", ""), limit=60))
            more += 1
    if more > len(unknown):
        unknown.append(f"… and {more - len(unknown)} more")

    def rows() -> Iterator[tuple[int, list[str]]]:
        last = header_line
        try:
            for fields in reader:
                start, last = last + 1, reader.line_num
                if not any(cell.strip() for cell in fields):
                    continue
                yield start, fields
        except csv.Error as error:
            raise ImportFileError(f"line {last + 1}: the CSV is broken ({error})") from None

    return Table(header, columns, unknown, rows(), plain)


def require(table: Table, fields: tuple[str, ...], what: str) -> None:
    missing = [f for f in fields if f not in table.columns]
    if missing:
        raise ImportFileError(f"this {what} file has no {', '.join(missing)} column")


# -- values --------------------------------------------------------------------------


def parse_day(text: str, what: str, tz: tzinfo | None = None) -> date:
    """A date from ISO timestamps (UTC 'Z', milliseconds or not; shown in `tz`, default
    the local time zone), or a whole date as parsing.parse_date reads one (ISO, or US
    MM/DD/YY and MM/DD/YYYY: these files are American whatever the day-first setting)."""
    raw = text.strip()
    if ":" not in raw:
        try:
            return parse_date(raw, date.today(), exact=True)
        except ParseError:
            raise RowError(f"{what} {clean_line(raw, limit=40)!r} is not a date") from None
    try:
        moment = datetime.fromisoformat(raw.replace(" UTC", "+00:00"))
    except ValueError:
        raise RowError(f"{what} {raw!r} is not a date") from None
    if moment.tzinfo is None:
        return moment.date()
    return moment.astimezone(tz).date()


def parse_amount(text: str, currency: str, what: str) -> int:
    """'$1,299.99', 'CDN$ 12.99', '12,99 €', "'-10.68'" -> minor units, exactly (negative
    for a refund); the number is read by parsing.parse_price, the currency is the file's."""
    raw = text.strip()
    value = raw.strip("'").replace("\u00a0", " ").strip()
    negative = value.startswith("-")
    try:
        amount, _ = parse_price(value.removeprefix("-"))
    except ParseError:
        raise RowError(f"{what}: {raw!r} is not an amount") from None
    try:
        return to_minor(-amount if negative else amount, currency)
    except MoneyError as error:
        raise RowError(f"{what}: {error}") from None


def parse_quantity(text: str, what: str = "Quantity") -> int:
    try:
        value = int(text.strip() or "1")
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            raise RowError(f"{what} {text!r} is not a whole number") from None
        if not number.is_integer():
            raise RowError(f"{what} {text!r} is not a whole number") from None
        value = int(number)
    if value < 0 or value > 9999:
        raise RowError(f"{what} {text!r} must be from 0 to 9999")
    return value


# 'CARRIER(NUMBER)', both stripped after the match: with the spaces inside the pattern
# (\s* beside [^()]*?) a cell of spaces was tried every way, 40 s for 4,000 of them.
_SHIPMENT = re.compile(r"([^()]*)\(([^()]*)\)\s*$")
# Tried only where a run of spaces starts: from inside one it rescanned the rest of the run.
_AND = re.compile(r"(?<!\s)\s+and\s+")


def parse_shipments(text: str) -> list[tuple[str, str]]:
    """'AMZN_CA(TBC1) and UPS(1Z2)' -> [('AMZN_CA', 'TBC1'), ('UPS', '1Z2')]."""
    out: list[tuple[str, str]] = []
    for part in _AND.split(text.strip()):
        if not part or part.lower() in MISSING:
            continue
        m = _SHIPMENT.match(part)
        if m:
            carrier, number = m.group(1).strip(), m.group(2).strip()
        else:
            carrier, number = part, ""
        if number.lower() in MISSING:
            number = ""
        if carrier or number:
            out.append((carrier, number))
    return out


def with_events(
    order: Order,
    events: list[tuple[str, date, int]],
    *,
    today: date | None,
    note: str = "",
) -> tuple[Order, list[str]]:
    """`order` after the file's events (event, day, item index), oldest first.

    A day before the order date is moved to the order date (time zones); an event in
    the future or one the item's state does not allow is left out and explained.
    """
    from ..lifecycle import TransitionError, record

    problems: list[str] = []
    grouped: dict[tuple[date, str], list[int]] = {}
    for event, day, index in events:
        day = max(day, order.ordered_on)
        grouped.setdefault((day, event), []).append(index)
    rank = {"cancelled": 0, "shipped": 1, "delivered": 2}
    for (day, event), items in sorted(
        grouped.items(), key=lambda kv: (kv[0][0], rank.get(kv[0][1], 5))
    ):
        try:
            order = record(order, event, day, items=items, note=note, today=today)
        except TransitionError as error:
            problems.append(str(error))
    return order, problems


def check_day(day: date, what: str, ordered_on: date, today: date | None) -> None:
    """An event's date must be from the order date to today (RowError otherwise)."""
    if day < ordered_on:
        raise RowError(
            f"{what} {day.isoformat()} is before the order date {ordered_on.isoformat()}"
        )
    if today is not None and day > today:
        raise RowError(f"{what} {day.isoformat()} is in the future")
