"""Documents that record their own changes, at any depth.

The storage keeps a serialised copy of every document and re-serialises only the ones that
changed (store/encoder.py), so it must learn of every change, including in-place changes of
nested lists and dicts: TinyDB hands callers shallow copies whose nested values are the stored
ones, and an update callable receives the stored document itself.

Every document the storage holds is a `Doc`, and every list or dict inside it (at any depth)
is a `List` or `Dict`, all classes made for that one storage by `tracked_kinds()`. A mutating
call on a document appends the document to `kinds.changed_docs`; one on a nested container
appends the container to `kinds.changed_nested` (the storage then re-serialises everything:
such changes are rare and the container does not know its document).

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
    return Kinds(
        type("Doc", (TrackedDoc,), {"__slots__": (), "_sink": docs}),
        type("Dict", (TrackedDict,), {"__slots__": (), "_sink": nested}),
        type("List", (TrackedList,), {"__slots__": (), "_sink": nested}),
        docs,
        nested,
    )


def adopt_doc(doc: dict, kinds: Kinds) -> TrackedDoc:
    """A kinds.doc copy of doc with every list, tuple and dict inside it adopted."""
    out = kinds.doc(doc)
    adopt_children(out, kinds)
    return out


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
