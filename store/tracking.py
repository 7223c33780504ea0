"""Tables and documents that record their own changes, at any depth.

The storage keeps a serialised copy of every document and re-serialises only the ones that
changed (store/encoder.py), so it must learn of every change, including in-place changes of
nested lists and dicts: TinyDB hands callers shallow copies whose nested values are the stored
ones, and an update callable receives the stored document itself.

The classes are made for one storage by `tracked_kinds()`:

- every table the storage holds is a `Table`, which logs the ids set or deleted in `ops`;
- every document is a `Doc` (as loaded: its nested lists and dicts are still plain ones) or a
  `Sealed` document, whose every list or dict inside, at any depth, is a `List` or `Dict`.
  Documents put into a table are sealed when they are saved; loaded ones are sealed in the
  background (`seal_doc`), because converting every container of a big file costs more than
  parsing it. Only a sealed document's bytes can be kept from one save to the next.

A mutating call on a document appends the document to `kinds.changed_docs`; one on a nested
container appends the container to `kinds.changed_nested` (the storage then re-serialises
everything: such changes are rare and the container does not know its document).

Reading is untouched: the classes only override mutating methods, so lookups and iteration
run at dict/list speed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

_DICT_MUTATORS = (
    "__setitem__",
    "__delitem__",
    "__ior__",
    "update",
    "setdefault",
    "pop",
    "popitem",
    "clear",
)
_LIST_MUTATORS = (
    "__setitem__",
    "__delitem__",
    "__iadd__",
    "__imul__",
    "append",
    "extend",
    "insert",
    "remove",
    "pop",
    "clear",
    "sort",
    "reverse",
)
# Nesting deeper than orjson can write (255 levels) cannot be saved anyway; stop adopting there
# rather than recurse without bound on a hostile file.
MAX_DEPTH = 256
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _recording(base: type, names: tuple[str, ...]) -> dict[str, Callable[..., Any]]:
    def make(name: str) -> Callable[..., Any]:
        method = getattr(base, name)

        def recorded(self, *args, **kwargs):
            self._sink.append(self)
            return method(self, *args, **kwargs)

        recorded.__name__ = recorded.__qualname__ = name
        return recorded

    return {name: make(name) for name in names}


class TrackedDoc(dict):
    """A stored document; every mutating call appends it to the class's `_sink` list."""

    __slots__ = ()
    _sink: list[Any] = []
    locals().update(_recording(dict, _DICT_MUTATORS))


class SealedDoc(TrackedDoc):
    """A stored document whose nested lists and dicts are all tracked ones."""

    __slots__ = ()


SET, TOUCH, DELETE, EVERYTHING = "set", "touch", "delete", "everything"


class TrackedTable(dict):
    """A stored table (document id -> document). Setting or deleting an id appends (SET or
    DELETE, id) to `ops`, in order; any other change appends (EVERYTHING, None). `touch(id)`
    appends (TOUCH, id): the document there may be changed in place (it records that itself,
    but not its id; the log saves the storage a search for it). `checked`:
    how many ops the storage has already checked. `int_ids`: every id is an integer written
    the way str(int) writes it (TinyDB's ids), so they can be turned into ints and back."""

    __slots__ = ("ops", "checked", "int_ids")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ops: list[tuple[str, Any]] = []
        self.checked = 0
        self.int_ids = _int_ids(self)

    def __setitem__(self, key: Any, value: Any) -> None:
        dict.__setitem__(self, key, value)
        self.ops.append((SET, key))
        if self.int_ids and not _int_id(key):
            self.int_ids = False

    def __delitem__(self, key: Any) -> None:
        dict.__delitem__(self, key)
        self.ops.append((DELETE, key))

    def pop(self, key: Any, *default: Any) -> Any:
        value = dict.pop(self, key, *default)
        self.ops.append((DELETE, key))
        return value

    def touch(self, key: Any) -> None:
        self.ops.append((TOUCH, key))

    def _everything(self) -> None:
        self.ops.append((EVERYTHING, None))


def _int_id(key: Any) -> bool:
    return type(key) is str and key.isascii() and key.isdigit() and (key[0] != "0" or key == "0")


