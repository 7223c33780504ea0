"""A virtual order list: draws only the visible rows from a Python list, whatever its length.

Textual's DataTable measures every cell of every row when it is filled (1.2 s for 10k orders,
refilled on each filter key); this widget's cost per frame is the number of visible lines.
"""

from __future__ import annotations

import contextlib
from datetime import date
from operator import attrgetter, indexOf

import msgspec
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from unship.store import next_text
from unship.tui.rows import Row, state_cell

_ORDER_ID = attrgetter("order.id")


class Column(msgspec.Struct):
    name: str
    width: int
    right: bool = False


def fit(text: str, width: int, right: bool = False) -> str:
    """`text` padded or cut (with an ellipsis) to exactly `width` cells."""
    if width <= 0:
        return ""
    # Printable ASCII is one cell a character: no lookups for most of what the list shows.
    cells = len(text) if text.isascii() and text.isprintable() else cell_len(text)
    if cells > width:
        return set_cell_size(text, width - 1) + "…"
    pad = " " * (width - cells)
    return pad + text if right else text + pad


def _day(day: date, today: date) -> str:
    """'21 Nov', or '21 Nov 2025' outside today's year (as advice.day_text, which the
    first frame does without)."""
    return f"{day.day} {day:%b}" if day.year == today.year else f"{day.day} {day:%b} {day.year}"


def fit_title(title: str, more: str, width: int) -> str:
    """The first item's title and its ' +2' (more items) in exactly `width` cells: the
    title gives way (cut with an ellipsis), the count of more items stays."""
    if not more or _cells(title) + len(more) <= width or width <= len(more) + 2:
        return fit(title + more, width)
    return fit(title, width - len(more)) + more


def _cells(text: str) -> int:
    return len(text) if text.isascii() and text.isprintable() else cell_len(text)


# How the columns share a width. Every width starts from the narrowest columns that show
# their text whole (the state's words, a deadline as 'return · 47d left', a total up to
# $99,999.99); the rest goes to the title, except that each step below is taken, in this
# order, while the title keeps at least its number of cells. What a wider terminal shows
# first is the deadline's day, long retailer names, the day's year, the order number, whole
# mixed states, the deadline in words and the order date. At 120 columns that is a 47-cell
# title and 'return 14 Jan · 47d left'.
_BASE = {"retailer": 9, "total": 10, "state": 16, "next deadline": 21}
_STEPS: tuple[tuple[int, dict[str, int]], ...] = (
    (28, {"next deadline": 28}),  # 'send back 31 Jan · 64d left'
    (36, {"retailer": 12}),  # 'Amazon.co.uk'
    (42, {"next deadline": 35}),  # 'A-to-z claim 31 Jan 2027 · 64d left'
    (40, {"order": 19}),
    (44, {"state": 24}),  # '1 ordered, 1 in transit'
    (44, {"next deadline": 40}),  # 'send back by 31 Jan 2027 · 64 days left'
    (48, {"ordered": 11}),  # '21 Nov 2025'
)
_ORDER = ("", "retailer", "order", "ordered", "title", "total", "state", "next deadline")


def layout(width: int) -> list[Column]:
    """Columns for a width (each followed by one space): see _STEPS."""
    widths = {"": 1, **_BASE}

    def title_left(widths: dict[str, int]) -> int:
        return width - sum(w + 1 for w in widths.values()) - 1

    for least, step in _STEPS:
        wider = {**widths, **step}
        if title_left(wider) >= least:
            widths = wider
    widths["title"] = max(6, title_left(widths))
    return [Column(name, widths[name], right=name == "total") for name in _ORDER if name in widths]


# The sort marker beside the sorted column's name: up when the smallest comes first.
SORT_MARKS = {True: "▲", False: "▼"}
ASCII_SORT_MARKS = {True: "^", False: "v"}


