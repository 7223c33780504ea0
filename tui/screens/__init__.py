"""The app's screens. `composed(screen)` says whether a screen's compose was mounted."""

from __future__ import annotations

from textual.binding import Binding
from textual.screen import Screen

# The app's F1 opens help over a dialog too, but Textual's footer shows a dialog's own keys
# alone: the dialogs with a footer bind it again so that it shows there.
HELP_KEY = Binding("f1", "app.help", "help")


def composed(screen: Screen) -> bool:
    """False when Textual mounted none of what compose made: once the app is quitting (a key
    typed ahead with `q` can push a screen then), mounting does nothing, yet on_mount still
    runs. An on_mount that queries its widgets returns early when this is False."""
    return bool(screen.children)
