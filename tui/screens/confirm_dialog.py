"""A small yes/no question over the current screen: `ConfirmDialog(question)` -> bool."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from unship.tui.screens import composed


class ConfirmDialog(ModalScreen[bool]):
    """Dismisses with True (y, or the yes button) or False (n, Escape, or the no button).

    The question may hold user text: it is shown as plain Content, never as markup.
    """

    CSS_PATH = "../form.tcss"
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
        Binding("left,right", "switch", show=False),
    ]

    def __init__(
        self, question: str, *, yes: str = "Yes", no: str = "No", danger: bool = True
    ) -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.danger = danger  # yes deletes or discards: its button says so

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-dialog"):
            yield Static(Content(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                variant = "error" if self.danger else "primary"
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant=variant, compact=True)
                yield Button(f"{self.no} (n)", id="confirm-no", compact=True)

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self.query_one("#confirm-no", Button).focus()  # the safe answer is the default

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)

    def action_switch(self) -> None:
        self.focus_next()
