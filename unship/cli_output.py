"""The command line's text output: JSON, tables and wrapped lines that fit the terminal.

Widths are counted in display cells (a wide character, such as CJK, takes two). On a terminal,
a table gives its flexible column (the title) the room left and shortens it at a word, with
"…"; running text wraps between words. When the output is piped, nothing is cut or wrapped.
"""

from __future__ import annotations

import os
import re
import sys
import unicodedata
from typing import Any

# Characters a terminal may act on that json.dumps(ensure_ascii=False) leaves raw: written
# as \uXXXX escapes instead (the same JSON value; they can only occur inside strings).
_JSON_RAW = re.compile("[\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
# Their UTF-8, one pattern each: each starts with a byte the search skips to at C speed (as
# one pattern of alternatives it tried every position: 20 ms on `list --json` at 10k orders).
_C1_UTF8 = re.compile(rb"\xc2[\x80-\x9f]")
_BIDI_UTF8 = re.compile(rb"\xe2(?:\x80[\xaa-\xae]|\x81[\xa6-\xa9])")
# What indented JSON's UTF-8 is made of: no C0 control but the newline (JSON escapes them).
_JSON_BYTES = bytes(range(0x20, 0x100)) + b"\n"
GAP = "  "  # between columns


def json_text(text: str) -> str:
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def print_json(value) -> bytes | None:
    """Print `value` as indented JSON; the bytes written when they went out as they are
    (UTF-8, nothing to escape: `print_kept` can write them again), else None."""
    import msgspec

    try:  # the same text as json.dumps(indent=2, ensure_ascii=False), 10x sooner
        compact = msgspec.json.encode(value)
    except UnicodeEncodeError:  # a lone surrogate: json.dumps keeps it, json_text escapes it
        import json

        text = json.dumps(msgspec.to_builtins(value), indent=2, ensure_ascii=False)
        sys.stdout.write(json_text(text) + "\n")
        return None
    plain = _plain_utf8(compact)  # indenting adds only spaces and newlines: look before
    data = msgspec.json.format(compact, indent=2) + b"\n"
    if plain and _write_plain(data):
        return data
    sys.stdout.write(json_text(data.decode("utf-8")))
    return None


def print_kept(data: bytes) -> bool:
    """Write bytes `print_json` wrote before (kept_list.py); False, with nothing written,
    when standard output does not take them as they are, or they are not what print_json
    writes as it is (read back from a file: checked as the terminal-safe stream would,
    about 9 ms at 10,000 orders)."""
    if data.translate(None, _JSON_BYTES) or not _plain_utf8(data):  # a control but newline
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _write_plain(data)


def _write_plain(data: bytes) -> bool:
    """Write JSON's UTF-8 bytes, in which `_plain_utf8` found nothing for json_text to
    escape, straight to a UTF-8 standard output (True), sparing three passes over a big text
    (json_text, the terminal-safe stream, the encoder: 60 ms for `list --json` at 10k
    orders). JSON escapes every C0 control, ESC included; DEL, the C1 and the bidi controls
    are looked for there; valid UTF-8 holds no lone surrogate: so the safe stream would not
    change a thing."""
    stream = getattr(sys.stdout, "wrapped", sys.stdout)
    buffer = getattr(stream, "buffer", None)
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if buffer is None or encoding != "utf8":
        return False
    stream.flush()
    buffer.write(data)
    stream.flush()
    return True


def _plain_utf8(data: bytes) -> bool:
    """No DEL (7F), C1 control (C2 80-9F) or bidi control (E2 80 AA-AE, E2 81 A6-A9). In
    UTF-8 a C2 or E2 byte only ever starts a character, so the patterns find nothing else."""
    return b"\x7f" not in data and not _C1_UTF8.search(data) and not _BIDI_UTF8.search(data)


def terminal_width() -> int | None:
    """The terminal's width when standard output is one; None when piped (nothing is cut)."""
    try:
        if not sys.stdout.isatty():
            return None
        return os.get_terminal_size(sys.stdout.fileno()).columns
    except (OSError, ValueError, AttributeError):
        return None


def char_cells(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cells(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(map(char_cells, text))


def shorten(text: str, width: int) -> str:
    """`text` in at most `width` cells: cut at a word where there is one, then "…"."""
    if cells(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    room, out = width - 1, ""
    for char in text:
        if cells(out) + char_cells(char) > room:
            break
        out += char
    space = out.rfind(" ")
    if space > 0:  # never half a word, when there is a whole one
        out = out[:space]
    return out.rstrip(" ,;:·-") + "…"


def pad(text: str, width: int, right: bool = False, size: int | None = None) -> str:
    """`text` filled with spaces to `width` cells (`size`: its cells, when already known)."""
    fill = " " * max(0, width - (cells(text) if size is None else size))
    return fill + text if right else text + fill


def fit_widths(
    widths: list[int], width: int, flex: dict[int, tuple[int, int]], optional: set[int]
) -> tuple[list[int], set[int]]:
    """Column widths that fit `width` cells. The `flex` columns ({column: (comfortable,
    fewest)}) give way first, in their order, down to a comfortable width; if that is not
    enough the `optional` columns are left out; then the flex columns give way down to their
    fewest cells. Returns (widths, columns left out)."""

    def shrink(dropped: set[int], floor: int) -> tuple[list[int], int]:
        out = list(widths)
        shown = [i for i in range(len(out)) if i not in dropped]
        over = sum(out[i] for i in shown) + len(GAP) * (len(shown) - 1) - width
        for col, limits in flex.items():
            cut = min(max(0, over), max(0, out[col] - limits[floor]))
            out[col] -= cut
            over -= cut
        return out, over

    fitted, over = shrink(set(), 0)
    if over <= 0:
        return fitted, set()
    fitted, over = shrink(set(optional), 0)
    if over <= 0:
        return fitted, set(optional)
    return shrink(set(optional), 1)[0], set(optional)


def print_table(
    header: list[str],
    rows: list[list[Any]],
    right: set[int] = frozenset(),
    flex: dict[int, tuple[int, int]] | None = None,
    optional: set[int] = frozenset(),
    width: int | None = None,
) -> None:
    """Aligned columns. On a terminal (or with `width`), the `flex` columns are shortened
    and `optional` columns left out so each line fits (see fit_widths); the other columns
    are never cut. A cell is text, cut at a word to fit, or (text, fit) for text with
    shorter forms of its own, `fit(width)` giving the one that fits (a deadline: 'return
    by 14 Jan · 47 days left', 'return · 47d left'). Piped, every column is whole."""
    fits = [[cell[1] if type(cell) is tuple else None for cell in row] for row in rows]
    rows = [[cell[0] if type(cell) is tuple else str(cell) for cell in row] for row in rows]
    sizes = [[cells(text) for text in row] for row in rows]  # each cell measured once
    width = width if width is not None else terminal_width()
    widths = [max([cells(header[i])] + [row[i] for row in sizes]) for i in range(len(header))]
    dropped: set[int] = set()
    if width is not None and flex:
        widths, dropped = fit_widths(widths, width, flex, set(optional))
    shown = [(i, widths[i], i in right) for i in range(len(header)) if i not in dropped]

    def cell(text: str, size: int, fit, w: int, to_right: bool) -> str:
        if size > w:  # a cell that fits as it is, the most of them, is only padded
            text = shorten(fit(w) if fit is not None else text, w)
            size = cells(text)
        return pad(text, w, to_right, size)

    lines = [
        GAP.join([cell(header[i], cells(header[i]), None, w, r) for i, w, r in shown]).rstrip(),
        *(
            GAP.join([cell(row[i], size[i], fit[i], w, r) for i, w, r in shown]).rstrip()
            for row, size, fit in zip(rows, sizes, fits, strict=True)
        ),
    ]
    sys.stdout.write("\n".join(lines) + "\n")  # one write: the terminal filter runs once


def wrap(text: str, indent: str, width: int | None, hanging: str | None = None) -> list[str]:
    """`text` after `indent`, wrapped between words to `width` cells (None: one line);
    continuation lines start with `hanging` (default: spaces as wide as `indent`)."""
    first = indent + text
    if width is None or cells(first) <= width:
        return [first]
    hanging = " " * cells(indent) if hanging is None else hanging
    lines, line = [], indent
    for word in text.split(" "):
        start = line in (indent, hanging)
        candidate = line + ("" if start else " ") + word
        if cells(candidate) <= width or start:
            line = candidate
        else:
            lines.append(line)
            line = hanging + word
    lines.append(line)
    return lines


def print_wrapped(text: str, indent: str = "", hanging: str | None = None) -> None:
    for line in wrap(text, indent, terminal_width(), hanging):
        print(line)
