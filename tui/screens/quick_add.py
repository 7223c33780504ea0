"""Quick add: one line in, an order out, after a look at how it will be stored.

    QuickAdd(book)   ModalScreen[Order | None]

The line (`amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday`) is read as it is typed
(`parse_quick`) and shown as the order it would store. Enter saves; ctrl+f opens the full form
pre-filled with it (what that form dismisses with comes back from here: see order_form);
ctrl+o opens an order already in the book with the same number (`opened_existing` is then
True); Escape cancels. It dismisses with the saved (or existing) Order, or None.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static
from unship.store import (
    Checked,
    DuplicateOrderError,
    ModelError,
    Order,
    OrderFields,
    StoreError,
    changes,
    default_currency,
    fields_from_quick,
    quick_problems,
    summary_line,
)
from unship.tui.screens import HELP_KEY, composed
from unship.tui.screens.order_form import FIELD_NAMES, OrderForm
from unship.tui.widgets.message_line import MessageLine
from unship.tui.widgets.text_fields import TextInput

EXAMPLE = 'amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday'


class QuickAdd(ModalScreen[Order | None]):
    CSS_PATH = "../form.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+f", "full_form", "Full form", priority=True),
        Binding("ctrl+o", "open_existing", "Open existing", priority=True),
        HELP_KEY,
    ]

    def __init__(self, book, line: str = "") -> None:
        super().__init__()
        self.book = book
        self.line = line
        self.opened_existing = False
        self._currency = default_currency(book.known_orders())
        self._fields: OrderFields | None = None
        self._checked: Checked | None = None
        self._problem = ""
        self._had_duplicate = False

    def compose(self) -> ComposeResult:
        with Vertical(id="quick-dialog") as dialog:
            dialog.border_title = "Quick add"
            yield Static(
                'RETAILER ORDER-NUMBER "TITLE" PRICE DATE [TRACKING]',
                id="quick-help",
                markup=False,
            )
            yield TextInput(
                self.line, placeholder=EXAMPLE, id="quick-line", compact=True, max_length=500
            )
            yield MessageLine(id="quick-result", hide_empty=False)
            yield MessageLine(id="quick-warnings")
            yield Static(
                "Enter saves · ctrl+f edits it in the full form · Esc cancels",
                id="quick-keys",
                markup=False,
            )
        yield Footer()

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self._read()
        self.query_one("#quick-line", Input).focus()

    # -- reading the line -------------------------------------------------------------------
    def _read(self) -> None:
        line = self.query_one("#quick-line", Input).value
        self._fields, self._checked, self._problem = None, None, ""
        result = self.query_one("#quick-result", MessageLine)
        warnings = self.query_one("#quick-warnings", MessageLine)
        if not line.strip():
            result.show("Type the line; it is read as you type.")
            warnings.show("")
            self._bindings_may_change()
            return
        try:
            quick = changes.read_quick(self.book, line)
        except ModelError as error:
            self._problem = str(error)
        else:
            self._fields = fields_from_quick(quick, self._currency, self.book.policies)
            self._checked = changes.check(self.book, self._fields)
            if problems := quick_problems(quick, self.book.today, self.book.day_first):
                self._problem = "; ".join(problems)
            elif not self._checked.ok:
                self._problem = self._problems(self._checked)
        if self._problem:
            result.show(f"✗ {self._problem}", "error")
        else:
            assert self._checked is not None and self._checked.order is not None
            order = self._checked.order
            result.show("✓ " + summary_line(order, self.book.today))
        notes = list(self._checked.warnings.values()) if self._checked else []
        if self._checked is not None and self._checked.tracking_link:
            notes.append(self._checked.tracking_link)
        warnings.show("\n".join(f"! {n}" if "://" not in n else n for n in notes), "warning")
        self._bindings_may_change()

    def _bindings_may_change(self) -> None:
        duplicate = self._checked is not None and self._checked.duplicate is not None
        if duplicate != self._had_duplicate:  # ctrl+o comes and goes in the footer
            self._had_duplicate = duplicate
            self.refresh_bindings()

    def _problems(self, checked: Checked) -> str:
        out = []
        for key, message in checked.errors.items():
            if key.startswith("item-"):
                _, position, part = key.split("-")
                out.append(f"{FIELD_NAMES[part]} of item {int(position) + 1}: {message}")
            elif key == "order_number" and checked.duplicate is not None:
                out.append(f"{message}: ctrl+o opens it")
            else:
                out.append(message)
        return "; ".join(out)

    @on(Input.Changed, "#quick-line")
    def _changed(self) -> None:
        self._read()

    @on(Input.Submitted, "#quick-line")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_existing":
            return self._checked is not None and self._checked.duplicate is not None
        return True

    def action_save(self) -> None:
        self._read()
        checked = self._checked
        if checked is None or not checked.ok or checked.order is None:
            self.notify(
                "Not saved: fix the line, or ctrl+f to finish it in the full form.",
                severity="warning",
            )
            return
        try:
            saved = changes.add_order(self.book, self._fields)
        except (DuplicateOrderError, changes.FieldError):
            self._read()
            return
        except (ModelError, StoreError) as error:
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.dismiss(saved)

    def action_full_form(self) -> None:
        def done(order: Order | None) -> None:
            if order is not None:
                self.opened_existing = form.opened_existing
                self.dismiss(order)

        form = OrderForm(self.book, fields=self._fields or OrderFields(currency=self._currency))
        self.app.push_screen(form, done)

    def action_open_existing(self) -> None:
        if self._checked is None or self._checked.duplicate is None:
            return
        self.opened_existing = True
        self.dismiss(self._checked.duplicate)

    def action_cancel(self) -> None:
        self.dismiss(None)


__all__ = ["QuickAdd"]
