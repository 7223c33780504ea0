"""The on-disk format (docs/formats.md): TinyDB JSON plus a `_unship` meta table holding
`{"1": {"app": "unship", "schema": 2, "generation": 7}}`, read and written with msgspec.

The `_unship` table is kept out of the tables handed to callers; it is written on every save.
A table can be given a document type (a msgspec Struct): its documents are then decoded
straight into that type, with no dict per document in between, and checked as they load.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any

import msgspec

from .fileio import read_file

SCHEMA_VERSION: int = 2
# Schemas read as they are: schema 2 only added fields and events to schema 1's documents,
# so a schema-1 file becomes schema 2 at its next save. The number went up so that an older
# unship refuses such a file instead of dropping what it cannot read (docs/formats.md).
READS_AS_IS: frozenset[int] = frozenset({1, SCHEMA_VERSION})
APP = "unship"
META_TABLE = "_unship"

# Empty TinyDB files that may be adopted as unship's.
_ADOPTABLE = ({}, {"_default": {}})

Types = dict[str, type]  # table name -> the type of its documents
_top = msgspec.json.Decoder(dict[str, msgspec.Raw])
_any = msgspec.json.Decoder()
_encoder = msgspec.json.Encoder()


class Invalid(Exception):
    """Internal: why a file's bytes are not a usable unship file (a lower-case phrase)."""


