"""Pilot tests of the order screen, its actions panel and the record dialog, on the demo data."""

from __future__ import annotations

import asyncio
import functools
from datetime import date

import pytest
from textual.app import App
from textual.widgets import Input, Static
from tui_support import settle
from unship.store import demo
from unship.store.model import State, new_item, new_order
from unship.store.repository import BookChange, OrderBook
from unship.tui.messages import tell_screens
from unship.tui.screens.order import OrderScreen
from unship.tui.screens.record import ItemPicker, RecordDialog
from unship.tui.widgets.actions import ActionsPanel
from unship.tui.widgets.timeline import Mark, draw_bar, headline, legend, timeline_marks

TODAY = date(2026, 11, 28)


def pilot_test(fn):
    """Run an async test with asyncio (the project has no async pytest plugin)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return run


class OrderApp(App):
    """What the real app does for this screen: holds the book and pushes the order."""

    def __init__(self, book: OrderBook, order_id: int) -> None:
        super().__init__()
        self.book = book
        self.order_id = order_id
        self.opened: list[str] = []
        self.changes: list[BookChange] = []
        self.notices: list[str] = []

    def on_mount(self) -> None:
        self.book.subscribe(self._book_changed)  # as the real app does
        self.push_screen(OrderScreen(self.book, self.order_id))

    def _book_changed(self, change: BookChange) -> None:
        self.changes.append(change)
        tell_screens(self, change)

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        self.opened.append(url)

    def open(self, screen, callback=None) -> None:  # noqa: ANN001 - as UnshipApp.open
        self.push_screen(screen, callback)

    def notify(self, message, **kwargs) -> None:  # noqa: ANN001
        self.notices.append(str(message))
        super().notify(message, **kwargs)


@pytest.fixture
def book(tmp_path):
    book = OrderBook(tmp_path / "o.json", today=TODAY)
    demo.fill(book, book.today)
    yield book
    book.close()


async def _start(book: OrderBook, order_id: int, size=(80, 24)):
    app = OrderApp(book, order_id)
    return app, app.run_test(size=size)


async def _choose(pilot, name: str, *, available: bool = True) -> None:
    """Move the highlight down to the action called `name` and press Enter."""
    panel = pilot.app.screen.query_one(ActionsPanel)
    target = next(
        n for n, a in enumerate(panel.actions) if a.action == name and a.available == available
    )
    await pilot.press("home", *["down"] * target)
    assert panel.current.action == name
    await pilot.press("enter")
    await pilot.pause()


def _dialog(app) -> RecordDialog:
    assert isinstance(app.screen, RecordDialog), app.screen
    return app.screen


def _text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


# -- the flows ------------------------------------------------------------------------------
@pilot_test
async def test_cancel_order_1(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        assert app.screen.check_action("decide", ("cancel",)) is True
        assert app.screen.check_action("decide", ("return",)) is False
        await pilot.press("x")
        await pilot.pause()
        dialog = _dialog(app)
        picker = dialog.query_one(ItemPicker)
        assert sorted(picker.selected) == [0, 1, 2]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        order = book.get(1)
        assert {i.state for i in order.items} == {State.CANCEL_REQUESTED}
        assert order.history[-1].on == TODAY
        assert app.changes and app.changes[-1].ids == {1}
        assert "Recorded: cancel requested (u to undo)" in app.notices
        # The screen moved on: no cancel now, the key is gone from the footer.
        assert app.screen.check_action("decide", ("cancel",)) is False
        assert "cancel requested" in _text(app, "#order-header")


@pilot_test
async def test_refuse_order_2(book):
    app, run = await _start(book, 2)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        _dialog(app)
        await pilot.press("enter")
        await pilot.pause()
        assert book.get(2).items[0].state is State.REFUSED
        assert "Recorded: refused at the door (u to undo)" in app.notices


@pilot_test
async def test_mark_delivered_yesterday_then_return_with_reason(book):
    app, run = await _start(book, 2)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "mark-delivered")
        _dialog(app)
        await pilot.press(*"yesterday", "enter")
        await pilot.pause()
        order = book.get(2)
        assert order.items[0].state is State.DELIVERED
        assert order.items[0].on("delivered") == date(2026, 11, 27)
        # Return is now open, with its own key.
        assert app.screen.check_action("decide", ("return",)) is True
        await pilot.press("r")
        await pilot.pause()
        dialog = _dialog(app)
        await pilot.press("tab", *"too big", "tab", *"keep the box")
        assert dialog.query_one("#reason", Input).value == "too big"
        await pilot.press("enter")
        await pilot.pause()
        order = book.get(2)
        assert order.items[0].state is State.RETURN_REQUESTED
        assert order.history[-1].note == "reason: too big; keep the box"


@pilot_test
async def test_return_shipped_with_tracking_order_9(book):
    app, run = await _start(book, 9)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "return-shipped")
        _dialog(app)
        await pilot.press("tab", *"1ZRETURN123", "enter")
        await pilot.pause()
        order = book.get(9)
        assert order.items[0].state is State.RETURN_SHIPPED
        assert order.history[-1].note == "return tracking 1ZRETURN123"
        # The history shows the note on the timeline's legend.
        assert "return tracking 1ZRETURN123" in str(
            app.screen.query_one("#order-timeline").render()
        )


@pilot_test
async def test_refund_with_amount_order_10_and_a_bad_amount_kept(book):
    app, run = await _start(book, 10)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "expect-refund")
        dialog = _dialog(app)
        await pilot.press("tab", *"68.001", "enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "too many decimals" in _text(app, "#amount-error")
        assert book.get(10).items[0].state is State.RETURN_SHIPPED
        amount = dialog.query_one("#amount", Input)
        amount.value = ""
        await pilot.press(*"68.00", "enter")
        await pilot.pause()
        order = book.get(10)
        assert order.items[0].state is State.REFUNDED
        assert order.history[-1].note == "refunded $68.00"


@pilot_test
async def test_problem_order_4(book):
    app, run = await _start(book, 4)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "report-problem")
        _dialog(app)
        await pilot.press("tab", *"left ear dead", "enter")
        await pilot.pause()
        order = book.get(4)
        assert order.items[0].state is State.PROBLEM
        assert order.history[-1].note == "left ear dead"


@pilot_test
async def test_multi_item_partial_cancel_order_15(book):
    app, run = await _start(book, 15)
    async with run as pilot:
        await pilot.pause()
        panel = app.screen.query_one(ActionsPanel)
        assert panel.current.action == "cancel" and panel.current.items == (1,)
        await pilot.press("x")
        await pilot.pause()
        dialog = _dialog(app)
        assert "item 2" in str(dialog.query_one("#items-one", Static).render())
        await pilot.press("enter")
        await pilot.pause()
        order = book.get(15)
        assert [i.state for i in order.items] == [State.SHIPPED, State.CANCEL_REQUESTED]
        assert order.history[-1].items == (1,)


@pilot_test
async def test_unticking_an_item_order_1(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        dialog = _dialog(app)
        picker = dialog.query_one(ItemPicker)
        picker.focus()
        await pilot.press("end", "space")  # untick item 3
        assert sorted(picker.selected) == [0, 1]
        assert "items 1, 2" in _text(app, "#items-chosen")
        await pilot.press("enter")  # Enter in the list records, it does not toggle
        await pilot.pause()
        states = [i.state for i in book.get(1).items]
        assert states == [State.CANCEL_REQUESTED, State.CANCEL_REQUESTED, State.ORDERED]


@pilot_test
async def test_no_item_ticked_is_refused_in_the_dialog(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        dialog = _dialog(app)
        dialog.query_one(ItemPicker).deselect_all()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "tick at least one item" in _text(app, "#items-error")
        assert book.get(1).items[0].state is State.ORDERED


@pilot_test
async def test_bad_date_stays_in_the_dialog_with_the_message(book):
    app, run = await _start(book, 2)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("f")
        await pilot.pause()
        dialog = _dialog(app)
        await pilot.press(*"2026-13-45")
        assert "not a date" in _text(app, "#date-error")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#date", Input).value == "2026-13-45"
        assert book.get(2).items[0].state is State.SHIPPED
        dialog.query_one("#date", Input).value = "2026-12-01"
        await pilot.press("enter")
        await pilot.pause()
        assert "in the future" in _text(app, "#date-error")
        dialog.query_one("#date", Input).value = "2026-11-27"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        assert book.get(2).items[0].on("refused") == date(2026, 11, 27)


@pilot_test
async def test_the_book_refusing_keeps_the_dialog_and_what_was_typed(book):
    app, run = await _start(book, 4)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "report-problem")
        dialog = _dialog(app)
        # Delivered on 11 Nov: a problem dated before that is refused by the lifecycle.
        await pilot.press(*"2026-11-08", "tab", *"crackles")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "Not recorded" in _text(app, "#dialog-error")
        assert "last event was on 2026-11-11" in _text(app, "#dialog-error")
        assert dialog.query_one("#problem", Input).value == "crackles"
        assert book.get(4).items[0].state is State.DELIVERED


@pilot_test
async def test_escape_cancels_without_recording(book):
    before = book.get(1)
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        _dialog(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        assert book.get(1) == before
        assert app.changes == []


@pytest.fixture
def desktop(monkeypatch):
    """A graphical session on this machine: a browser can open links."""
    for name in ("SSH_CONNECTION", "SSH_TTY", "TEXTUAL_DRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DISPLAY", ":0")


@pilot_test
async def test_copy_and_links(book, desktop):
    app, run = await _start(book, 4)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == "114-2203918-6641209"
        await pilot.press("C")
        assert app.clipboard == "1Z999AA10123456784"
        await pilot.press("o", "t")
        assert app.opened == [
            "https://www.amazon.com/gp/your-account/order-details?orderID=114-2203918-6641209",
            "https://www.ups.com/track?tracknum=1Z999AA10123456784",
        ]
        # The URLs are visible as text too, for terminals without links.
        assert "ups.com/track" in str(app.screen.query_one("#link-tracking").render())


@pilot_test
async def test_an_amazon_ca_order_opens_its_page_on_amazon_ca(book, desktop):
    item = new_item("Lamp", 2500)
    order = book.add(new_order("Amazon.ca", "702-1025179-8815454", TODAY, [item], currency="CAD"))
    app, run = await _start(book, order.id)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("o")
        assert app.opened == [
            "https://www.amazon.ca/gp/your-account/order-details?orderID=702-1025179-8815454"
        ]


@pilot_test
async def test_no_tracking_no_tracking_keys(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        screen = app.screen
        assert screen.check_action("copy_tracking", ()) is False
        assert screen.check_action("open_tracking", ()) is False
        await pilot.press("C", "t")
        assert app.clipboard == "" and app.opened == []
        assert "No tracking number yet" in _text(app, "#order-tracking")


@pilot_test
async def test_over_ssh_o_and_t_copy_the_link_and_say_no_browser_opens(book, monkeypatch):
    monkeypatch.delenv("TEXTUAL_DRIVER", raising=False)
    monkeypatch.setenv("SSH_CONNECTION", "10.0.0.2 50000 10.0.0.1 22")
    app, run = await _start(book, 4)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("t")
        assert app.opened == []
        assert app.clipboard == "https://www.ups.com/track?tracknum=1Z999AA10123456784"
        assert "No browser can open here" in app.notices[-1]
        await pilot.press("o")
        assert app.clipboard.endswith("orderID=114-2203918-6641209")


def test_where_a_browser_can_open():
    from unship.tui.links import browser_can_open

    assert browser_can_open({"DISPLAY": ":0"}, "linux")
    assert browser_can_open({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not browser_can_open({}, "linux")  # a console
    assert not browser_can_open({"DISPLAY": ":0", "SSH_CONNECTION": "a b c d"}, "linux")
    assert not browser_can_open({"SSH_TTY": "/dev/pts/1"}, "darwin")
    assert browser_can_open({}, "darwin")
    assert browser_can_open({"SSH_CONNECTION": "a", "TEXTUAL_DRIVER": "web"}, "linux")


@pilot_test
async def test_track_action_opens_the_link_and_unavailable_says_why(book, desktop):
    app, run = await _start(book, 2)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "track")
        assert app.opened == ["https://track.amazon.com/tracking/TBA318260419000"]
        await _choose(pilot, "cancel", available=False)
        assert isinstance(app.screen, OrderScreen)
        assert any("can't cancel" in n for n in app.notices)


@pilot_test
async def test_keyboard_moves_the_highlight(book):
    app, run = await _start(book, 2)
    async with run as pilot:
        await pilot.pause()
        panel = app.screen.query_one(ActionsPanel)
        assert app.focused is panel
        assert panel.highlighted == 0
        await pilot.press("j", "down")
        assert panel.highlighted == 2
        await pilot.press("k")
        assert panel.highlighted == 1
        await pilot.press("end")
        assert panel.highlighted == len(panel.actions) - 1
        assert not panel.current.available


@pilot_test
async def test_page_down_reaches_the_notes_at_80x24(book):
    app, run = await _start(book, 15)
    async with run as pilot:
        await pilot.pause()
        scroll = app.screen.query_one("#order-scroll")
        assert scroll.scroll_y == 0
        await pilot.press("pagedown", "pagedown", "pagedown", "pagedown")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y > 0
        notes = app.screen.query_one("#order-notes")
        assert notes.region.y < 23  # on screen, above the footer
        assert isinstance(app.focused, ActionsPanel)


@pilot_test
async def test_undo_then_refresh(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("x", "enter")
        await pilot.pause()
        assert book.get(1).items[0].state is State.CANCEL_REQUESTED
        assert book.undo() == "mark 113-4820195-7730611 cancel-requested"
        # The book announces the undo, whoever made it; the screen redraws.
        await pilot.pause()
        assert app.screen.check_action("decide", ("cancel",)) is True
        assert "[ordered]" in _text(app, "#order-header")
        panel = app.screen.query_one(ActionsPanel)
        assert panel.actions[0].action == "cancel" and panel.actions[0].available


@pilot_test
async def test_order_deleted_elsewhere_leaves_the_screen(book):
    app, run = await _start(book, 3)
    async with run as pilot:
        await pilot.pause()
        screen = app.screen
        book.delete(3)
        screen.refresh_order()
        await pilot.pause()
        assert not isinstance(app.screen, OrderScreen)
        assert any("no longer in the book" in n for n in app.notices)


@pilot_test
async def test_d_deletes_the_order_after_a_question_and_leaves(book):
    from unship.tui.screens.confirm_dialog import ConfirmDialog

    app, run = await _start(book, 3)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # kept
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen) and book.get(3)
        await pilot.press("d", "y")
        await pilot.pause()
        assert 3 not in [o.id for o in book.orders()]
        assert any(n.startswith("Deleted ") and n.endswith("(u to undo)") for n in app.notices)
        assert not isinstance(app.screen, OrderScreen)


@pilot_test
async def test_escape_goes_back(book):
    app, run = await _start(book, 1)
    async with run as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, OrderScreen)


@pilot_test
async def test_user_text_is_never_markup(book):
    order = new_order(
        "Shop [b]",
        "[@click=app.quit]N[/]",
        date(2026, 11, 20),
        [new_item("[bold]x[/]", 100), new_item("[/", 200)],
        tracking="[red]T[/]",
        carrier="UPS",
        notes="[@click=app.quit]click me[/]",
        today=TODAY,
    )
    saved = book.add(order)
    app, run = await _start(book, saved.id, size=(120, 40))
    async with run as pilot:
        await pilot.pause()
        assert "[bold]x[/]" in _text(app, "#order-items")
        assert "[/" in _text(app, "#order-items")
        assert "[@click=app.quit]click me[/]" in _text(app, "#order-notes")
        assert "[@click=app.quit]N[/]" in _text(app, "#order-header")
        assert "[red]T[/]" in _text(app, "#order-tracking")
        await pilot.click("#order-notes")
        await pilot.click("#order-header")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, OrderScreen)
        await pilot.press("x")
        await pilot.pause()
        dialog = _dialog(app)
        assert "[@click=app.quit]N[/]" in str(dialog.query_one("#dialog-title", Static).render())
        await pilot.click("#dialog-title")
        assert app.is_running


@pilot_test
async def test_wide_and_back_to_narrow(book):
    app, run = await _start(book, 15, size=(160, 40))
    async with run as pilot:
        await pilot.pause()
        assert app.screen.query("#actions-scroll")
        await pilot.press("down")
        place = app.screen.query_one(ActionsPanel).highlighted
        await pilot.resize_terminal(80, 24)
        await settle(
            pilot,
            lambda: (
                not app.screen.query("#actions-scroll") and isinstance(app.focused, ActionsPanel)
            ),
        )
        assert app.focused.highlighted == place == 1  # the new layout keeps the place
        await pilot.press("home")
        await pilot.press("x", "enter")
        await pilot.pause()
        assert book.get(15).items[1].state is State.CANCEL_REQUESTED


# -- pieces without the app -----------------------------------------------------------------
def test_event_day(book):
    """The day an event happened, as the record dialog and `mark --on` read it."""
    from unship.store.changes import FieldError, event_day

    assert event_day(book, "today") == TODAY
    assert event_day(book, " Yesterday ") == date(2026, 11, 27)
    assert event_day(book, "2026-11-01") == date(2026, 11, 1)
    assert event_day(book, "") == TODAY
    for bad, words in [
        ("2026-02-30", "not a date"),
        ("tomorrow", "not a date"),
        ("2026-11-29", "in the future"),
    ]:
        with pytest.raises(FieldError, match=words):
            event_day(book, bad)
    with pytest.raises(FieldError, match="before the order date"):
        event_day(book, "2026-10-01", date(2026, 10, 5))


def test_timeline_headline_and_bar(book):
    order = book.get(4)
    actions = book.actions(order)
    assert headline(order, actions, TODAY).plain == "Return by 11 Dec · 13 days left"
    marks = timeline_marks(order, actions, TODAY)
    assert [m.glyph for m in marks] == ["1", "2", "3", "▲", "◆"]
    bar, axis = draw_bar(marks, TODAY, 60)
    assert len(bar.plain) == 60 and len(axis.plain) == 60
    assert bar.plain.startswith("1")
    assert bar.plain.endswith("┤")
    assert "━" in bar.plain  # the time left is drawn
    assert "today 28 Nov" in axis.plain and axis.plain.endswith("11 Dec")


def test_an_estimated_delivery_is_marked_as_one_on_its_first_plausible_day(book):
    order = book.add(
        new_order("Amazon", "113-1234567-7654321", date(2026, 11, 1), [new_item("Lamp", 2000)])
    )
    book.record(order.id, "shipped", date(2026, 11, 2))
    order = book.get(order.id)
    marks = timeline_marks(order, book.actions(order), TODAY)
    [delivered] = [m for m in marks if m.label.startswith("delivered")]
    assert delivered.label == "delivered (estimated)"  # as the deadlines say it: no "~ "
    assert delivered.note == "no delivery date recorded" and delivered.day >= date(2026, 11, 2)


def test_a_long_note_in_the_timeline_goes_on_under_its_label():
    from rich.console import Console

    console = Console(width=200)
    note = "from an email of 2021-11-22; ready for pickup at Amazon Hub Locker - Main St"
    marks = [Mark(date(2021, 11, 22), "2", "delivered", "event", note)]
    wrapped = legend(marks, date(2021, 11, 23), console, 60)
    lines = wrapped.plain.split("\n")
    assert lines[0].startswith(" 2      22 Nov  delivered · from an email") and len(lines) > 1
    assert all(line.startswith(" " * 16) and line[16] != " " for line in lines[1:])
    assert all(len(line) <= 60 for line in lines)
    assert wrapped.plain.replace("\n" + " " * 16, " ").endswith(note)
    assert "\n" not in legend(marks, date(2021, 11, 23)).plain  # unwrapped without a width


def test_timeline_overdue_refund(book):
    order = book.get(10)
    actions = book.actions(order)
    assert headline(order, actions, TODAY).plain.startswith("OVERDUE: Refund expected by 15 Nov")
    bar, _ = draw_bar(timeline_marks(order, actions, TODAY), TODAY, 40)
    assert "×" in bar.plain


def test_timeline_not_returnable(book):
    order = book.get(6)  # coffee: groceries can't be returned
    text = headline(order, book.actions(order), TODAY).plain
    assert text == "No return: groceries and perishables can't be returned (Amazon)"


def test_timeline_nothing_left(book):
    order = book.get(13)  # kept
    assert headline(order, book.actions(order), TODAY).plain.startswith("Nothing left to do")


@pilot_test
async def test_recording_an_estimated_delivery_offers_the_estimate_and_doubts_a_late_day(
    tmp_path,
):
    """An export's order: shipped, no delivery recorded. The dialog offers the estimated day,
    says so, and questions a day far past what the shipping option takes (without refusing)."""
    from unship.store.model import new_item, new_order

    with OrderBook(tmp_path / "e.json", today=TODAY) as book:
        item = new_item("Vacuum bags", 3999, extra={"shipping": "second-ca"})
        order = book.add(new_order("Amazon.ca", "702-4060128-5100216", date(2026, 11, 9), [item]))
        book.record(order.id, "shipped", date(2026, 11, 10))
        app, run = await _start(book, order.id)
        async with run as pilot:
            await pilot.pause()
            await _choose(pilot, "mark-delivered")
            dialog = _dialog(app)
            assert dialog.query_one("#date", Input).value == "2026-11-11"  # ship day + 1
            assert "estimated day" in _text(app, "#date-hint")
            field = dialog.query_one("#date", Input)
            field.value = "2026-11-27"
            await pilot.pause()
            assert "17 days after it shipped" in _text(app, "#date-error")
            await pilot.press("enter")
            await pilot.pause()
            saved = book.get(order.id)
            assert saved.items[0].on("delivered") == date(2026, 11, 27)


@pilot_test
async def test_picking_up_a_parcel_that_waits_at_a_locker_ends_its_reminder(book):
    from msgspec.structs import replace
    from unship.store.lifecycle import record
    from unship.tui.screens.confirm_dialog import ConfirmDialog

    order = new_order("Amazon", "113-7777777-7777777", date(2026, 11, 20), [new_item("Lamp", 2500)])
    waiting = {"pickup_by": "2026-11-30", "pickup_at": "Amazon Hub Locker - Oak"}
    added = book.add(replace(record(order, "delivered", date(2026, 11, 27)), extra=waiting))
    app, run = await _start(book, added.id)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "pick-up")
        assert isinstance(app.screen, ConfirmDialog)
        assert app.screen.question.startswith("Pick it up by 30 Nov, 2 days left, at Amazon Hub")
        await pilot.press("n")  # not yet: nothing recorded
        await pilot.pause()
        assert "picked_up" not in book.get(added.id).extra
        await _choose(pilot, "pick-up")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        assert book.get(added.id).extra["picked_up"] == TODAY.isoformat()
        assert "Recorded: picked up (u to undo)" in app.notices
        panel = app.screen.query_one(ActionsPanel)
        assert "pick-up" not in [a.action for a in panel.actions]
        assert "return" in [a.action for a in panel.actions]


@pilot_test
async def test_the_ship_day_of_an_order_logged_as_delivered_is_recorded_from_its_screen(book):
    """Target counts its window from shipment: an order logged as delivered straight away
    counts from its order date (~) until its ship day is typed in here."""
    order = book.add(
        new_order("Target", "102000123456", date(2026, 11, 20), [new_item("Lamp", 3999)])
    )
    book.record(order.id, "delivered", date(2026, 11, 26))
    app, run = await _start(book, order.id)
    async with run as pilot:
        await pilot.pause()
        await _choose(pilot, "mark-shipped")
        dialog = _dialog(app)
        assert dialog.query_one("#date", Input).value == ""  # today is after the delivery
        await pilot.press("enter")
        await pilot.pause()
        assert _text(app, "#date-error") == "type the day it shipped"
        await pilot.press(*"2026-11-27", "enter")
        await pilot.pause()
        assert "it was delivered on 2026-11-26" in _text(app, "#dialog-error")
        dialog.query_one("#date", Input).value = "11/24"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        assert "Recorded: shipped (u to undo)" in app.notices
    got = book.get(order.id)
    assert got.items[0].dates["shipped"] == date(2026, 11, 24)
    assert got.items[0].state is State.DELIVERED
