"""The unship app: `run()` opens the order book and the full-screen app over it."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme
from unship.store import (
    BookChange,
    ModelError,
    NothingToRedoError,
    NothingToUndoError,
    OrderBook,
    StoreError,
    settings,
)
from unship.tui.commands import UnshipCommands
from unship.tui.messages import tell_screens
from unship.tui.screens.help import HelpScreen
from unship.tui.screens.main import MainScreen
from unship.tui.themes import OUR_THEMES

ORDER_MODULE = "unship.tui.screens.order"
EXIT_ERROR = 2  # as the command line: the file cannot be opened, nothing was changed


class UnshipApp(App[int]):
    """The order book in a terminal. The book is injected: tests pass one on a temp file."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "unship"
    COMMANDS = App.COMMANDS | {UnshipCommands}
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("question_mark", "help", "help"),
        # A dialog takes no key of the app's, and its fields take "?" as text: F1 opens the
        # help of whatever screen is on top.
        Binding("f1", "help", "help", show=False, priority=True),
        Binding("u", "undo", "undo"),
        Binding("ctrl+z", "undo", "undo", show=False),
        Binding("ctrl+y", "redo", "redo", show=False, tooltip="make the undone change again"),
        # In a terminal ctrl+c means stop: quit (a text field with a selection still copies it).
        Binding("ctrl+c", "quit", "quit", show=False),
        # Priority: the focus moves before the next key is delivered, so keys typed ahead
        # (fast typing, a paste, keys arriving together over SSH) land in the next field.
        Binding("tab", "app.focus_next", "next field", show=False, priority=True, system=True),
        Binding(
            "shift+tab",
            "app.focus_previous",
            "previous field",
            show=False,
            priority=True,
            system=True,
        ),
    ]

    def __init__(
        self,
        book: OrderBook,
        *,
        demo: bool = False,
        theme: str | None = None,
        remember_theme: bool = False,
    ) -> None:
        """`theme` is the one to open with (None: the default); with `remember_theme`, the
        person's last choice is read from settings.json when `theme` is None, and every
        change of theme (--theme, or ctrl+p "Theme") is saved there."""
        super().__init__()
        self.book = book
        self.demo = demo
        self.main_screen = MainScreen(book)
        self.quitting = False  # exit() was called
        self._disk_error = ""
        self._remember_theme = remember_theme
        self._settings_error = ""  # settings.json could not be read: said once mounted
        for extra in OUR_THEMES:
            self.register_theme(extra)
        self._start_theme = theme or (self._saved_theme() if remember_theme else None)

    def _saved_theme(self) -> str | None:
        try:
            name = settings.get_theme()
        except settings.SettingsError as error:
            self._settings_error = str(error)
            return None
        return name if name in self.available_themes else None

    def on_mount(self) -> None:
        if self.demo:
            self.sub_title = "demo: a throwaway copy"
        if self._start_theme:
            self.theme = self._start_theme
            if self._remember_theme:
                self._save_theme(self.current_theme)
        if self._remember_theme:
            self.theme_changed_signal.subscribe(self, self._save_theme)
        if self._settings_error:
            self.notify(self._settings_error, title="Settings", severity="warning", markup=False)
        self.book.subscribe(self._book_changed)
        self.set_interval(1.0, self._check_disk)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.InputEvent):  # keys and clicks find the screen complete
            await self.main_screen.settle()
        await super().on_event(event)

    def exit(self, *args, **kwargs) -> None:
        self.quitting = True
        super().exit(*args, **kwargs)

    def open(self, screen: Screen, callback=None) -> None:
        """Push a screen, unless the app is quitting: keys read with the `q` (typed ahead,
        pasted, arriving together over SSH) open nothing. (Textual mounts no children once
        exit() was called, so a screen pushed then would find none of its widgets.)"""
        if not self.quitting:
            self.push_screen(screen, callback)

    def get_default_screen(self) -> Screen:
        """The order list is the base screen (a blank default screen under it, then the list
        pushed on top, cost about 20 ms before the first frame)."""
        return self.main_screen

    def _save_theme(self, theme: Theme) -> None:
        try:
            settings.remember_theme(theme.name)
        except settings.SettingsError as error:
            self.notify(str(error), title="Settings", severity="warning", markup=False)

    # -- keeping the views current ------------------------------------------------------
    def _book_changed(self, change: BookChange) -> None:
        """The book saved a change: every screen on the stack hears of it and redraws what it
        shows."""
        self._disk_error = ""
        tell_screens(self, change)

    def _check_disk(self) -> None:
        """The poll: another unship process (another terminal, the CLI) saved the file. The
        book reads it again and announces it like any change."""
        try:
            changed = self.book.notice_other_writers()
        except StoreError as error:
            changed = False
            self._report_disk_error(str(error))
        if changed:
            path = self.book.storage.path
            if not path.exists() and self.book.orders():
                self.notify(
                    f"{path} was deleted or moved. The orders shown are still here, and the "
                    "next change you make saves them all to it again.",
                    title="Order file",
                    severity="warning",
                    timeout=30,
                    markup=False,
                )

    def _report_disk_error(self, message: str) -> None:
        if message != self._disk_error:  # once, not every second
            self._disk_error = message
            self.notify(message, title="Order file", severity="error", markup=False)

    # -- actions --------------------------------------------------------------------
    def open_order(self, order_id: int) -> None:
        try:
            from unship.tui.screens.order import OrderScreen
        except ModuleNotFoundError as error:
            if error.name != ORDER_MODULE:
                raise
            self.notify("order view not available", severity="warning")
            return
        self.open(OrderScreen(self.book, order_id))

    def toggle_membership(self, key: str) -> None:
        """A membership or payment card the person has, or no longer has: saved in
        settings.json (as `unship config membership` does) and every deadline worked out
        again with it."""
        have = set(self.book.policies.memberships)
        have.symmetric_difference_update({key})
        try:
            settings.set_memberships(have)
        except settings.SettingsError as error:
            self.notify(str(error), title="Settings", severity="error", markup=False)
            return
        self.book.policies = self.book.policies.with_memberships(have)
        policy, membership = self.book.policies.known_memberships()[key]
        said = "now counted" if key in have else "no longer counted"
        self.notify(f"{membership.name} ({policy.name}): {said}", markup=False)
        self.main_screen.reload(force=True, anew=True)

    def action_undo(self) -> None:
        from unship.store import changes  # the change functions load with the first change

        try:
            what = changes.undo(self.book)
        except NothingToUndoError:
            self.notify("Nothing to undo")
            return
        except StoreError as error:
            self.notify(str(error), title="Could not undo", severity="error", markup=False)
            return
        self.notify(f"Undone: {what}. ctrl+y redoes it.{self._next_undo()}", markup=False)

    def action_redo(self) -> None:
        from unship.store import changes  # the change functions load with the first change

        try:
            what = changes.redo(self.book)
        except NothingToRedoError:
            self.notify("Nothing to redo")
            return
        except StoreError as error:
            self.notify(str(error), title="Could not redo", severity="error", markup=False)
            return
        self.notify(f"Redone: {what}.{self._next_undo()}", markup=False)

    def _next_undo(self) -> str:
        """' u undoes: mark 1 shipped' (what the next u takes back), or ''."""
        try:
            entries = self.book.undo_entries()
        except StoreError:
            return ""
        return f" u undoes: {entries[0].description}" if entries else ""

    def _order_saved(self, order) -> None:
        """After the form or quick add: show the order it saved (or the existing one)."""
        if order is not None:
            self.main_screen.select(order.id)

    def action_add_order(self) -> None:
        from unship.tui.screens.order_form import OrderForm

        self.open(OrderForm(self.book), self._order_saved)

    def action_quick_add(self) -> None:
        from unship.tui.screens.quick_add import QuickAdd

        self.open(QuickAdd(self.book), self._order_saved)

    def edit_order(self, order_id: int) -> None:
        from unship.tui.screens.order_form import OrderForm

        try:
            order = self.book.get(order_id)
        except StoreError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        self.open(OrderForm(self.book, order), self._order_saved)

    def action_import_file(self) -> None:
        from unship.tui.screens.import_file import ImportScreen

        def done(description: str | None) -> None:
            if description:
                self.notify(f"Imported: {description} (u to undo)", markup=False)

        self.open(ImportScreen(self.book), done)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):  # F1 again closes it, as ? does
            self.screen.dismiss()
            return
        self.open(HelpScreen.for_screen(self, self.screen))


