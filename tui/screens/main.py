"""The main screen: the summary line, quick views, the filter and the order list."""

from __future__ import annotations

from datetime import date

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Static
from textual.worker import get_current_worker
from unship.store.model import Order
from unship.store.storage import StoreError
from unship.store.text import clean_line
from unship.tui import rows as R
from unship.tui.widgets.header import SummaryBar
from unship.tui.widgets.order_list import OrderList

# Books up to this many orders needing advice are worked out before the first frame;
# bigger ones in a thread, so the list shows at once and the deadlines follow.
SYNC_LIMIT = 600

EMPTY_TEXT = """\
No orders yet.

Add your first order from the shell:
    unship add --retailer Amazon --order-number 113-0000000-0000000 \\
               --item "USB-C cable" --price 12.99

Import an Amazon order-history export:
    unship import FILE

Or look around with realistic orders in every state (a throwaway copy, your data is untouched):
    unship --demo
"""


class ViewTabs(Static):
    """'1 all  2 needs action 3  ...   sort: urgency (s)'."""

    _shown: tuple | None = None

    def on_resize(self) -> None:
        if self._shown is not None:
            self.show(*self._shown)

    def show(self, view: str, counts: dict[str, int | None], sort: str) -> None:
        self._shown = (view, counts, sort)
        parts = []
        wide = self.size.width >= 100
        for n, (key, long_label) in enumerate(R.VIEWS, start=1):
            label = long_label if wide else R.SHORT_LABELS[key]
            count = counts.get(key)
            text = f"{label} {count}" if count is not None else label
            if key == view:
                parts.append(Content.styled(f"[{n} {text}]", "bold reverse $accent"))
            else:
                parts.append(Content.assemble((f"{n}", "bold $accent"), f" {text}"))
        parts.append(Content.assemble("  sort ", (sort, "bold"), " (s)"))
        self.update(Content(" ").join(parts))


