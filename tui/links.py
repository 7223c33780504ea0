"""Opening a link: in a browser where one can open, and always copied (OSC 52, which reaches
the person's own terminal over SSH) so it can be pasted where none can."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping


def browser_can_open(environ: Mapping[str, str] = os.environ, platform: str = sys.platform) -> bool:
    """False over SSH, and on a Linux/BSD console with no graphical session; True in the
    browser textual-serve draws in (its driver opens links there)."""
    if environ.get("TEXTUAL_DRIVER"):
        return True
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        return False
    if platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))
    return True


def open_link(app, url: str, what: str = "link") -> None:
    """Copy `url` and open it when a browser can; the notice says which happened."""
    if not url:
        return
    app.copy_to_clipboard(url)
    if browser_can_open():
        app.open_url(url)
        app.notify(f"Opening {url} (the {what} is copied too)", markup=False)
    else:
        app.notify(
            f"No browser can open here (an SSH session or no display): the {what} is "
            f"copied, paste it into your browser. {url}",
            title="Link copied",
            markup=False,
            timeout=10,
        )
