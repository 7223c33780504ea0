"""unship.store.database: FastTable finds exactly what TinyDB's Table finds, and its field
indexes never answer from data that has changed."""

from __future__ import annotations

import tempfile
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tinydb import Query, TinyDB
from tinydb.storages import MemoryStorage
from unship.store.database import Database, simple_equality
from unship.store.storage import DurableStorage, StoreError

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


def write_file(path: Path, table: dict) -> None:
    meta = {"1": {"app": "unship", "schema": 1, "generation": 1}}
    path.write_bytes(orjson.dumps({"_unship": meta, "t": table}))


writes = st.lists(
    st.one_of(
        st.tuples(st.just("insert"), documents),
        st.tuples(st.just("update"), documents, st.lists(st.integers(1, 8), max_size=3)),
        st.tuples(st.just("update_where"), documents, scalars),
        st.tuples(st.just("remove"), st.lists(st.integers(1, 8), min_size=1, max_size=3)),
        st.tuples(st.just("upsert"), documents, scalars),
        st.tuples(st.just("nested"), st.integers(1, 8)),
        st.tuples(st.just("truncate")),
    ),
    max_size=10,
)


def apply(table, step) -> object:
    try:
        return apply_step(table, step)
    except (KeyError, ValueError) as err:  # remove(doc_ids=[1, 1]) deletes twice, in TinyDB too
        return type(err)


def apply_step(table, step) -> object:
    kind, *args = step
    if kind == "insert":
        return table.insert(args[0])
    if kind == "update":
        return table.update(args[0], doc_ids=args[1])
    if kind == "update_where":
        return table.update(args[0], Query().f == args[1])
    if kind == "remove":
        return table.remove(doc_ids=args[0])
    if kind == "upsert":
        return table.upsert(args[0], Query().g == args[1])
    if kind == "nested":
        return table.update(lambda doc: doc.setdefault("l", []).append(1), doc_ids=[args[0]])
    table.truncate()
    return None


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.dictionaries(
        st.sampled_from(["1", "2", "3", "5", "01", " 4", "0"]), documents, max_size=4
    ),
    steps=writes,
)
def test_writes_in_place_do_what_tinydb_does(start: dict, steps: list) -> None:
    """FastTable changes the stored table in place (ids turned into keys one at a time) when
    every key is a plain integer, and converts the table as TinyDB does otherwise: the file
    and what each call returns are TinyDB's either way."""
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / "plain.json", Path(tmp) / "fast.json"]
        for path in paths:
            write_file(path, start)
        plain = TinyDB(paths[0], storage=DurableStorage, keep_backups=0)
        fast = Database(paths[1], keep_backups=0, seal_delay=0)
        for step in steps:
            assert apply(fast.table("t"), step) == apply(plain.table("t"), step)
            assert (
                orjson.loads(paths[1].read_bytes())["t"] == orjson.loads(paths[0].read_bytes())["t"]
            )
        fast.storage.wait_sealed(timeout=10)
        for step in steps[:3]:  # again, with the loaded documents sealed
            assert apply(fast.table("t"), step) == apply(plain.table("t"), step)
        assert paths[1].read_bytes() == paths[0].read_bytes()
        plain.close()
        fast.close()


def test_a_failed_change_in_place_is_never_saved(tmp_path: Path) -> None:
    """TinyDB's remove(doc_ids=[1, 1]) deletes id 1 and then fails: the half-done change in
    the stored table is dropped, and inside a transaction nothing of it is saved."""
    db = Database(tmp_path / "orders.json", keep_backups=0)
    db.table("t").insert_multiple([{"n": 1}, {"n": 2}])
    before = db.storage.path.read_bytes()
    with pytest.raises(KeyError):
        db.table("t").remove(doc_ids=[1, 1])
    assert [doc["n"] for doc in db.table("t").all()] == [1, 2]  # read again from the file
    with pytest.raises(StoreError, match="nothing was saved"), db.storage.transaction():
        db.table("t").insert({"n": 3})
        with pytest.raises(KeyError):
            db.table("t").remove(doc_ids=[2, 2])
    assert db.storage.path.read_bytes() == before
    assert [doc["n"] for doc in db.table("t").all()] == [1, 2]
