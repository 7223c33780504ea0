"""Serialising the order book on every save without re-serialising what did not change.

`Encoder.encode()` returns exactly the bytes of `schema.encode()` (same order, same bytes), but
keeps each document's serialised bytes and re-serialises only the documents that changed:
at 10k orders a save serialises one or two documents instead of 5 MB.

A document's cached bytes are used only when it is the same object as at the last save and
no change to it was recorded (store/tracking.py). For that to cover in-place changes of nested
lists and dicts too, every container inside every document must be a tracked one; documents
loaded from disk hold plain containers, and converting them costs about one decode's worth of
time (~0.1 s at 10k orders). So the cache is built on the second save after a (re)load: a
process that saves once (a CLI command) never pays for it, and everything saved until the
cache exists is serialised in full, which sees every change.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from itertools import compress, islice
from operator import is_not
from typing import Any

import orjson

from . import schema
from .fileio import Buffer
from .tracking import Kinds, adopt_children

BUILD_ON_SAVE = 2  # build the cache on this save after a (re)load; earlier ones are full dumps


class Encoder:
    def __init__(self, kinds: Kinds) -> None:
        self._kinds = kinds
        self._saves = 0
        # table name -> (the table's documents at the last save, their keys in order, and
        # their bytes in the same order, each as `,"key":{...}`)
        self._tables: dict[str, tuple[dict[str, Any], list[str], dict[str, bytes]]] | None = None
        self._dirty: dict[int, Any] = {}  # id -> document changed in place since the last save
        self._everything = False  # a nested container changed: its document is not known

    @property
    def cached(self) -> bool:
        return self._tables is not None

    def forget(self) -> None:
        """Drop the cache (the data was reloaded or dropped); it is rebuilt as after a load."""
        self._tables = None
        self._saves = 0
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
        if self._tables is None:
            self._saves += 1
            if self._saves < BUILD_ON_SAVE:
                self._dirty.clear()
                self._everything = False
                return [schema.encode(tables, generation)]
            for table in tables.values():
                for doc in table.values():
                    adopt_children(doc, self._kinds)
            gc.freeze()  # long-lived, like the loaded documents (schema.load_tables)
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

    def _table_pieces(self, name: str, table: dict[str, Any]) -> list[bytes]:
        assert self._tables is not None
        keys = list(table)
        cached = None if self._everything else self._tables.get(name)
        if cached is None:
            pieces = {key: _piece(key, doc) for key, doc in table.items()}
        else:
            before, before_keys, pieces = cached
            dirty = self._dirty
            if keys[: len(before_keys)] == before_keys:
                # The same keys in the same order, perhaps more at the end (inserts): redo the
                # documents that were replaced, added or changed in place.
                docs = table.values()
                redo = list(compress(keys, map(is_not, docs, before.values())))
                redo += keys[len(before_keys) :]
                if dirty:
                    redo += compress(keys, map(dirty.__contains__, map(id, docs)))
                for key in redo:
                    pieces[key] = _piece(key, table[key])
            else:  # removed or reordered documents: keep the bytes of the unchanged ones
                same = before.get
                old = pieces
                pieces = {
                    key: old[key] if same(key) is doc and id(doc) not in dirty else _piece(key, doc)
                    for key, doc in table.items()
                }
        self._tables[name] = (dict(table), keys, pieces)
        return list(pieces.values())


def _key(key: object) -> bytes:
    if not isinstance(key, str):
        raise TypeError(f"a document or table key must be text, not {type(key).__name__}")
    return orjson.dumps(key)


def _piece(key: str, doc: Any) -> bytes:
    return b"," + _key(key) + b":" + schema.encode_doc(doc)
