"""The list's actions on the highlighted order or the marked ones: delete (after a question),
mark delivered or kept, and the decisions (x cancel, f refuse, r return).

One order and a decision open the order's own record dialog. Several orders are changed in
one write, which `u` undoes at once: `BulkDateDialog` asks only the day.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from unship.store import EVENT_WORDS, ModelError, Order, StoreError
from unship.tui.screens import composed
from unship.tui.screens.confirm_dialog import ConfirmDialog
from unship.tui.widgets.text_fields import TextInput

# The change functions, the record dialog and the advice engine come in when first used: the main screen mixes in
# ListActions, and its first frame needs neither.
if TYPE_CHECKING:
    from unship.store import Action
    from unship.tui.screens.record import Recorded


class BulkDateDialog(ModalScreen[date | None]):
    """'Mark 12 orders delivered on [today]': the day, or None (Escape)."""

    CSS_PATH = "../form.tcss"
    BINDINGS = [Binding("escape", "cancel", "Back")]

    def __init__(self, question: str, book, not_before: date | None = None) -> None:
        super().__init__()
        self.question = question
        self.book = book
        self.today = book.today
        self.not_before = not_before

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog", classes="bulk-dialog"):
            yield Static(Text(self.question), markup=False, id="confirm-question")
            with Horizontal(id="bulk-date-field"):
                yield Static("On", markup=False, id="bulk-date-label")
                yield TextInput(
                    value=self.today.isoformat(),
                    placeholder="today, yesterday, 11/21, 21 Nov",
                    id="bulk-date",
                    compact=True,
                )
            yield Static("", markup=False, id="bulk-error")
            with Horizontal(id="confirm-buttons"):
                yield Button("Record (enter)", id="confirm-yes", variant="primary", compact=True)
                yield Button("Back (esc)", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        if composed(self):  # else the app is quitting
            self.query_one("#bulk-date", Input).focus()

    @on(Input.Submitted, "#bulk-date")
    @on(Button.Pressed, "#confirm-yes")
    def _confirm(self, event) -> None:
        from unship.store import changes

        event.stop()
        try:
            day = changes.event_day(
                self.book, self.query_one("#bulk-date", Input).value, self.not_before
            )
        except changes.FieldError as error:
            self.query_one("#bulk-error", Static).update(Text(str(error)))
            return
        self.dismiss(day)

    @on(Button.Pressed, "#confirm-no")
    def _back(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)


def orders_text(orders: list[Order]) -> str:
    if len(orders) == 1:
        return f"{orders[0].retailer} order {orders[0].order_number}"
    return f"{len(orders)} orders"


class ListActions:
    """Mixed into the main screen: acting on `chosen_orders()` (the marked orders, or the
    highlighted one). The book announces every change; the notice says `u` undoes it."""

    def chosen_orders(self) -> list[Order]:  # pragma: no cover - the screen has its own
        raise NotImplementedError

    def clear_marks(self) -> None:  # pragma: no cover - the screen has its own
        raise NotImplementedError

    def _changed(self, words: str) -> None:
        self.clear_marks()
        self.notify(f"{words} (u to undo)", markup=False)

    def _failed(self, error: Exception) -> None:
        self.notify(str(error), title="Nothing changed", severity="error", markup=False)

    # -- delete ---------------------------------------------------------------------------
    def action_delete(self) -> None:
        orders = self.chosen_orders()
        if not orders:
            return
        what = orders_text(orders)
        question = f"Delete {what}? u undoes it right after."

        def answered(yes: bool | None) -> None:
            from unship.store import changes

            if not yes:
                return
            try:
                gone = changes.delete_orders(self.book, [o.id for o in orders])
            except (ModelError, StoreError) as error:
                self._failed(error)
                return
            self._changed(f"Deleted {orders_text(gone)}")

        self.app.open(ConfirmDialog(question, yes="Delete", no="Keep"), answered)

    # -- recording ------------------------------------------------------------------------
    def action_mark_all(self, event: str) -> None:
        """D / K: mark the chosen orders delivered or kept, on a day asked for."""
        orders = self.chosen_orders()
        if orders:
            self._ask_day(orders, event)

    def _ask_day(self, orders: list[Order], event: str, skipped: int = 0) -> None:
        book = self.book
        question = f"Mark {orders_text(orders)} {EVENT_WORDS.get(event, event)}"
        if skipped:
            question += f" ({skipped} marked order{'s' if skipped > 1 else ''}: not now)"
        earliest = max(o.ordered_on for o in orders)

        def answered(day: date | None) -> None:
            from unship.store import changes

            if day is None:
                return
            try:
                changed, refused = changes.record_many(book, [o.id for o in orders], event, day)
            except (ModelError, StoreError) as error:
                self._failed(error)
                return
            words = f"Marked {orders_text(changed)} {EVENT_WORDS.get(event, event)}"
            if refused:
                words += f"; {len(refused)} left as they were (it does not apply to them)"
            self._changed(words)

        self.app.open(BulkDateDialog(question, book, earliest), answered)

    def action_decide(self, name: str) -> None:
        """x / f / r on the list: the decision for the chosen order(s), when it applies."""
        orders = self.chosen_orders()
        book = self.book
        found: list[tuple[Order, Action]] = []
        for order in orders:
            action = next(
                (a for a in book.actions(order) if a.action == name and a.available and a.event),
                None,
            )
            if action is not None:
                found.append((order, action))
        if not found:
            self.notify(f"No {name} applies to {orders_text(orders)} now.", markup=False)
            return
        if len(orders) == 1:
            from unship.tui.screens.record import RecordDialog

            order, action = found[0]
            self.app.open(RecordDialog(self.book, order, action), self._recorded)
            return
        events = {action.event for _, action in found}
        event = next(iter(events)) if len(events) == 1 else None
        if event is None:  # pragma: no cover - one decision records one event
            return
        self._ask_day([o for o, _ in found], event, skipped=len(orders) - len(found))

    def _recorded(self, result: Recorded | None) -> None:
        if result is not None:
            order = result.order
            self._changed(f"Recorded: {result.words}: {order.retailer} {order.order_number}")
