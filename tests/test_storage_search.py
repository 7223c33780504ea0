"""unship.store.database: FastTable finds exactly what TinyDB's Table finds, and its field
indexes never answer from data that has changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from unship.store.database import Database, simple_equality
from unship.store.storage import DurableStorage

scalars = st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from([0.0, 1.0, 2.5, -0.0])
scalars |= st.sampled_from(["", "a", "A", "1"])
field_values = scalars | st.lists(scalars, max_size=2) | st.dictionaries(st.just("a"), scalars)
documents = st.dictionaries(st.sampled_from(["f", "g"]), field_values, max_size=2)


def both(path: Path) -> tuple[TinyDB, Database]:
    return TinyDB(path, storage=DurableStorage), Database(path)


def same(plain: TinyDB, fast: Database, cond) -> list:
    expected = plain.table("t").search(cond)
    found = fast.table("t").search(cond)
    assert found == expected
    assert [doc.doc_id for doc in found] == [doc.doc_id for doc in expected]
    return found


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(docs=st.lists(documents, max_size=12), value=scalars)
def test_same_results_as_tinydb(docs: list[dict], value) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "db.json"
        plain, fast = both(path)
        plain.table("t").insert_multiple(docs)
        for cond in (
            Query().f == value,
            Query().g == value,
            (Query().f == value) | (Query().g == value),
            Query().f.a == value,
            lambda doc, v=value: doc.get("f") == v,
        ):
            same(plain, fast, cond)


def test_simple_equality_is_only_a_top_level_field_equal_to_a_scalar() -> None:
    assert simple_equality(Query().retailer == "IKEA") == ("retailer", "IKEA")
    assert simple_equality(Query()["a b"] == None) == ("a b", None)  # noqa: E711
    assert simple_equality(Query().a.b == 1) is None
    assert simple_equality(Query().a == [1]) is None
    assert simple_equality(Query().a != 1) is None
    assert simple_equality((Query().a == 1) & (Query().b == 1)) is None
    assert simple_equality(lambda doc: True) is None


@pytest.fixture
def db(tmp_path: Path) -> Database:
    db = Database(tmp_path / "db.json")
    db.table("t").insert_multiple({"shop": shop, "n": i} for i, shop in enumerate("ABAB"))
    return db


def shops(db: Database, shop: str) -> list[int]:
    return [doc["n"] for doc in db.table("t").search(Query().shop == shop)]


def test_index_follows_changes_through_the_table(db: Database) -> None:
    assert shops(db, "A") == [0, 2]
    db.table("t").update({"shop": "A"}, doc_ids=[2])
    assert shops(db, "A") == [0, 1, 2]
    db.table("t").insert({"shop": "A", "n": 9})
    db.table("t").remove(doc_ids=[1])
    assert shops(db, "A") == [1, 2, 9]


def test_index_follows_changes_made_through_the_storage(db: Database) -> None:
    assert shops(db, "B") == [1, 3]
    data = db.storage.read()
    data["t"]["1"]["shop"] = "B"  # the same table dict, changed in place
    db.storage.write(data)
    assert shops(db, "B") == [0, 1, 3]
    with db.storage.transaction():
        data = db.storage.read()
        data["t"] = {**data["t"], "2": {"shop": "C", "n": 1}}  # a new table dict
        db.storage.write(data)
        assert shops(db, "B") == [0, 3]
    assert shops(db, "C") == [1]


def test_index_follows_another_process(db: Database) -> None:
    assert shops(db, "A") == [0, 2]
    other = Database(db.storage.path)
    other.table("t").update({"shop": "Z"}, doc_ids=[1])
    other.close()
    assert shops(db, "A") == [2]


def test_index_is_not_used_with_other_storages() -> None:
    db = Database(storage=MemoryStorage)
    db.table("t").insert_multiple([{"shop": "A"}, {"shop": "B"}])
    assert [doc["shop"] for doc in db.table("t").search(Query().shop == "A")] == ["A"]
    db.storage.read()["t"]["2"]["shop"] = "A"  # MemoryStorage: changed in place, no write
    db.table("t").clear_cache()  # TinyDB's results cache does not see such changes; no index
    assert len(db.table("t").search(Query().shop == "A")) == 2


def test_writes_do_what_tinydb_does(tmp_path: Path) -> None:
    results = []
    for db in (TinyDB(tmp_path / "a.json", storage=DurableStorage), Database(tmp_path / "b.json")):
        t = db.table("t")
        steps = [
            t.insert({"shop": "A"}),
            t.insert_multiple([{"shop": "B"}, {"shop": "C", "n": 1}]),
            t.update({"n": 2}, Query().shop == "B"),
            t.update(lambda doc: doc.update(n=3), doc_ids=[1, 99]),
            t.upsert({"shop": "D", "n": 4}, Query().shop == "D"),
            t.upsert({"shop": "D", "n": 5}, Query().shop == "D"),
            t.remove(Query().shop == "C"),
            t.insert({"shop": "E"}),
            t.update_multiple([({"n": 6}, Query().shop == "E")]),
        ]
        results.append((steps, [(doc.doc_id, dict(doc)) for doc in t.all()]))
        with pytest.raises(ValueError):
            t.insert(type(t.get(doc_id=1))({"x": 1}, doc_id=1))  # an id that exists
        t.truncate()
        results.append(t.all())
    assert results[0] == results[2] and results[1] == results[3]
