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
from collections.abc import Iterator
from itertools import accumulate, chain, islice
from operator import is_
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

    def _append(self, block: bytes, starts: array[int]) -> None:
        self.firsts.append(self.firsts[-1] + len(self.starts[-1]) - 1 if self.blocks else 0)
        self.blocks.append(block)
        self.starts.append(starts)

    def _join(self, pieces: list[bytes]) -> None:
        self._append(b"".join(pieces), array("q", [0, *accumulate(map(len, pieces))]))

    def add(self, pieces: Iterator[bytes]) -> None:
        """Pieces for the documents after the last block's: the last block is filled up to
        BLOCK first (one added order does not make a block of its own)."""
        if self.blocks and len(self.starts[-1]) - 1 < BLOCK:
            block, starts = self.blocks.pop(), self.starts.pop()
            del self.firsts[-1]
            last = [block[starts[j] : starts[j + 1]] for j in range(len(starts) - 1)]
            pieces = chain(last, pieces)
        while chunk := list(islice(pieces, BLOCK)):  # a block at a time: no second copy
            self._join(chunk)

    def follow(self, keys: list[str], docs: list[Any], encode) -> _Table | None:
        """The table after documents were changed, deleted or added at the end, as a new
        _Table that shares the blocks none of whose documents changed; None when the keys
        are in another order (then every piece is made again)."""
        present = None if keys == self.keys else set(keys)  # None: the same keys
        out = _Table(keys, docs)
        at = 0  # the next key of `keys` to account for
        for b, first in enumerate(self.firsts):
            block, starts = self.blocks[b], self.starts[b]
            count = len(starts) - 1
            kept: Any = range(count)
            if present is not None:
                old_keys = self.keys[first : first + count]
                kept = [j for j, key in enumerate(old_keys) if key in present]
                if [old_keys[j] for j in kept] != keys[at : at + len(kept)]:
                    return None
            old_docs = self.docs[first : first + count]
            if len(kept) == count and all(map(is_, docs[at : at + count], old_docs)):
                out._append(block, starts)  # untouched: the same bytes object
            elif kept:
                out._join(
                    [
                        block[starts[j] : starts[j + 1]]
                        if docs[at + n] is old_docs[j]
                        else encode(at + n)
                        for n, j in enumerate(kept)
                    ]
                )
            at += len(kept)
        if at < len(keys):
            out.add(map(encode, range(at, len(keys))))
        return out


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
            if kind is not None and type(docs[i]) is not kind:
                raise TypeError(f"table {name!r}: not every document is a {kind.__name__}")
            return piece(keys[i], docs[i])

        kept = self._by_table.get(name)
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
