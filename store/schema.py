"""The on-disk format: TinyDB JSON plus a `_unship` meta table, decoded and encoded with orjson.

File layout::

    {"_unship": {"1": {"app": "unship", "schema": 1, "generation": 7}},
     "orders": {"1": {...}, "2": {...}},
     ...other TinyDB tables...}

The `_unship` table is kept out of the data handed to TinyDB; it is written on every save.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable
from itertools import compress, repeat
from operator import is_not
from typing import Any

import msgspec
import orjson

SCHEMA_VERSION: int = 1
APP = "unship"
META_TABLE = "_unship"

# Empty TinyDB files that may be adopted as unship's.
_ADOPTABLE = ({}, {"_default": {}})

# datetime and dataclass values would silently turn into strings / objects: refuse them.
_DUMP_OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class Invalid(Exception):
    """Internal: why a file's bytes are not a usable unship file (a lower-case phrase)."""


def _is_int(value: object) -> bool:
    return type(value) is int


_decode = msgspec.json.Decoder().decode


def decode(raw: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse a file's bytes into (tables without the meta table, meta).

    Raises Invalid for anything that is not an unship file. Tables are not validated here
    (a newer schema may shape them differently); call `check_tables` once the schema is known.
    """
    if not raw.strip():
        raise Invalid("the file is empty")
    was_enabled = gc.isenabled()
    gc.disable()  # object creation dominates loading; collections only slow it down
    try:
        # msgspec builds the Python objects straight from the bytes; orjson first builds a
        # whole parse tree beside them (+70 MB at 50k orders, measured), as fast either way.
        obj = _decode(raw)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as err:
        if not raw.strip(b"\0"):
            raise Invalid(
                "it holds only zero bytes (a disk or file system lost what was written)"
            ) from None
        first = str(err).splitlines()[0][:80]
        raise Invalid(f"it is not valid JSON, perhaps cut off ({first})") from None
    finally:
        if was_enabled:
            gc.enable()
    if type(obj) is not dict:
        raise Invalid("it is not an unship data file (not a JSON object)")
    meta_table = obj.pop(META_TABLE, None)
    if meta_table is None:
        if obj in _ADOPTABLE:
            return obj, {"app": APP, "schema": SCHEMA_VERSION, "generation": 0}
        raise Invalid("it is not an unship data file (no unship header)")
    meta = meta_table.get("1") if type(meta_table) is dict else None
    if (
        type(meta) is not dict
        or meta.get("app") != APP
        or not _is_int(meta.get("schema"))
        or not _is_int(meta.get("generation"))
        or meta["schema"] < 0
        or meta["generation"] < 0
    ):
        raise Invalid("it is not an unship data file (bad unship header)")
    return obj, meta


def check_tables(
    tables: dict[str, Any], doc_class: type[dict] | None = None, table_class: type[dict] = dict
) -> None:
    """Check the TinyDB shape {name: {id: {...}}}; with doc_class, convert each table to
    table_class and its documents to doc_class (shallow copies: see store/tracking.py)."""
    for name, table in tables.items():
        if type(table) is not dict:
            raise Invalid(f"table {name!r} is not a JSON object")
        if not set(map(type, table.values())) <= {dict}:
            raise Invalid(f"table {name!r} holds something that is not a document")
        if doc_class is not None:
            tables[name] = table_class(
                zip(table.keys(), map(doc_class, table.values()), strict=True)
            )


def load_tables(tables: dict[str, Any], doc_class: type[dict], table_class: type[dict]) -> None:
    """check_tables with conversion, with the collector paused and the result frozen."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        check_tables(tables, doc_class, table_class)
    finally:
        if was_enabled:
            gc.enable()
    # Loaded documents live as long as the app: keep the collector from rescanning them.
    gc.freeze()


def encode(tables: dict[str, Any], generation: int, schema: int = SCHEMA_VERSION) -> bytes:
    """Serialise tables plus a fresh meta table. Raises TypeError for unsupported values.

    store/encoder.py produces the same bytes from per-document pieces."""
    document = {META_TABLE: None, **tables}
    document[META_TABLE] = _meta_table(generation, schema)  # ours, whatever tables held
    return orjson.dumps(document, default=_refuse, option=_DUMP_OPTIONS)


def _meta_table(generation: int, schema: int) -> dict[str, Any]:
    return {"1": {"app": APP, "schema": schema, "generation": generation}}


def encode_meta(generation: int, schema: int = SCHEMA_VERSION) -> bytes:
    """The meta table's value as encode() writes it."""
    return orjson.dumps(_meta_table(generation, schema))


def encode_doc(doc: Any) -> bytes:
    """One document as encode() writes it. Raises TypeError for unsupported values."""
    return orjson.dumps(doc, default=_refuse, option=_DUMP_OPTIONS)


def _refuse(value: object) -> Any:
    raise TypeError(f"a value of type {type(value).__name__} cannot be saved")


def has_non_finite(obj: Any) -> bool:
    """True if a NaN or an infinite float is anywhere inside obj (dicts, lists, tuples)."""
    stack = [obj]
    isfinite = math.isfinite
    while stack:
        item = stack.pop()
        for value in item.values() if isinstance(item, dict) else item:
            kind = type(value)
            if kind is str or kind is int or value is None or kind is bool:
                continue
            if isinstance(value, float):
                if not isfinite(value):
                    return True
            elif isinstance(value, (dict, list, tuple)):
                stack.append(value)
    return False


def untracked_docs(table: dict[str, Any], doc_class: type) -> list[str]:
    """Keys of the documents in table that are not doc_class instances (new or replaced)."""
    return list(compress(table, map(is_not, map(type, table.values()), repeat(doc_class))))


Migration = Callable[[dict], dict]
