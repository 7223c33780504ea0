"""The storage's per-document serialisation cache never writes stale bytes.

After the second save the storage re-serialises only the documents that changed (see
store/encoder.py). These tests change documents in every way TinyDB and its callers can,
including in place deep inside nested lists and dicts, and check that each save writes exactly
what a full serialisation of memory would write.
"""

from __future__ import annotations

import math
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from tinydb import Query, TinyDB
from unship.store import encoder, schema
from unship.store.database import Database
from unship.store.storage import DurableStorage, StoreError


def open_db(path: Path) -> TinyDB:
    return TinyDB(path, storage=DurableStorage, keep_backups=0, seal_delay=0)


def save(db: TinyDB) -> None:
    """A save that changes nothing itself (writes what memory holds)."""
    db.storage.write(db.storage.read())


def assert_file_is_memory(db: TinyDB, path: Path) -> None:
    """The file holds exactly the bytes a full serialisation of memory gives."""
    generation = db.storage.generation
    assert path.read_bytes() == schema.encode(db.storage.read() or {}, generation)


def order(i: int) -> dict:
    return {
        "n": i,
        "items": [{"title": f"item {i}", "dates": {"ordered": "2025-01-01"}}],
        "tracking": {"carrier": "DHL"},
        "tags": [],
    }


@pytest.fixture(autouse=True)
def small_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Runs of two documents, so that a few documents make several runs."""
    monkeypatch.setattr(encoder, "BLOCK", 2)


@pytest.fixture
def db(tmp_path: Path) -> TinyDB:
    path = tmp_path / "orders.json"
    db = open_db(path)
    db.table("orders").insert_multiple(order(i) for i in range(1, 6))
    save(db)  # the second save builds the cache
    assert db.storage._encoder.cached
    return db


def serialised(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The ids of the documents each save serialises from now on (as the cache's runs)."""
    ids: list[int] = []
    real = encoder._run
    monkeypatch.setattr(
        encoder, "_run", lambda keys, table: ids.extend(map(int, keys)) or real(keys, table)
    )
    return ids


def path_of(db: TinyDB) -> Path:
    return db.storage.path


