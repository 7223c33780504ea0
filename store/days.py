"""Days in words, for every door alike: '21 Nov', '25 days left', and a deadline in the
longest form that fits ('return by 14 Jan 2027 · 47 days left' ... '47d left').

Kept apart from the advice engine: the app's list shows deadlines the engine worked out in a
thread, and its first frame loads no more than it shows."""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .model import DEADLINE_WORDS

if TYPE_CHECKING:
    from .facts import Deadline

# A delivered order none of whose items can be returned (groceries), in a list's cell.
NOT_RETURNABLE = "not returnable"


def day_text(day: date, today: date) -> str:
    """'21 Nov', or '21 Nov 2025' outside today's year."""
    return _day_text(day, day.year == today.year)


@lru_cache(maxsize=4096)
def _day_text(day: date, this_year: bool) -> str:
    # strftime costs ~10 us and the advice engine asks for the same few days again and again
    text = f"{day.day} {day:%b}"
    return text if this_year else f"{text} {day.year}"


def days_left_text(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "1 day left"
    if left > 1:
        return f"{left} days left"
    return "1 day overdue" if left == -1 else f"{-left} days overdue"


def short_left(day: date, today: date) -> str:
    left = (day - today).days
    if left == 0:
        return "today"
    if left == 1:
        return "tomorrow"
    if left > 1:
        return f"{left}d left"
    return f"{-left}d overdue"


def deadline_text(d: Deadline | None, today: date, width: int | None = None) -> str:
    """The next deadline in the longest form that fits `width` cells (None: the longest):
    'return by ~14 Jan 2027 (estimated) · 47 days left', 'return by 14 Jan 2027 · 47 days
    left', 'return 14 Jan 2027 · 47d left', 'return 14 Jan · 47d left' (the days left tell the
    year), 'return · 47d left', and at the narrowest the time left alone; never cut. '~' marks
    a day worked out from an estimated delivery. '' when nothing is dated."""
    if d is None:
        return ""
    long_words = DEADLINE_WORDS.get(d.action, f"{d.label.lower()} by")
    words = long_words.removesuffix(" by")
    approx = "~" if d.estimated else ""
    day = approx + day_text(d.day, today)
    left = days_left_text(d.day, today)
    longest = f"{long_words} {day}{' (estimated)' if d.estimated else ''} · {left}"
    if width is None:  # every list row's, worked out with its facts: the one form needed
        return longest
    short = short_left(d.day, today)
    forms = [longest, f"{words} {day} · {short}"]
    if d.estimated:
        forms.insert(1, f"{long_words} {day} · {left}")
    if d.day.year != today.year:
        forms.append(f"{words} {approx}{d.day.day} {d.day:%b} · {short}")
    forms += [f"{words} · {approx}{short}", f"{words.split()[0]} · {approx}{short}"]
    return next((text for text in forms if len(text) <= width), f"{approx}{short}")


def next_text(facts: Any, today: date, width: int | None = None) -> str:
    """A list's next-deadline cell from an order's facts (the store's or the list's, with
    `next`, `perhaps`, `closed_on`, `closed_estimated` and `not_returnable`): the deadline
    (`deadline_text`), else how long a closed window may still be open (`perhaps_text`),
    else when the windows closed (`closed_text`) or that there are none (NOT_RETURNABLE),
    else ''."""
    d = facts.next
    if d is None and facts.perhaps is not None:
        return perhaps_text(facts.perhaps, today, width)
    if d is None and facts.closed_on is not None:
        return closed_text(facts.closed_on, facts.closed_estimated, today, width)
    if d is None and facts.not_returnable:
        return NOT_RETURNABLE if width is None or width >= len(NOT_RETURNABLE) else "no returns"
    return deadline_text(d, today, width)


def closed_text(day: date, estimated: bool, today: date, width: int | None = None) -> str:
    """Every return window of an order closed on `day` (`advice.Standing.closed_on`), in the
    longest form that fits `width`: 'return window closed ~3 Sep (estimated)' ... 'closed
    ~3 Sep', 'closed'; '~' marks a day worked out from an estimate."""
    on = ("~" if estimated else "") + day_text(day, today)
    forms = [f"return window closed {on}", f"closed {on}", "closed"]
    if estimated:
        forms.insert(0, f"{forms[0]} (estimated)")
    if width is None:
        return forms[0]
    return next((text for text in forms if len(text) <= width), "closed")


def perhaps_text(day: date, today: date, width: int | None = None) -> str:
    """A closed return window that may still be open until `day` (`advice.Action.perhaps`),
    in the longest form that fits `width`: 'return perhaps until 27 Nov · 9 days left' ...
    'return? · 9d left'; not a deadline: the order says why."""
    until = day_text(day, today)
    longest = f"return perhaps until {until} · {days_left_text(day, today)}"
    if width is None:
        return longest
    short = short_left(day, today)
    forms = [longest, f"return? until {until} · {short}", f"return? · {short}", f"?{short}"]
    return next((text for text in forms if len(text) <= width), f"?{short}")
