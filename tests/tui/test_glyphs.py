"""No glyph needs a special font: no Private Use Area code points (where nerd-font icons and
powerline symbols live) in anything the app draws, and no emoji presentation."""

from __future__ import annotations

import unicodedata

from io_support import ROOT

SOURCES = sorted([*ROOT.glob("tui/**/*.py"), *ROOT.glob("tui/**/*.tcss"), *ROOT.glob("store/*.py")])


def _needs_a_special_font(char: str) -> bool:
    code = ord(char)
    private = 0xE000 <= code <= 0xF8FF or code >= 0xF0000
    emoji = 0x1F300 <= code <= 0x1FAFF or code == 0xFE0F
    return private or emoji


def test_the_app_draws_only_plain_unicode():
    assert SOURCES, "no sources found"
    found = [
        f"{path.relative_to(ROOT)}: U+{ord(c):04X} {unicodedata.name(c, '?')}"
        for path in SOURCES
        for c in set(path.read_text(encoding="utf-8"))
        if _needs_a_special_font(c)
    ]
    assert not found, found
