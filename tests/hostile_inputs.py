"""The hostile inputs, as data: one table reused by every door (model, form, quick add, CLI,
importers). Each entry is (id, value); the id names the case in test ids and messages.

`unsafe(text)` lists what must never reach a terminal from data: C0 controls (but newline
and tab), DEL, C1 controls, bidi embeddings/overrides/isolates and lone surrogates.
"""

from __future__ import annotations

import re

TEXT: list[tuple[str, str]] = [
    ("markup-bold", "[bold]x[/]"),
    ("markup-close", "[/]"),
    ("markup-open", "[/"),
    ("markup-click", "[@click=app.quit]x[/]"),
    ("markup-link", "[link=file:///etc/passwd]x[/]"),
    ("csi-colour", "\x1b[31mred\x1b[0m"),
    ("csi-clear-home", "\x1b[2J\x1b[Hclear"),
    ("csi-cursor-up", "up\x1b[5A\x1b[2K"),
    ("osc52-clipboard", "\x1b]52;c;aGVsbG8=\x07copy"),
    ("osc8-link", "\x1b]8;;http://evil.example\x1b\\link\x1b]8;;\x1b\\"),
    ("osc0-title", "\x1b]0;pwned\x07title"),
    ("c1-csi", "\x9b31mc1"),
    ("c1-osc", "\x9d0;t\x9cosc"),
    ("bel", "bell\x07"),
    ("nul", "nul\x00byte"),
    ("backspace", "back\x08\x08space"),
    ("carriage-return", "good\rEVIL"),
    ("del", "del\x7fete"),
    ("lone-surrogate", "\ud800lone"),
    ("rtl-override", "\u202eevil\u202c txt"),
    ("rtl-isolate", "a\u2067b\u2069c"),
    ("combining", "e\u0301\u0301\u0301\u0301"),
    ("emoji-zwj", "👩🏽‍💻👨‍👩‍👧 tones"),
    ("cjk-wide", "中文字符テスト한국어"),
    ("long-10000", "x" * 10_000),
    ("empty", ""),
    ("spaces", "   "),
    ("tab-newline", "\t\n"),
    ("newline-inside", "two\nlines"),
]

NUMBERS: list[tuple[str, str]] = [
    ("negative", "-1"),
    ("zero", "0"),
    ("huge", "1e30"),
    ("huge-digits", "9" * 400),
    ("nan", "NaN"),
    ("inf", "inf"),
    ("minus-inf", "-inf"),
    ("many-decimals", "1.0001"),
    ("two-decimals", "12.34"),
    ("three-decimals", "1.234"),
    ("trailing-dot", "12."),
    ("leading-dot", ".5"),
    ("underscore", "1_000"),
    ("hex", "0x10"),
    ("arabic-digits", "١٢٣"),
    ("blank", "  "),
    ("escape", "\x1b[2J5"),
    ("negative-escape", "-\x1b]52;c;aGk=\x075"),
]
CURRENCIES = ["USD", "JPY", "KWD"]

DATES: list[tuple[str, str]] = [
    ("feb-30", "2026-02-30"),
    ("year-0", "0000-01-01"),
    ("year-99999", "99999-01-01"),
    ("month-13", "2026-13-01"),
    ("far-future", "2999-01-01"),
    ("tomorrow", "2026-11-29"),
    ("before-1990", "1989-12-31"),
    ("negative-ago", "-1 days ago"),
    ("huge-ago", "99999 days ago"),
    ("day-32", "32 Jan"),
    ("feb-29", "Feb 29"),
    ("nul", "\x00"),
    ("escape", "mon\x1b[2J"),
    ("file-separator", "30\x1cfeb 2026"),
    ("timestamp", "2026-11-21T23:59:59-10:00"),
]

# What a terminal must never get from data.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def unsafe(text: str, *, newline_ok: bool = True) -> list[str]:
    """The unsafe characters in `text` (newline and tab are fine where `newline_ok`)."""
    found = UNSAFE.findall(text)
    if not newline_ok:
        found += [c for c in text if c in "\n\t"]
    return found


def values(table: list[tuple[str, str]]) -> list[str]:
    return [value for _, value in table]


def ids(table: list[tuple[str, str]]) -> list[str]:
    return [name for name, _ in table]
