"""An order's timeline: a bar from the order date to its last deadline, so the time left is
seen at a glance, with a numbered legend of what happened and what is due.

The marks are worked out by `timeline_marks` (plain data, no Textual); the widget only draws.
"""

from __future__ import annotations

from datetime import date

import msgspec
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget
from unship.store import (
    EVENT_WORDS,
    Action,
    Order,
    clean_line,
    day_text,
    days_left_text,
    estimates,
    is_open,
    item_states,
    summary_state,
)

DEADLINE_WORDS = {
    "return": "return window closes",
    "pick-up": "last day to pick it up",
    "return-shipped": "last day to ship the return",
    "expect-refund": "refund due",
}

HEADLINE_WORDS = {
    "return": "Return by",
    "pick-up": "Pick it up by",
    "return-shipped": "Ship the return by",
    "expect-refund": "Refund expected by",
}

GLYPHS = "123456789abcdefghijklmnopqrstuvwxyz"
TODAY = "▲"
DEADLINE = "◆"
LAST_DEADLINE = "┤"

# Plain named colours: they read on dark and light themes and vanish cleanly with NO_COLOR,
# where the glyphs (━ time left, ─ time gone, × overdue) still tell the story.
STYLE_GONE = Style(dim=True)
STYLE_LEFT = Style(color="green", bold=True)
STYLE_SOON = Style(color="yellow", bold=True)
STYLE_OVERDUE = Style(color="red", bold=True)
STYLE_EVENT = Style(bold=True)
STYLE_TODAY = Style(bold=True, reverse=True)


class Mark(msgspec.Struct, frozen=True):
    day: date
    glyph: str
    label: str
    kind: str  # "event", "today" or "deadline"
    note: str = ""
    overdue: bool = False


def _items_text(items: tuple[int, ...], order: Order) -> str:
    if len(order.items) < 2 or not items or len(items) == len(order.items):
        return ""
    word = "item" if len(items) == 1 else "items"
    return f" ({word} {', '.join(str(i + 1) for i in items)})"


def timeline_marks(order: Order, actions: list[Action], today: date) -> list[Mark]:
    """What happened (numbered, oldest first), today, and the dated deadlines still open."""
    marks: list[Mark] = []
    for n, entry in enumerate(order.history):
        glyph = GLYPHS[n] if n < len(GLYPHS) else "•"
        label = EVENT_WORDS.get(entry.event, clean_line(entry.event))
        marks.append(
            Mark(
                entry.on,
                glyph,
                label + _items_text(entry.items, order),
                "event",
                note=clean_line(entry.note, limit=200),
            )
        )
    n = len(order.history)
    estimated: dict[date, list[int]] = {}
    for index, item in enumerate(order.items):
        found = estimates.delivery(order, item)
        arrived = estimates.effective_state(item, found, today) is not item.state
        if found is not None and found.estimated and arrived:  # not while it may still travel
            estimated.setdefault(found.day, []).append(index)
    for day, indexes in sorted(estimated.items()):
        glyph = GLYPHS[n] if n < len(GLYPHS) else "•"
        n += 1
        label = "delivered (estimated)" + _items_text(tuple(indexes), order)
        marks.append(Mark(day, glyph, label, "event", note="no delivery date recorded"))
    marks.append(Mark(today, TODAY, "today", "today"))
    seen: set[tuple[date, str]] = set()
    for action in actions:
        if not action.available or action.deadline is None:
            continue
        label = DEADLINE_WORDS.get(action.action, f"{action.label.lower()} by")
        if action.estimated:
            label += " (estimated)"
        label += _items_text(action.items, order)
        if (action.deadline, label) in seen:
            continue
        seen.add((action.deadline, label))
        overdue = action.overdue or action.deadline < today
        marks.append(Mark(action.deadline, DEADLINE, label, "deadline", overdue=overdue))
    return marks


def soonest_dated(actions: list[Action]) -> Action | None:
    dated = [a for a in actions if a.available and a.deadline is not None]
    return min(dated, key=lambda a: a.deadline) if dated else None  # type: ignore[arg-type,return-value]


def headline(order: Order, actions: list[Action], today: date) -> Text:
    """One line that says what the time is for: 'Return by 31 Jan · 64 days left'."""
    soonest = soonest_dated(actions)
    if soonest is not None and soonest.deadline is not None:
        words = HEADLINE_WORDS.get(soonest.action, f"{soonest.label} by")
        left = (soonest.deadline - today).days
        style = STYLE_OVERDUE if left < 0 else STYLE_SOON if left <= 7 else STYLE_LEFT
        text = Text()
        if left < 0:
            text.append("OVERDUE: ", STYLE_OVERDUE)
        approx = "~" if soonest.estimated else ""
        text.append(f"{words} {approx}{day_text(soonest.deadline, today)}", Style(bold=True))
        text.append(" · ")
        text.append(days_left_text(soonest.deadline, today), style)
        if soonest.estimated:
            text.append(" · estimated", STYLE_GONE)
        return text
    decision = next((a for a in actions if a.available and a.kind == "decision"), None)
    if decision is not None:
        text = Text(f"{decision.label}: ", Style(bold=True))
        text.append(decision.reason)
        return text
    blocked = next(
        (a for a in actions if a.action == "return" and a.reason.startswith("can't return")),
        None,
    )
    if blocked is not None:
        text = Text("No return: ", Style(bold=True))
        text.append(blocked.reason.removeprefix("can't return: "))
        return text
    states = item_states(order, today)
    if not is_open(order):
        return Text(f"Nothing left to do: {summary_state(order)}", STYLE_GONE)
    return Text(f"No deadline yet: {summary_state(order, states)}")