@functools.cache
def _table_decoder(kind: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(dict[str, kind])


def decode(raw: bytes, types: Types | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """Parse a file's bytes into (tables without the meta table, meta).

    Raises Invalid for anything that is not an unship file. Tables named in `types` are
    decoded into their document type when the file's schema is this version's (a newer or
    older schema may shape them differently); the others are checked for the TinyDB shape.
    """
    top, meta_table = _split(raw)
    if meta_table is None:
        try:
            tables = {name: _any.decode(chunk) for name, chunk in top.items()}
        except msgspec.DecodeError as err:
            raise Invalid(f"it is not valid JSON ({str(err)[:80]})") from None
        if tables in _ADOPTABLE:
            return tables, {"app": APP, "schema": SCHEMA_VERSION, "generation": 0}
        raise Invalid("it is not an unship data file (no unship header)")
    meta = _header(meta_table)
    if meta["schema"] > SCHEMA_VERSION:  # shaped by a newer unship: left as it is
        return {name: _any.decode(chunk) for name, chunk in top.items()}, meta
    typed = types if meta["schema"] in READS_AS_IS else None
    return _tables(top, typed or {}), meta


def file_at_rest(path: Path) -> tuple[tuple[int, ...], dict[str, msgspec.Raw]]:
    """(the file's version: its stat key and generation, as `DurableStorage.read_at_rest`
    gives it; each table's bytes) for a reader that answers from what it kept for that
    version (kept_due.py, kept_list.py). Invalid for a file this version does not read as
    it is; OSError or StoreError when it can't be read."""
    key, raw = read_file(path)
    top, meta_table = _split(raw)
    meta = _header(meta_table if meta_table is not None else {})
    if meta["schema"] not in READS_AS_IS:
        raise Invalid(f"data schema {meta['schema']}")
    return (*key, meta["generation"]), top


def _split(raw: bytes) -> tuple[dict[str, msgspec.Raw], Any]:
    """(each table's bytes but the meta table's, the meta table or None)."""
    if not raw.strip():
        raise Invalid("the file is empty")
    try:
        top = _top.decode(raw)  # finds each table's bytes without building anything
        return top, _any.decode(top.pop(META_TABLE)) if META_TABLE in top else None
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as err:
        if not raw.strip(b"\0"):
            raise Invalid(
                "it holds only zero bytes (a disk or file system lost what was written)"
            ) from None
        if isinstance(err, msgspec.ValidationError):
            raise Invalid("it is not an unship data file (not a JSON object)") from None
        first = str(err).splitlines()[0][:80]
        raise Invalid(f"it is not valid JSON, perhaps cut off ({first})") from None


def _header(meta_table: Any) -> dict[str, Any]:
    """The meta table's header, checked."""
    meta = meta_table.get("1") if type(meta_table) is dict else None
    if (
        type(meta) is not dict
        or meta.get("app") != APP
        or type(meta.get("schema")) is not int
        or type(meta.get("generation")) is not int
        or meta["schema"] < 0
        or meta["generation"] < 0
    ):
        raise Invalid("it is not an unship data file (bad unship header)")
    return meta


def _tables(top: dict[str, msgspec.Raw], types: Types) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name, chunk in top.items():
        kind = types.get(name)
        if kind is None:
            tables[name] = _plain_table(name, chunk)
            continue
        try:
            tables[name] = _table_decoder(kind).decode(chunk)
        except (msgspec.DecodeError, msgspec.ValidationError) as err:
            first = str(err).splitlines()[0][:120]
            raise Invalid(f"table {name!r} holds a document unship cannot read ({first})") from None
    return tables


def _plain_table(name: str, chunk: msgspec.Raw) -> dict[str, Any]:
    try:
        table = _any.decode(chunk)
    except msgspec.DecodeError as err:
        raise Invalid(f"it is not valid JSON ({str(err)[:80]})") from None
    check_table(name, table)
    return table


def check_table(name: str, table: Any) -> None:
    """The TinyDB shape: {id: {...}}."""
    if type(table) is not dict:
        raise Invalid(f"table {name!r} is not a JSON object")
    if not set(map(type, table.values())) <= {dict}:
        raise Invalid(f"table {name!r} holds something that is not a document")


def encode(tables: dict[str, Any], generation: int, schema: int = SCHEMA_VERSION) -> bytes:
    """Serialise tables plus a fresh meta table (ours, whatever the tables held)."""
    return b"".join(encode_chunks(tables, generation, schema=schema))


def encode_chunks(
    tables: dict[str, Any],
    generation: int,
    pieces: dict[str, list[bytes]] | None = None,
    schema: int = SCHEMA_VERSION,
) -> list[bytes]:
    """`encode`'s bytes as chunks to write one after the other; a table in `pieces` is
    written from its blocks of documents' pieces (`"id":{...},`, see pieces.py), the comma
    after its last document left out."""
    meta = {"1": {"app": APP, "schema": schema, "generation": generation}}
    chunks = [b'{"' + META_TABLE.encode() + b'":' + _encoder.encode(meta)]
    for name, table in tables.items():
        if name == META_TABLE:
            continue
        key = b"," + _encoder.encode(name) + b":"
        if pieces is not None and name in pieces:
            docs = pieces[name]
            chunks.append(key + b"{")
            if docs:  # every piece ends with a comma: cut the last one's
                chunks += docs[:-1]
                chunks.append(docs[-1][:-1])
            chunks.append(b"}")
        else:
            chunks.append(key + _encoder.encode(table))
    chunks.append(b"}")
    return chunks


def bad_value(obj: Any) -> str:
    """Why a plain document can't be saved as it is ('' when it can): NaN and Infinity (JSON
    has no such numbers), and values that would silently turn into something else (dates,
    objects)."""
    stack = [obj]
    isfinite = math.isfinite
    while stack:
        item = stack.pop()
        for value in item.values() if isinstance(item, dict) else item:
            if value is None or isinstance(value, str):
                continue
            if isinstance(value, int):  # bool is an int
                if not -(2**63) <= value < 2**64:
                    return "a number too large for other JSON readers"
                continue
            if isinstance(value, float):
                if not isfinite(value):
                    return "NaN or Infinity, which JSON cannot hold"
            elif isinstance(value, (dict, list, tuple)):
                stack.append(value)
            else:
                return f"a value of type {type(value).__name__}, which cannot be saved"
    return ""
