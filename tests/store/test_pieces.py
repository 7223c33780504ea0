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


# (kind, key, notes, save): replace or add the document at key, or delete it; then save, or
# not yet (two changes in one save: a key deleted and added again moves to the end)
steps = st.lists(
    st.tuples(
        st.sampled_from(["set", "del"]), st.integers(1, 40), st.text(max_size=3), st.booleans()
    ),
    max_size=60,
)


@settings(max_examples=150, deadline=None)
@given(steps=steps, start=st.integers(0, 30))
def test_blocks_always_equal_the_whole_encoding(steps, start) -> None:
    old_block = pieces.BLOCK
    pieces.BLOCK = 4  # small blocks: changes land in several of them
    try:
        table = {str(i): order(i) for i in range(1, start + 1)}
        kept = pieces.Pieces()
        assert inside(kept.of("orders", table, Order)) == whole(table)
        for kind, key, notes, save in steps:
            if kind == "set":
                table[str(key)] = order(key, notes)
            else:
                table.pop(str(key), None)
            if save:
                assert inside(kept.of("orders", table, Order)) == whole(table)
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


def test_an_unchanged_block_is_kept_as_it_was_when_orders_are_added_and_deleted() -> None:
    table = {str(i): order(i) for i in range(1, 2001)}
    kept = pieces.Pieces()
    first = kept.of("orders", table, Order)
    del table["1500"]  # in the third block
    table["2001"] = order(2001)  # at the end
    table["7"] = replace(table["7"], notes="changed")  # in the first block
    again = kept.of("orders", table, Order)
    assert again[1] is first[1]  # the second block: nothing in it changed
    assert again[0] is not first[0] and again[2] is not first[2]
    assert len(again) == len(first)  # the added order went into the last block
    assert inside(again) == whole(table)


def test_an_order_changed_in_place_makes_only_its_block_again() -> None:
    table = {str(i): order(i) for i in range(1, 2001)}
    kept = pieces.Pieces()
    first = kept.of("orders", table, Order)
    table["600"] = replace(table["600"], notes="changed")  # in the second block
    again = kept.of("orders", table, Order)
    assert [a is b for a, b in zip(again, first, strict=True)] == [True, False, True, True]
    assert inside(again) == whole(table)
