"""The add / edit order form: a dialog that logs an order with the keyboard alone.

    OrderForm(book)          a new order
    OrderForm(book, order)   edit a stored order (items keep their state and dates)
    OrderForm(book, fields=OrderFields(...))   a new order, pre-filled (quick add's full form)

It dismisses with:
- the saved Order (already written through store/changes.py, which the book announces to the
  screens), or the unchanged order when an edit changed nothing;
- the existing Order when the person typed an order number already in the book and chose to
  open that one (ctrl+o): then `form.opened_existing` is True and nothing was written;
- None when cancelled.
So a caller shows whatever Order it gets back (select it, or open it) and ignores None.

Errors show under a field once the person leaves it (all of them on a save attempt), in words;
nothing typed is ever cleared by an error. Warnings are said, never block.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Footer, Input, Static, TextArea
from unship.store import (
    FIELD_MAX,
    Checked,
    DuplicateOrderError,
    ItemFields,
    ModelError,
    Order,
    OrderFields,
    StoreError,
    changes,
    clean_line,
    default_currency,
    item_has_history,
    item_key,
    known_carriers,
    known_categories,
    known_retailers,
    short_day,
    summary_line,
    typed_currency,
)
from unship.tui.screens import HELP_KEY, composed
from unship.tui.screens.confirm_dialog import ConfirmDialog
from unship.tui.widgets.item_rows import ItemRow, ItemRows
from unship.tui.widgets.message_line import MessageLine
from unship.tui.widgets.notes_area import NotesArea
from unship.tui.widgets.text_fields import TextInput

# The single-line fields, in the order Tab visits them: (key, label, placeholder, max length).
TOP_FIELDS = [
    ("retailer", "Retailer", "Amazon, Best Buy, any shop", 60),
    ("order_number", "Order number", "from the confirmation email", FIELD_MAX),
    ("ordered_on", "Order date", "today, yesterday, 21 Nov, 2026-11-21", 40),
    ("currency", "Currency", "USD", 3),
]
DELIVERY_FIELDS = [
    ("carrier", "Carrier", "UPS, USPS, …", 40),
    ("tracking", "Tracking", "the tracking number, if there is one yet", 60),
    ("seller", "Sold by", "a marketplace seller; empty: the retailer itself", 60),
    ("seller_window", "Their window", "the seller's or the shop's own window in days", 12),
]
FIELD_NAMES = {
    "retailer": "retailer",
    "order_number": "order number",
    "ordered_on": "order date",
    "currency": "currency",
    "items": "an item",
    "title": "title",
    "quantity": "quantity",
    "price": "price",
    "category": "category",
    "seller_window": "the seller's window",
}


class OrderForm(ModalScreen[Order | None]):
    """Add or edit one order. See the module's docstring for what it dismisses with."""

    CSS_PATH = "../form.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True),
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+n", "add_item", "Add item", priority=True),
        Binding("ctrl+d", "remove_item", "Remove item", priority=True),
        Binding("ctrl+o", "open_existing", "Open existing", priority=True),
        HELP_KEY,
    ]

    def __init__(
        self, book, order: Order | None = None, *, fields: OrderFields | None = None
    ) -> None:
        super().__init__()
        self.book = book
        self.order = order
        self.opened_existing = False
        orders = book.known_orders()
        if order is not None:
            self._start = OrderFields.from_order(order, book.policies)
        else:
            self._start = fields or OrderFields(currency=default_currency(orders))
        self._retailers = known_retailers(book.policies, orders)
        self._initial: OrderFields | None = None
        self._visited: set[str] = set()  # ids of inputs the person has left
        self._show_all = False  # after a save attempt: every error shows
        self._checked: Checked | None = None
        self._saving = False
        self._had_duplicate = False
        # The currency set for the person (from a typed price, 2, or the retailer's site, 1)
        # while they left the field alone; a typed price's wins over the site's.
        self._auto: tuple[str, int] | None = None

    # -- building ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        title = "New order" if self.order is None else f"Edit order {self.order.order_number}"
        with Vertical(id="form-dialog") as dialog:
            dialog.border_title = Content(title)
            with VerticalScroll(id="form-body"):
                for key, label, placeholder, limit in TOP_FIELDS:
                    yield from self._field(key, label, placeholder, limit)
                with Horizontal(classes="items-heading"):
                    yield Static("Items", classes="field-label")
                    yield Static("title", classes="head-title")
                    yield Static("qty", classes="head-quantity")
                    yield Static("price", classes="head-price")
                    yield Static("category", classes="head-category")
                yield ItemRows(
                    self._start.items,
                    state_notes=self._state_notes(),
                    with_history=self._with_history(),
                    categories=known_categories(self.book.policies),
                    id="items",
                )
                yield self._message("items")
                with Horizontal(classes="field", id="notes-field"):
                    yield Static("Notes", classes="field-label")
                    yield NotesArea(
                        self._start.notes,
                        id="notes",
                        compact=True,
                        soft_wrap=True,
                        show_line_numbers=False,
                        tab_behavior="focus",
                    )
                for key, label, placeholder, limit in DELIVERY_FIELDS:
                    yield from self._field(key, label, placeholder, limit)
                yield MessageLine(id="tracking-link")
            yield MessageLine(id="form-summary", hide_empty=False)
            yield MessageLine(id="form-status", hide_empty=False)
        yield Footer()

    def _field(self, key: str, label: str, placeholder: str, limit: int) -> ComposeResult:
        with Horizontal(classes="field", id=f"{key}-field"):
            yield Static(label, classes="field-label")
            yield TextInput(
                getattr(self._start, key),
                placeholder=placeholder,
                id=key,
                compact=True,
                max_length=limit,
                suggester=self._suggester(key),
            )
            if key in ("ordered_on", "carrier"):
                yield MessageLine(id=f"{key}-hint", classes="field-hint")
        yield self._message(key)

    def _message(self, key: str) -> MessageLine:
        return MessageLine(id=f"{key}-msg", classes="field-message")

    def _suggester(self, key: str) -> SuggestFromList | None:
        if key == "retailer":
            return SuggestFromList(self._retailers, case_sensitive=False)
        if key == "carrier":
            return SuggestFromList(known_carriers(self.book.policies), case_sensitive=False)
        return None

    def _state_notes(self) -> dict[int, str]:
        """What edited items that moved on show under their row."""
        if self.order is None:
            return {}
        notes = {}
        for n, item in enumerate(self.order.items):
            if item_has_history(item):
                when = max(item.dates.values(), default=None)
                since = f" since {short_day(when, self.book.today)}" if when else ""
                notes[n] = f"{item.state.label}{since}: its state and dates are kept"
        return notes

    def _with_history(self) -> set[int]:
        if self.order is None:
            return set()
        return {n for n, item in enumerate(self.order.items) if item_has_history(item)}

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self._initial = self.fields()
        self._refresh()
        self.query_one("#retailer", Input).focus()

    # -- reading ----------------------------------------------------------------------------
    @property
    def item_rows(self) -> ItemRows:
        return self.query_one("#items", ItemRows)

    def fields(self) -> OrderFields:
        """The form's values as typed."""
        value = {key: self.query_one(f"#{key}", Input).value for key, *_ in TOP_FIELDS}
        value.update({key: self.query_one(f"#{key}", Input).value for key, *_ in DELIVERY_FIELDS})
        return OrderFields(
            **value,
            items=self.item_rows.values(),
            notes=self.query_one("#notes", TextArea).text,
        )

    @property
    def typed(self) -> bool:
        """Something differs from how the form opened."""
        return self._initial is not None and self.fields() != self._initial

    def _key_of(self, widget: Widget) -> str | None:
        """The field key (as check_order names it) of one of the form's inputs."""
        row = self.item_rows.row_of(widget)
        if row is not None and isinstance(widget, Input):
            return item_key(self.item_rows.rows.index(row), row.part_of(widget))
        return widget.id

    # -- checking and showing ---------------------------------------------------------------
    def _refresh(self) -> None:
        """Check the values; show messages, hints, the summary and what still stops a save."""
        if not self.is_mounted:
            return
        fields = self.fields()
        checked = changes.check(self.book, fields, editing=self.order)
        self._checked = checked
        focused = self.focused
        focused_key = self._key_of(focused) if focused is not None else None

        def shown(key: str, widget_id: str | None) -> bool:
            if self._show_all:
                return True
            if widget_id not in self._visited:
                return False
            if key == focused_key:  # while typing, an error may go away but never appears
                return self._showing_error(key)
            return True

        for key, *_ in TOP_FIELDS + DELIVERY_FIELDS:
            error = checked.errors.get(key, "") if shown(key, key) else ""
            warning = (
                checked.warnings.get(key, "") if key in self._visited or self._show_all else ""
            )
            if key == "order_number" and checked.duplicate is not None and error:
                error += ": ctrl+o opens it"
            self._show(key, error, warning)
        items_error = checked.errors.get("items", "") if self._show_all else ""
        self._show("items", items_error, "")
        for position, row in enumerate(self.item_rows.rows):
            parts = []
            for part in ("title", "quantity", "price", "category"):
                key = item_key(position, part)
                widget = row.input(part)
                error = checked.errors.get(key, "") if shown(key, widget.id) else ""
                widget.set_class(bool(error), "-has-error")
                if error:
                    parts.append(error if part == "title" else f"{part}: {error}")
            row.show_message("✗ " + "; ".join(parts) if parts else "", error=True)

        self.query_one("#ordered_on-hint", MessageLine).show(
            checked.ordered_on.strftime("%a %-d %b %Y") if checked.ordered_on is not None else ""
        )
        guess = self.book.policies.carrier(checked.carrier_guess)
        self.query_one("#carrier-hint", MessageLine).show(
            f"{guess.name}, from the tracking number" if guess else ""
        )
        self.query_one("#tracking-link", MessageLine).show(checked.tracking_link)

        summary = self.query_one("#form-summary", MessageLine)
        status = self.query_one("#form-status", MessageLine)
        if checked.ok and checked.order is not None:
            summary.show("Will save: " + self._summary(checked.order))
            if self.order is not None and not checked.changes:
                status.show("Nothing changed yet · Esc closes")
            else:
                status.show("Ready: ctrl+s saves (or Enter on the tracking field)")
        else:
            summary.show("Not ready to save yet", "blocked")
            status.show("Still needed: " + self._missing(checked))
        duplicate = checked.duplicate is not None
        if duplicate != self._had_duplicate:  # ctrl+o comes and goes in the footer
            self._had_duplicate = duplicate
            self.refresh_bindings()

    def _summary(self, order: Order) -> str:
        return summary_line(order, self.book.today)

    def _missing(self, checked: Checked) -> str:
        names = []
        for key in checked.errors:
            if key.startswith("item-"):
                _, position, part = key.split("-")
                names.append(f"{FIELD_NAMES[part]} of item {int(position) + 1}")
            elif key == "order_number" and checked.duplicate is not None:
                names.append("a new order number (this one is in the book)")
            else:
                names.append(FIELD_NAMES.get(key, key))
        return ", ".join(names)

    def _showing_error(self, key: str) -> bool:
        if key.startswith("item-"):
            position, part = int(key.split("-")[1]), key.split("-")[2]
            rows = self.item_rows.rows
            return position < len(rows) and rows[position].input(part).has_class("-has-error")
        widget = self.query_one(f"#{key}")
        return widget.has_class("-has-error")

    def _show(self, key: str, error: str, warning: str) -> None:
        kind = "error" if error else "warning" if warning else ""
        self.query_one(f"#{key}-msg", MessageLine).show(
            f"✗ {error}" if error else f"! {warning}" if warning else "", kind
        )
        if key != "items":
            self.query_one(f"#{key}").set_class(bool(error), "-has-error")

    # -- events -----------------------------------------------------------------------------
    @on(Input.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | TextArea.Changed) -> None:
        self._refresh()

    @on(Input.Blurred)
    def _left(self, event: Input.Blurred) -> None:
        if event.input.id:
            self._visited.add(event.input.id)
        if "item-price" in event.input.classes:
            current = self.query_one("#currency", Input).value.strip().upper()
            typed = typed_currency([ItemFields(price=event.input.value)], current)
            if self._set_currency(typed, 2):  # '12,99 €' typed: the order is in EUR
                self._visited.add("currency")
        elif event.input.id == "retailer" and self._initial is not None:
            # 'Amazon.ca': CAD, 'Target': USD (its site's); a shop unship has no rules for:
            # as it was
            site = self.book.policies.currency_of(event.input.value)
            by_site = self._auto is not None and self._auto[1] == 1
            self._set_currency(site or (self._initial.currency if by_site else None), 1)
        self._refresh()

    def _set_currency(self, found: str | None, rank: int) -> bool:
        """Set a new order's currency to `found` while the person left the field alone and
        nothing stronger set it; whether it was set."""
        currency = self.query_one("#currency", Input)
        if self.order is not None or self._initial is None or not found:
            return False  # an edit keeps its currency unless the person changes it
        set_to, set_rank = self._auto or (self._initial.currency, 0)
        if currency.value != set_to or rank < set_rank or found == currency.value:
            return False
        currency.value = found
        self._auto = (found, rank)
        return True

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter moves on; on the last field (tracking) it saves."""
        event.stop()
        if event.input.id == DELIVERY_FIELDS[-1][0]:
            self.action_save()
        else:
            self.focus_next()

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "remove_item":
            return self.focused is not None and self.item_rows.row_of(self.focused) is not None
        if action == "open_existing":
            return self._checked is not None and self._checked.duplicate is not None
        return True

    def action_save(self) -> None:
        if self._saving:
            return
        self._show_all = True
        self._refresh()
        checked = self._checked
        if checked is None or not checked.ok or checked.order is None:
            self._focus_first_error()  # the status line says what is still needed
            self.app.bell()
            return
        if self.order is not None and not checked.changes:
            self.dismiss(self.order)
            return
        self._saving = True
        try:
            if self.order is None:
                saved = changes.add_order(self.book, self.fields())
            else:
                saved, _ = changes.save_edit(self.book, self.order, self.fields())
        except (DuplicateOrderError, changes.FieldError):
            self._saving = False
            self._refresh()  # the order number now shows the duplicate, with ctrl+o
            self.query_one("#order_number", Input).focus()
            return
        except (ModelError, StoreError) as error:
            self._saving = False
            self.notify(str(error), title="Not saved", severity="error", markup=False)
            return
        self.dismiss(saved)

    def _focus_first_error(self) -> None:
        checked = self._checked
        if checked is None:
            return
        for key in checked.errors:
            if key.startswith("item-"):
                _, position, part = key.split("-")
                self.item_rows.rows[int(position)].input(part).focus()
                return
            if key == "items":
                self.item_rows.rows[0].input("title").focus()
                return
            self.query_one(f"#{key}").focus()
            return

    def action_cancel(self) -> None:
        if not self.typed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog("Throw away what you typed?", yes="Discard", no="Keep editing"),
            answered,
        )

    async def action_add_item(self) -> None:
        row = await self.item_rows.add_row()
        row.input("title").focus()
        row.scroll_visible()
        self._refresh()

    async def action_remove_item(self) -> None:
        focused = self.focused
        row = self.item_rows.row_of(focused) if focused is not None else None
        if row is None:
            return
        rows = self.item_rows.rows
        if len(rows) == 1 and row.index is None:
            for part in ("title", "price", "category"):
                row.input(part).value = ""
            row.input("quantity").value = "1"
            row.input("title").focus()
            return
        if len(rows) == 1:
            self.notify("An order needs at least one item.", severity="warning")
            return
        if row.has_history:
            title = row.input("title").value or "this item"
            question = (
                f"Remove “{clean_line(title, limit=60)}”? It has moved on since it was ordered"
                " and its history goes with it."
            )

            async def answered(remove: bool | None) -> None:
                if remove:
                    await self._remove_row(row)

            self.app.push_screen(ConfirmDialog(question, yes="Remove", no="Keep it"), answered)
            return
        await self._remove_row(row)

    async def _remove_row(self, row: ItemRow) -> None:
        rows = self.item_rows.rows
        position = rows.index(row)
        await self.item_rows.remove_row(row)
        rows = self.item_rows.rows
        rows[min(position, len(rows) - 1)].input("title").focus()
        self._visited = {
            widget_id
            for widget_id in self._visited
            if not widget_id.startswith(f"item{row.serial}-")
        }
        self._refresh()

    def action_open_existing(self) -> None:
        if self._checked is None or self._checked.duplicate is None:
            return
        self.opened_existing = True
        self.dismiss(self._checked.duplicate)


__all__ = ["ItemFields", "OrderFields", "OrderForm"]