def run(
    db: Path | None = None,
    today: date | None = None,
    demo: bool = False,
    theme: str | None = None,
) -> int:
    """Open the book at `db` (default: the person's data file) and run the app; the exit code."""
    try:
        book = OrderBook(db, today=today, keep_facts=False)  # the rows keep their own
    except (StoreError, ModelError, OSError) as error:
        print(f"unship: {error}", file=sys.stderr)
        return EXIT_ERROR
    except (KeyError, ValueError, TypeError) as error:
        path = db if db is not None else "the order file"
        print(f"unship: {path} holds a record unship cannot read ({error!r})", file=sys.stderr)
        return EXIT_ERROR
    forget_stale_size(os.environ)
    with book:
        app = UnshipApp(book, demo=demo, theme=theme, remember_theme=True)
        with _ending_signals(app):
            code = app.run()
    return int(code or 0)


def forget_stale_size(environ) -> None:
    """Drop COLUMNS and LINES when the app draws on a terminal.

    Textual sizes the screen with shutil.get_terminal_size(), which believes COLUMNS and LINES
    when they are set: a stale pair (exported by a shell or a parent program) froze the layout
    at that size and every resize was ignored. The terminal knows its size. A driver other than
    the terminal's (textual-serve's web driver, named in TEXTUAL_DRIVER) has no terminal to ask:
    it is given the browser's size in COLUMNS and ROWS, so they stay.
    """
    if environ.get("TEXTUAL_DRIVER"):
        return
    for name in ("COLUMNS", "LINES"):
        environ.pop(name, None)


SHUTDOWN_GRACE = 5.0  # seconds a signalled app has to finish before it is ended outright


@contextlib.contextmanager
def _ending_signals(app: UnshipApp) -> Iterator[None]:
    """SIGHUP (the SSH connection or the terminal going) and SIGTERM (`kill`, a shutdown) end
    the app cleanly: the terminal is left tidy where it is still there. Every change is on disk
    when it is confirmed and the file lock is held only during a save, so nothing is lost.

    A terminal that closes sends SIGHUP and then SIGCONT, and Textual's SIGCONT handler started
    the terminal mode again half way through the exit: the app hung for ever. So the handler
    switches suspend and resume off at once, and a watchdog ends a shutdown that still hangs.
    """

    def handler(signum: int, frame) -> None:
        for resume in (signal.SIGCONT, signal.SIGTSTP):
            signal.signal(resume, signal.SIG_DFL)
        watchdog = threading.Timer(SHUTDOWN_GRACE, os._exit, args=(128 + signum,))
        watchdog.daemon = True
        watchdog.start()
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # before or after the app's loop: just stop
            raise SystemExit(128 + signum) from None
        loop.call_soon_threadsafe(app.exit, 128 + signum)

    signums = (signal.SIGHUP, signal.SIGTERM)
    previous = {signum: signal.signal(signum, handler) for signum in signums}
    try:
        yield
    finally:
        for signum, before in previous.items():
            signal.signal(signum, before)