def test_saves_serialise_only_changed_documents(
    db: TinyDB, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = serialised(monkeypatch)
    db.table("orders").update({"status": "shipped"}, doc_ids=[3])
    assert calls == [3, 4]  # its run: (1, 2), (3, 4), (5)
    calls.clear()
    db.table("orders").insert(order(6))
    db.table("orders").insert(order(7))
    assert calls == [5, 6, 7]  # the last run, then a new one
    calls.clear()
    db.table("orders").remove(doc_ids=[2])  # TinyDB's Table makes a new dict: runs shift
    assert calls == [1, 3, 4, 5, 6, 7]
    assert_file_is_memory(db, path_of(db))


def test_changes_in_place_serialise_only_their_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(tmp_path / "orders.json", keep_backups=0)
    orders = db.table("orders")
    orders.insert_multiple(order(i) for i in range(1, 6))
    calls = serialised(monkeypatch)
    steps = [
        (lambda: orders.update({"status": "shipped"}, doc_ids=[3]), [3, 4]),
        (lambda: orders.insert(order(6)), [5, 6]),
        (lambda: orders.insert(order(7)), [7]),
        (lambda: orders.remove(doc_ids=[2]), [1]),  # runs (1), (3, 4), (5, 6), (7)
        (lambda: orders.update(lambda doc: doc["tags"].append("x"), doc_ids=[6]), None),
        # rebuilt as (1, 3), (4, 5), (6, 7); the search touches every document, changes none
        (lambda: orders.upsert(order(8), Query().n == 8), [8]),
        (lambda: orders.update({"status": "x"}, Query().n == 4), [4, 5]),
    ]
    for step, expected in steps:
        calls.clear()
        step()
        if expected is not None:
            assert calls == expected
        else:  # a nested list does not know its document: everything
            assert calls == [1, 3, 4, 5, 6, 7]
        assert_file_is_memory(db, path_of(db))
    db.close()


@pytest.mark.parametrize(
    "change",
    [
        lambda doc: doc["items"].append({"title": "more"}),
        lambda doc: doc["items"][0].update(title="renamed"),
        lambda doc: doc["items"][0]["dates"].__setitem__("returned", "2025-02-01"),
        lambda doc: doc["tracking"].pop("carrier"),
        lambda doc: doc["tags"].extend(["gift", "b"]),
        lambda doc: doc["items"].sort(key=lambda item: -len(item)),
        lambda doc: doc["items"].clear(),
        lambda doc: doc["items"][0]["dates"].clear(),
    ],
    ids=["append", "nested-update", "deep-set", "pop", "extend", "sort", "clear", "deep-clear"],
)
def test_in_place_changes_of_nested_values_are_saved(db: TinyDB, change) -> None:
    """TinyDB hands an update callable the stored document itself."""
    db.table("orders").update(change, doc_ids=[2])
    assert_file_is_memory(db, path_of(db))
    expected = order(2)
    change(expected)
    assert open_db(path_of(db)).table("orders").get(doc_id=2) == expected


def test_values_put_into_documents_are_tracked_afterwards(db: TinyDB) -> None:
    orders = db.table("orders")
    steps = [
        lambda: orders.update({"extra": {"notes": []}}, doc_ids=[1]),  # a plain dict and list
        lambda: orders.update(lambda doc: doc["extra"]["notes"].append("first"), doc_ids=[1]),
        lambda: orders.update(lambda doc: doc["items"].append({"tags": []}), doc_ids=[4]),
        lambda: orders.update(lambda doc: doc["items"][-1]["tags"].append("late"), doc_ids=[4]),
        lambda: orders.insert({"n": 9, "deep": [[{"x": [1]}]]}),
        lambda: orders.update(lambda doc: doc["deep"][0][0]["x"].append(2), Query().n == 9),
    ]
    for step in steps:
        step()
        assert_file_is_memory(db, path_of(db))
    reopened = open_db(path_of(db)).table("orders")
    assert reopened.get(doc_id=1)["extra"] == {"notes": ["first"]}
    assert reopened.get(doc_id=4)["items"][-1] == {"tags": ["late"]}
    assert reopened.get(Query().n == 9)["deep"] == [[{"x": [1, 2]}]]


def test_inserted_values_are_copied_not_shared(db: TinyDB) -> None:
    tags: list[str] = []
    db.table("orders").insert({"n": 7, "tags": tags})
    tags.append("changed after the insert")  # the caller's list, not the stored one
    save(db)
    assert_file_is_memory(db, path_of(db))
    assert db.table("orders").get(Query().n == 7)["tags"] == []


def test_changing_a_search_result_in_place_never_leaves_the_file_behind(db: TinyDB) -> None:
    """Results are shallow copies: their nested values are the stored ones. Whatever memory
    holds when a save happens is what the file holds."""
    found = db.table("orders").get(doc_id=5)
    found["items"][0]["title"] = "edited through a search result"
    db.table("orders").update({"status": "x"}, doc_ids=[1])  # an unrelated save
    assert_file_is_memory(db, path_of(db))


def test_direct_changes_through_read_are_saved(db: TinyDB) -> None:
    data = db.storage.read()
    data["orders"]["3"]["tracking"]["carrier"] = "UPS"
    data["orders"]["4"]["n"] = 40
    data["orders"]["2"], data["orders"]["1"] = data["orders"]["1"], data["orders"]["2"]
    db.storage.write(data)
    assert_file_is_memory(db, path_of(db))
    del data["orders"]["5"]
    data["orders"]["6"] = data["orders"]["3"]  # one document object under two keys
    db.storage.write(data)
    assert_file_is_memory(db, path_of(db))


def test_nan_put_in_place_deep_inside_is_refused(db: TinyDB) -> None:
    before = path_of(db).read_bytes()
    with pytest.raises(StoreError, match="NaN or Infinity"):
        db.table("orders").update(lambda doc: doc["items"][0].update(price=math.nan), doc_ids=[1])
    assert path_of(db).read_bytes() == before
    save(db)
    assert_file_is_memory(db, path_of(db))


def test_changes_in_a_transaction_after_the_last_write_are_saved(db: TinyDB) -> None:
    with db.storage.transaction():
        db.table("orders").update({"status": "a"}, doc_ids=[1])
        stored = db.storage.read()["orders"]["2"]
        stored["items"].append({"title": "after the write"})
    assert_file_is_memory(db, path_of(db))


def test_reload_drops_the_cache(db: TinyDB) -> None:
    other = open_db(path_of(db))
    other.table("orders").update(lambda doc: doc["tags"].append("other"), doc_ids=[1])
    with db.storage.transaction() as reloaded:
        assert reloaded
        db.table("orders").update({"status": "mine"}, doc_ids=[2])
    assert_file_is_memory(db, path_of(db))
    assert db.table("orders").get(doc_id=1)["tags"] == ["other"]


def test_unsupported_keys_and_values_are_refused_with_the_cache(db: TinyDB) -> None:
    before = path_of(db).read_bytes()
    data = db.storage.read()
    data["orders"][7] = {"n": 7}
    with pytest.raises(StoreError, match="cannot save"):
        db.storage.write(data)
    assert path_of(db).read_bytes() == before
    with pytest.raises(StoreError, match="cannot save"):
        db.table("orders").update(lambda doc: doc["items"].append({1, 2}), doc_ids=[1])
    assert path_of(db).read_bytes() == before
    save(db)
    assert_file_is_memory(db, path_of(db))


def test_loaded_documents_are_sealed_after_the_first_save(tmp_path: Path, monkeypatch) -> None:
    """Saves are full dumps until the loaded documents record nested changes (sealed in a
    thread that starts after the first save); then only changed documents are serialised."""
    path = tmp_path / "orders.json"
    db = open_db(path)
    db.table("orders").insert_multiple(order(i) for i in range(1, 4))
    db.close()
    monkeypatch.setattr(encoder, "BLOCK", 1)
    dumps = []
    real_encode = schema.encode
    monkeypatch.setattr(schema, "encode", lambda *a: dumps.append(a) or real_encode(*a))
    docs = serialised(monkeypatch)
    db = TinyDB(path, storage=DurableStorage, keep_backups=0, seal_delay=30)
    assert len(db.table("orders")) == 3 and not db.storage.wait_sealed(timeout=0)
    db.table("orders").update({"n": 10}, doc_ids=[1])
    db.table("orders").update({"n": 20}, doc_ids=[2])  # the thread waits 30 s: still a dump
    assert len(dumps) == 2 and not docs and not db.storage._encoder.cached
    db.close()  # stops the waiting thread at once

    db = TinyDB(path, storage=DurableStorage, keep_backups=0, seal_delay=0)
    db.table("orders").update({"n": 11}, doc_ids=[1])
    assert db.storage.wait_sealed(timeout=10)
    loaded = db.storage.read()["orders"]["3"]
    assert type(loaded["items"]) is not list  # a tracked list now
    docs.clear()
    db.table("orders").update({"n": 30}, doc_ids=[3])  # builds the cache: every document
    assert len(dumps) == 3 and len(docs) == 3 and db.storage._encoder.cached
    docs.clear()
    db.table("orders").update(lambda doc: doc["items"].append({"late": True}), doc_ids=[3])
    assert len(docs) == 3  # a nested list does not know its document: all of them
    docs.clear()
    db.table("orders").update({"n": 22}, doc_ids=[2])
    assert docs == [2]
    assert_file_is_memory(db, path)
    db.close()


def test_sealing_stops_when_memory_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    db = open_db(path)
    db.table("orders").insert_multiple(order(i) for i in range(1, 4))
    db.close()
    db = TinyDB(path, storage=DurableStorage, keep_backups=0, seal_delay=0.2)
    db.table("orders").update({"n": 10}, doc_ids=[1])
    other = open_db(path)
    other.table("orders").update({"n": 99}, doc_ids=[2])
    other.close()
    with db.storage.transaction() as reloaded:  # the file changed: memory is read anew
        assert reloaded
    assert not db.storage.wait_sealed(timeout=10)  # that thread ended without sealing
    db.table("orders").update({"n": 12}, doc_ids=[1])  # a save starts one for the new memory
    assert db.storage.wait_sealed(timeout=10)
    db.table("orders").update(lambda doc: doc["tags"].append("x"), doc_ids=[2])
    assert_file_is_memory(db, path)
    assert open_db(path).table("orders").get(doc_id=2)["n"] == 99
    db.close()


# -- stateful: any sequence of changes, the file always equals memory ------------------------

values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=6,
)


