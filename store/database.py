"""TinyDB as unship opens it: DurableStorage, and tables whose searches run at C speed.

`Table.search` calls the condition once per document from a Python loop; for a 10k-order table
that loop, and TinyDB's Query machinery (four Python calls per document), cost more than the
work itself. `FastTable.search` returns the same documents, in the same order, but

- answers `Query().field == value` (value a str, number, bool or None) from an index of the
  field, built by the first such search and dropped whenever the table changes (with another
  storage than DurableStorage: from one C-level pass of `dict.get` and `==`);
- calls any other condition (a combined Query, a plain function) through `map` and
  `itertools.compress` instead of a Python loop;
- on a write, lets TinyDB's updater change the stored table in place through a view of int
  ids (`_IntIds`), instead of converting every key of the table to an int and back.

With DurableStorage it also drops its cached results when the data changed by any route (a
write through the storage or another table object, a reload after another process saved),
where TinyDB clears them only on writes through the same table. Everything else (documents
handed out as copies, the query cache's size) is TinyDB's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from itertools import compress, repeat
from operator import eq
from typing import Any

from tinydb import TinyDB
from tinydb.queries import QueryInstance, QueryLike
from tinydb.table import Document, Table

from .storage import DurableStorage
from .tracking import TrackedTable

_SCALARS = (str, int, float, bool, type(None))
_MISSING = object()


def simple_equality(cond: object) -> tuple[str, Any] | None:
    """(field, value) when cond is TinyDB's `Query().field == value` for a scalar value."""
    if type(cond) is not QueryInstance:
        return None
    spec = cond._hash
    if type(spec) is not tuple or len(spec) != 3 or spec[0] != "==":
        return None
    _, path, value = spec
    if len(path) != 1 or type(path[0]) is not str or type(value) not in _SCALARS:
        return None
    return path[0], value


class FastTable(Table):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._indexed: tuple[object, int] | None = None  # (table dict, storage version)
        self._indexes: dict[str, dict[Any, list[str]]] = {}

    def search(self, cond: QueryLike) -> list[Document]:
        table = self._read_table()
        self._drop_if_changed(table)
        cached = self._query_cache.get(cond)
        if cached is not None:
            return cached[:]
        equality = simple_equality(cond)
        if equality is None:
            found: Any = compress(table.items(), map(cond, table.values()))
        else:
            keys = self._equal(table, *equality)
            found = zip(keys, map(table.__getitem__, keys), strict=True)
        make, doc_id = self.document_class, self.document_id_class
        docs = [make(doc, doc_id(key)) for key, doc in found]
        if getattr(cond, "is_cacheable", lambda: True)():
            self._query_cache[cond] = docs[:]
        return docs

    def _drop_if_changed(self, table: dict[str, Any]) -> None:
        """With DurableStorage, drop cached results and indexes when the data changed, however
        it changed (TinyDB itself clears its cache only on writes through this table)."""
        version = getattr(self._storage, "version", None)
        if version is None:
            return
        if self._indexed is None or self._indexed[0] is not table or self._indexed[1] != version:
            self._indexed = (table, version)
            self._indexes = {}
            self._query_cache.clear()

    def _equal(self, table: dict[str, Any], field: str, value: Any) -> list[str]:
        """Keys of the documents whose field == value, in table order.

        With DurableStorage (whose documents hold only JSON values) the keys come from an
        index of the field, built by the first such search and kept until the data changes;
        elsewhere from one pass over the documents.
        """
        values = map(dict.get, table.values(), repeat(field), repeat(_MISSING))
        if self._indexed is None:
            return list(compress(table, map(eq, values, repeat(value))))
        index = self._indexes.get(field)
        if index is None:
            index = {}
            for key, found in zip(table, values, strict=True):
                if type(found) in _SCALARS:  # == a scalar value is False for lists and dicts
                    index.setdefault(found, []).append(key)
            self._indexes[field] = index
        # A dict finds hash-equal keys (1, 1.0 and True share one), as == matches them.
        return index.get(value, [])

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        """TinyDB's, without converting every key of the table twice (str -> id -> str) on
        every write: with DurableStorage the updater changes the stored table in place,
        through a view that turns ids into keys one at a time (the table logs what is set
        and deleted; the storage checks and saves only that). Elsewhere, or for a table
        whose keys are not all plain integers, the conversions are done by map()."""
        tables = self._storage.read()
        if tables is None:
            tables = {}
        raw = tables.get(self.name, {})
        in_place = isinstance(raw, TrackedTable) and raw.int_ids and self.document_id_class is int
        if in_place:
            table: Any = _IntIds(raw)
        else:
            table = dict(zip(map(self.document_id_class, raw), raw.values(), strict=True))
        try:
            updater(table)
        except BaseException:
            # The stored table, or documents in it, may be half changed: never save that.
            discard = getattr(self._storage, "discard_changes", None)
            if discard is not None:
                discard()
            raise
        if not in_place:
            tables[self.name] = dict(zip(map(str, table), table.values(), strict=True))
        self._storage.write(tables)
        self.clear_cache()


class _IntIds(MutableMapping[int, Any]):
    """A stored table (str keys) as TinyDB's updaters see it: int ids. Each id is turned into
    its key only when used (see TrackedTable.int_ids for why that is exact)."""

    __slots__ = ("_raw",)

    def __init__(self, raw: TrackedTable) -> None:
        self._raw = raw

    def __getitem__(self, doc_id: int) -> Any:
        key = str(doc_id)
        doc = self._raw[key]
        self._raw.touch(key)  # TinyDB's updaters change documents they get in place
        return doc

    def __setitem__(self, doc_id: int, doc: Any) -> None:
        self._raw[str(doc_id)] = doc

    def __delitem__(self, doc_id: int) -> None:
        del self._raw[str(doc_id)]

    def __contains__(self, doc_id: object) -> bool:
        return type(doc_id) is int and str(doc_id) in self._raw

    def __iter__(self) -> Iterator[int]:
        return map(int, self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def clear(self) -> None:
        self._raw.clear()


class Database(TinyDB):
    """TinyDB with DurableStorage (unless another storage is given) and FastTable tables."""

    table_class = FastTable
    default_storage_class = DurableStorage
