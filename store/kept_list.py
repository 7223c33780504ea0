"""`unship list --json` kept from one run to the next: the output is a function of the data
file's version, the day, the rules and the command's options, so a later run that finds all
four as they were prints the kept bytes without opening the book.

Scripts and status bars run `list --json` again and again on a book that has not changed:
each run would decode every order, look up its kept facts and build and encode its row
(about 120 ms at 10,000 orders) to print the same bytes. As the kept facts (facts.py):

- The file is derived data, never the truth: one that is missing, unreadable, from another
  version of unship (the store's and the command line's modules, by size and time), about
  other rules, another day, other options or another version of the data file (inode, size,
  time and generation) is ignored; the command then runs as always and keeps its output
  again. Writing it may fail silently.
- Only the output of a book that keeps its facts (the person's own rules: not a policies
  file of their own, which the book reads and checks at once) and was at rest on the same
  file version from before its orders were read until after they were printed.
- One file per data file, for the options used last: about the size of the data file
  (5 MB at 10,000 orders). Compressed it took a tenth of that, and 15 ms to write and 10 ms
  to read back at 10,000 orders.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import msgspec

from . import backups, facts, schema
from .errors import StoreError
from .paths import cache_dir, config_dir, default_db_path, own_policies

# Bump when the output or what is stored changes shape or meaning.
FORMAT = 1


class _Kept(msgspec.Struct, array_like=True):
    format: int
    fingerprint: str
    day: date
    data_key: tuple[int, ...]  # the data file's stat key and generation
    options: str
    output: bytes


_decode = msgspec.msgpack.Decoder(_Kept).decode
_encode = msgspec.msgpack.Encoder().encode


def kept_file(data_file: Path) -> Path:
    return facts.cache_file(data_file, cache_dir(), "list")


def _fingerprint() -> str:
    """The rules, as the kept facts say them (the store's code and data, the person's
    settings), and the command line's own modules, which filter and print the rows."""
    own = facts.stamps(_command_line(), (".py",))
    return "\n".join([f"{FORMAT}.{facts.FORMAT}", facts.fingerprint(config_dir()), *own])


def _command_line() -> str:
    import unship

    return os.path.dirname(unship.__file__)


def kept_output(path: Path | None, today: date, options: str) -> bytes | None:
    """The bytes `list --json` with `options` printed for the data file at `path` (None:
    the default) as it is now, on `today`; None when they were not kept."""
    if own_policies():
        return None
    try:
        data = backups.resolve(path if path is not None else default_db_path())
        kept = _decode(kept_file(data).read_bytes())
        if (
            kept.format != FORMAT
            or kept.day != today
            or kept.options != options
            or kept.fingerprint != _fingerprint()
        ):
            return None
        version, _tables = schema.file_at_rest(data)
        if version != tuple(kept.data_key):
            return None
        return kept.output
    except (OSError, StoreError, schema.Invalid):
        return None
    except (msgspec.DecodeError, msgspec.ValidationError):  # not a file this version wrote
        return None


def keep_output(
    data_file: Path, key: tuple[int, ...], today: date, options: str, output: bytes
) -> None:
    """Keep `output`, printed for `data_file` (as stored: `OrderBook.storage.path`) at the
    version `key` (`OrderBook.version()`)."""
    kept = _Kept(FORMAT, _fingerprint(), today, key, options, output)
    file = kept_file(data_file)
    if facts.write_kept(file, _encode(kept)):
        facts.forget_old(file)
