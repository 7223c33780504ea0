"""The main screen driven by the pilot: every binding, the filter, undo, copy, external changes."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from textual.binding import Binding
from textual.screen import ModalScreen
from tui_support import ids, listed, screen_text, settle, sync
from unship.store import demo
from unship.store.errors import LockTimeoutError
from unship.store.model import new_item, new_order, replace
from unship.store.repository import OrderBook
from unship.tui import rows as R
from unship.tui.app import UnshipApp, run
from unship.tui.screens.help import HelpScreen
from unship.tui.screens.main import MainScreen
from unship.tui.widgets.order_list import OrderList

TODAY = date(2026, 11, 28)
SIZE = (80, 24)


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        demo.fill(b, TODAY)
        yield b


@pytest.fixture
def empty_book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


@sync
async def test_opens_sorted_by_urgency(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.title == "unship"
        assert isinstance(app.screen, MainScreen)
        rows = listed(app).rows
        assert len(rows) == len(book.orders())
        t = TODAY.toordinal()
        keys = [(R.urgency_rank(r.facts, t), -r.order.ordered_on.toordinal(), -r.id) for r in rows]
        assert keys == sorted(keys)
        first = rows[0]
        assert first.facts.deadline is not None
        assert first.facts.deadline.day < TODAY or first.facts.deadline.overdue


@sync
async def test_header_counts_match_overview(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        summary = R.figures(app.main_screen.rows)[0]
        overview = book.overview()
        assert (summary.open_orders, summary.due_soon, summary.overdue) == (
            overview.open_orders,
            overview.due_soon,
            overview.overdue,
        )
        assert summary.refund_pending == overview.refund_pending
        bar = app.main_screen.query_one("#summary")
        text = str(bar.render())
        assert f"{overview.open_orders} open" in text
        if overview.overdue:
            assert "OVERDUE" in text


@sync
async def test_navigation_keys(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order_list = listed(app)
        assert order_list.cursor == 0
        await pilot.press("j", "down")
        assert order_list.cursor == 2
        await pilot.press("k")
        assert order_list.cursor == 1
        await pilot.press("up", "up")
        assert order_list.cursor == 0
        await pilot.press("end")
        assert order_list.cursor == len(order_list.rows) - 1
        await pilot.press("home")
        assert order_list.cursor == 0
        await pilot.press("pagedown")
        assert order_list.cursor > 1
        await pilot.press("pageup")
        assert order_list.cursor == 0


@sync
async def test_mouse_click_and_wheel(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order_list = listed(app)
        # line 0 of the list is its header; line 3 is the third order
        await pilot.click(OrderList, offset=(20, 3))
        assert order_list.cursor == 2
        await pilot.click(OrderList, offset=(20, 3))  # a second click opens it
        await pilot.pause()
        assert _opened_or_told(app)


def _opened_or_told(app) -> bool:
    pushed = not isinstance(app.screen, MainScreen)
    told = any("order view not available" in str(n.message) for n in app._notifications)
    return pushed or told


@sync
async def test_enter_opens_the_order(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert _opened_or_told(app)


@sync
async def test_filter_as_you_type(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash")
        assert app.focused.id == "filter"
        await pilot.press(*"amazon")
        assert ids(app) and all("amazon" in r.order.retailer.lower() for r in listed(app).rows)
        await pilot.press("space", *"mouse")  # every word must match
        titles = [r.order.short_title for r in listed(app).rows]
        assert len(titles) == 1 and "mouse" in listed(app).rows[0].search
        await pilot.press("backspace")  # widening again finds the same
        assert len(listed(app).rows) == 1
        await pilot.press("enter")
        assert isinstance(app.focused, OrderList)
        assert len(listed(app).rows) == 1  # the filter stays after enter
        await pilot.press("escape")
        assert len(listed(app).rows) == len(book.orders())
        assert not app.main_screen.query_one("#filter").display


def type_ahead(app, keys: list[tuple[str, str]]) -> None:
    """Keys that arrive together (fast typing, a paste, one packet over SSH): all queued at once."""
    from textual import events

    for key, character in keys:
        app.post_message(events.Key(key, character))


@sync
async def test_filter_keys_typed_ahead_land_in_the_filter(book):
    """ "/amazon" arriving at once filters; the "a" does not open the add form (it did)."""
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        type_ahead(app, [("slash", "/"), *[(c, c) for c in "amazon"], ("slash", "/")])
        await pilot.pause()
        assert app.screen is app.main_screen
        field = app.main_screen.query_one("#filter")
        assert app.focused is field
        assert field.value == "amazon/"  # in the filter, "/" is a character


@sync
async def test_filter_matches_tracking_and_notes(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"1z999aa1")
        assert [r.order.tracking for r in listed(app).rows] == ["1Z999AA10123456784"]
        await pilot.press("escape", "slash", *"crackles")
        assert len(listed(app).rows) == 1
        await pilot.press(*"zzz")
        assert listed(app).rows == []
        assert "No orders match" in screen_text(app)


@sync
async def test_filter_keys_give_what_a_fresh_filter_gives(book):
    """Kept results (a refinement scans the last result, backspace finds an earlier one)
    never differ from filtering the whole view again."""
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.main_screen
        await pilot.press("slash")
        typed = ""
        for key in [*"amazon", "space", *"ca", "backspace", "backspace", "e", "backspace"]:
            await pilot.press(key)
            typed = typed[:-1] if key == "backspace" else typed + (" " if key == "space" else key)
            expected = [r for r in screen._in_view if all(w in r.search for w in typed.split())]
            assert listed(app).rows == expected, typed
        await pilot.press("2")  # another view: earlier results are not reused
        expected = [r for r in screen._in_view if "amazon" in r.search]
        assert listed(app).rows == expected


@sync
async def test_big_book_works_out_deadlines_in_a_thread(book, monkeypatch):
    """Above SYNC_LIMIT the list shows first, newest first, and the deadlines, figures and
    urgency order follow from a thread: the same as a small book gets at once."""
    from unship.tui.screens import main

    small = UnshipApp(book)
    async with small.run_test(size=SIZE) as pilot:
        await pilot.pause()
        expected_ids = ids(small)
        expected_header = str(small.main_screen.query_one("#summary").render())

    monkeypatch.setattr(main, "SYNC_LIMIT", 0)
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await settle(pilot, lambda: all(row.facts is not None for row in app.main_screen.rows))
        assert ids(app) == expected_ids
        assert str(app.main_screen.query_one("#summary").render()) == expected_header
        assert listed(app).cursor == 0  # on the most urgent order, not the newest one
        assert listed(app).current.id == expected_ids[0]
        await pilot.press("s")  # by date
        dates = [r.order.ordered_on for r in listed(app).rows]
        assert dates == sorted(dates, reverse=True)


@sync
async def test_no_figure_is_shown_before_the_deadlines_are_known(book, monkeypatch):
    """Counted from the recorded states alone, a big book's years-old parcels would be "in
    transit" and "open" until the thread's advice comes: the header says it is checking and
    the tab line says only how many orders the list holds."""
    import threading

    from unship.tui.screens import main

    monkeypatch.setattr(main, "SYNC_LIMIT", 0)
    entered, release = threading.Event(), threading.Event()
    work_out = R.compute_facts

    def held(order, book, today):
        entered.set()
        release.wait(10)
        return work_out(order, book, today)

    monkeypatch.setattr(R, "compute_facts", held)
    app = UnshipApp(book)
    async with app.run_test(size=(120, 24)) as pilot:
        try:
            await settle(pilot, entered.is_set)
            await pilot.pause()
            screen = app.main_screen
            assert str(screen.query_one("#summary").render()) == "unship  checking deadlines…"
            shown_counts = screen.query_one(main.ViewTabs)._shown[1]
            assert shown_counts == {"all": len(screen._in_view)}
            assert f"all {len(screen._in_view)}" in str(screen.query_one("#views").render())
            # nor a state: the recorded one, without the estimates, may be years out of date
            orders = screen.query_one(OrderList)
            lines = ["".join(s.text for s in orders.render_line(y)) for y in range(4)]
            at = lines[0].index("state")
            assert [line[at : at + 2] for line in lines[1:]] == ["… "] * 3
        finally:
            release.set()  # a failure above must not leave the thread waiting
        await settle(pilot, lambda: all(row.facts is not None for row in screen.rows))
        await pilot.pause()
        assert f"{book.overview().open_orders} open" in str(screen.query_one("#summary").render())


@sync
async def test_a_big_book_keeps_its_figures_after_a_change(book, monkeypatch):
    """A book whose first deadlines a thread worked out, then one order changed (worked out
    at once): the figures are counted again, not left at "checking" for good."""
    from unship.tui.screens import main

    monkeypatch.setattr(main, "SYNC_LIMIT", 3)
    app = UnshipApp(book)
    async with app.run_test(size=(120, 24)) as pilot:
        screen = app.main_screen
        await settle(pilot, lambda: all(row.facts is not None for row in screen.rows))
        target = next(o for o in book.orders() if o.items[0].state.value == "ordered")
        book.record(target.id, "cancel-requested")
        await settle(pilot, lambda: screen._orders is not None and target not in screen._orders)
        await pilot.pause()
        header = str(screen.query_one("#summary").render())
        assert f"{book.overview().open_orders} open" in header
        assert "checking" not in header


@sync
async def test_quick_views(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        everything = len(listed(app).rows)
        cutoff = R.archive_cutoff(TODAY)
        for key, view in zip("123456", [v for v, _ in R.VIEWS], strict=True):
            await pilot.press(key)
            assert app.main_screen.view == view
            assert all(r.in_view(view, cutoff) for r in listed(app).rows)
        await pilot.press("5")
        done = listed(app).rows
        assert done and all(r.flags()[2] for r in done)
        await pilot.press("3")
        assert all(r.flags()[0] for r in listed(app).rows)
        await pilot.press("1")
        assert len(listed(app).rows) == everything


@sync
async def test_sort_cycles(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        seen = []
        for _ in R.SORTS:
            await pilot.press("s")
            seen.append(app.main_screen.sort)
            assert f"sort {app.main_screen.sort}" in screen_text(app)
        assert seen == [*R.SORTS[1:], R.SORTS[0]]
        await pilot.press("s")  # date: newest first
        days = [r.order.ordered_on for r in listed(app).rows]
        assert days == sorted(days, reverse=True)
        await pilot.press("s", "s")  # total: highest first
        totals = [r.order.total for r in listed(app).rows]
        assert totals == sorted(totals, reverse=True)


@sync
async def test_undo_notifies(book):
    target = book.orders()[0]
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("u")
        assert any("Nothing to undo" in str(n.message) for n in app._notifications)
        book.record(target.id, "cancel-requested")
        await pilot.press("ctrl+z")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        assert f"Undone: mark {target.order_number} cancel-requested. ctrl+y redoes it." in messages
        assert book.get(target.id) == target


@sync
async def test_ctrl_y_redoes_and_the_notice_says_what_u_undoes_next(book):
    target = book.orders()[0]
    book.record(target.id, "cancel-requested")
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.clear_notifications()
        await pilot.press("ctrl+y")
        assert [str(n.message) for n in app._notifications] == ["Nothing to redo"]
        await pilot.press("u", "ctrl+y")
        await pilot.pause()
        messages = [str(n.message) for n in app._notifications]
        step = f"mark {target.order_number} cancel-requested"
        assert messages[-1] == f"Redone: {step}. u undoes: {step}"
        assert book.get(target.id).items[0].state.value == "cancel-requested"


@sync
async def test_copy_order_and_tracking_numbers(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        order_list = listed(app)
        while not order_list.current.order.tracking:
            await pilot.press("j")
        order = order_list.current.order
        await pilot.press("c")
        assert app.clipboard == order.order_number
        await pilot.press("C")
        assert app.clipboard == order.tracking


@sync
async def test_help_lists_the_bindings(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = " ".join(
            f"{keys} {what}" for _title, rows in app.screen.sections for keys, what in rows
        )
        for binding in [*MainScreen.BINDINGS, *UnshipApp.BINDINGS, *OrderList.BINDINGS]:
            if binding.system:  # tab and shift+tab: every app's, not listed
                continue
            for key in binding.key.split(","):
                assert app.get_key_display(Binding(key, binding.action)) in text, key
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


@sync
async def test_quit(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


@sync
async def test_command_palette_sorts(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, ModalScreen)
        await pilot.press(*"sort by retailer")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main_screen.sort == "retailer"


@sync
async def test_change_from_another_process_appears(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        before = len(listed(app).rows)
        with OrderBook(book.path, today=TODAY) as other:
            other.add(
                new_order(
                    "Target",
                    "EXT-1",
                    TODAY,
                    [new_item("Lamp from elsewhere", 1999)],
                )
            )
        await pilot.pause(1.2)
        assert len(listed(app).rows) == before + 1
        assert any(r.order.order_number == "EXT-1" for r in listed(app).rows)


@sync
async def test_cursor_stays_on_the_order_after_a_change(book):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("j", "j", "j")
        kept = listed(app).current.id
        other = next(o for o in book.orders() if o.id != kept)
        book.update(replace(other, notes="changed"), "edit note")
        await pilot.pause()
        assert listed(app).current.id == kept


@sync
async def test_markup_in_user_text_is_shown_literally(empty_book):
    for n, title in enumerate(["[bold]x[/]", "[@click=app.quit]x[/]", "Refund [/", "[/]"]):
        empty_book.add(new_order("Amazon", f"M-{n}", TODAY, [new_item(title, 100)]))
    app = UnshipApp(empty_book)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold]x[/]" in text
        assert "[@click=app.quit]x[/]" in text
        # click on every order's title: nothing runs
        for y in range(1, 5):
            await pilot.click(OrderList, offset=(40, y))
            await pilot.pause()
            assert app.is_running
            while not app.screen.query(OrderList):  # a click opens the order: go back
                await pilot.press("escape")
                await pilot.pause()
        await pilot.press("slash", *"[/")
        await pilot.pause()
        assert app.is_running
        assert len(listed(app).rows) == 4
        await pilot.press(*"]")
        assert len(listed(app).rows) == 3
        assert "No orders" not in screen_text(app)


@sync
async def test_empty_state(empty_book):
    app = UnshipApp(empty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        # keys for a person in the app, not shell commands
        assert "a   add your first order" in text and "A   add one in a line" in text
        assert "i   import a file" in text
        assert "unship add" not in text and "unship import" not in text
        await pilot.press("a")
        assert type(app.screen).__name__ == "OrderForm"


@sync
async def test_store_errors_are_notified(book, monkeypatch):
    app = UnshipApp(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()

        def locked():
            raise LockTimeoutError("orders.json is locked by another unship process")

        monkeypatch.setattr(book, "undo", locked)
        await pilot.press("u")
        await pilot.pause()
        assert app.is_running
        assert any("locked" in str(n.message) for n in app._notifications)


def test_run_reports_a_corrupt_file(tmp_path, capsys):
    path = tmp_path / "orders.json"
    path.write_text("{not json")
    assert run(path, TODAY, False) == 2
    err = capsys.readouterr().err
    assert err.startswith("unship: ") and "Traceback" not in err


@sync
async def test_add_quick_add_and_edit_from_the_main_screen(empty_book):
    from unship.tui.screens.order_form import OrderForm
    from unship.tui.screens.quick_add import QuickAdd

    app = UnshipApp(empty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("A")
        assert isinstance(app.screen, QuickAdd)
        await pilot.press(*'amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday', "enter")
        await pilot.pause()
        assert not isinstance(app.screen, QuickAdd)
        assert [o.order_number for o in empty_book.orders()] == ["113-1234567-1234567"]
        assert listed(app).current.order.order_number == "113-1234567-1234567"
        await pilot.press("e")
        assert isinstance(app.screen, OrderForm)
        await pilot.press("escape")
        await pilot.pause()
        while not app.screen.query(OrderList):  # an untouched form closes without asking
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("a")
        assert isinstance(app.screen, OrderForm)


def test_sorts_break_ties_newest_first_whatever_the_input_order(book):
    import random

    orders = book.orders()
    # ties on purpose: several orders a day, mixed case retailers
    orders = [replace(o, ordered_on=TODAY.replace(day=1 + o.id % 3)) for o in orders]
    rows = [R.Row(o) for o in orders]
    random.Random(4).shuffle(rows)
    by_date = R.sort_rows(rows, "date", TODAY)
    assert by_date == sorted(rows, key=lambda r: (r.order.ordered_on, r.id), reverse=True)
    by_retailer = R.sort_rows(rows, "retailer", TODAY)
    assert by_retailer == sorted(
        rows, key=lambda r: (r.order.retailer.lower(), -r.order.ordered_on.toordinal(), -r.id)
    )
    for row in rows:
        row.facts = R.compute_facts(row.order, book, TODAY)
    t = TODAY.toordinal()
    expected = sorted(
        rows, key=lambda r: (R.urgency_rank(r.facts, t), -r.order.ordered_on.toordinal(), -r.id)
    )
    assert R.sort_rows(rows, "urgency", TODAY) == expected
    newest = R.newest_first(rows)  # as the thread does, with the facts beside the rows
    assert R.by_urgency(newest, TODAY, [r.facts for r in newest]) == expected


def test_mixed_state_fits_the_column_without_being_cut():
    from unship.store.model import State

    def order(*states):
        items = [new_item(f"thing {n}", 100) for n in range(len(states))]
        o = new_order("Amazon", "1", TODAY, items)
        return replace(
            o, items=tuple(replace(i, state=s) for i, s in zip(o.items, states, strict=True))
        )

    two = order(State.ORDERED, State.SHIPPED)
    assert R.state_cell(two, 24) == "1 ordered, 1 in transit"
    assert R.state_cell(two, 16) == "1 ord·1 ship"
    many = order(State.ORDERED, State.SHIPPED, State.SHIPPED, State.DELIVERED, State.PROBLEM)
    for width in (16, 12, 8):
        assert len(R.state_cell(many, width)) <= max(width, len("mixed (4 states)"))
    assert R.state_cell(many, 16) == "1 ord·2 ship +2"
    assert R.state_cell(order(State.OUT_FOR_DELIVERY), 16) == "out for delivery"


@given(
    st.lists(
        st.tuples(st.integers(0, 6), st.integers(1, 10**6)), max_size=40, unique_by=lambda t: t[1]
    ),
    st.integers(0, 45),
)
def test_newest_orders_are_the_first_of_newest_first(days_and_ids, n):
    """The preview's orders: the first `n` of the full sort, ties on a day by id."""
    base = new_order("Amazon", "1", TODAY, [new_item("thing", 100)])
    orders = [
        replace(base, id=order_id, ordered_on=TODAY.replace(day=1 + day))
        for day, order_id in days_and_ids
    ]
    expected = [row.order for row in R.newest_first([R.Row(o) for o in orders])][:n]
    assert R.newest_orders(orders, n) == expected


