"""Taking orders and deadlines out: unship JSON and CSV (both import back), and an
iCalendar file of every open deadline.

The ICS has one all-day event per open deadline (return window closing, return to
ship, refund expected) on the deadline's date, with an alarm the day before. UIDs are
made from the retailer, order number, action and items, so exporting again updates
the same events in a calendar instead of adding copies.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

from . import advice
from .importers import unship_csv, unship_json
from .text import clean_line, clean_text

FORMATS = ("json", "csv", "ics")
_SUMMARY = {
    "return": "Return by",
    "pick-up": "Pick up by",
    "return-shipped": "Ship the return by",
    "expect-refund": "Refund expected",
}


def export(book, fmt: str, *, now: datetime | None = None) -> str:
    if fmt == "json":
        return export_json(book)
    if fmt == "csv":
        return export_csv(book)
    if fmt == "ics":
        return export_ics(book, now=now)
    raise ValueError(f"unknown export format {fmt!r}")


def export_json(book) -> str:
    orders = [{"id": o.id, **o.to_json()} for o in book.orders()]
    data = {
        "format": "unship",
        "version": unship_json.VERSION,
        "exported_on": book.today.isoformat(),
        "orders": orders,
    }
    return json.dumps(data, indent=1, ensure_ascii=False) + "\n"


def export_csv(book) -> str:
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=unship_csv.HEADER, lineterminator="\r\n")
    writer.writeheader()
    for order in book.orders():
        writer.writerows(unship_csv.order_rows(order))
    return out.getvalue()


def open_deadlines(book) -> list[tuple]:
    """(order, action) for every available action with a deadline, soonest first."""
    out = []
    for order in book.orders():
        for action in advice.order_actions(order, book.policies, book.today):
            if action.available and action.deadline is not None:
                out.append((order, action))
    return sorted(out, key=lambda pair: (pair[1].deadline, pair[0].id))


def event_uid(order, action) -> str:
    key = "|".join(
        [
            order.retailer.lower(),
            order.order_number.lower(),
            action.action,
            ",".join(map(str, action.items)),
        ]
    )
    return f"{hashlib.sha256(key.encode()).hexdigest()[:32]}@unship"


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"  # '30 Sep 2024', whatever the locale's %d pads with


def _titles(order, action) -> str:
    titles = [order.items[i].title for i in action.items if i < len(order.items)]
    if not titles:
        return order.short_title
    first = titles[0] if len(titles[0]) <= 60 else titles[0][:59] + "…"
    return f"{first} +{len(titles) - 1}" if len(titles) > 1 else first


def export_ics(book, *, now: datetime | None = None) -> str:
    from icalendar import Alarm, Calendar, Event

    stamp = now or datetime.now(UTC)
    cal = Calendar()
    cal.add("prodid", "-//unship//deadlines//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "unship deadlines")
    for order, action in open_deadlines(book):
        what = _SUMMARY.get(action.action, action.label)
        summary = f"{what}: {_titles(order, action)} ({order.retailer} {order.order_number})"
        if action.estimated:
            summary = f"~{summary} (estimated)"
        # the reason counts the days left from today: a calendar keeps it, so it says when
        lines = [f"As of {_day(book.today)}: {action.reason}"]
        lines += [f"- {step}" for step in action.steps]
        if action.cost_note:
            lines.append(f"! {action.cost_note}")
        if action.link:
            lines.append(action.link)
        lines.append(f"unship order {order.id}: unship show {order.id}")
        event = Event()
        event.add("uid", event_uid(order, action))
        event.add("dtstamp", stamp)
        event.add("summary", clean_line(summary, limit=200))
        event.add("description", clean_text("\n".join(lines)))
        event.add("dtstart", action.deadline)
        event.add("dtend", action.deadline + timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        if action.link:
            event.add("url", action.link)
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", clean_line(summary, limit=200))
        alarm.add("trigger", timedelta(days=-1))
        event.add_component(alarm)
        cal.add_component(event)
    return cal.to_ical().decode("utf-8")
