"""The encoded bytes of typed documents (frozen records), kept from one save to the next, so
that a save re-encodes only the documents that are new objects since the last one.

Records are immutable: a document that is the same object as at the last save has the same
bytes. Finding the changed ones is one identity comparison per document, run by the
interpreter's C loop (`map(operator.is_, ...)`); the file is then written from the kept
pieces (`"id":{...},`), without encoding the records again.
"""

from __future__ import annotations

from itertools import compress
from operator import is_, not_
from typing import Any

import msgspec

_encode = msgspec.json.Encoder().encode


def piece(key: str, doc: Any) -> bytes:
    """One document as it appears in its table, with the comma that follows it:
    `"id":{...},` (the table's last one is written without it)."""
    return b"".join((_encode(key), b":", _encode(doc), b","))


class _Table:
    __slots__ = ("docs", "keys", "pieces")

    def __init__(self, keys: list[str], docs: list[Any], pieces: list[bytes]):
        self.keys, self.docs, self.pieces = keys, docs, pieces


class Pieces:
    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}

    def forget(self) -> None:
        self._tables.clear()

    def of(self, name: str, table: dict[str, Any]) -> list[bytes]:
        """The table's documents as pieces, in the table's order."""
        keys, docs = list(table), list(table.values())
        kept = self._tables.get(name)
        if kept is not None and keys == kept.keys:
            pieces = kept.pieces
            changed = list(map(not_, map(is_, docs, kept.docs)))
            for i in compress(range(len(keys)), changed):
                pieces[i] = piece(keys[i], docs[i])
        else:  # ids added or removed: match by id
            before = {}
            if kept is not None:
                before = dict(zip(kept.keys, zip(kept.docs, kept.pieces, strict=True), strict=True))
            pieces = []
            for key, doc in zip(keys, docs, strict=True):
                old = before.get(key)
                pieces.append(old[1] if old is not None and old[0] is doc else piece(key, doc))
        self._tables[name] = _Table(keys, docs, pieces)
        return pieces

    def drop_missing(self, names: set[str]) -> None:
        for name in list(self._tables):
            if name not in names:
                del self._tables[name]
