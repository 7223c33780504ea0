"""The actions panel: every action the advice engine has for an order, available ones first.

A focusable list (up/down or j/k, Enter, a click) of rows drawn from `Text`, never markup.
Available rows start with "›", unavailable ones with "✗" and are greyed, so the difference
survives NO_COLOR. Choosing a row posts `ActionsPanel.Chosen`; the screen decides what to do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalGroup
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static
from unship.store import Action, Order, clean_line, day_text, days_left_text

AVAILABLE = "›"
UNAVAILABLE = "✗"


def items_text(action: Action, order: Order) -> str:
    """'item 2: Pilot G2 pens' for an action that covers only some of the order's items."""
    if len(order.items) < 2 or not action.items or len(action.items) == len(order.items):
        return ""
    if len(action.items) == 1:
        index = action.items[0]
        return f"item {index + 1}: {clean_line(order.items[index].title, limit=60)}"
    return "items " + ", ".join(str(i + 1) for i in action.items)


def action_title(action: Action, order: Order, today: date, *, shortcut: str = "") -> Text:
    """The first line(s) of a row: mark, label, items covered, key, deadline."""
    text = Text()
    if action.available:
        text.append(f"{AVAILABLE} ", Style(bold=True))
        text.append(action.label, Style(bold=True))
    else:
        text.append(f"{UNAVAILABLE} {action.label}", Style(dim=True))
    covers = items_text(action, order)
    if covers:
        text.append(f"  ({covers})", Style(dim=not action.available, italic=True))
    if shortcut:
        text.append("  key ", Style(dim=True))
        text.append(shortcut, Style(bold=True))
    if action.available and action.deadline is not None:
        overdue = action.overdue or action.deadline < today
        colour = "red" if overdue else "yellow" if (action.deadline - today).days <= 7 else "green"
        text.append("\n  by ")
        approx = "~" if action.estimated else ""
        text.append(approx + day_text(action.deadline, today), Style(bold=True))
        text.append(" · ")
        text.append(days_left_text(action.deadline, today), Style(color=colour, bold=True))
        if action.estimated:
            text.append(" · estimated", Style(dim=True))
    return text


def action_body(action: Action) -> Text:
    """The reason, and for an available action its numbered steps and the cost note."""
    text = Text(
        clean_line(action.reason, limit=400), Style(dim=True) if not action.available else ""
    )
    if action.available:
        for n, step in enumerate(action.steps, 1):
            text.append(f"\n{n}. ", Style(bold=True))
            text.append(clean_line(step, limit=400))
        if action.cost_note:
            text.append("\n! ", Style(bold=True, color="yellow"))
            text.append(clean_line(action.cost_note, limit=400), Style(italic=True))
    return text


class ActionRow(VerticalGroup):
    """One action (a title and an indented body); a click chooses it."""

    def __init__(self, action: Action, index: int, title: Text, body: Text) -> None:
        super().__init__(classes="action-row")
        self.action_data = action
        self.index = index
        self._title, self._body = title, body
        self.set_class(not action.available, "-unavailable")

    def compose(self) -> ComposeResult:
        yield Static(self._title, markup=False, classes="action-title")
        yield Static(self._body, markup=False, classes="action-body")

    def on_click(self, event: events.Click) -> None:
        event.stop()
        panel = self.query_ancestor(ActionsPanel)
        panel.highlighted = self.index
        panel.focus()
        panel.choose()


class ActionsPanel(VerticalGroup, can_focus=True):
    """A keyboard-navigable list of an order's actions."""

    BINDINGS = [
        Binding("up,k", "move(-1)", "Up", show=False),
        Binding("down,j", "move(1)", "Down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "choose", "Do it", id="order.do-action"),
    ]

    DEFAULT_CSS = """
    ActionsPanel {
        height: auto;
        & > .action-row { padding: 0 1; margin-bottom: 1; }
        & > .action-row > .action-body { padding-left: 2; }
        & > .action-row.-unavailable { color: $text-muted; }
        & > .action-row.-highlight { background: $boost; }
        &:focus > .action-row.-highlight { background: $block-cursor-background; color: $block-cursor-foreground; }
        &:focus > .action-row.-highlight.-unavailable { background: $surface-lighten-2; color: $text-muted; }
        /* NO_COLOR drops every colour: the highlight must show by its style alone */
        &:nocolor > .action-row.-highlight { text-style: underline; }
        &:nocolor:focus > .action-row.-highlight { text-style: reverse; }
    }
    """

    highlighted: reactive[int] = reactive(0, init=False)

    @dataclass
    class Chosen(Message):
        """The person chose an action (Enter or a click)."""

        panel: ActionsPanel
        action: Action

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.actions: list[Action] = []
        self._row_widgets: list[ActionRow] = []

    def show(
        self, order: Order, actions: list[Action], today: date, shortcuts: dict[str, str]
    ) -> None:
        """Rebuild the rows, keeping the highlight on the same action when it is still there."""
        old = self.current
        self.actions = list(actions)
        self.remove_children()
        keys = dict(shortcuts)
        rows = []
        for n, a in enumerate(self.actions):
            # A key is shown on the one row it opens: the first available one of its kind.
            key = keys.pop(a.action, "") if a.available and a.event else ""
            rows.append(
                ActionRow(a, n, action_title(a, order, today, shortcut=key), action_body(a))
            )
        self._row_widgets = rows
        self.mount_all(rows)
        keep = 0
        if old is not None:
            for n, a in enumerate(self.actions):
                if (a.action, a.items, a.available) == (old.action, old.items, old.available):
                    keep = n
                    break
        self.set_reactive(ActionsPanel.highlighted, keep)
        self._paint(scroll=False)

    @property
    def current(self) -> Action | None:
        if 0 <= self.highlighted < len(self.actions):
            return self.actions[self.highlighted]
        return None

    def _paint(self, scroll: bool = True) -> None:
        rows = self._row_widgets
        for row in rows:
            row.set_class(row.index == self.highlighted, "-highlight")
        if scroll and 0 <= self.highlighted < len(rows) and rows[self.highlighted].is_mounted:
            rows[self.highlighted].scroll_visible(animate=False)

    def watch_highlighted(self) -> None:
        self._paint()

    def action_move(self, step: int) -> None:
        if self.actions:
            self.highlighted = max(0, min(len(self.actions) - 1, self.highlighted + step))

    def action_first(self) -> None:
        if self.actions:
            self.highlighted = 0

    def action_last(self) -> None:
        if self.actions:
            self.highlighted = len(self.actions) - 1

    def action_choose(self) -> None:
        self.choose()

    def choose(self) -> None:
        action = self.current
        if action is not None:
            self.post_message(self.Chosen(self, action))