class MainScreen(Screen):
    HELP_TITLE = "Order list"
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
        Binding("1", "view(0)", "views", key_display="1-5", tooltip="view all orders"),
        Binding("2", "view(1)", "needs action", show=False, tooltip="view: needs action"),
        Binding("3", "view(2)", "in transit", show=False, tooltip="view: in transit"),
        Binding("4", "view(3)", "returns open", show=False, tooltip="view: returns open"),
        Binding("5", "view(4)", "done", show=False, tooltip="view: done"),
        Binding("a", "app.add_order", "add", tooltip="log a new order with the form"),
        Binding("A", "app.quick_add", "quick add", show=False, tooltip="log an order in one line"),
        Binding("e", "edit_order", "edit", show=False, tooltip="edit the highlighted order"),
        Binding("i", "app.import_file", "import", tooltip="import orders from a file"),
        Binding("c", "copy_number", "copy number", show=False),
        Binding("C", "copy_tracking", "copy tracking", show=False),
        Binding("escape", "clear_filter", "clear", tooltip="clear the filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "urgency"
        self.view = "all"
        self.query_text = ""
        self.rows: list[R.Row] = []
        self._by_id: dict[int, R.Row] = {}
        self._today: date | None = None
        self._orders: list[Order] | None = None
        self._sorted: list[R.Row] = []
        self._in_view: list[R.Row] = []
        self._last_filter: tuple[str, list[R.Row]] | None = None
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield SummaryBar(demo=getattr(self.app, "demo", False), id="summary")
        yield ViewTabs(id="views", markup=False)
        yield Input(
            placeholder="filter: words in title, retailer, order number, tracking, notes",
            id="filter",
        )
        yield OrderList(id="orders")
        yield Static(Content(EMPTY_TEXT), id="empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.reload()
        self.query_one(OrderList).focus()

    @property
    def order_list(self) -> OrderList:
        return self.query_one(OrderList)

    # -- data ---------------------------------------------------------------------
    def reload(self, force: bool = False) -> None:
        """Rebuild the rows from the book (after a change here or in another process)."""
        book = self.app.book
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
        if today != self._today:
            self._by_id = {}
        self._today, self._orders = today, orders
        if self._by_id:  # keep what is known about orders that did not change
            old, rows = self._by_id, []
            for order in orders:
                row = old.get(order.id)
                if row is not None and (row.order is order or row.order == order):
                    row.order = order
                else:
                    row = R.Row(order)
                rows.append(row)
        else:
            rows = [R.Row(order) for order in orders]
        by_id = {row.order.id: row for row in rows}
        missing = [row for row in rows if row.facts is None]
        self.rows, self._by_id = rows, by_id
        self._generation += 1
        if len(missing) <= SYNC_LIMIT:
            for row in missing:
                row.facts = R.compute_facts(row.order, book, today)
        else:  # after the first frame, so the thread does not slow it down
            generation = self._generation
            self.call_after_refresh(self._work_out_facts, missing, today, generation)
        self._show_empty(not rows)
        self._resort()

    @work(thread=True, exclusive=True, group="facts")
    def _work_out_facts(self, rows: list[R.Row], today: date, generation: int) -> None:
        """Facts for `rows` in a thread (pure functions over frozen orders); the search
        strings too, so the first filter key does not build them. Widgets are only touched
        back on the main thread."""
        worker = get_current_worker()
        book = self.app.book
        results = []
        for n, row in enumerate(rows):
            if n % 256 == 0 and worker.is_cancelled:
                return
            results.append((row.order, R.compute_facts(row.order, book, today)))
            _ = row.search
        if not worker.is_cancelled:
            self.app.call_from_thread(self._facts_ready, results, generation)

    def _facts_ready(self, results: list[tuple[Order, R.Facts]], generation: int) -> None:
        if generation != self._generation:
            return
        for order, facts in results:
            row = self._by_id.get(order.id)
            if row is not None and row.order is order:
                row.facts = facts
        self._resort()

    def _show_empty(self, empty: bool) -> None:
        self.query_one("#empty").display = empty
        self.order_list.display = not empty
        self.query_one("#views").display = not empty

    def _resort(self) -> None:
        self._sorted = R.sort_rows(self.rows, self.sort, self._today or date.today())
        self._apply_view()

    def _apply_view(self) -> None:
        self._in_view = [r for r in self._sorted if r.in_view(self.view)]
        self._last_filter = None
        self._apply_filter()
        if len(self.rows) > SYNC_LIMIT:
            self.call_after_refresh(self._show_figures)
        else:
            self._show_figures()

    def _apply_filter(self) -> None:
        query = self.query_text
        base = self._in_view
        last = self._last_filter
        if last is not None and R.narrows(last[0], query):
            base = last[1]
        shown = R.filter_rows(base, query) if query.strip() else base
        self._last_filter = (query, shown) if query.strip() else None
        current = self.order_list.current
        order_list = self.order_list
        if query.strip():
            order_list.empty_text = f"No orders match “{clean_line(query, limit=60)}”."
        elif self.view == "action" and any(r.facts is None for r in self.rows):
            order_list.empty_text = "Checking deadlines…"
        else:
            order_list.empty_text = "No orders in this view."
        order_list.set_rows(shown, self._today or date.today(), current.id if current else None)

    def _show_figures(self) -> None:
        summary, counts = R.figures(self.rows)
        self.query_one(SummaryBar).show(summary)
        self.query_one(ViewTabs).show(self.view, counts, self.sort)

    # -- filter ---------------------------------------------------------------------
    def action_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if self.focused is field:  # a "/" typed in the filter (or typed ahead into it) is text
            raise SkipAction()
        field.display = True
        self.set_focus(field)  # now, not after the keys already queued (as focus() would)

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.query_text = event.value
        self._apply_filter()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self) -> None:
        if not self.query_text.strip():
            self.query_one("#filter", Input).display = False
        self.order_list.focus()

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        had_query = bool(self.query_text)
        field.value = ""
        field.display = False
        self.query_text = ""
        self.order_list.focus()
        if had_query:
            self._last_filter = None
            self._apply_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":
            return bool(self.query_text) or self.query_one("#filter", Input).display
        return True

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

    def select(self, order_id: int) -> None:
        """Put the cursor on an order when the current view lists it."""
        order_list = self.order_list
        for n, row in enumerate(order_list.rows):
            if row.order.id == order_id:
                order_list.cursor = n
                return

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
