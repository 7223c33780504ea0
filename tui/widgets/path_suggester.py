"""Path completion for a text field: the first file or folder that starts with what was typed
is suggested after the cursor (right arrow or End takes it, as in a shell's completion)."""

from __future__ import annotations

import os
from pathlib import Path

from textual.suggester import Suggester

MAX_ENTRIES = 2000  # a huge folder is not listed on every key


class PathSuggester(Suggester):
    def __init__(self) -> None:
        super().__init__(use_cache=True, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        return complete_path(value)


def complete_path(value: str) -> str | None:
    """`value` completed to the first entry of its folder that starts with its last part
    (a folder gets a trailing slash); None when there is none or nothing to add."""
    if not value or "\n" in value:
        return None
    head, sep, stem = value.rpartition(os.sep)
    folder = Path(os.path.expanduser(head + sep)) if sep else Path(".")
    try:
        with os.scandir(folder) as entries:
            names = []
            for n, entry in enumerate(entries):
                if n >= MAX_ENTRIES:
                    break
                if entry.name.startswith(stem) and (
                    stem.startswith(".") or not entry.name.startswith(".")
                ):
                    names.append((entry.name, entry.is_dir()))
    except OSError:
        return None
    if not names:
        return None
    name, is_dir = min(names)
    completed = value[: len(value) - len(stem)] + name + (os.sep if is_dir else "")
    return completed if completed != value else None
