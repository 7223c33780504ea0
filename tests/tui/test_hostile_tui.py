"""Hostile input through the app's doors: the order form and quick add, driven by the pilot.

Each hostile text is pasted into every field (as a paste: typed keys can't carry controls);
the form saves a valid order or names the field that stops it; `[@click=app.quit]` is text,
never an action; and what the screen would send to the terminal (the compositor's strips)
holds no control character from data.
"""

from __future__ import annotations

import os
from datetime import date

import pytest
from hostile_inputs import TEXT, unsafe, values
from import_support import AMAZON_HEADER, amazon_row, assert_valid, csv_text
from tally import count
from textual import events
from textual.app import App
from textual.widgets import Input, Static, TextArea
from tui_support import sync
from unship.tui.screens.import_file import ImportScreen
from unship.tui.screens.order_form import OrderForm
from unship.tui.screens.quick_add import QuickAdd

TODAY = date(2026, 11, 28)
CHUNKS = [values(TEXT)[n : n + 8] for n in range(0, len(TEXT), 8)]


class HostApp(App):
    """Stands in for the unship app: has a `book`; the test pushes the screens."""

    def __init__(self, book):
        super().__init__()
        self.book = book
        self.results: list = []
        self.quit_called = False

    def action_quit(self) -> None:  # `[@click=app.quit]` must never get here
        self.quit_called = True


def screen_text(app) -> str:
    """The text of every cell the screen would draw (what goes to the terminal)."""
    update = app.screen._compositor.render_full_update()
    return "\n".join("".join(seg.text for strip in line for seg in strip) for line in update.strips)


def paste(widget, text: str) -> None:
    """What the terminal sends for a bracketed paste, delivered to `widget`."""
    widget.post_message(events.Paste(text))


def assert_screen_clean(app, text: str) -> None:
    shown = screen_text(app)
    assert not unsafe(shown), (text[:40], unsafe(shown)[:5])
    assert not app.quit_called


@pytest.mark.parametrize("texts", CHUNKS, ids=[f"chunk{n}" for n in range(len(CHUNKS))])
@sync
async def test_every_form_field_takes_hostile_text(book, texts):
    app = HostApp(book)
    async with app.run_test(size=(100, 40)) as pilot:
        for n, text in enumerate(texts):
            count("inputs: form")
            form = OrderForm(book)
            await app.push_screen(form, app.results.append)
            await pilot.pause()
            for key in ("retailer", "order_number", "carrier", "tracking"):
                paste(form.query_one(f"#{key}", Input), f"{key[0]}{n} {text}")
            row = form.item_rows.rows[0]
            paste(row.input("title"), text)
            paste(row.input("price"), "12.99")
            paste(row.input("category"), text)
            paste(form.query_one("#notes", TextArea), text)
            await pilot.pause()
            for widget in form.query(Input):
                assert not unsafe(widget.value), (widget.id, widget.value[:40])
            assert_screen_clean(app, text)
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert_screen_clean(app, text)
            if app.screen is form:  # refused: it names the field, and nothing was stored
                assert "title" in screen_text(app).lower(), text[:40]
                form.dismiss(None)
                await pilot.pause()
        assert not app.quit_called
    for order in book.orders():
        assert_valid(order, TODAY)
    titles = [o.items[0].title for o in book.orders()]
    if "x" * 10_000 in texts:  # a paste longer than the field is cut to fit, not refused
        assert "x" * 300 in titles
    if "[@click=app.quit]x[/]" in texts:
        assert "[@click=app.quit]x[/]" in titles  # kept as text, shown as text


@pytest.mark.parametrize("texts", CHUNKS, ids=[f"chunk{n}" for n in range(len(CHUNKS))])
@sync
async def test_quick_add_takes_hostile_text(book, texts):
    app = HostApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        for n, text in enumerate(texts):
            for line in (f'shop q{n} "{text}" 12 yesterday', text):
                count("inputs: quick add")
                quick = QuickAdd(book)
                await app.push_screen(quick, app.results.append)
                await pilot.pause()
                paste(quick.query_one("#quick-line", Input), line)
                await pilot.pause()
                assert not unsafe(quick.query_one("#quick-line", Input).value)
                assert_screen_clean(app, line)
                await pilot.press("enter")
                await pilot.pause()
                assert_screen_clean(app, line)
                if app.screen is quick:
                    quick.dismiss(None)
                    await pilot.pause()
        assert not app.quit_called
    for order in book.orders():
        assert_valid(order, TODAY)


@sync
async def test_a_click_on_markup_in_a_stored_title_runs_nothing(book):
    """The quit markup saved as a title, then shown in quick add's preview and clicked."""
    app = HostApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        quick = QuickAdd(book)
        await app.push_screen(quick)
        paste(quick.query_one("#quick-line", Input), 'a 1 "[@click=app.quit]x[/]" 1')
        await pilot.pause()
        assert "[@click=app.quit]x[/]" in screen_text(app)
        lines = screen_text(app).splitlines()
        spots = [(y, line.index("[@click")) for y, line in enumerate(lines) if "[@click" in line]
        assert spots
        for y, x in spots:
            for dx in range(0, 21, 2):  # every cell of the markup as shown
                await pilot.click(offset=(x + dx, y))
        assert not app.quit_called


@sync
async def test_the_import_screen_with_hostile_files(book, tmp_path):
    """A FIFO answers at once (it hung the worker), a 60,000-column file names 20 columns, and
    an escape sequence in a file name or a cell never reaches the screen."""
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join([*AMAZON_HEADER, *(f"c{n}" for n in range(60_000))]) + "\n")
    named = tmp_path / "\x1b]0;pwned\x07orders.csv"
    named.write_text(csv_text(AMAZON_HEADER, [amazon_row(1, **{"Order ID": "\x1b[2J113-1"})]))
    cases = [(fifo, "not a regular file"), (wide, "… and 59980 more"), (named, "orders.csv")]
    app = HostApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        for path, expected in cases:
            count("inputs: import screen")
            screen = ImportScreen(book)
            await app.push_screen(screen)
            paste(screen.query_one("#import-path", Input), str(path))
            await pilot.pause()
            await pilot.press("enter")
            report = screen.query_one("#import-report", Static)
            for _ in range(100):
                await pilot.pause(0.05)
                if expected in str(report.render()):
                    break
            assert expected in str(report.render()), str(report.render())
            assert_screen_clean(app, str(path))
            screen.dismiss(None)
            await pilot.pause()