@pytest.fixture
def sixty_book(empty_book):
    for n in range(60):
        day = TODAY.replace(day=1 + n % 9)
        empty_book.add(new_order("Amazon", f"P-{n}", day, [new_item(f"thing {n}", 100)]))
    return empty_book


@sync
async def test_a_big_book_first_shows_its_newest_orders_then_every_row(sixty_book, monkeypatch):
    """Above PREVIEW_FROM the first frame lists the newest orders (a terminal's height of
    them) with the scrollbar sized for all; every row is built right after that frame."""
    from unship.tui.screens import main

    monkeypatch.setattr(main, "PREVIEW_FROM", 10)
    monkeypatch.setattr(main, "PREVIEW_ROWS", 5)
    first: list[tuple] = []

    class Watched(UnshipApp):
        def _display(self, screen, renderable) -> None:
            if renderable is not None and not first:
                order_list = self.main_screen.order_list
                first.append(
                    (
                        self.main_screen.previewing,
                        [row.id for row in order_list.rows],
                        order_list.virtual_size.height,
                        order_list.region,
                    )
                )
            super()._display(screen, renderable)

    app = Watched(sixty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        previewing, preview_ids, virtual_height, region = first[0]
        assert previewing and len(preview_ids) == SIZE[1]  # the terminal's height, not 5
        assert virtual_height == 60 + 1  # the header line and every order
        screen = app.main_screen
        await settle(pilot, lambda: not screen.previewing)
        assert len(screen.rows) == 60
        newest = [row.id for row in R.newest_first(screen.rows)]
        assert preview_ids == newest[: SIZE[1]]
        # The footer came after the first frame, in the line kept for it: nothing moved.
        assert listed(app).region == region
        await settle(pilot, lambda: "filter" in screen_text(app).splitlines()[-1])


@sync
async def test_keys_act_on_every_row_even_before_the_preview_is_replaced(sixty_book, monkeypatch):
    from unship.tui.screens import main

    monkeypatch.setattr(main, "PREVIEW_FROM", 10)
    monkeypatch.setattr(main, "PREVIEW_ROWS", 5)
    app = UnshipApp(sixty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.main_screen
        assert screen._show_preview()  # as on the first frame
        assert screen.previewing and len(listed(app).rows) == SIZE[1]
        await pilot.press("G")  # the last order of all, not of the preview
        assert not screen.previewing
        assert listed(app).cursor == 59 and listed(app).current is screen._in_view[-1]


@sync
async def test_the_empty_note_comes_and_goes_with_the_orders(empty_book):
    app = UnshipApp(empty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "unship --demo" in screen_text(app)
        order = empty_book.add(new_order("Amazon", "E-1", TODAY, [new_item("Lamp", 1999)]))
        # the book announces the change: the app redraws with no call from here
        await pilot.pause()
        assert "unship --demo" not in screen_text(app) and "Lamp" in screen_text(app)
        empty_book.delete(order.id)
        await pilot.pause()
        assert "unship --demo" in screen_text(app)


@sync
async def test_the_empty_note_is_mounted_when_the_last_order_goes(empty_book):
    order = empty_book.add(new_order("Amazon", "E-1", TODAY, [new_item("Lamp", 1999)]))
    app = UnshipApp(empty_book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert not app.main_screen.query("#empty")  # not mounted while there are orders
        empty_book.delete(order.id)
        await pilot.pause()
        assert "i   import a file" in screen_text(app)
        assert not listed(app).display


@sync
async def test_keys_typed_before_the_screen_is_up_reach_the_filter(book):
    """Keys typed while the app starts (read by the driver before the list is mounted)."""
    from textual import events

    class TypedAhead(UnshipApp):
        def on_mount(self) -> None:
            super().on_mount()
            for key, char in [("slash", "/"), ("z", "z"), ("a", "a"), ("p", "p")]:
                self.post_message(events.Key(key, char))

    app = TypedAhead(book)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.main_screen.query_text == "zap"
        assert app.focused is app.main_screen.query_one("#filter")


@sync
async def test_a_membership_from_the_palette_moves_the_deadlines(tmp_path, monkeypatch):
    """ctrl+p "I have My Best Buy Plus": saved like `unship config`, deadlines follow."""
    from unship.store import settings
    from unship.store.model import new_item, new_order
    from unship.store.repository import OrderBook
    from unship.tui.app import UnshipApp

    with OrderBook(tmp_path / "o.json", today=date(2026, 6, 5)) as book:
        order = book.add(
            new_order("Best Buy", "BBY01-1", date(2026, 5, 30), [new_item("TV", 49999)])
        )
        book.record(order.id, "shipped", date(2026, 6, 1))
        book.record(order.id, "delivered", date(2026, 6, 2))
        app = UnshipApp(book)
        async with app.run_test() as pilot:
            await pilot.pause()
            before = next(a for a in book.actions(book.get(order.id)) if a.action == "return")
            app.toggle_membership("plus")
            await pilot.pause()
            after = next(a for a in book.actions(book.get(order.id)) if a.action == "return")
            assert after.deadline > before.deadline
            assert settings.get_memberships() == ["plus"]
            row = next(r for r in app.main_screen.rows if r.id == order.id)
            await pilot.pause(0.2)
            assert row.facts is not None and row.facts.deadline.day == after.deadline
            app.toggle_membership("plus")
            await pilot.pause()
            assert settings.get_memberships() == []


@sync
async def test_the_rest_of_the_first_frame_is_not_mounted_on_an_app_that_ended(book):
    """q typed ahead ends the app during its first frame: what settle() still had to mount
    is left alone (mounting on a screen taken off the app raises MountError)."""
    app = UnshipApp(book)
    async with app.run_test(size=SIZE):
        screen = app.main_screen
    assert not screen.is_attached
    await screen._mount_the_rest()  # no MountError
