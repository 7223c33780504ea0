"""Serialising the order book on every save without re-serialising what did not change.

`Encoder.encode()` returns exactly the bytes of `schema.encode()` (same order, same bytes), but
keeps the serialised documents and re-serialises only the runs of documents that changed: at
10k orders a save serialises 64 documents instead of 5 MB.

What changed is known without looking at every document (store/tracking.py): a stored table
logs the ids set, touched or deleted, in order, and replaying that log on the cached bytes
keeps them in the table's order; a document changed in place records itself. The bytes are
kept in runs of 64 documents (`TableBytes`): a change re-serialises its run, and a save hands
the kernel one buffer per run. Only sealed documents (whose nested lists and dicts record their
changes too) can keep their bytes: until the storage says every loaded document is sealed
(`ready`), each save is a full dump, which sees every change.
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
        # table name -> its bytes as of the last save; None until the first save after `ready`
        self._tables: dict[str, TableBytes] | None = None
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
            return self._from_runs(tables, generation)
        finally:
            for table in tables.values():
                if isinstance(table, TrackedTable):  # the log is spent (or dropped with us)
                    table.ops.clear()
                    table.checked = 0

    def _from_runs(self, tables: dict[str, dict[str, Any]], generation: int) -> list[Buffer]:
        if self._tables is None:
            self._tables = {}
            self._everything = True
        chunks: list[Buffer] = [
            b'{"' + schema.META_TABLE.encode() + b'":' + schema.encode_meta(generation)
        ]
        try:
            for name, table in tables.items():
                chunks.append(b"," + _key(name) + b":{")
                blocks = self._table_bytes(name, table).blocks()
                if blocks:
                    chunks.append(memoryview(blocks[0])[1:])  # no comma before the first
                    chunks += islice(blocks, 1, None)
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

    def _table_bytes(self, name: str, table: dict[str, Any]) -> TableBytes:
        assert self._tables is not None
        cached = None if self._everything else self._tables.get(name)
        ops: list[tuple[str, Any]] | None = getattr(table, "ops", None)
        if cached is None or ops is None or (EVERYTHING, None) in ops:
            result = TableBytes(table)
        elif cached.table is table:
            result = cached
            if not result.replay(ops, self._dirty):  # a change bypassed the log
                result = TableBytes(table)
        elif not cached.table.ops:
            # A new table object (TinyDB's own Table rebuilds the dict on every write); the
            # one saved last is unchanged since: keep the bytes of the same documents.
            result = TableBytes(table, cached, self._dirty)
        else:
            result = TableBytes(table)
        self._tables[name] = result
        return result


BLOCK = 64  # documents per cached run of bytes: a save writes runs, not one piece per document


class TableBytes:
    """One table's serialised documents (`,"id":{...}` each) in the table's order, kept as
    runs of BLOCK documents: a change re-serialises its run (64 documents take a
    fraction of a millisecond), and a save writes one buffer per run, not one per document."""

    __slots__ = ("table", "_runs", "_run_of", "_joined", "_stale")

    def __init__(
        self, table: dict[str, Any], before: TableBytes | None = None, dirty: Any = ()
    ) -> None:
        self.table = table
        keys = list(table)
        self._runs = [keys[i : i + BLOCK] for i in range(0, len(keys), BLOCK)]
        self._run_of: dict[str, int] = {}
        for i, run in enumerate(self._runs):
            self._run_of.update(dict.fromkeys(run, i))
        self._joined: list[bytes] = [b""] * len(self._runs)
        self._stale = set(range(len(self._runs)))
        if before is not None:  # keep the runs whose ids and document objects are unchanged
            same = before.table.get
            for i, run in enumerate(self._runs):
                if (
                    i < len(before._runs)
                    and i not in before._stale
                    and before._runs[i] == run
                    and all(same(key) is table[key] and id(table[key]) not in dirty for key in run)
                ):
                    self._joined[i] = before._joined[i]
                    self._stale.discard(i)

    def replay(self, ops: list[tuple[str, Any]], dirty: dict[int, Any]) -> bool:
        """Follow the table's log since the last save (and the documents changed in place);
        False if the result does not match the table (then build anew)."""
        table, runs, run_of, stale = self.table, self._runs, self._run_of, self._stale
        touched: set[Any] = set()
        unknown = False  # a document changed in place under an id the runs do not hold
        for op, key in ops:
            if op is SET:
                if key not in run_of:  # a new id goes last, as in the table
                    if not runs or len(runs[-1]) >= BLOCK:
                        runs.append([])
                        self._joined.append(b"")
                    runs[-1].append(key)
                    run_of[key] = len(runs) - 1
                stale.add(run_of[key])
            elif op is TOUCH:  # handed to an updater: changed in place if it is in dirty
                touched.add(key)
            else:  # DELETE
                where = run_of.pop(key, None)
                if where is not None:
                    runs[where].remove(key)
                    stale.add(where)
        if dirty:
            found = {id(table[key]): key for key in touched if key in table}
            if dirty.keys() <= found.keys():
                changed: Iterable[Any] = (found[doc_id] for doc_id in dirty)
            else:  # changed in place, id unknown: find where (one C-level pass)
                changed = compress(table, map(dirty.__contains__, map(id, table.values())))
            for key in changed:
                if key in run_of:
                    stale.add(run_of[key])
                else:
                    unknown = True
        return not unknown and len(table) == len(run_of)

    def blocks(self) -> list[bytes]:
        """The table's bytes as runs (empty runs left out). Raises TypeError like _piece."""
        joined, runs, table = self._joined, self._runs, self.table
        for i in sorted(self._stale):
            joined[i] = _run(runs[i], table)
            self._stale.discard(i)
        return [run for run in joined if run]


def _key(key: object) -> bytes:
    if not isinstance(key, str):
        raise TypeError(f"a document or table key must be text, not {type(key).__name__}")
    return orjson.dumps(key)


def _run(keys: list[str], table: dict[str, Any]) -> bytes:
    """The documents at keys as `,"key":{...}` each, one after the other: one orjson call
    for the run (a dict's members are written exactly so, without the braces)."""
    if not keys:
        return b""
    try:
        run = dict(zip(keys, map(table.__getitem__, keys), strict=True))
        return b"," + schema.encode_doc(run)[1:-1]
    except TypeError:
        return b"".join([_piece(key, table[key]) for key in keys])  # names what is wrong


def _piece(key: str, doc: Any) -> bytes:
    return b"," + _key(key) + b":" + schema.encode_doc(doc)
