"""The dialog that records an action: it asks only what that action needs.

Every action asks for the day it happened (today by default). Depending on the event it
also asks which items (an order with several), a return reason and note, the return's
tracking number, the amount refunded, or what went wrong. The dialog records through
`changes.record_event`; when the book refuses, the message shows here and nothing typed is lost.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import msgspec
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, SelectionList, Static
from textual.widgets.selection_list import Selection
from unship.store import (
    EVENT_WORDS,
    NOTE_MAX,
    Action,
    Event,
    ModelError,
    Order,
    StoreError,
    can_record,
    changes,
    check_price,
    clean_line,
    clean_text,
    day_text,
    estimates,
    format_money,
    ship_day_missing,
    to_decimal,
)
from unship.tui.screens import composed
from unship.tui.widgets.text_fields import TextInput
from unship.tui.widgets.ticks import TickList

if TYPE_CHECKING:
    from unship.store import OrderBook


class Recorded(msgspec.Struct, frozen=True):
    """What the dialog recorded: the order as it is now and a few words for the notice."""

    order: Order
    event: str
    words: str


class ItemPicker(TickList):
    """The items an event applies to; space toggles, Enter confirms the dialog."""

    BINDINGS = [Binding("enter", "screen.confirm", "Record", show=False)]


class Field(Horizontal):
    """A label, a compact input, and room for its error on the line below."""


class RecordDialog(ModalScreen[Recorded | None]):
    """Asks for what an action needs, then records it."""

    CSS_PATH = "../order.tcss"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter", "confirm", "Record"),
    ]

    def __init__(self, book: OrderBook, order: Order, action: Action) -> None:
        super().__init__()
        self.book = book
        self.order = order
        self.action_data = action
        self.event = Event(action.event) if action.event else None

    # -- what to ask ---------------------------------------------------------------
    def candidates(self) -> list[int]:
        """Items for which the event can happen now."""
        if self.event is None:
            return []
        found = [i for i in range(len(self.order.items)) if can_record(self.order, i, self.event)]
        if self.event is Event.UNKEPT:  # only where the return window is open (the advice)
            found = [i for i in found if i in self.action_data.items]
        return found

    def _fills_ship_day(self) -> bool:
        """The ship day of items delivered without one: no default day (today is after)."""
        return self.event is Event.SHIPPED and any(
            ship_day_missing(self.order, i) for i in self.candidates()
        )

    def estimated_day(self) -> date | None:
        """For a delivery of items whose arrival is only estimated: the estimate."""
        if self.event is not Event.DELIVERED:
            return None
        return estimates.delivery_default(self.order, self.action_data.items or None)

    def compose(self) -> ComposeResult:
        action, order = self.action_data, self.order
        with VerticalScroll(id="dialog"):
            title = Text(action.label, style="bold")
            title.append(
                f"  ·  {clean_line(order.retailer)} {clean_line(order.order_number)}", style="dim"
            )
            if self.event is not None:
                title.append("\nrecords: ", style="dim")
                title.append(EVENT_WORDS.get(self.event.value, self.event.value), style="bold")
            yield Static(title, markup=False, id="dialog-title")
            yield Static(Text(action.reason), markup=False, id="dialog-reason")
            guess = self.estimated_day()
            ship_day = self._fills_ship_day()
            with Field(id="field-date"):
                yield Static("Date", markup=False, classes="field-label")
                yield TextInput(
                    value="" if ship_day else (guess or self.book.today).isoformat(),
                    placeholder="today, yesterday, 11/21, 21 Nov",
                    id="date",
                    compact=True,
                )
            if ship_day:  # no day to offer: today is after the delivery
                yield Static(
                    "the day it shipped: in the shop's shipping email, or on the order page",
                    markup=False,
                    id="date-hint",
                    classes="field-hint",
                )
            elif guess is not None:
                yield Static(
                    "the estimated day: type the real one if you know it",
                    markup=False,
                    id="date-hint",
                    classes="field-hint",
                )
            yield Static("", markup=False, id="date-error", classes="field-error")
            candidates = self.candidates()
            if len(order.items) > 1:
                chosen = [i for i in action.items if i in candidates] or candidates
                if len(candidates) > 1:
                    yield Static("Items (space to tick)", markup=False, classes="section-label")
                    yield ItemPicker(
                        *[
                            Selection(
                                Text(f"{i + 1}. {clean_line(order.items[i].title, limit=70)}"),
                                i,
                                i in chosen,
                            )
                            for i in candidates
                        ],
                        id="items",
                        compact=True,
                    )
                    yield Static("", markup=False, id="items-chosen")
                    yield Static("", markup=False, id="items-error", classes="field-error")
                elif candidates:
                    i = candidates[0]
                    yield Static(
                        Text(f"For item {i + 1}: {clean_line(order.items[i].title, limit=70)}"),
                        markup=False,
                        id="items-one",
                    )
            yield from self._fields()
            yield Static("", markup=False, id="dialog-error")
            with Horizontal(id="dialog-buttons"):
                yield Button("Record", variant="primary", id="record", compact=True)
                yield Button("Back", id="cancel", compact=True)
            yield Static(
                "Enter records it · Escape goes back without recording",
                markup=False,
                id="dialog-hint",
            )

    def _field(self, label: str, input_id: str, placeholder: str) -> ComposeResult:
        with Field(id=f"field-{input_id}"):
            yield Static(label, markup=False, classes="field-label")
            yield TextInput(placeholder=placeholder, id=input_id, compact=True, max_length=NOTE_MAX)
        yield Static("", markup=False, id=f"{input_id}-error", classes="field-error")

    def _fields(self) -> ComposeResult:
        if self.event is Event.RETURN_REQUESTED:
            yield from self._field("Reason", "reason", "why you return it (optional)")
            yield from self._field("Note", "note", "anything to remember (optional)")
        elif self.event is Event.RETURN_SHIPPED:
            yield from self._field("Tracking", "return-tracking", "the return's tracking number")
        elif self.event is Event.REFUNDED:
            example = to_decimal(self.order.total, self.order.currency)
            yield from self._field(
                f"Amount ({self.order.currency})", "amount", f"optional, e.g. {example}"
            )
        elif self.event is Event.PROBLEM:
            yield from self._field("What happened", "problem", "lost, damaged, wrong item...")

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self.query_one("#date", Input).focus()
        self._show_chosen()

    @on(SelectionList.SelectedChanged)
    def _show_chosen(self) -> None:
        """Say in words which items are ticked (the tick marks differ only by colour)."""
        pickers = self.query(ItemPicker)
        if not pickers:
            return
        chosen = sorted(pickers.first().selected)
        words = (
            "records it for item"
            + ("s " if len(chosen) > 1 else " ")
            + ", ".join(str(i + 1) for i in chosen)
            if chosen
            else "no item ticked"
        )
        self.query_one("#items-chosen", Static).update(Text(f"→ {words}", style="italic"))

    # -- reading the form ---------------------------------------------------------------
    def _value(self, input_id: str) -> str:
        found = self.query(f"#{input_id}")
        return found.first(Input).value if found else ""

    def _error(self, where: str, message: str) -> None:
        self.query_one(f"#{where}", Static).update(Text(message))
        self.query_one(f"#{where}", Static).set_class(bool(message), "-shown")

    def _check_date(self) -> date | None:
        if self._fills_ship_day() and not self._value("date").strip():
            self._error("date-error", "type the day it shipped")
            return None
        try:
            day = changes.event_day(self.book, self._value("date"), self.order.ordered_on)
        except changes.FieldError as error:
            self._error("date-error", str(error))
            return None
        doubt = ""
        if self.event is Event.DELIVERED:
            today = self.book.today
            doubt = estimates.delivery_warning(
                self.order, self.action_data.items or None, day, lambda d: day_text(d, today)
            )
        self._error("date-error", f"Check: {doubt}" if doubt else "")
        return day

    def _check_amount(self) -> tuple[bool, int | None]:
        """(ok, the amount in minor units or None when none is typed); a short one is said."""
        text = self._value("amount").strip()
        if not text:
            self._error("amount-error", "")
            return True, None
        try:
            minor = check_price(text, self.order.currency)
        except ModelError as error:
            self._error("amount-error", str(error))
            return False, None
        owed = sum(self.order.items[i].refund_owed for i in self._chosen_items() or range(1))
        if self.order.items and minor < owed:
            short = format_money(owed - minor, self.order.currency)
            self._error("amount-error", f"{short} short: kept as a problem to chase")
        else:
            self._error("amount-error", "")
        return True, minor

    def _chosen_items(self) -> list[int] | None:
        """None: let the book choose (single-item orders); [] when nothing is ticked."""
        if len(self.order.items) < 2:
            return None
        pickers = self.query(ItemPicker)
        if pickers:
            return sorted(pickers.first().selected)
        candidates = self.candidates()
        return candidates[:1] if candidates else list(self.action_data.items)

    def _note(self) -> str:
        parts: list[str] = []
        if self.event is Event.RETURN_REQUESTED:
            reason = clean_line(self._value("reason"), limit=200)
            if reason:
                parts.append(f"reason: {reason}")
            note = clean_text(self._value("note"), limit=NOTE_MAX)
            if note:
                parts.append(note)
        elif self.event is Event.PROBLEM:
            problem = clean_text(self._value("problem"), limit=NOTE_MAX)
            if problem:
                parts.append(problem)
        return "; ".join(parts)

    # -- live checks ----------------------------------------------------------------------
    @on(Input.Changed, "#date")
    def _date_changed(self) -> None:
        self._check_date()

    @on(Input.Changed, "#amount")
    def _amount_changed(self) -> None:
        self._check_amount()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#record")
    def _record_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_confirm()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()

    # -- actions --------------------------------------------------------------------------
    def action_cancel(self) -> None:
        self.dismiss(None)

    def action_confirm(self) -> None:
        if self.event is None:
            return
        day = self._check_date()
        note = self._note()
        ok, refunded = self._check_amount() if self.event is Event.REFUNDED else (True, None)
        items = self._chosen_items()
        if items == []:
            self._error("items-error", "tick at least one item (space)")
            ok = False
        elif self.query("#items-error"):
            self._error("items-error", "")
        if day is None or not ok:
            self._error("dialog-error", "")
            return
        try:
            order = changes.record_event(
                self.book,
                self.order.id,
                self.event,
                day,
                items=items,
                note=note,
                refunded=refunded,
                return_tracking=self._value("return-tracking"),
            )
        except (ModelError, StoreError) as error:
            self._error("dialog-error", f"Not recorded: {error}")
            return
        words = EVENT_WORDS.get(self.event.value, self.event.value)
        self.dismiss(Recorded(order, self.event.value, words))
