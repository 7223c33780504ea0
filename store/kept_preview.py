"""A big book's newest orders, kept from one run of the app to the next for its first frame.

The app's first frame shows the newest orders of a big book (a preview: the rest follows right
after it, before the app handles a key). Reading them from the book means decoding every order
first: about 35 ms at 10,000 orders and 150 ms at 50,000. The app keeps the newest ones when it
ends, and the next start paints them from this small file when the data file is as it was.

Derived data, as the kept facts (facts.py): a file that is missing, unreadable, written by
another version of unship, or kept for another version of the data file (its stat key: inode,
device, size and time, the storage's own test of whether to read the file again) is ignored,
and the first frame reads the book as always. Writing it may fail silently.
"""

from __future__ import annotations

from pathlib import Path

import msgspec

from . import facts, fileio
from .model import Order
from .paths import cache_dir

# Bump when what is stored changes shape or meaning.
FORMAT = 1


class _Kept(msgspec.Struct, array_like=True):
    format: int
    data_key: tuple[int, ...]  # the data file's stat key
    count: int  # the orders in the book
    newest: list[Order]  # newest first


_decode = msgspec.msgpack.Decoder(_Kept).decode
_encode = msgspec.msgpack.Encoder().encode


def kept_file(data_file: Path) -> Path:
    return facts.cache_file(data_file, cache_dir(), "newest")


def kept_newest(data_file: Path, n: int) -> tuple[int, list[Order]] | None:
    """(how many orders the book holds, its `n` newest) as kept for `data_file` (as stored:
    `OrderBook.storage.path`) as it is now; None when they were not kept."""
    try:
        key = fileio.current_key(data_file)
        kept = _decode(kept_file(data_file).read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if key is None or kept.format != FORMAT or kept.data_key != key:
        return None
    if len(kept.newest) < min(n, kept.count):
        return None
    return kept.count, kept.newest[:n]


def keep_newest(
    data_file: Path, data_key: tuple[int, ...], count: int, newest: list[Order]
) -> None:
    """Keep the `newest` orders (newest first) of the `count` in `data_file` at `data_key`
    (its stat key)."""
    file = kept_file(data_file)
    if facts.write_kept(file, _encode(_Kept(FORMAT, tuple(data_key), count, newest))):
        facts.forget_old(file)
