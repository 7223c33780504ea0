"""The encoded bytes of typed documents (frozen records), kept from one save to the next, so
that a save re-encodes only the documents that are new objects since the last one.

Records are immutable: a document that is the same object as at the last save has the same
bytes. Each document's piece (`"id":{...},`) is kept, and so are blocks of `BLOCK` pieces
joined: a save compares the table's documents with the kept ones block by block (identity,
in the interpreter's C loops), re-encodes the changed documents, re-joins only their blocks
and hands the writer a few hundred blocks rather than one piece per document (writing 50,000
small buffers takes twice as long as writing the same bytes in 100 large ones).
"""

from __future__ import annotations

from itertools import compress
from operator import is_not
from typing import Any

import msgspec

_encode = msgspec.json.Encoder().encode

BLOCK = 512


def piece(key: str, doc: Any) -> bytes:
    """One document as it appears in its table, with the comma that follows it:
    `"id":{...},` (the table's last one is written without it)."""
    return b"".join((_encode(key), b":", _encode(doc), b","))


class _Table:
    __slots__ = ("blocks", "docs", "keys", "pieces")

    def __init__(self, keys: list[str], docs: list[Any], pieces: list[bytes]):
        self.keys, self.docs, self.pieces = keys, docs, pieces
        self.blocks = [b"".join(pieces[i : i + BLOCK]) for i in range(0, len(pieces), BLOCK)]


def _checked(name: str, doc: Any, kind: type | None) -> Any:
    if kind is not None and type(doc) is not kind:
        raise TypeError(f"table {name!r}: not every document is a {kind.__name__}")
    return doc


class Pieces:
    def __init__(self) -> None:
        self._tables: dict[str, _Table] = {}

    def forget(self) -> None:
        self._tables.clear()

    def of(self, name: str, table: dict[str, Any], kind: type | None = None) -> list[bytes]:
        """The table's documents as blocks of pieces, in the table's order (their bytes
        joined are the table's inside, with a comma after the last document). A document
        encoded anew must be a `kind` (TypeError otherwise)."""
        try:
            return self._of(name, table, kind)
        except BaseException:
            self._tables.pop(name, None)  # pieces may be ahead of the documents kept
            raise

    def _of(self, name: str, table: dict[str, Any], kind: type | None) -> list[bytes]:
        keys, docs = list(table), list(table.values())
        kept = self._tables.get(name)
        if kept is not None and keys == kept.keys:
            pieces, blocks = kept.pieces, kept.blocks
            touched = set()
            for i in compress(range(len(docs)), map(is_not, docs, kept.docs)):
                pieces[i] = piece(keys[i], _checked(name, docs[i], kind))
                touched.add(i // BLOCK)
            for b in touched:
                blocks[b] = b"".join(pieces[b * BLOCK : (b + 1) * BLOCK])
            kept.docs = docs
            return blocks
        before = {}  # ids added or removed: match by id
        if kept is not None:
            before = dict(zip(kept.keys, zip(kept.docs, kept.pieces, strict=True), strict=True))
        pieces = []
        for key, doc in zip(keys, docs, strict=True):
            old = before.get(key)
            if old is not None and old[0] is doc:
                pieces.append(old[1])
            else:
                pieces.append(piece(key, _checked(name, doc, kind)))
        fresh = self._tables[name] = _Table(keys, docs, pieces)
        return fresh.blocks

    def drop_missing(self, names: set[str]) -> None:
        for name in list(self._tables):
            if name not in names:
                del self._tables[name]