class CacheNeverStale(RuleBasedStateMachine):
    """With TinyDB's own Table (which rebuilds the table dict on every write)."""

    def open(self, path: Path) -> TinyDB:
        return open_db(path)

    def __init__(self) -> None:
        super().__init__()
        import tempfile

        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name) / "orders.json"
        self.block, encoder.BLOCK = encoder.BLOCK, 2
        self.db = self.open(self.path)
        self.db.table("orders").insert_multiple(order(i) for i in range(3))
        save(self.db)

    def teardown(self) -> None:
        encoder.BLOCK = self.block
        self.db.close()
        self.dir.cleanup()

    def ids(self) -> list[int]:
        return [doc.doc_id for doc in self.db.table("orders").all()]

    @rule(doc=st.dictionaries(st.text(max_size=3), values, max_size=3))
    def insert(self, doc: dict) -> None:
        self.db.table("orders").insert({"items": [], "box": {}, **doc})

    @precondition(lambda self: self.ids())
    @rule(data=st.data(), value=values)
    def append_nested(self, data, value) -> None:
        doc_id = data.draw(st.sampled_from(self.ids()))
        self.db.table("orders").update(lambda doc: doc["items"].append(value), doc_ids=[doc_id])

    @precondition(lambda self: self.ids())
    @rule(data=st.data(), key=st.text(max_size=2), value=values)
    def set_deep(self, data, key, value) -> None:
        doc_id = data.draw(st.sampled_from(self.ids()))

        def change(doc):
            for item in doc["items"]:
                if isinstance(item, dict):
                    item[key] = value
                    return
                if isinstance(item, list):
                    item.append(value)
                    return
            doc["box"][key] = value

        self.db.table("orders").update(change, doc_ids=[doc_id])

    @precondition(lambda self: self.ids())
    @rule(data=st.data(), key=st.text(max_size=2), value=values)
    def set_top(self, data, key, value) -> None:
        doc_id = data.draw(st.sampled_from(self.ids()))
        self.db.table("orders").update({key: value, "items": [], "box": {}}, doc_ids=[doc_id])

    @precondition(lambda self: self.ids())
    @rule(data=st.data(), value=values)
    def change_a_result(self, data, value) -> None:
        doc_id = data.draw(st.sampled_from(self.ids()))
        self.db.table("orders").get(doc_id=doc_id)["items"].append(value)

    @precondition(lambda self: self.ids())
    @rule(data=st.data())
    def remove(self, data) -> None:
        doc_id = data.draw(st.sampled_from(self.ids()))
        self.db.table("orders").remove(doc_ids=[doc_id])

    @precondition(lambda self: len(self.ids()) >= 2)
    @rule(data=st.data())
    def juggle_through_read(self, data) -> None:
        """Swap two documents, put one under a second id, delete one: in memory, then a write."""
        ids = [str(i) for i in self.ids()]
        first, second = data.draw(st.permutations(ids))[:2]
        table = self.db.storage.read()["orders"]
        action = data.draw(st.sampled_from(["swap", "alias", "delete"]))
        if action == "swap":
            table[first], table[second] = table[second], table[first]
        elif action == "alias":
            table[str(max(map(int, ids)) + 1)] = table[first]
        else:
            del table[first]
        self.db.storage.write(self.db.storage.read())
        for table_obj in self.db._tables.values():
            table_obj.clear_cache()
            table_obj._next_id = None

    @rule()
    def wait_until_sealed(self) -> None:
        assert self.db.storage.wait_sealed(timeout=30)  # every step ends with a save

    @rule()
    def undo_table(self) -> None:
        self.db.table("undo").insert({"before": {"1": None}})

    @rule()
    def another_process_saves(self) -> None:
        other = open_db(self.path)
        other.table("orders").insert({"items": ["from another process"], "box": {}})
        other.close()
        with self.db.storage.transaction() as reloaded:
            assert reloaded
            self.db.table("orders").clear_cache()
            self.db.table("orders")._next_id = None

    @invariant()
    def file_is_memory(self) -> None:
        save(self.db)
        assert_file_is_memory(self.db, self.path)
        assert orjson.loads(self.path.read_bytes())["orders"] == self.db.storage.read()["orders"]


class FastCacheNeverStale(CacheNeverStale):
    """With unship's Database, whose tables change the stored table in place."""

    def open(self, path: Path) -> TinyDB:
        return Database(path, keep_backups=0, seal_delay=0)


TestCacheNeverStale = CacheNeverStale.TestCase
TestFastCacheNeverStale = FastCacheNeverStale.TestCase
for case in (TestCacheNeverStale, TestFastCacheNeverStale):
    case.settings = settings(
        max_examples=40,
        stateful_step_count=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
    )


def test_short_writes_are_finished(db: TinyDB, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.writev may write less than asked (signals, quotas): the rest follows in order."""
    import os

    real = os.writev

    def short(fd, buffers):
        buffers = list(buffers)
        return real(fd, buffers[: len(buffers) // 2] + [memoryview(buffers[len(buffers) // 2])[:3]])

    monkeypatch.setattr(os, "writev", short)
    db.table("orders").update({"status": "written in pieces"}, doc_ids=[2])
    db.table("orders").insert(order(6))
    assert_file_is_memory(db, path_of(db))
