"""Keys typed ahead of `q` in one read of the terminal (a fast typist, a paste, keys arriving
together over SSH): the app quits cleanly, without a traceback, whatever the second key opens.

Textual mounts nothing once exit() was called, so a screen pushed by the second key found none
of its widgets in on_mount (NoMatches, a traceback on the terminal, and exit status 0).
"""

from __future__ import annotations

import pytest
from terminal_support import Terminal, demo_db, skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))


# a: the form, e: edit, A: quick add, i: import, Enter: the order, ?: help
@pytest.mark.parametrize("second", ["a", "e", "A", "i", "\r", "?"])
def test_q_and_a_key_in_one_write_quit_cleanly(tmp_path, second):
    db = demo_db(tmp_path)
    term = Terminal(tmp_path)
    try:
        term.start_unship("--db", str(db))
        term.wait_text("open ·", "retailer", "next deadline")
        term.type("q" + second)  # one send-keys: one write to the pty
        assert term.wait_exit() == 0
        screen = term.screen()
        assert "Traceback" not in screen and "NoMatches" not in screen, screen
    finally:
        term.close()
