"""What the command line writes to a terminal: never an escape sequence that came from data.

`safe_output()` swaps sys.stdout and sys.stderr for streams that pass every write through
`terminal_safe` (store/text.py): a file name, a typed value quoted in an error, or a title
read from a hand-edited data file can't clear the screen, write the clipboard (OSC 52),
plant a link (OSC 8) or retitle the window. Newlines, tabs and CRLF line ends are kept;
a lone surrogate (from undecodable bytes in an argument) is dropped instead of crashing
the encoder.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import TextIO

from unship.store import terminal_safe


class SafeStream:
    """A text stream that writes only what a terminal may safely get."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        self.wrapped.write(terminal_safe(text))
        return len(text)

    def writelines(self, lines) -> None:
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.wrapped, name)


@contextlib.contextmanager
def safe_output() -> Iterator[None]:
    real = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = SafeStream(real[0]), SafeStream(real[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = real


def unwrapped() -> None:
    """Give the real streams back (before the full-screen app takes the terminal)."""
    sys.stdout = getattr(sys.stdout, "wrapped", sys.stdout)
    sys.stderr = getattr(sys.stderr, "wrapped", sys.stderr)