def sort_marks(encoding: str | None) -> dict[bool, str]:
    """The triangles, or '^'/'v' on a terminal whose encoding has no triangles."""
    try:
        "▲▼".encode(encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return ASCII_SORT_MARKS
    return SORT_MARKS


def header_text(cols: list[Column], sort_column: str, mark: str, hidden_name: str = "") -> str:
    """The header line: the columns' names, the sorted one with `mark` ('total ▼'). A sort
    by a column the width leaves out marks the title instead ('title · ordered ▼')."""
    shown = {c.name for c in cols}
    out = []
    for c in cols:
        name = c.name
        if mark and (name == sort_column or (name == "title" and sort_column not in shown)):
            suffix = (
                f" {mark}" if name == sort_column else f" · {hidden_name or sort_column} {mark}"
            )
            if _cells(name + suffix) > c.width:
                suffix = f" {mark}"
            if _cells(name + suffix) > c.width:
                name = fit(name, max(1, c.width - len(suffix))).rstrip()
            name += suffix
        out.append(fit(name, c.width, c.right) + " ")
    return "".join(out)


class _Paint(msgspec.Struct, frozen=True):
    """What every line of one frame of the list shares."""

    width: int
    cols: list[Column]
    used: int  # the cells the columns take, each with the space after it
    state_width: int
    title_width: int
    dated: bool  # the order date column is shown
    base: Style
    header: Strip
    styles: _Styles


class OrderList(ScrollView, can_focus=True):
    """The orders, one line each, with a cursor row; a header line stays on top."""

    SHOW_IN_HELP = True  # the help screen lists these keys

    DEFAULT_CSS = """
    OrderList {
        height: 1fr;
        overflow-x: hidden;
        scrollbar-size-vertical: 1;  /* a cell more for the title at 80 columns */
    }
    OrderList > .order-list--header { text-style: bold; color: $text-muted; }
    OrderList > .order-list--cursor { background: $primary 25%; text-style: bold; }
    OrderList:focus > .order-list--cursor { background: $primary 45%; }
    OrderList:nocolor > .order-list--cursor { text-style: bold reverse; }
    OrderList > .order-list--overdue { color: $text-error; text-style: bold; }
    OrderList > .order-list--soon { color: $text-warning; }
    OrderList > .order-list--done { color: $text-muted; }
    OrderList > .order-list--action { color: $text-warning; }
    OrderList > .order-list--transit { color: $text-primary; }
    OrderList > .order-list--returns { color: $text-secondary; }
    OrderList > .order-list--problem { color: $text-error; }
    """

    COMPONENT_CLASSES = {
        "order-list--header",
        "order-list--cursor",
        "order-list--overdue",
        "order-list--soon",
        "order-list--done",
        "order-list--action",
        "order-list--transit",
        "order-list--returns",
        "order-list--problem",
    }

    BINDINGS = [
        Binding("down,j", "cursor(1)", "down", show=False),
        Binding("up,k", "cursor(-1)", "up", show=False),
        Binding("pagedown", "page(1)", "page down", show=False),
        Binding("pageup", "page(-1)", "page up", show=False),
        Binding("home,g", "first", "first order", show=False),
        Binding("end,G", "last", "last order", show=False),
        Binding("enter", "open", "open", show=True),
        Binding("space", "mark", "mark", show=False, tooltip="mark the order (for bulk work)"),
        Binding("shift+down", "mark_run(1)", "mark down", show=False),
        Binding("shift+up", "mark_run(-1)", "mark up", show=False),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Opened(Message):
        """Enter or a click on an order."""

        def __init__(self, order_id: int) -> None:
            self.order_id = order_id
            super().__init__()

    class Highlighted(Message):
        def __init__(self, order_id: int | None) -> None:
            self.order_id = order_id
            super().__init__()

    class MarksChanged(Message):
        """The marked orders changed: `count` are marked now."""

        def __init__(self, count: int) -> None:
            self.count = count
            super().__init__()

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.rows: list[Row] = []
        self.marked: set[int] = set()  # order ids: they stay marked when the list is filtered
        self.today = date.today()
        self.empty_text = "No orders."
        self._paint: _Paint | None = None
        # The sorted column and its marker, set by the screen through show_sort().
        self.sort_column = ""
        self.sort_name = ""
        self.sort_mark = ""

    def show_sort(self, sort: str, ascending: bool) -> None:
        """Mark the column the list is sorted by ('total ▼')."""
        from unship.tui.rows import SORT_COLUMNS

        encoding = getattr(self.app.console, "encoding", None) if self.is_attached else None
        self.sort_column = SORT_COLUMNS.get(sort, "")
        self.sort_name = "ordered" if sort == "date" else sort
        self.sort_mark = sort_marks(encoding)[ascending]
        self.refresh()

    # -- data -------------------------------------------------------------------
    def set_rows(
        self, rows: list[Row], today: date, keep: Row | None = None, *, length: int = 0
    ) -> None:
        """Show `rows`; the cursor stays on `keep`'s order when it is still listed. `length`:
        the length of the whole list when `rows` are only its first rows (a preview), so the
        scrollbar is already the right size."""
        self.rows = rows
        self.today = today
        index = 0
        if keep is not None:  # C-level searches: this runs on every filter key
            try:
                index = rows.index(keep)
            except ValueError:  # the order may be listed through a newer row
                with contextlib.suppress(ValueError):
                    index = indexOf(map(_ORDER_ID, rows), keep.order.id)
        self.virtual_size = Size(0, max(length, len(rows)) + 1)
        self.cursor = index
        self.refresh()

    @property
    def current(self) -> Row | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        row = self.current
        self.post_message(self.Highlighted(row.order.id if row else None))

    @property
    def _page(self) -> int:
        return max(1, self.size.height - 1)

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + self._page:
            self.scroll_to(y=self.cursor - self._page + 1, animate=False)

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    # -- actions ------------------------------------------------------------------
    def action_cursor(self, step: int) -> None:
        self.cursor += step

    def action_page(self, direction: int) -> None:
        self.cursor += direction * self._page
        self.scroll_to(y=self.scroll_y + direction * self._page, animate=False)
        self._scroll_to_cursor()

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.rows) - 1

    def action_mark(self) -> None:
        """Space: mark the order (or unmark it) and move to the next."""
        row = self.current
        if row is None:
            return
        self.marked.symmetric_difference_update({row.order.id})
        self.cursor += 1
        self._marks_changed()

    def action_mark_run(self, step: int) -> None:
        """Shift+arrow: mark this order and the next one, a run as the cursor moves."""
        row = self.current
        if row is None:
            return
        self.marked.add(row.order.id)
        self.cursor += step
        if self.current is not None:
            self.marked.add(self.current.order.id)
        self._marks_changed()

    def set_marks(self, order_ids: set[int]) -> None:
        if order_ids != self.marked:
            self.marked = set(order_ids)
            self._marks_changed()

    def _marks_changed(self) -> None:
        self.refresh()
        self.post_message(self.MarksChanged(len(self.marked)))

    @property
    def chosen(self) -> list[Row]:
        """The rows to act on: the marked ones listed (in the list's order), else the cursor's."""
        if self.marked:
            return [row for row in self.rows if row.order.id in self.marked]
        return [self.current] if self.current is not None else []

    def action_open(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Opened(row.order.id))

    def on_click(self, event: events.Click) -> None:
        if event.y <= 0:
            return
        index = round(self.scroll_y) + event.y - 1
        if 0 <= index < len(self.rows):
            already = index == self.cursor
            self.cursor = index
            if already or event.chain >= 2:
                self.post_message(self.Opened(self.rows[index].order.id))

    # -- drawing ----------------------------------------------------------------------
    def render_lines(self, crop: Region) -> list[Strip]:
        """Every line of one frame shares one `_Paint` (the base style walks every ancestor:
        per line, it was a third of the first frame's drawing of the list)."""
        self._paint = self._new_paint()
        try:
            return super().render_lines(crop)
        finally:
            self._paint = None

    def _new_paint(self) -> _Paint:
        width = self.scrollable_content_region.width  # the scrollbar takes its own cells
        cols = layout(width)
        base = self.rich_style
        styles = _Styles(self)
        header = header_text(cols, self.sort_column, self.sort_mark, self.sort_name)
        return _Paint(
            width,
            cols,
            sum(c.width + 1 for c in cols),
            next(c.width for c in cols if c.name == "state"),
            next(c.width for c in cols if c.name == "title"),
            any(c.name == "ordered" for c in cols),
            base,
            Strip([Segment(fit(header, width), base + styles["header"])], width),
            styles,
        )

    def render_line(self, y: int) -> Strip:
        paint = self._paint or self._new_paint()
        width, base = paint.width, paint.base
        if y == 0:
            return paint.header
        index = round(self.scroll_y) + y - 1
        if not self.rows:
            if y == 2:
                return Strip([Segment(fit("  " + self.empty_text, width), base)], width)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        return self._row_strip(self.rows[index], paint, index == self.cursor)

    def _row_strip(self, row: Row, paint: _Paint, selected: bool) -> Strip:
        styles, cols, width = paint.styles, paint.cols, paint.width
        retailer, number, title, total, state = row.cells
        title_width = paint.title_width
        facts = row.facts
        estimated_state = facts is not None and facts.state is not None
        if estimated_state:
            state = facts.state
        elif facts is None:  # a recorded "in transit" may be a parcel delivered years ago
            state = "…"
        d = facts.deadline if facts else None
        # a day a closed window may still be open until, or closed on, is shown, not coloured
        # as a deadline
        deadline = next_text(facts, self.today, cols[-1].width) if facts else "…"
        transit, returns, done = row.view_flags()
        row_style = paint.base + styles["done"] if done else paint.base
        if selected:
            row_style = row_style + styles["cursor"]
        state_style = None
        if "problem" in state:
            state_style = styles["problem"]
        elif facts is not None and facts.needs_action:
            state_style = styles["action"]
        elif returns:
            state_style = styles["returns"]
        elif transit:
            state_style = styles["transit"]
        deadline_style = None
        overdue = False
        if d is not None:
            left = (d.day - self.today).days
            overdue = d.overdue or left < 0
            if overdue:
                deadline_style = styles["overdue"]
            elif left <= 7:
                deadline_style = styles["soon"]
        if len(state) > paint.state_width:  # a mixed order: the short form, never cut
            from unship.store import item_states

            states = item_states(row.order, self.today) if estimated_state else None
            state = state_cell(row.order, paint.state_width, states)
        if selected:  # the cursor's colours win, except for what is overdue
            state_style = None
            deadline_style = styles["cursor"] + deadline_style if overdue else None
        marked = row.order.id in self.marked if self.marked else False
        values = {
            "": "✓" if marked else ("›" if selected else " "),
            "retailer": retailer,
            "order": number,
            "title": fit_title(title, row.more, title_width),
            "ordered": _day(row.order.ordered_on, self.today) if paint.dated else "",
            "total": total,
            "state": state,
            "next deadline": deadline,
        }
        extra = {"state": state_style, "next deadline": deadline_style}
        segments = []
        text = ""
        for col in cols:  # runs of columns in the row's own style make one segment
            cell = fit(values[col.name], col.width, col.right) + " "
            style = extra.get(col.name)
            if style is None:
                text += cell
                continue
            if text:
                segments.append(Segment(text, row_style))
            segments.append(Segment(cell, row_style + style))
            text = ""
        used = paint.used
        if used < width:
            text += " " * (width - used)
        if text:
            segments.append(Segment(text, row_style))
        strip = Strip(segments, max(used, width))
        return strip if used <= width else strip.crop(0, width)


class _Styles(dict):
    """The list's component styles, each looked up when a frame first needs it."""

    def __init__(self, widget: OrderList) -> None:
        super().__init__()
        self._widget = widget

    def __missing__(self, name: str) -> Style:
        style = self[name] = self._widget.get_component_rich_style(
            f"order-list--{name}", partial=True
        )
        return style
