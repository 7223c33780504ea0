"""A line of plain text under a field (an error, a warning, a hint) that is cheap to re-set.

The form re-checks itself on every keystroke; `show` touches the widget (and so the layout)
only when the text or its kind changed. Text is shown as Content, never as markup, and without control characters (an error
message may quote what was typed or read).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static
from unship.store import terminal_safe

KINDS = ("error", "warning", "blocked")


class MessageLine(Static):
    def __init__(self, *, id: str | None = None, classes: str | None = None, hide_empty=True):
        super().__init__("", id=id, classes=classes, markup=False)
        self.hide_empty = hide_empty
        self.text = ""
        self.kind = ""
        if hide_empty:
            self.display = False

    def show(self, text: str, kind: str = "") -> None:
        """Show `text` ('' clears it); `kind` is '', 'error', 'warning' or 'blocked'."""
        if text == self.text and kind == self.kind:
            return
        if text != self.text:
            self.text = text
            self.update(Content(terminal_safe(text)))
            if self.hide_empty:
                self.display = bool(text)
        if kind != self.kind:
            for each in KINDS:
                self.set_class(kind == each, f"-{each}")
            self.kind = kind
