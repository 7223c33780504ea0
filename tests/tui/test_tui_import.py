"""The import screen: a path, a preview of what would change, then confirm."""

from __future__ import annotations

from datetime import date

import pytest
from io_support import DATA, EMAIL
from textual.app import App
from textual.binding import Binding
from textual.widgets import Button, Checkbox, Static
from tui_support import screen_text, sync
from unship.store import demo
from unship.store.exporters import export
from unship.store.repository import OrderBook
from unship.tui.screens.import_file import ImportScreen

TODAY = date(2026, 11, 28)


class ImportApp(App):
    def __init__(self, book):
        super().__init__()
        self.book = book
        self.result = "not dismissed"

    def on_mount(self) -> None:
        self.push_screen(ImportScreen(self.book), self._done)

    def _done(self, result) -> None:
        self.result = result


def ctrl_s_in_help(app) -> list[str]:
    from unship.tui.screens.help import HelpScreen

    (_title, rows), _everywhere = HelpScreen.for_screen(app, app.screen).sections
    return [what for keys, what in rows if keys == app.get_key_display(Binding("ctrl+s", ""))]


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        yield b


def mail(path, sender: str, subject: str, body: str):
    """An .eml file of one message, sent on 23 Nov 2026."""
    from email.message import EmailMessage

    message = EmailMessage()
    message["From"], message["Subject"] = sender, subject
    message["Date"] = "Mon, 23 Nov 2026 10:00:00 +0000"
    message.set_content(body)
    path.write_bytes(bytes(message))
    return path


def report(app) -> str:
    return str(app.screen.query_one("#import-report", Static).render())


async def wait_for(pilot, condition, tries=100):
    for _ in range(tries):
        await pilot.pause(0.05)
        if condition():
            return
    raise AssertionError("timed out")


@sync
async def test_preview_then_import_a_clean_file(book, tmp_path):
    source = tmp_path / "src.json"
    with OrderBook(source, today=TODAY) as other:
        demo.fill(other, TODAY)
        (tmp_path / "export.json").write_text(export(other, "json"))
    app = ImportApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*str(tmp_path / "export.json"), "enter")
        await wait_for(pilot, lambda: "17 new" in report(app))
        confirm = app.screen.query_one("#import-confirm", Button)
        assert not confirm.disabled and str(confirm.label) == "Import 17 orders"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    assert app.result.startswith("import export.json: 17 new")
    assert len(book.orders()) == 17


@sync
async def test_rejected_rows_need_the_partial_box(book):
    app = ImportApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*str(DATA / "amazon-orders-mixed.csv"), "enter")
        await wait_for(pilot, lambda: "rejected" in report(app) and "Rejected:" in report(app))
        text = report(app)
        assert "line " in text
        confirm = app.screen.query_one("#import-confirm", Button)
        assert confirm.disabled
        partial = app.screen.query_one("#import-partial", Checkbox)
        assert partial.display
        partial.value = True
        await pilot.pause()
        assert not confirm.disabled
        await pilot.click("#import-confirm")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    assert app.result and book.orders()


@sync
async def test_rows_all_rejected_say_so_and_offer_no_partial_import(book, tmp_path):
    from io_support import blanked_ids

    app = ImportApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.press(*str(blanked_ids(tmp_path)), "enter")
        await wait_for(pilot, lambda: "Rejected:" in report(app))
        assert "Nothing to import: every row was rejected." in report(app)
        assert "already in the book" not in report(app)
        assert not app.screen.query_one("#import-partial", Checkbox).display
        assert app.screen.query_one("#import-confirm", Button).disabled


@sync
async def test_unreadable_path_is_said_and_nothing_written(book, tmp_path):
    app = ImportApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*str(tmp_path / "missing.csv"), "enter")
        await wait_for(pilot, lambda: "Can't import" in report(app))
        await pilot.press(*"", "escape")
        await wait_for(pilot, lambda: app.result != "not dismissed")
        assert app.is_running
    assert app.result is None and book.orders() == []


