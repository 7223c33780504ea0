"""The order form's item rows: title, quantity, price and category per item, one row each.

A row remembers which stored item it edits (`index`) so that editing keeps the item's state
and dates. The screen reads the rows' values and shows their messages; rows hold no logic.
"""

from __future__ import annotations

from itertools import count

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static
from unship.store import ITEM_PARTS, TITLE_MAX, ItemFields
from unship.tui.widgets.message_line import MessageLine
from unship.tui.widgets.text_fields import TextInput

_serials = count(1)

PLACEHOLDERS = {"title": "what you bought", "quantity": "qty", "price": "price", "category": ""}
LIMITS = {"title": TITLE_MAX, "quantity": 4, "price": 30, "category": 40}


class ItemRow(Vertical):
    """One item: its inputs on one line, a note on its state (edited items) and its message."""

    def __init__(
        self,
        values: ItemFields,
        *,
        position: int,
        state_note: str = "",
        has_history: bool = False,
        categories: list[str] | None = None,
    ) -> None:
        self.serial = next(_serials)
        super().__init__(classes="item-row", id=f"item-row-{self.serial}")
        self.index = values.index  # the stored item's position, or None for a new one
        self.initial = values
        self.position = position
        self.state_note = state_note
        self.has_history = has_history
        self._categories = categories or []

    def compose(self) -> ComposeResult:
        with Horizontal(classes="item-line"):
            yield Static(self._number_text(), classes="item-number", markup=False)
            for part in ITEM_PARTS:
                yield TextInput(
                    getattr(self.initial, part),
                    placeholder=PLACEHOLDERS[part],
                    id=f"item{self.serial}-{part}",
                    classes=f"item-{part}",
                    compact=True,
                    max_length=LIMITS[part],
                    suggester=(
                        SuggestFromList(self._categories, case_sensitive=False)
                        if part == "category"
                        else None
                    ),
                )
        note = Static(Content(self.state_note), classes="item-state")
        note.display = bool(self.state_note)
        yield note
        yield MessageLine(classes="field-message item-message")

    def _number_text(self) -> str:
        return f"{self.position + 1}."

    def renumber(self, position: int) -> None:
        self.position = position
        if self.is_mounted:
            self.query_one(".item-number", Static).update(self._number_text())

    def input(self, part: str) -> Input:
        return self.query_one(f"#item{self.serial}-{part}", Input)

    def part_of(self, widget: Input) -> str:
        """'title', 'quantity', 'price' or 'category' for one of this row's inputs."""
        return (widget.id or "").rsplit("-", 1)[-1]

    def values(self) -> ItemFields:
        return ItemFields(**{part: self.input(part).value for part in ITEM_PARTS}, index=self.index)

    def show_message(self, text: str, *, error: bool) -> None:
        self.query_one(".item-message", MessageLine).show(text, "error" if error else "warning")


class ItemRows(Vertical):
    """The item rows, in order. `add_row` and `remove_row` keep the numbers right."""

    def __init__(
        self,
        items: list[ItemFields],
        *,
        state_notes: dict[int, str] | None = None,
        with_history: set[int] | None = None,
        categories: list[str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self._items = items or [ItemFields()]
        self._state_notes = state_notes or {}
        self._with_history = with_history or set()
        self._categories = categories or []

    def compose(self) -> ComposeResult:
        for position, values in enumerate(self._items):
            yield self._row(values, position)

    def _row(self, values: ItemFields, position: int) -> ItemRow:
        index = values.index
        return ItemRow(
            values,
            position=position,
            state_note=self._state_notes.get(index, "") if index is not None else "",
            has_history=index in self._with_history,
            categories=self._categories,
        )

    @property
    def rows(self) -> list[ItemRow]:
        return list(self.query_children(ItemRow))

    def values(self) -> list[ItemFields]:
        return [row.values() for row in self.rows]

    def row_of(self, widget) -> ItemRow | None:
        """The row a widget (an input) belongs to, if any."""
        node = widget
        while node is not None and node is not self:
            if isinstance(node, ItemRow):
                return node
            node = node.parent
        return None

    async def add_row(self) -> ItemRow:
        row = self._row(ItemFields(), len(self.rows))
        await self.mount(row)
        return row

    async def remove_row(self, row: ItemRow) -> None:
        await row.remove()
        for position, each in enumerate(self.rows):
            each.renumber(position)
