"""The main screen: the summary line, quick views, the filter and the order list."""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker
from unship.store import Order, Overview, StoreError, clean_line
from unship.tui import rows as R
from unship.tui.messages import OrdersChanged
from unship.tui.screens.bulk import ListActions
from unship.tui.widgets.header import SummaryBar
from unship.tui.widgets.order_list import OrderList
from unship.tui.widgets.text_fields import TextInput

if TYPE_CHECKING:
    from unship.store import OrderBook

# Books up to this many orders needing advice are worked out before the first frame;
# bigger ones in a thread, so the list shows at once and the deadlines follow.
SYNC_LIMIT = 600
# A book with more orders than this lists only its newest orders in the first frame, and
# every row is built right after it: building and sorting 10k rows was 12 ms of a 110 ms
# first frame.
PREVIEW_FROM = 2000
PREVIEW_ROWS = 200  # at least: more if the terminal is taller
# How many recent filter results are kept (each a list of up to all the rows).
FILTER_MEMORY = 16

Figures = tuple[Overview, dict[str, int | None]]

EMPTY_TEXT = """\
No orders yet.

  a   add your first order with the form
  A   add one in a line: amazon 113-0000000-0000000 "USB-C cable" 12.99
  i   import a file: an Amazon order history, a mailbox, unship JSON or CSV

  ?   every key          q   quit

To look around first: quit, then start `unship --demo`
(realistic orders in every state, in a throwaway copy).
"""


class ViewTabs(Static):
    """'1 all 340  2 needs action 3  ...  6 archive 1,234   sort urgency ▲ (s S)'."""

    _shown: tuple | None = None

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(
        self,
        view: str,
        counts: dict[str, int | None],
        sort: str,
        marked: int = 0,
        mark: str = "",
    ) -> None:
        self._shown = (view, counts, sort, marked, mark)
        room = self.content_size.width or self.size.width
        tail: list[Content] = []
        if marked:
            tail.append(Content.styled(f"  {marked} marked (esc clears)", "bold reverse"))
        # The longest form that fits: the views' long labels and the sort keys, then short
        # labels, then without the keys, then tiny labels, then only the shown view's count
        # and the archive's.
        for labels, keys, every_count in _TAB_FORMS:
            line = self._line(view, counts, sort, mark, labels, keys, every_count, tail)
            if line.cell_length <= room:
                break
        self.update(line)

    @staticmethod
    def _line(view, counts, sort, mark, labels, keys, every_count, tail) -> Content:
        parts = []
        for n, (key, _long) in enumerate(R.VIEWS, start=1):
            label = labels[key]
            # The archive's count stays: it says what the "all" view leaves out.
            shown = every_count or key in (view, "archive")
            count = counts.get(key) if shown else None
            text = f"{label} {count:,}" if count is not None else label
            if key == view:
                parts.append(Content.styled(f"[{n} {text}]", "bold reverse $accent"))
            else:
                parts.append(Content.assemble((f"{n}", "bold $accent"), f" {text}"))
        sort_text = f"{sort} {mark}" if mark else sort
        parts.append(Content.assemble("  sort ", (sort_text, "bold"), " (s S)" if keys else ""))
        return Content(" ").join(parts + tail)


_TINY_LABELS = {
    "all": "all",
    "action": "act",
    "transit": "trans",
    "returns": "ret",
    "done": "done",
    "archive": "arch",
}
# (labels, the sort keys shown, every view's count): the tab line's forms, longest first.
_TAB_FORMS = (
    (dict(R.VIEWS), True, True),
    (R.SHORT_LABELS, True, True),
    (R.SHORT_LABELS, False, True),
    (_TINY_LABELS, False, True),
    (_TINY_LABELS, False, False),
)


