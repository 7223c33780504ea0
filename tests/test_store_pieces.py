"""The kept bytes of typed documents (store/pieces.py): whatever changes between saves, the
blocks joined are exactly the table as msgspec encodes it whole."""

from __future__ import annotations

from datetime import date

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unship.store import pieces
from unship.store.model import Item, Order, replace

_encode = msgspec.json.encode


def order(n: int, notes: str = "") -> Order:
    return Order("Amazon", f"A-{n}", date(2026, 1, 1), (Item(f"thing {n}", 100 + n),), notes=notes)


def inside(blocks: list[bytes]) -> bytes:
    """The table's bytes between its braces, as encode_chunks writes them."""
    joined = b"".join(blocks)
    return joined[:-1] if joined else joined


def whole(table: dict[str, Order]) -> bytes:
    return _encode(table)[1:-1]


# (kind, key, notes): replace or add the document at key, delete it, or save unchanged
steps = st.lists(
    st.tuples(st.sampled_from(["set", "del", "save"]), st.integers(1, 40), st.text(max_size=3)),
    max_size=30,
)


@settings(max_examples=60, deadline=None)
@given(steps=steps, start=st.integers(0, 30))
def test_blocks_always_equal_the_whole_encoding(steps, start) -> None:
    old_block = pieces.BLOCK
    pieces.BLOCK = 4  # small blocks: changes land in several of them
    try:
        table = {str(i): order(i) for i in range(1, start + 1)}
        kept = pieces.Pieces()
        assert inside(kept.of("orders", table, Order)) == whole(table)
        for kind, key, notes in steps:
            if kind == "set":
                table[str(key)] = order(key, notes)
            elif kind == "del":
                table.pop(str(key), None)
            assert inside(kept.of("orders", table, Order)) == whole(table)
    finally:
        pieces.BLOCK = old_block


def test_a_document_of_another_type_is_refused_and_forgotten() -> None:
    table = {str(i): order(i) for i in range(1, 6)}
    kept = pieces.Pieces()
    kept.of("orders", table, Order)
    table["2"] = replace(table["2"], notes="changed")
    table["3"] = {"retailer": "not a record"}  # type: ignore[assignment]
    with pytest.raises(TypeError, match="not every document is a Order"):
        kept.of("orders", table, Order)
    table["3"] = order(3)
    assert inside(kept.of("orders", table, Order)) == whole(table)
