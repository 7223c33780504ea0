"""Serialising the order book on every save without re-serialising what did not change.

`Encoder.encode()` returns exactly the bytes of `schema.encode()` (same order, same bytes), but
keeps each document's serialised bytes and re-serialises only the documents that changed: at
10k orders a save serialises one or two documents instead of 5 MB.

What changed is known without looking at every document (store/tracking.py): a stored table
logs the ids set or deleted, in order, and replaying that log on the cached bytes keeps them in
the table's order; a document changed in place records itself. Only sealed documents (whose
nested lists and dicts record their changes too) can keep their bytes: until the storage says
every loaded document is sealed (`ready`), each save is a full dump, which sees every change.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import compress, islice
from typing import Any

import orjson

from . import schema
from .fileio import Buffer
from .tracking import EVERYTHING, SET, TOUCH, Kinds, TrackedTable, adopt_children


class Encoder:
    def __init__(self, kinds: Kinds) -> None:
        self._kinds = kinds
        # Every document in memory is sealed: their bytes may be kept (set by the storage).
        self.ready = True
        # table name -> (the table object at the last save, its documents' bytes in its order,
        # each as `,"key":{...}`); None until the first save after `ready`.
        self._tables: dict[str, tuple[dict[str, Any], dict[str, bytes]]] | None = None
        self._dirty: dict[int, Any] = {}  # id -> document changed in place since the last save
        self._everything = False  # a nested container changed: its document is not known

    @property
    def cached(self) -> bool:
        return self._tables is not None

    def forget(self) -> None:
        """Drop the cache (the data was reloaded or dropped)."""
        self._tables = None
        self._dirty.clear()
        self._everything = False

    def note_changes(self, docs: Iterable[Any], containers: Iterable[Any]) -> None:
        """Record documents and nested containers that were changed in place, and adopt what
        was put into them so that later changes inside it are recorded too."""
        kinds = self._kinds
        for doc in docs:
            self._dirty[id(doc)] = doc
            adopt_children(doc, kinds)
        for container in containers:
            self._everything = True
            adopt_children(container, kinds)

    def encode(self, tables: dict[str, dict[str, Any]], generation: int) -> list[Buffer]:
        """The file's bytes for tables (see schema.encode), as chunks to write one after the
        other (fileio.write_chunks; joining them would copy the whole file once more).
        Raises TypeError like schema.encode."""
        try:
            if not self.ready:
                self.forget()
                return [schema.encode(tables, generation)]
            return self._from_pieces(tables, generation)
        finally:
            for table in tables.values():
                if isinstance(table, TrackedTable):  # the log is spent (or dropped with us)
                    table.ops.clear()
                    table.checked = 0

    def _from_pieces(self, tables: dict[str, dict[str, Any]], generation: int) -> list[Buffer]:
        if self._tables is None:
            self._tables = {}
            self._everything = True
        chunks: list[Buffer] = [
            b'{"' + schema.META_TABLE.encode() + b'":' + schema.encode_meta(generation)
        ]
        try:
            for name, table in tables.items():
                chunks.append(b"," + _key(name) + b":{")
                pieces = self._table_pieces(name, table)
                if pieces:
                    chunks.append(memoryview(pieces[0])[1:])  # no comma before the first
                    chunks += islice(pieces, 1, None)
                chunks.append(b"}")
        except BaseException:
            self.forget()
            raise
        chunks.append(b"}")
        for name in self._tables.keys() - tables.keys():
            del self._tables[name]
        self._dirty.clear()
        self._everything = False
        return chunks

    def _replay(
        self, table: dict[str, Any], ops: list[tuple[str, Any]], pieces: dict[str, bytes]
    ) -> dict[str, bytes]:
        """The table's bytes from those of the last save and the table's log since."""
        redo: dict[Any, None] = {}
        for op, key in ops:  # the table's own changes, in order: the pieces follow suit
            if op is SET:
                if key not in pieces:
                    pieces[key] = b""  # a new id goes last, as in the table
                redo[key] = None
            elif op is TOUCH:
                if key in pieces:
                    redo[key] = None
            else:
                pieces.pop(key, None)
                redo.pop(key, None)
        dirty = self._dirty
        if dirty and not dirty.keys() <= {id(table[key]) for key in redo}:
            # Changed in place, id unknown: find where (one C-level pass over the table).
            in_place = compress(table, map(dirty.__contains__, map(id, table.values())))
            redo.update(dict.fromkeys(in_place))
        for key in redo:
            pieces[key] = _piece(key, table[key])
        if len(pieces) != len(table):  # a change bypassed the log: never write stale bytes
            pieces = {key: _piece(key, doc) for key, doc in table.items()}
        return pieces

    def _table_pieces(self, name: str, table: dict[str, Any]) -> list[bytes]:
        assert self._tables is not None
        cached = None if self._everything else self._tables.get(name)
        ops: list[tuple[str, Any]] | None = getattr(table, "ops", None)
        if cached is None or ops is None or (EVERYTHING, None) in ops:
            pieces = {key: _piece(key, doc) for key, doc in table.items()}
        elif cached[0] is table:
            pieces = self._replay(table, ops, cached[1])
        elif not cached[0].ops:
            # A new table object (TinyDB's own Table rebuilds the dict on every write); the
            # one saved last is unchanged since: keep the bytes of the same documents.
            before, old, dirty = cached[0].get, cached[1], self._dirty
            pieces = {
                key: old[key] if before(key) is doc and id(doc) not in dirty else _piece(key, doc)
                for key, doc in table.items()
            }
        else:
            pieces = {key: _piece(key, doc) for key, doc in table.items()}
        self._tables[name] = (table, pieces)
        return list(pieces.values())


def _key(key: object) -> bytes:
    if not isinstance(key, str):
        raise TypeError(f"a document or table key must be text, not {type(key).__name__}")
    return orjson.dumps(key)


def _piece(key: str, doc: Any) -> bytes:
    return b"," + _key(key) + b":" + schema.encode_doc(doc)
