"""One order: header, items, the timeline of its deadlines, links, notes and the actions panel.

`OrderScreen(book, order_id)` reads the order from the book. Choosing an action opens the
`RecordDialog` for it. The screen redraws when the book announces a change to its order
(`OrdersChanged`, whoever made it: this screen, an undo, another process).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Static
from unship.store import (
    Action,
    ModelError,
    NotFoundError,
    Order,
    State,
    StoreError,
    advice,
    changes,
    clean_line,
    clean_text,
    day_text,
    estimates,
    format_money,
    tracking_to_follow,
)
from unship.tui.links import open_link
from unship.tui.screens import composed

from ..messages import OrdersChanged
from ..widgets.actions import ActionsPanel
from ..widgets.timeline import Timeline
from .record import RecordDialog, Recorded

if TYPE_CHECKING:
    from collections.abc import Callable

    from unship.store import OrderBook

# The three decisions have their own keys, shown in the footer only when they apply.
DECISION_KEYS = {"cancel": "x", "refuse": "f", "return": "r"}
# From this many columns the actions get a column of their own.
WIDE = 120


class LinkLine(Static):
    """'Order page  https://…': the URL shown in full (terminals without links) and clickable."""

    def __init__(self, *, id: str) -> None:
        super().__init__("", markup=False, id=id, classes="link-line")
        self.url = ""

    def show(self, label: str, url: str) -> None:
        self.url = url
        self.display = bool(url)
        text = Text(f"{label}  ", style="bold")
        text.append(clean_line(url, limit=400), Style(link=url or None, underline=True))
        self.update(text)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        open_link(self.app, self.url)


class OrderScreen(Screen):
    """Everything about one order, and what can still be done about it."""

    CSS_PATH = "../order.tcss"
    # Focus goes to the actions panel without scrolling the header away (see on_mount).
    AUTO_FOCUS = None

    BINDINGS = [
        Binding("escape", "back", "Back", id="order.back"),
        Binding("x", "decide('cancel')", "Cancel", id="order.cancel"),
        Binding("f", "decide('refuse')", "Refuse", id="order.refuse"),
        Binding("r", "decide('return')", "Return", id="order.return"),
        Binding("c", "copy_number", "Copy #", id="order.copy-number"),
        Binding("C", "copy_tracking", "Copy tracking #", id="order.copy-tracking", show=False),
        Binding("o", "open_order", "Order page", id="order.open-order"),
        Binding("t", "open_tracking", "Track", id="order.open-tracking"),
        Binding("d", "delete", "Delete", id="order.delete", show=False),
        Binding("e", "edit", "Edit", id="order.edit", show=False),
    ]

    def __init__(self, book: OrderBook, order_id: int) -> None:
        super().__init__()
        self.book = book
        self.order_id = int(order_id)
        self.order: Order | None = None
        self.actions: list[Action] = []
        self._gone = False
        self._left = False  # dismissed
        self._wide = False

    # -- building ---------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Narrow: one scrolling column, the actions right after the items.
        # Wide: the order on the left, the actions in their own scrolling column on the right.
        self._wide = self.app.size.width >= WIDE
        if self._wide:
            with Horizontal(id="order-columns"):
                with VerticalScroll(id="order-scroll"):
                    yield from self._order_sections()
                    yield from self._details_section()
                with VerticalScroll(id="actions-scroll"):
                    yield from self._actions_section()
        else:
            with VerticalScroll(id="order-scroll"):
                yield from self._order_sections()
                yield from self._actions_section()
                yield from self._details_section()
        yield Footer(compact=True)

    def _order_sections(self) -> ComposeResult:
        yield Static("", markup=False, id="order-header")
        with Vertical(id="order-time", classes="section") as section:
            section.border_title = "Time left"
            yield Timeline(id="order-timeline")
        with Vertical(id="order-items-box", classes="section") as section:
            section.border_title = "Items"
            yield Static("", markup=False, id="order-items")

    def _actions_section(self) -> ComposeResult:
        with Vertical(id="order-actions", classes="section") as section:
            section.border_title = "Actions"
            yield ActionsPanel(id="actions")

    def _details_section(self) -> ComposeResult:
        with Vertical(id="order-details", classes="section") as section:
            section.border_title = "Tracking, links and notes"
            yield Static("", markup=False, id="order-tracking")
            yield LinkLine(id="link-tracking")
            yield LinkLine(id="link-order")
            yield Static("", markup=False, id="order-notes")

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self.refresh_order()
        self.set_focus(self.query_one(ActionsPanel), scroll_visible=False)

    async def on_resize(self, event: events.Resize) -> None:
        if (event.size.width >= WIDE) != self._wide:
            panel_had_focus = self.focused is None or isinstance(self.focused, ActionsPanel)
            highlighted = self.query_one(ActionsPanel).highlighted
            await self.recompose()
            self.refresh_order()
            panel = self.query_one(ActionsPanel)
            if highlighted < len(panel.actions):  # the person's place in the list stays
                panel.highlighted = highlighted
            if panel_had_focus:
                self.set_focus(panel, scroll_visible=False)

    # -- showing ----------------------------------------------------------------------------
    def refresh_order(self) -> None:
        """Read the order again from the book and redraw; leave if it was deleted."""
        book = self.book
        try:
            order = book.get(self.order_id)
        except NotFoundError:
            if not self._gone:  # deleted elsewhere (here: d said so)
                self.notify(f"Order {self.order_id} is no longer in the book", markup=False)
            self._gone = True
            self._leave()
            return
        except StoreError as error:
            self.notify(
                str(error), title="Could not read the order book", severity="error", markup=False
            )
            return
        self.order = order
        self.actions = book.actions(order)
        today = book.today
        self.query_one("#order-header", Static).update(self._header(order))
        self.query_one(Timeline).show(order, self.actions, today)
        self.query_one("#order-items", Static).update(self._items(order))
        shortcuts = self._shortcuts()
        self.query_one(ActionsPanel).show(order, self.actions, today, shortcuts)
        self.query_one("#order-tracking", Static).update(self._tracking(order))
        self.query_one("#link-tracking", LinkLine).show(
            f"{tracking_to_follow(book.policies, order)[2].capitalize()} page", self.tracking_link
        )
        self.query_one("#link-order", LinkLine).show("Order page", self.order_link)
        notes = clean_text(order.notes)
        self.query_one("#order-notes", Static).update(
            Text(notes) if notes else Text("No notes", style="dim")
        )
        self.refresh_bindings()

    def _shortcuts(self) -> dict[str, str]:
        """The decision keys for the actions that are available now."""
        out: dict[str, str] = {}
        for name, key in DECISION_KEYS.items():
            if self._decision(name) is not None:
                out[name] = key
        return out

    def _header(self, order: Order) -> Text:
        text = Text()
        text.append(clean_line(order.retailer), Style(bold=True))
        text.append("  order ")
        text.append(clean_line(order.order_number), Style(bold=True))
        book = self.book
        where = advice.standing(order, book.policies, book.today)
        text.append(f"   [{where.text(order)}]", Style(bold=True, reverse=True))
        text.append("\nordered ")
        text.append(f"{order.ordered_on.day} {order.ordered_on:%b %Y}")
        text.append("  ·  total ")
        text.append(order.total_text, Style(bold=True))
        count = len(order.items)
        text.append(f"  ·  {count} item{'s' if count != 1 else ''}  ·  id {order.id}", "dim")
        return text

    def _items(self, order: Order) -> Text:
        text = Text()
        today = self.book.today
        states = advice.item_states(order, today)
        for n, item in enumerate(order.items, 1):
            if n > 1:
                text.append("\n")
            text.append(f"{n}. ", Style(bold=True))
            text.append(clean_line(item.title, limit=300))
            text.append("\n   ")
            text.append(f"[{states[n - 1].label}]", Style(bold=True))
            found = estimates.delivery(order, item)
            if found is not None and found.estimated:
                if states[n - 1] is not item.state:  # delivered, by the estimate
                    text.append(f" ~{day_text(found.day, today)} (estimated)", Style(italic=True))
                elif item.state in (State.SHIPPED, State.OUT_FOR_DELIVERY):  # on its way
                    when = found.arriving(today, lambda d: day_text(d, today))
                    text.append(f" {when} (estimated)", Style(italic=True))
            text.append(f"  ×{item.quantity}  {format_money(item.price, order.currency)}")
            text.append(f"  {clean_line(item.category, limit=40)}", Style(dim=True))
            if item.seller:
                text.append(f"  sold by {clean_line(item.seller, limit=60)}", Style(dim=True))
            if item.refunded is not None:
                text.append(f"\n   refunded {format_money(item.refunded, order.currency)}")
                short = advice.short_text(item, order.currency)
                if short:
                    text.append(f" · {short}", Style(bold=True, reverse=True))
            if item.return_tracking:
                text.append("\n   return tracking ")
                text.append(clean_line(item.return_tracking, limit=80))
        return text

    def _tracking(self, order: Order) -> Text:
        carrier = self.book.policies.carrier(order.carrier)
        name = carrier.name if carrier else clean_line(order.carrier)
        if not order.tracking:
            return Text(
                f"Carrier {name}: no tracking number yet" if name else "No tracking number yet",
                style="dim",
            )
        text = Text("Tracking ", style="bold")
        text.append(clean_line(order.tracking, limit=80))
        if name:
            text.append(f"  ({name})", Style(dim=True))
        text.append("  C copies it", Style(dim=True, italic=True))
        return text

    @property
    def tracking_link(self) -> str:
        """What t opens: a return on its way back, else the order's parcel."""
        if self.order is None:
            return ""
        return tracking_to_follow(self.book.policies, self.order)[1]

    @property
    def order_link(self) -> str:
        if self.order is None:
            return ""
        return self.book.policies.retailer(self.order.retailer).page_of(self.order)

    def _decision(self, name: str) -> Action | None:
        return next((a for a in self.actions if a.action == name and a.available and a.event), None)

    # -- keys -------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "decide":
            return self._decision(str(parameters[0])) is not None
        if action in ("copy_tracking",):
            return bool(self.order and self.order.tracking)
        if action == "open_tracking":
            return bool(self.tracking_link)
        if action == "open_order":
            return bool(self.order_link)
        return True

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss()

    def action_decide(self, name: str) -> None:
        action = self._decision(name)
        if action is not None:
            self.perform(action)

    def action_edit(self) -> None:
        """e: this order in the form (its fields, items, seller and their window)."""
        if self.order is not None:
            self.app.edit_order(self.order.id)

    def action_delete(self) -> None:
        """d: delete this order, after a question; u brings it back."""
        order = self.order
        if order is None:
            return
        from .bulk import orders_text
        from .confirm_dialog import ConfirmDialog

        def delete() -> None:
            changes.delete_orders(self.book, [order.id])
            self._gone = True  # leaves when the book announces it (or when it is resumed)
            self.app.notify(f"Deleted {orders_text([order])} (u to undo)", markup=False)

        question = f"Delete {orders_text([order])}? u undoes it right after."
        self._ask_then(ConfirmDialog(question, yes="Delete", no="Keep"), delete, "Not deleted")

    def _ask_then(self, dialog: Screen[bool], do: Callable[[], None], failed: str) -> None:
        """Ask; on yes, do it, and say why not when the book refuses."""

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                do()
            except (ModelError, StoreError) as error:
                self.notify(str(error), title=failed, severity="error", markup=False)

        self.app.open(dialog, answered)

    def action_copy_number(self) -> None:
        if self.order is not None:
            self.app.copy_to_clipboard(self.order.order_number)
            self.notify(f"Copied order number {self.order.order_number}", markup=False)

    def action_copy_tracking(self) -> None:
        if self.order is not None and self.order.tracking:
            self.app.copy_to_clipboard(self.order.tracking)
            self.notify(f"Copied tracking number {self.order.tracking}", markup=False)

    def action_open_order(self) -> None:
        open_link(self.app, self.order_link, "order page's link")

    def action_open_tracking(self) -> None:
        what = tracking_to_follow(self.book.policies, self.order)[2] if self.order else ""
        open_link(self.app, self.tracking_link, f"{what or 'tracking'} link")

    def _open(self, url: str) -> None:
        open_link(self.app, url)

    # -- doing ------------------------------------------------------------------------------
    @on(ActionsPanel.Chosen)
    def _chosen(self, message: ActionsPanel.Chosen) -> None:
        message.stop()
        self.perform(message.action)

    def perform(self, action: Action) -> None:
        """Record it (a dialog), open its link, or show its steps."""
        if self.order is None:
            return
        if not action.available:
            self.notify(
                f"{action.label}: {action.reason}",
                title="Not now",
                severity="warning",
                markup=False,
            )
        elif action.event:
            self.app.push_screen(
                RecordDialog(self.book, self.order, action), callback=self._recorded
            )
        elif action.action == "pick-up":
            self._pick_up(action)
        elif action.link:
            self._open(action.link)
        else:
            lines = [action.reason, *(f"{n}. {s}" for n, s in enumerate(action.steps, 1))]
            self.notify("\n".join(lines), title=action.label, markup=False, timeout=10)

    def _pick_up(self, action: Action) -> None:
        """The parcel waiting at a pickup point: collected? (today; the reminder ends)."""
        order = self.order
        if order is None:
            return
        from .confirm_dialog import ConfirmDialog

        def pick_up() -> None:
            changes.record_pickup(self.book, order.id)
            self.notify("Recorded: picked up (u to undo)", markup=False)

        question = f"{action.reason[0].upper()}{action.reason[1:]}.\n\nPicked it up?"
        dialog = ConfirmDialog(question, yes="Picked up", no="Not yet", danger=False)
        self._ask_then(dialog, pick_up, "Not recorded")

    def _recorded(self, result: Recorded | None) -> None:
        if result is None:
            return
        self.notify(f"Recorded: {result.words} (u to undo)", markup=False)

    def on_orders_changed(self, message: OrdersChanged) -> None:
        """The book saved a change (here, an undo, another process): redraw if it was ours."""
        if message.change.touches(self.order_id):
            self.refresh_order()

    def _leave(self) -> None:
        if self.is_current and not self._left:
            self._left = True
            self.dismiss()

    def on_screen_resume(self) -> None:
        if self._gone:
            self._leave()
        elif self.order is not None:
            self.refresh_order()