@sync
async def test_folder_and_binary_file(book, tmp_path):
    (tmp_path / "bin.csv").write_bytes(bytes(range(256)) * 10)
    app = ImportApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*str(tmp_path), "enter")
        await wait_for(pilot, lambda: "Can't import" in report(app))
        inp = app.screen.query_one("#import-path")
        inp.value = str(tmp_path / "bin.csv")
        await pilot.press("enter")
        await wait_for(pilot, lambda: "Can't import" in report(app) and "bin.csv" in report(app))
    assert book.orders() == []


@sync
async def test_the_app_opens_it_with_i_and_shows_the_imported_orders(book, tmp_path):
    from unship.tui.app import UnshipApp
    from unship.tui.widgets.order_list import OrderList

    source = tmp_path / "src.json"
    with OrderBook(source, today=TODAY) as other:
        demo.fill(other, TODAY)
        (tmp_path / "export.json").write_text(export(other, "json"))
    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        assert isinstance(app.screen, ImportScreen)
        await pilot.press(*str(tmp_path / "export.json"), "enter")
        await wait_for(pilot, lambda: "17 new" in report(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, ImportScreen))
        await pilot.pause()
        assert len(app.screen.query_one(OrderList).rows) == 17
        await pilot.press("u")
        await pilot.pause()
        assert book.orders() == []


@pytest.mark.skipif(not EMAIL.is_dir(), reason=f"the sample emails are not at {EMAIL}")
@sync
async def test_a_maildir_moves_a_logged_order_on(book, tmp_path):
    from unship.store.model import new_item, new_order

    order = book.add(
        new_order("Amazon", "123-1234567-1234567", date(2020, 9, 8), [new_item("x", 100)])
    )
    box = tmp_path / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    for n, name in enumerate(["amazon_shipped.eml", "amazon_delivered.eml"]):
        (box / "cur" / f"{n}.M{n}.host:2,S").write_bytes((EMAIL / name).read_bytes())
    app = ImportApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*str(box), "enter")
        await wait_for(pilot, lambda: "delivered: 1 read, 1 used" in report(app))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    assert app.result.startswith("import mail Maildir: 0 new, 1 updated")
    assert book.get(order.id).items[0].state.value == "delivered"


@sync
async def test_the_footer_shows_the_import_keys_and_the_path_completes(book, tmp_path):
    (tmp_path / "Retail.OrderHistory.1.csv").write_text("x")
    app = ImportApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        footer_keys = {b.binding.action for b in app.screen.active_bindings.values()}
        assert {"confirm", "cancel"} <= footer_keys
        assert app.screen.query("Footer")  # its own footer, over the list's
        assert ctrl_s_in_help(app) == ["Import"]
        await pilot.press(*f"{tmp_path}/Ret")
        await wait_for(pilot, lambda: app.screen.query_one("#import-path")._suggestion != "")
        await pilot.press("right")  # takes the suggestion
        path = app.screen.query_one("#import-path")
        assert path.value == f"{tmp_path}/Retail.OrderHistory.1.csv"
        await pilot.press("tab", "shift+tab")  # back into the path: what was typed stays whole
        assert app.screen.focused is path and path.selection.is_empty


@sync
async def test_the_orders_confirmed_in_mail_are_logged_when_ticked(book, tmp_path):
    """As `unship import --add`: the preview offers to log the orders whose confirmation is
    in the mail; ticked, it reads the mail again and the import logs them, on the site the
    mail came from."""
    path = mail(
        tmp_path / "order.eml",
        '"Amazon.co.uk" <auto-confirm@amazon.co.uk>',
        "Your Amazon.co.uk order #204-5555555-5555555",
        "Order #204-5555555-5555555\n\n1 x Kettle\n£29.99\n",
    )
    app = ImportApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*str(path), "enter")
        await wait_for(pilot, lambda: "mail" in report(app))
        await pilot.pause()
        tick = app.screen.query_one("#import-add", Checkbox)
        assert tick.display and str(tick.label) == "Log the 1 order confirmed in this mail"
        # at 80x24 the preview gives way (it scrolls): the tick and the buttons are on screen,
        # once the layout has the tick (the preview is fitted after the refresh that shows it)
        dialog = app.screen.query_one("#import-dialog")
        shown = (tick, app.screen.query_one("#import-confirm", Button))
        await wait_for(pilot, lambda: all(dialog.region.contains_region(w.region) for w in shown))
        keep = app.screen.query_one("#import-confirm", Button)  # unticked: keep the fact only
        assert not keep.disabled and str(keep.label) == "Keep for later"
        tick.value = True
        await wait_for(pilot, lambda: "1 used" in report(app))
        confirm = app.screen.query_one("#import-confirm", Button)
        assert not confirm.disabled and str(confirm.label) == "Import 1 order"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
    (order,) = book.orders()
    assert (order.retailer, order.currency, order.items[0].price) == ("Amazon.co.uk", "GBP", 2999)


