"""Cleaning text that comes from people and from files before it is stored or shown.

Control characters and bidi overrides in data must never reach a terminal: they could
move the cursor, write the clipboard (OSC 52), plant links (OSC 8) or reverse what a
line seems to say. They are removed when data comes in and again before display.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except tab/newline, DEL, C1 controls, bidi embeddings/overrides/isolates,
# and lone surrogates (which cannot be encoded to UTF-8).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_UNSAFE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# An ESC-introduced sequence (CSI, OSC, ...) is removed whole, not just its ESC.
_ESC_SEQUENCE = re.compile(
    r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[PX^_][^\x1b]*(?:\x1b\\)?|.)?"
    r"|\x9b[0-?]*[ -/]*[@-~]|\x9d[^\x07\x9c]*[\x07\x9c]?",
    re.DOTALL,
)

TITLE_MAX = 300
NOTE_MAX = 4000
FIELD_MAX = 120


def clean_line(value: object, *, limit: int = FIELD_MAX) -> str:
    """One line of text: no controls at all, whitespace folded, at most `limit` characters."""
    text = str(value)
    if not _plain_line(text):
        text = _clean_line(text)
    return _cap(text, limit)


def _plain_line(text: str) -> bool:
    """Printable ASCII with single inner spaces: already clean (the list shows thousands of
    such cells; the full cleaning runs four passes over each)."""
    return (
        text.isascii()
        and text.isprintable()
        and "  " not in text
        and not text.startswith(" ")
        and not text.endswith(" ")
    )


def _clean_line(text: str) -> str:
    text = unicodedata.normalize("NFC", _ESC_SEQUENCE.sub("", text))
    text = _UNSAFE_LINE.sub(" ", text)
    return " ".join(text.split())


def clean_text(value: object, *, limit: int = NOTE_MAX) -> str:
    """Free text (notes): keeps newlines and tabs, drops every other control."""
    text = unicodedata.normalize("NFC", _ESC_SEQUENCE.sub("", str(value)))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _UNSAFE.sub("", text).strip()
    return _cap(text, limit)


def terminal_safe(value: object) -> str:
    """Text as it may be written to a terminal: every escape sequence, control character
    (but newline, tab and a CR that ends a line), bidi override and lone surrogate removed.

    For messages and output that may quote data (a file name, a typed value), so that
    nothing read from data can move the cursor, write the clipboard or retitle the window.
    """
    text = _ESC_SEQUENCE.sub("", str(value))
    return "\r\n".join(_UNSAFE.sub("", part) for part in text.split("\r\n"))


def _cap(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