def _span(marks: list[Mark]) -> tuple[date, date]:
    start = min(m.day for m in marks)
    end = max(m.day for m in marks)
    return start, end


def draw_bar(marks: list[Mark], today: date, width: int) -> tuple[Text, Text]:
    """The bar (time gone ─, time left ━, overdue ×, marks on it) and the axis below it."""
    width = max(width, 12)
    start, end = _span(marks)
    days = max((end - start).days, 1)

    def pos(day: date) -> int:
        return round((day - start).days / days * (width - 1))

    today_at = pos(today)
    deadlines = [m for m in marks if m.kind == "deadline"]
    overdue_from = min((pos(m.day) for m in deadlines if m.overdue), default=None)
    soonest_left = min(((m.day - today).days for m in deadlines if not m.overdue), default=None)
    left_style = STYLE_SOON if soonest_left is not None and soonest_left <= 7 else STYLE_LEFT

    cells: list[tuple[str, Style]] = []
    last_deadline = max((pos(m.day) for m in deadlines), default=-1)
    for i in range(width):
        if overdue_from is not None and overdue_from <= i <= today_at:
            cells.append(("×", STYLE_OVERDUE))
        elif i <= today_at:
            cells.append(("─", STYLE_GONE))
        elif i <= last_deadline:
            cells.append(("━", left_style))
        else:
            cells.append(("─", STYLE_GONE))
    for mark in marks:
        at = pos(mark.day)
        if mark.kind == "event":
            cells[at] = (mark.glyph, STYLE_EVENT)
        elif mark.kind == "deadline":
            glyph = LAST_DEADLINE if at == width - 1 else DEADLINE
            cells[at] = (glyph, STYLE_OVERDUE if mark.overdue else left_style)
    if cells[today_at][0] in "─━×":
        cells[today_at] = ("┃", Style(bold=True))
    bar = Text()
    for glyph, style in cells:
        bar.append(glyph, style)

    # The axis: the first and last day at the ends, today pointed at.
    axis = [" "] * width
    styles: list[Style | None] = [None] * width

    def place(text: str, at: int, style: Style | None = None) -> bool:
        at = max(0, min(at, width - len(text)))
        if any(c != " " for c in axis[max(0, at - 1) : at + len(text) + 1]):
            return False
        for k, ch in enumerate(text):
            axis[at + k] = ch
            styles[at + k] = style
        return True

    label = f"{TODAY} today {day_text(today, today)}"
    if today_at + len(label) > width:
        label = f"today {day_text(today, today)} {TODAY}"
        place(label, today_at - len(label) + 1, Style(bold=True))
    else:
        place(label, today_at, Style(bold=True))
    place(day_text(start, today), 0)
    end_text = day_text(end, today)
    place(end_text, width - len(end_text))
    axis_text = Text()
    for ch, style in zip(axis, styles, strict=True):
        axis_text.append(ch, style or Style())
    return bar, axis_text


def legend(marks: list[Mark], today: date, console: Console | None = None, width: int = 0) -> Text:
    """One line per mark, in date order: '2  26 Nov  shipped · note'. Given the `console`
    and a `width`, a long line goes on under its label rather than under the glyph."""
    out = Text()
    ordered = sorted(marks, key=lambda m: (m.day, {"event": 0, "today": 1, "deadline": 2}[m.kind]))
    for n, mark in enumerate(ordered):
        if n:
            out.append("\n")
        glyph_style = (
            STYLE_EVENT
            if mark.kind == "event"
            else Style(bold=True)
            if mark.kind == "today"
            else STYLE_OVERDUE
            if mark.overdue
            else STYLE_LEFT
        )
        head = Text()  # styles as spans: a Text's own style would cover what follows
        head.append(f" {mark.glyph} ", glyph_style)
        head.append(f"{day_text(mark.day, today):>11}  ", STYLE_GONE if mark.day < today else None)
        body = Text()
        body.append(mark.label, Style(bold=True) if mark.kind != "event" else None)
        if mark.kind == "deadline":
            body.append(" · ")
            body.append(
                days_left_text(mark.day, today), STYLE_OVERDUE if mark.overdue else STYLE_LEFT
            )
        if mark.note:
            body.append(" · ", STYLE_GONE)
            body.append(mark.note)
        out.append_text(head)
        indent = head.cell_len
        room = width - indent
        if console is None or body.cell_len <= room or room < 20:
            out.append_text(body)
            continue
        for k, line in enumerate(body.wrap(console, room)):
            if k:
                out.append("\n" + " " * indent)
            line.rstrip()  # the space it was broken at
            out.append_text(line)
    return out


class Timeline(Widget):
    """Headline, bar, axis and legend for one order."""

    DEFAULT_CSS = """
    Timeline {
        height: auto;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._order: Order | None = None
        self._actions: list[Action] = []
        self._today = date.today()

    def show(self, order: Order, actions: list[Action], today: date) -> None:
        self._order, self._actions, self._today = order, actions, today
        self.refresh(layout=True)

    def _text(self, width: int) -> Text:
        if self._order is None:
            return Text()
        marks = timeline_marks(self._order, self._actions, self._today)
        bar, axis = draw_bar(marks, self._today, width)
        text = headline(self._order, self._actions, self._today)
        text.append("\n")
        text.append_text(bar)
        text.append("\n")
        text.append_text(axis)
        text.append("\n")
        text.append_text(legend(marks, self._today, self.app.console, width))
        text.no_wrap = False
        return text

    def get_content_height(self, container, viewport, width: int) -> int:  # noqa: ANN001
        if self._order is None:
            return 1
        return len(self._text(width).wrap(self.app.console, width))

    def render(self) -> RenderResult:
        return self._text(self.content_size.width or 60)