# Mail that changes no order, as `unship import` writes it: what it says of orders not logged
# yet is kept (it counts once they are), and the messages read are remembered (a big mailbox
# read again skips them): (sender, subject, body, the preview's line, the button, the note,
# what the preview says when the same mail is read again)
KEEPS = {
    "orders not in the book": (
        '"Amazon.com" <shipment-tracking@amazon.com>',
        "Your Amazon.com order #113-5555555-5555555 has shipped",
        "Your package is on the way.\n\nOrder #113-5555555-5555555\n",
        "1 order not in the book: Keep for later keeps what the mail says of it; it counts when "
        "an import brings it in (logged by hand: import this mail again).",
        "Keep for later",
        "What it says of 1 order not in the book is kept: it counts when an import brings it in "
        "(logged by hand: import this mail again)",
        "shipped 2026-11-23",  # read again (not remembered): it counts once the order is logged
    ),
    "no order mail": (
        '"A shop" <news@shop.example>',
        "Winter sale",
        "Hi\n",
        "Nothing to change in the book. Mark as read keeps this message as read: importing "
        "this mail again skips it.",
        "Mark as read",
        "1 message kept as read: importing this mail again skips it",
        "1 read before",
    ),
}


@pytest.mark.parametrize("case", KEEPS.values(), ids=list(KEEPS))
@sync
async def test_mail_that_changes_no_order_is_kept_and_not_offered_again(book, tmp_path, case):
    sender, subject, body, line, label, note, again_says = case
    path = mail(tmp_path / "one.eml", sender, subject, body)
    app = ImportApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*str(path), "enter")
        await wait_for(pilot, lambda: "mail" in report(app))
        assert line in report(app)
        button = app.screen.query_one("#import-confirm", Button)
        assert not button.disabled and str(button.label) == label
        shown = [b.binding.description for b in app.screen.active_bindings.values() if b.enabled]
        assert label in shown and "Import" not in shown  # the footer says as the button does
        assert ctrl_s_in_help(app) == [label]  # and so does help, once
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.result != "not dismissed")
        assert app.result is None  # no order changed: nothing to undo
        assert [n.message for n in app._notifications] == [note]
    assert book.orders() == [] and book.records("mail_read")
    again = ImportApp(book)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.press(*str(path), "enter")
        await wait_for(pilot, lambda: "mail" in report(again))
        assert again_says in report(again) and label not in report(again)
        assert again.screen.query_one("#import-confirm", Button).disabled


@sync
async def test_f1_opens_the_help_of_the_dialog_even_in_a_field(book):
    from unship.tui.app import UnshipApp
    from unship.tui.screens.help import HelpScreen

    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("i")
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen) and app.focused.id == "import-path"
        # the dialog's footer says so (it shows the dialog's own keys alone)
        assert "f1" in app.screen.active_bindings
        await wait_for(pilot, lambda: "f1 help" in screen_text(app))
        await pilot.press("question_mark")  # typed into the path
        assert app.screen.query_one("#import-path").value == "?"
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        (_title, rows), (_everywhere, every) = app.screen.sections
        assert "Back" in [description for _keys, description in rows]  # the dialog's keys
        assert any(d == "help" and "f1" in k for k, d in every)
        assert not any("f1" in k for k, _d in rows)  # listed once, as the app's
        # over a dialog the app's own keys (q, u, ?) do nothing: not listed there
        assert "undo" not in [d for _k, d in every] and not any(k == "q" for k, _d in every)
        await pilot.press("f1")  # again: closed
        await pilot.pause()
        assert isinstance(app.screen, ImportScreen)