def _int_ids(table: dict[Any, Any]) -> bool:
    """Every key is a str that str(int(key)) gives back (one C-level pass)."""
    keys = list(table)
    try:
        return list(map(str, map(int, keys))) == keys
    except (TypeError, ValueError):
        return False


def _logging_everything(name: str) -> Callable[..., Any]:
    method = getattr(dict, name)

    def logged(self, *args, **kwargs):
        self._everything()
        try:
            return method(self, *args, **kwargs)
        finally:
            self.int_ids = _int_ids(self)

    logged.__name__ = logged.__qualname__ = name
    return logged


for _name in ("__ior__", "update", "setdefault", "popitem", "clear"):
    setattr(TrackedTable, _name, _logging_everything(_name))


class TrackedDict(dict):
    """A dict inside a stored document; mutating calls append it to the class's `_sink`."""

    __slots__ = ()
    _sink: list[Any] = []
    locals().update(_recording(dict, _DICT_MUTATORS))


class TrackedList(list):
    """A list inside a stored document; mutating calls append it to the class's `_sink`."""

    __slots__ = ()
    _sink: list[Any] = []
    locals().update(_recording(list, _LIST_MUTATORS))


class Kinds(NamedTuple):
    """One storage's document classes and the lists their changes are recorded in."""

    doc: type[TrackedDoc]
    sealed: type[SealedDoc]
    table: type[TrackedTable]
    dict: type[TrackedDict]
    list: type[TrackedList]
    changed_docs: list[Any]
    changed_nested: list[Any]

    def clear(self) -> None:
        self.changed_docs.clear()
        self.changed_nested.clear()


def tracked_kinds() -> Kinds:
    """Fresh classes (with their own, empty change lists) for one storage."""
    docs: list[Any] = []
    nested: list[Any] = []
    doc = type("Doc", (TrackedDoc,), {"__slots__": (), "_sink": docs})
    return Kinds(
        doc,
        type("Sealed", (SealedDoc, doc), {"__slots__": ()}),
        type("Table", (TrackedTable,), {"__slots__": ()}),
        type("Dict", (TrackedDict,), {"__slots__": (), "_sink": nested}),
        type("List", (TrackedList,), {"__slots__": (), "_sink": nested}),
        docs,
        nested,
    )


def adopt_doc(doc: dict, kinds: Kinds) -> SealedDoc:
    """A kinds.sealed copy of doc with every list, tuple and dict inside it adopted (copied:
    the caller's containers are never shared with the stored document)."""
    out = kinds.sealed(doc)
    adopt_children(out, kinds)
    return out


def seal_doc(doc: TrackedDoc, kinds: Kinds) -> None:
    """Make a loaded kinds.doc document a kinds.sealed one, in place, without recording a
    change (its content stays the same)."""
    adopt_children(doc, kinds)
    doc.__class__ = kinds.sealed


def adopt_children(container: dict | list, kinds: Kinds) -> None:
    """Replace, in place and without recording a change, every list, tuple or dict directly in
    container that is not yet one of kinds' tracked containers by a tracked copy (at any depth).

    Tracked children are left as they are: whatever was put into them since they were adopted
    was recorded, and is adopted when the recorded changes are handled.
    """
    _adopt_in(container, kinds.dict, kinds.list, 1)


def _adopt_in(container: Any, new_dict: type, new_list: type, depth: int) -> None:
    if depth >= MAX_DEPTH:
        return
    scalars = _SCALARS
    if isinstance(container, dict):
        if scalars.issuperset(map(type, container.values())):
            return
        setitem: Callable[[Any, Any, Any], None] = dict.__setitem__
        pairs: Any = container.items()  # only values are replaced: iterating stays valid
    else:
        if scalars.issuperset(map(type, container)):
            return
        setitem = list.__setitem__
        pairs = enumerate(container)
    for key, value in pairs:
        kind = type(value)
        if kind in scalars or kind is new_dict or kind is new_list:
            continue
        if isinstance(value, dict):
            copy: Any = new_dict(value)
        elif isinstance(value, (list, tuple)):
            copy = new_list(value)
        else:
            continue  # a scalar subclass or an unsupported value (refused when encoded)
        _adopt_in(copy, new_dict, new_list, depth + 1)
        setitem(container, key, copy)
