"""The encoded bytes of typed documents (frozen records), kept from one save to the next, so
that a save re-encodes only the documents that are new objects since the last one.

Records are immutable: a document that is the same object as at the last save has the same
bytes. The documents' pieces (`"id":{...},`) are kept joined in blocks of `BLOCK`, with where
each piece starts (the bytes once, not as pieces and blocks both): a save compares the
table's documents with the kept ones (identity, in the interpreter's C loops), re-encodes the
changed documents, rebuilds only their blocks and hands the writer about a hundred blocks at
50k documents rather than one piece each (writing 50,000 small buffers takes twice as long as
writing the same bytes in 100 large ones).
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator
from itertools import accumulate, compress, islice
from operator import is_, is_not
from typing import Any

import msgspec

_encode = msgspec.json.Encoder().encode

BLOCK = 512


def piece(key: str, doc: Any) -> bytes:
    """One document as it appears in its table, with the comma that follows it:
    `"id":{...},` (the table's last one is written without it)."""
    return b"".join((_encode(key), b":", _encode(doc), b","))


class _Table:
    """A table's kept bytes: blocks of up to BLOCK joined pieces, where each piece starts in
    its block, and the documents (with their keys) the pieces were made from, in order. The
    bytes are kept once: a piece is cut from its block when a block is made again."""

    __slots__ = ("blocks", "docs", "firsts", "keys", "starts")

    def __init__(self, keys: list[str], docs: list[Any]) -> None:
        self.keys, self.docs = keys, docs
        self.blocks: list[bytes] = []
        self.starts: list[array[int]] = []
        self.firsts: list[int] = []  # the index (in keys) of each block's first document

    def add(self, pieces: Iterator[bytes]) -> None:
        """Pieces for the documents after the last block's: the last block is filled up to
        BLOCK first (one added order does not make a block of its own)."""
        if self.blocks and len(self.starts[-1]) - 1 < BLOCK:
            last = self._cut(len(self.blocks) - 1)
            room = BLOCK - len(last)
            self._put(len(self.blocks) - 1, last + list(islice(pieces, room)))
        while chunk := list(islice(pieces, BLOCK)):  # a block at a time: no second copy
            self.firsts.append(self.firsts[-1] + len(self.starts[-1]) - 1 if self.blocks else 0)
            self.blocks.append(b"")
            self.starts.append(array("q"))
            self._put(len(self.blocks) - 1, chunk)

    def _put(self, b: int, pieces: list[bytes]) -> None:
        self.blocks[b] = b"".join(pieces)
        self.starts[b] = array("q", [0, *accumulate(map(len, pieces))])

    def _cut(self, b: int) -> list[bytes]:
        block, starts = self.blocks[b], self.starts[b]
        return [block[starts[j] : starts[j + 1]] for j in range(len(starts) - 1)]

    def changed(self, docs: list[Any], encode) -> None:
        """The same keys in the same order: re-encode the documents that are new objects."""
        touched: dict[int, dict[int, bytes]] = {}
        for i in compress(range(len(docs)), map(is_not, docs, self.docs)):
            b = bisect_right(self.firsts, i) - 1
            touched.setdefault(b, {})[i - self.firsts[b]] = encode(i)
        for b, new in touched.items():
            pieces = self._cut(b)
            for j, one in new.items():
                pieces[j] = one
            self._put(b, pieces)
        self.docs = docs

    def follow(self, keys: list[str], docs: list[Any], encode) -> _Table | None:
        """The table after documents were deleted, changed or added at the end, as a new
        _Table that shares the blocks no document of which changed; None when the keys are
        in another order (then every piece is made again)."""
        table = dict(zip(keys, range(len(keys)), strict=True))
        out = _Table(keys, docs)
        at = 0  # the next key of `keys` to account for
        for b, first in enumerate(self.firsts):
            count = len(self.starts[b]) - 1
            old_keys = self.keys[first : first + count]
            kept = [j for j, key in enumerate(old_keys) if key in table]
            if [old_keys[j] for j in kept] != keys[at : at + len(kept)]:
                return None
            old_docs = self.docs[first : first + count]
            if len(kept) == count and all(map(is_, docs[at : at + count], old_docs)):
                out.firsts.append(at)  # untouched: the same bytes object
                out.blocks.append(self.blocks[b])
                out.starts.append(self.starts[b])
            elif kept:
                block, starts = self.blocks[b], self.starts[b]
                pieces = [
                    block[starts[j] : starts[j + 1]]
                    if docs[at + n] is old_docs[j]
                    else encode(at + n)
                    for n, j in enumerate(kept)
                ]
                out.firsts.append(at)
                out.blocks.append(b"")
                out.starts.append(array("q"))
                out._put(len(out.blocks) - 1, pieces)
            at += len(kept)
        out.add(map(encode, range(at, len(keys))))
        return out


def _checked(name: str, doc: Any, kind: type | None) -> Any:
    if kind is not None and type(doc) is not kind:
        raise TypeError(f"table {name!r}: not every document is a {kind.__name__}")
    return doc


class Pieces:
    def __init__(self) -> None:
        self._by_table: dict[str, _Table] = {}

    def forget(self) -> None:
        self._by_table.clear()

    def of(self, name: str, table: dict[str, Any], kind: type | None = None) -> list[bytes]:
        """The table's documents as blocks of pieces, in the table's order (their bytes
        joined are the table's inside, with a comma after the last document). A document
        encoded anew must be a `kind` (TypeError otherwise)."""
        try:
            return self._of(name, table, kind)
        except BaseException:
            self._by_table.pop(name, None)  # pieces may be ahead of the documents kept
            raise

    def _of(self, name: str, table: dict[str, Any], kind: type | None) -> list[bytes]:
        keys, docs = list(table), list(table.values())

        def encode(i: int) -> bytes:
            return piece(keys[i], _checked(name, docs[i], kind))

        kept = self._by_table.get(name)
        if kept is not None and keys == kept.keys:
            kept.changed(docs, encode)
            return kept.blocks
        fresh = kept.follow(keys, docs, encode) if kept is not None else None
        if fresh is None:
            fresh = _Table(keys, docs)
            fresh.add(map(encode, range(len(keys))))
        self._by_table[name] = fresh
        return fresh.blocks

    def drop_missing(self, names: set[str]) -> None:
        for name in list(self._by_table):
            if name not in names:
                del self._by_table[name]
