"""A TextArea that never holds a control character (see text_fields.py): apart from the
one-line fields because Textual's TextArea costs a first frame about 10 ms to import."""

from __future__ import annotations

from textual.widgets import TextArea
from unship.store import terminal_safe


class NotesArea(TextArea):
    """A TextArea that keeps newlines and tabs from a paste and drops every other control."""

    def _replace_via_keyboard(self, insert: str, start, end):
        return super()._replace_via_keyboard(
            terminal_safe(insert).replace("\r\n", "\n"), start, end
        )
