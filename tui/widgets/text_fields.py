"""A one-line Input that never holds a control character: what is pasted is cleaned first
(notes_area.py does the same for the notes' TextArea).

Typed keys can't carry controls, but a paste (bracketed paste, or ctrl+v from the app's
clipboard) can: Textual's Input and TextArea keep ESC, BEL, C1 controls and bidi overrides
as they are and draw them, so a pasted OSC 52 or a clear-screen would reach the terminal.
Here every insertion goes through `terminal_safe` (store/text.py) first.
"""

from __future__ import annotations

from textual.widgets import Input
from unship.store import terminal_safe


def _one_line(text: str) -> str:
    return " ".join(terminal_safe(text).replace("\t", " ").splitlines())


class TextInput(Input):
    """A one-line Input that drops controls from whatever is inserted, and cuts a paste that
    is too long to the room left (Input would refuse it whole, with only a bell to say so)."""

    def insert(self, text: str, index: int) -> None:
        super().insert(self._fit(_one_line(text), 0), index)

    def replace(self, text: str, start: int, end: int) -> None:
        super().replace(self._fit(_one_line(text), abs(end - start)), start, end)

    def _fit(self, text: str, replaced: int) -> str:
        if not self.max_length:
            return text
        return text[: max(0, self.max_length - len(self.value) + replaced)]