class MainScreen(ListActions, Screen):
    HELP_TITLE = "Order list"
    HELP_MERGE = {"view": "views all/action/transit/returns/done/archive"}
    BINDINGS = [
        # Priority: the filter has the focus before the next key arrives, so "/zappos" typed
        # fast (or arriving in one packet over SSH) filters instead of running "a" and "s".
        Binding(
            "slash",
            "filter",
            "filter",
            tooltip="filter: type words to narrow the list",
            priority=True,
        ),
        Binding("s", "cycle_sort", "sort", tooltip="sort by urgency, date, retailer, total"),
        Binding("S", "reverse_sort", "reverse", show=False, tooltip="reverse the sort"),
        # The tab line names the views with their digits: the footer leaves them out.
        Binding("1", "view(0)", "all", show=False, tooltip="view: all orders"),
        Binding("2", "view(1)", "needs action", show=False, tooltip="view: needs action"),
        Binding("3", "view(2)", "in transit", show=False, tooltip="view: in transit"),
        Binding("4", "view(3)", "returns open", show=False, tooltip="view: returns open"),
        Binding("5", "view(4)", "done", show=False, tooltip="view: done"),
        Binding("6", "view(5)", "archive", show=False, tooltip="view: archive"),
        Binding("a", "app.add_order", "add", tooltip="log a new order with the form"),
        Binding("A", "app.quick_add", "quick add", show=False, tooltip="log an order in one line"),
        Binding("e", "edit_order", "edit", show=False, tooltip="edit the highlighted order"),
        Binding("i", "app.import_file", "import", tooltip="import orders from a file"),
        Binding("c", "copy_number", "copy number", show=False),
        Binding("C", "copy_tracking", "copy tracking", show=False),
        Binding("escape", "clear_filter", "clear", tooltip="clear the marks, then the filter"),
        Binding("x", "decide('cancel')", "cancel", show=False, tooltip="cancel the order(s)"),
        Binding("f", "decide('refuse')", "refuse", show=False, tooltip="refuse the order(s)"),
        Binding("r", "decide('return')", "return", show=False, tooltip="return the order(s)"),
        Binding("D", "mark_all('delivered')", "delivered", show=False, tooltip="mark delivered"),
        Binding("K", "mark_all('kept')", "kept", show=False, tooltip="mark kept"),
        Binding("d", "delete", "delete", show=False, tooltip="delete the order(s), asks first"),
    ]

    def __init__(self, book: OrderBook) -> None:
        super().__init__(classes="-footer-pending")
        self.book = book
        self.sort = "urgency"
        self.reverse = False  # the sort the other way round (S)
        self.view = "all"
        self.query_text = ""
        self.rows: list[R.Row] = []
        self._today: date | None = None
        self._orders: list[Order] | None = None
        self._sorted: list[R.Row] = []
        self._in_view: list[R.Row] = []
        self._filtered: dict[tuple[str, ...], list[R.Row]] = {}
        # The archived rows (listed in the archive view only) and recent filter results
        # among them: a filter in the "all" view says how many of them match too.
        self._archived: list[R.Row] = []
        self._filtered_archive: dict[tuple[str, ...], list[R.Row]] = {}
        self._figures: Figures | None = None
        self._counting = False  # a thread works out the deadlines: no figures until it ends
        self._generation = 0
        self._previewing = False
        self._settled: asyncio.Future[None] | None = None
        self._mounted = asyncio.Event()

    def compose(self) -> ComposeResult:
        yield SummaryBar(demo=getattr(self.app, "demo", False), id="summary")
        yield ViewTabs(id="views", markup=False)
        yield OrderList(id="orders")
        if self._book_is_empty():  # else the note is mounted if the book becomes empty
            yield self._empty_note()
        # The filter field (hidden until `/`) and the footer come right after the first
        # frame, which shows neither: see settle(). The footer's line is kept free.

    def _book_is_empty(self) -> bool:
        try:
            return not self.book.orders()
        except StoreError:
            return False  # reload() says what is wrong

    @staticmethod
    def _empty_note() -> Static:
        return Static(Content(EMPTY_TEXT), id="empty")

    def on_mount(self) -> None:
        self.order_list.show_sort(self.sort, R.sort_ascends(self.sort, self.reverse))
        if not self._show_preview():
            self.reload()
        # Now, not later (as focus() would): a "/" typed while the app started may have
        # given the filter the focus by then.
        self.set_focus(self.order_list)
        self._mounted.set()
        self.call_after_refresh(self.settle)

    async def settle(self) -> None:
        """Finish what the first frame left out: every row of a big book (it showed a
        preview), the filter field and the footer (its keys are drawn once the screen's
        bindings are known: before the first frame, it was an empty line). Runs right after
        the first frame, and before the app handles a key or a click (UnshipApp.on_event):
        whichever comes first. Mounting these before the first frame cost about a tenth of
        it."""
        await self._mounted.wait()  # keys typed while the app starts come before that
        if self._previewing:
            self.reload(force=True)  # the list shows the preview, whatever the rows are
        if self._settled is None:
            self._settled = asyncio.ensure_future(self._mount_the_rest())
        await asyncio.shield(self._settled)

    async def _mount_the_rest(self) -> None:
        field = TextInput(
            placeholder="filter: words in titles, retailer, numbers, tracking, notes, history",
            id="filter",
        )
        bar = Horizontal(field, Static("", id="filter-count", markup=False), id="filter-bar")
        bar.display = field.display = False
        # The app may end during its first frame (q typed ahead): the screen is then taken
        # off the app, and mounting on it would raise.
        if not self.is_attached:
            return
        await self.mount(bar, before=self.order_list)
        if not self.is_attached:
            return
        await self.mount(Footer(compact=True))
        self.remove_class("-footer-pending")
        self.refresh_bindings()

    @property
    def order_list(self) -> OrderList:
        return self.query_one(OrderList)

    @property
    def _filter_field(self) -> Input | None:
        """The filter field, once settle() has mounted it."""
        fields = self.query("#filter")
        return fields.first(Input) if fields else None

    # -- data ---------------------------------------------------------------------
    @property
    def previewing(self) -> bool:
        """The list shows the first frame's preview: the rows are not built yet."""
        return self._previewing

    def _show_preview(self) -> bool:
        """A big book's first frame: its newest orders (as the list shows them until the
        deadlines are known), the scrollbar sized for all of them. settle() builds every
        row right after that frame."""
        book = self.book
        try:
            orders, today = book.orders(), book.today
        except StoreError:
            return False  # reload() says what is wrong
        if len(orders) <= PREVIEW_FROM:
            return False
        newest = R.newest_orders(orders, max(PREVIEW_ROWS, self.app.size.height))
        self._previewing = self._counting = True
        self._show_empty(False)
        self.order_list.set_rows([R.Row(o) for o in newest], today, length=len(orders))
        self._show_counting(len(orders))
        return True

    def reload(self, force: bool = False, *, anew: bool = False) -> None:
        """Rebuild the rows from the book (after a change here or in another process);
        `anew`: work every order's facts out again (the rules they follow changed)."""
        self._previewing = False
        book = self.book
        try:
            orders = book.orders()
            today = book.today
        except StoreError as error:
            self.notify(
                str(error), title="Could not read the orders", severity="error", markup=False
            )
            return
        if (
            not force
            and today == self._today
            and self._orders is not None
            and len(orders) == len(self._orders)
            and all(a is b for a, b in zip(orders, self._orders, strict=True))
        ):
            return
        same_day = today == self._today and not anew
        self._today, self._orders = today, orders
        self._rebuild(orders, same_day)

    def _rebuild(self, orders: list[Order], same_day: bool) -> None:
        book, today = self.book, self._today
        assert today is not None
        if same_day and self.rows:  # keep what is known about orders that did not change
            old, rows = {row.order.id: row for row in self.rows}, []
            for order in orders:
                row = old.get(order.id)
                if row is not None and (row.order is order or row.order == order):
                    row.order = order
                else:
                    row = R.Row(order)
                rows.append(row)
        else:
            rows = list(map(R.Row, orders))  # 30% quicker than a comprehension at 10k
        missing = [row for row in rows if row.facts is None]
        self.rows = rows
        marked = self.order_list.marked
        if marked:
            self.order_list.marked = marked & {row.order.id for row in rows}
        self._figures = None
        self._generation += 1
        self._counting = len(missing) > SYNC_LIMIT
        if not self._counting:
            for row in missing:
                row.facts = R.compute_facts(row.order, book, today)
        else:  # after the first frame, so the thread does not slow it down
            generation = self._generation
            self.call_after_refresh(self._work_out_facts, rows, today, generation)
        self._show_empty(not rows)
        self._resort()

    # A description of our own: the default one is the repr of every argument (50 ms for
    # a list of 50k rows, before the first frame).
    @work(thread=True, exclusive=True, group="facts", description="working out deadlines")
    def _work_out_facts(self, rows: list[R.Row], today: date, generation: int) -> None:
        """In a thread (pure functions over frozen orders): first each row's view flags and
        search text (a fraction of a second: the first filter key needs them), then the
        advice for the rows without facts, the figures and the urgency order. Rows' facts
        and widgets are only changed back on the main thread. No figure is shown before
        the advice: counted from the recorded states alone, a book's years-old parcels
        would be "in transit" and "open" until it comes."""
        worker = get_current_worker()
        for n, row in enumerate(rows):
            if n % 1024 == 0 and worker.is_cancelled:
                return
            row.flags()
            _ = row.search
        cutoff = R.archive_cutoff(today)
        for n, row in enumerate(rows):
            if n % 1024 == 0 and worker.is_cancelled:
                return
            _ = row.last_active
        book = self.book
        newest = R.newest_first(rows)  # what by_urgency needs, in a list the facts follow
        facts: list[R.Facts | None] = []
        for n, row in enumerate(newest):
            if n % 256 == 0 and worker.is_cancelled:
                return
            known = row.facts  # set on the main thread before this thread started
            facts.append(known if known is not None else R.compute_facts(row.order, book, today))
        figures = R.figures(newest, facts, cutoff)
        by_urgency = R.by_urgency(newest, today, facts)
        if not worker.is_cancelled:
            self.app.call_from_thread(
                self._facts_ready, newest, facts, figures, by_urgency, generation
            )

    def _facts_ready(
        self,
        rows: list[R.Row],
        facts: list[R.Facts | None],
        figures: Figures,
        by_urgency: list[R.Row],
        generation: int,
    ) -> None:
        if generation != self._generation:
            return
        for row, row_facts in zip(rows, facts, strict=True):
            row.facts = row_facts
        self._figures, self._counting = figures, False
        # A cursor still on the first row stays there: on the most urgent order, not on
        # the newest one, which the list showed first while the deadlines were unknown.
        at_top = self.order_list.cursor == 0
        if self.sort == "urgency":
            self._sorted = by_urgency[::-1] if self.reverse else by_urgency
            self._apply_view()
        else:
            self._resort()
        if at_top:
            self.order_list.cursor = 0

    def _show_empty(self, empty: bool) -> None:
        notes = self.query("#empty")
        if empty and not notes:
            self.mount(self._empty_note(), after=self.order_list)
        for note in notes:
            note.display = empty
        self.order_list.display = not empty
        self.query_one("#views").display = not empty

    def _resort(self) -> None:
        self._sorted = R.sort_rows(self.rows, self.sort, self._today or date.today(), self.reverse)
        self.order_list.show_sort(self.sort, R.sort_ascends(self.sort, self.reverse))
        self._apply_view()

    @property
    def _cutoff(self) -> date:
        return R.archive_cutoff(self._today or date.today())

    def _apply_view(self) -> None:
        cutoff, view = self._cutoff, self.view
        if view in ("all", "archive"):
            archived = self._archived = []
            kept = []
            for row in self._sorted:
                (archived if row.in_view("archive", cutoff) else kept).append(row)
            self._in_view = kept if view == "all" else archived
        else:
            self._in_view = [r for r in self._sorted if r.in_view(view, cutoff)]
            self._archived = []
        self._filtered = {}
        self._filtered_archive = {}
        self._apply_filter()
        self._show_figures()

    def _filter(
        self,
        words: tuple[str, ...],
        rows: list[R.Row] | None = None,
        kept: dict[tuple[str, ...], list[R.Row]] | None = None,
    ) -> list[R.Row]:
        """The rows in view (or `rows`, with `kept` for their results) that match `words`.
        Results of recent queries are kept: a query that refines one of them (a key typed)
        scans only that result, and one typed before (backspace) is found again without a
        scan."""
        rows = self._in_view if rows is None else rows
        if not words:
            return rows
        kept = self._filtered if kept is None else kept
        shown = kept.pop(words, None)
        if shown is None:
            base, known = rows, ()
            for old_words, old_rows in kept.items():
                refines = all(any(o in w for w in words) for o in old_words)
                if refines and len(old_rows) < len(base):
                    base, known = old_rows, old_words
            shown = R.filter_rows(base, " ".join(words), known)
        kept[words] = shown  # the most recent last
        while len(kept) > FILTER_MEMORY:
            del kept[next(iter(kept))]
        return shown

    def _apply_filter(self) -> None:
        query = self.query_text
        shown = self._filter(R.query_words(query))
        order_list = self.order_list
        current = order_list.current
        if query.strip():
            order_list.empty_text = f"No orders match “{clean_line(query, limit=60)}”."
        elif self.view == "action" and any(r.facts is None for r in self.rows):
            order_list.empty_text = "Checking deadlines…"
        else:
            order_list.empty_text = "No orders in this view."
        order_list.set_rows(shown, self._today or date.today(), current)
        self._show_match_count(query, shown)

    def _show_match_count(self, query: str, shown: list[R.Row]) -> None:
        """'12 of 340 match' beside the filter field; in the "all" view, with how many
        archived orders match too (the archive view lists them)."""
        counter = self.query("#filter-count")
        if not counter:
            return
        if not query.strip():
            counter.first(Static).update("")
            return
        text = f"{len(shown):,} of {len(self._in_view):,} match"
        if self.view == "all" and self._archived:
            words = R.query_words(query)
            more = len(self._filter(words, self._archived, self._filtered_archive))
            if more:
                text += f" · {more:,} more in the archive (6)"
        counter.first(Static).update(Content(text))

    def _show_figures(self) -> None:
        figures = self._figures
        if figures is None:
            if self._counting:
                self._show_counting(len(self._in_view))
                return
            figures = self._figures = R.figures(self.rows, None, self._cutoff)
        summary, counts = figures
        self.query_one(SummaryBar).show(summary)
        self.query_one(ViewTabs).show(
            self.view, counts, self.sort, len(self.order_list.marked), self._sort_mark
        )

    @property
    def _sort_mark(self) -> str:
        return self.order_list.sort_mark

    def _show_counting(self, listed: int) -> None:
        """The header and the tab line while a thread works out the deadlines: that it is
        checking them, and how many orders the list holds (not in the view of those that
        need action: that takes the deadlines)."""
        self.query_one(SummaryBar).show(None)
        counts: dict[str, int | None] = {self.view: listed if self.view != "action" else None}
        marked = len(self.order_list.marked)
        self.query_one(ViewTabs).show(self.view, counts, self.sort, marked, self._sort_mark)

    # -- filter ---------------------------------------------------------------------
    async def action_filter(self) -> None:
        await self.settle()  # the field is mounted after the first frame
        field = self._filter_field
        assert field is not None
        if self.focused is field:  # a "/" typed in the filter (or typed ahead into it) is text
            raise SkipAction()
        self._show_field(field, True)
        self.set_focus(field)  # now, not after the keys already queued (as focus() would)

    def _show_field(self, field: Input, show: bool) -> None:
        """The filter field and its match count, shown or hidden together."""
        field.display = show
        self.query_one("#filter-bar").display = show

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not self.query_text.strip():
            self._show_field(event.input, False)
        self.order_list.focus()

    def action_clear_filter(self) -> None:
        if self.order_list.marked:
            self.clear_marks()
            return
        field = self._filter_field
        had_query = bool(self.query_text)
        if field is not None:
            field.value = ""
            self._show_field(field, False)
        self.query_text = ""
        self.order_list.focus()
        if had_query:
            self._apply_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            field = self._filter_field
            marked = bool(self.order_list.marked)
            return marked or bool(self.query_text) or (field is not None and field.display)
        if action in ("decide", "mark_all", "delete"):
            return bool(self.rows)
        return True

    # -- marks ---------------------------------------------------------------------------
    def chosen_orders(self) -> list[Order]:
        """The marked orders (filtered out or not), else the highlighted one."""
        marked = self.order_list.marked
        if marked:
            return [row.order for row in self.rows if row.order.id in marked]
        row = self.order_list.current
        return [row.order] if row is not None else []

    def clear_marks(self) -> None:
        self.order_list.set_marks(set())

    @on(OrderList.MarksChanged)
    def _marks_changed(self) -> None:
        self._show_figures()
        self.refresh_bindings()

    # -- views and sorts -----------------------------------------------------------
    def action_view(self, index: int) -> None:
        self.set_view(R.VIEWS[index][0])

    def set_view(self, view: str) -> None:
        self.view = view
        self._apply_view()

    def action_cycle_sort(self) -> None:
        self.set_sort(R.SORTS[(R.SORTS.index(self.sort) + 1) % len(R.SORTS)])

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self._resort()

    def action_reverse_sort(self) -> None:
        self.set_reverse(not self.reverse)

    def set_reverse(self, reverse: bool) -> None:
        self.reverse = reverse
        self._resort()

    # -- the highlighted order ---------------------------------------------------------
    @on(OrderList.Opened)
    def _open(self, event: OrderList.Opened) -> None:
        self.app.open_order(event.order_id)

    def _copy(self, what: str, value: str) -> None:
        value = clean_line(value)
        if not value:
            self.notify(f"This order has no {what}.", markup=False)
            return
        self.app.copy_to_clipboard(value)
        self.notify(f"Copied {what} {value}", markup=False)

    def on_orders_changed(self, message: OrdersChanged) -> None:
        self.reload()

    def select(self, order_id: int) -> None:
        """Put the cursor on an order when the current view lists it (an order just saved:
        the rows catch up with the book first; its announcement then finds nothing new)."""
        self.reload()
        order_list = self.order_list
        for n, row in enumerate(order_list.rows):
            if row.order.id == order_id:
                order_list.cursor = n
                return
        cutoff = self._cutoff
        if self.view != "archive" and any(
            row.order.id == order_id and row.archived(cutoff) for row in self.rows
        ):
            # Done long ago (an old order logged or edited): say where it went.
            self.notify("That order is done and quiet for months: it is in the archive (6).")

    def action_edit_order(self) -> None:
        row = self.order_list.current
        if row is not None:
            self.app.edit_order(row.order.id)

    def action_copy_number(self) -> None:
        row = self.order_list.current
        if row is not None:
            self._copy("order number", row.order.order_number)

    def action_copy_tracking(self) -> None:
        row = self.order_list.current
        if row is not None:
            self._copy("tracking number", row.order.tracking)
