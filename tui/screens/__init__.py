"""The app's screens. `composed(screen)` says whether a screen's compose was mounted."""

from __future__ import annotations

from textual.screen import Screen


def composed(screen: Screen) -> bool:
    """False when Textual mounted none of what compose made: once the app is quitting (a key
    typed ahead with `q` can push a screen then), mounting does nothing, yet on_mount still
    runs. An on_mount that queries its widgets returns early when this is False."""
    return bool(screen.children)
