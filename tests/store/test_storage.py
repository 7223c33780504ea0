"""Unit tests for unship.store.storage (the durable TinyDB storage)."""

from __future__ import annotations

import contextlib
import errno
import math
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
from datetime import datetime
from pathlib import Path

import msgspec
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from io_support import HELPERS
from tinydb import Query, TinyDB
from unship.store import schema
from unship.store import storage as storage_module
from unship.store.backups import list_backups, restore_backup
from unship.store.errors import (
    CorruptStoreError,
    FutureVersionError,
    LockTimeoutError,
    StaleDataError,
    StoreError,
    StoreWriteError,
)
from unship.store.schema import SCHEMA_VERSION
from unship.store.storage import DurableStorage, fresh_table

pytestmark = pytest.mark.durable  # real fsync: see tests/conftest.py

WRITER = HELPERS / "writer.py"


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "orders.json"


def open_db(path: Path, **kwargs) -> TinyDB:
    return TinyDB(path, storage=DurableStorage, **kwargs)


def file_doc(path: Path) -> dict:
    return msgspec.json.decode(path.read_bytes())


def meta(path: Path) -> dict:
    return file_doc(path)["_unship"]["1"]


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def fill(path: Path, n: int = 3) -> TinyDB:
    db = open_db(path)
    for i in range(n):
        db.table("orders").insert({"title": f"order {i}", "retailer": "IKEA", "i": i})
    return db


# -- round trip, caching, reloads -----------------------------------------------------------


def test_round_trip(path: Path) -> None:
    db = fill(path, 3)
    db.table("orders").update({"title": "changed"}, doc_ids=[2])
    db.table("undo").insert({"op": "update"})
    db.close()

    again = open_db(path)
    orders = again.table("orders")
    assert [d["title"] for d in orders.all()] == ["order 0", "changed", "order 2"]
    assert [d.doc_id for d in orders.all()] == [1, 2, 3]
    assert again.table("undo").all() == [{"op": "update"}]
    assert again.tables() == {"orders", "undo"}  # the meta table stays out of TinyDB's view
    assert meta(path) == {"app": "unship", "schema": SCHEMA_VERSION, "generation": 5}
    assert again.storage.read_at_rest()[0][-1] == 5  # the generation read


def test_new_file_is_empty_and_not_created_by_reading(path: Path) -> None:
    db = open_db(path)
    assert db.table("orders").all() == []
    assert db.storage.read_at_rest() == (None, None)  # no file, no version
    assert not path.parent.exists()  # reading creates nothing
    assert not db.storage.changed_on_disk()


def test_cache_hit_does_not_reread(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fill(path, 5).close()
    calls = []
    real = schema.decode
    monkeypatch.setattr(
        schema, "decode", lambda raw, types=None: calls.append(1) or real(raw, types)
    )
    db = open_db(path)
    orders = db.table("orders", cache_size=0)
    for _ in range(10):
        assert len(orders.search(Query().retailer == "IKEA")) == 5
    orders.insert({"retailer": "Otto"})
    assert len(orders.all()) == 6
    assert len(calls) == 1


def test_file_changed_by_another_writer_is_reloaded(path: Path) -> None:
    first = fill(path, 2)
    second = open_db(path)
    second.table("orders").insert({"title": "from second"})
    assert first.storage.changed_on_disk()
    with first.storage.transaction() as reloaded:
        assert reloaded
        orders = fresh_table(first, "orders")
        assert len(orders.all()) == 3
        orders.insert({"title": "no id collision"})
    assert sorted(map(int, file_doc(path)["orders"])) == [1, 2, 3, 4]
    assert not first.storage.changed_on_disk()
    with first.storage.transaction() as reloaded:
        assert not reloaded


def test_replaced_file_is_picked_up(path: Path, tmp_path: Path) -> None:
    db = fill(path, 2)
    other = tmp_path / "other" / "orders.json"
    fill(other, 7).close()
    os.replace(other, path)
    assert db.storage.changed_on_disk()
    assert len(db.table("orders", cache_size=0).all()) == 7


def test_changed_on_disk_is_a_cheap_stat(path: Path) -> None:
    db = open_db(path)
    assert not db.storage.changed_on_disk()
    fill(path, 1).close()
    assert db.storage.changed_on_disk()
    db.table("orders").all()
    assert not db.storage.changed_on_disk()


# -- files that must not be read -----------------------------------------------------------

HEADER = b'"_unship":{"1":{"app":"unship","schema":1,"generation":3}}'

BAD_FILES = {
    "empty": b"",
    "blank": b"  \n",
    "not json": b"these are not the orders you are looking for",
    "truncated": b"{" + HEADER + b',"orders":{"1":{"title":"Lamp","ret',
    "json array": b"[1, 2, 3]",
    "not unship's": b'{"_default": {"1": {"name": "someone else"}}}',
    "other tables": b'{"orders": {}}',
    "other app": b'{"_unship": {"1": {"app": "other", "schema": 1, "generation": 1}}}',
    "bad header": b'{"_unship": {"1": {"app": "unship", "schema": "1", "generation": 1}}}',
    "NaN": b"{" + HEADER + b',"orders":{"1":{"total":NaN}}}',
    "Infinity": b"{" + HEADER + b',"orders":{"1":{"total":Infinity}}}',
    "table not object": b"{" + HEADER + b',"orders":[1,2]}',
    "document not object": b"{" + HEADER + b',"orders":{"1":"lamp"}}',
    "not utf-8": b"{" + HEADER + b',"orders":{"1":{"t":"\xff\xfe"}}}',
}


@pytest.mark.parametrize("content", BAD_FILES.values(), ids=BAD_FILES.keys())
def test_bad_file_is_refused_and_untouched(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    db = open_db(path)
    with pytest.raises(CorruptStoreError) as info:
        db.table("orders").all()
    message = str(info.value)
    assert str(path) in message and "\n" not in message
    assert "no backup was found" in message
    with pytest.raises(CorruptStoreError):
        db.table("orders").insert({"title": "new"})
    with pytest.raises(CorruptStoreError), db.storage.transaction():
        pass
    assert path.read_bytes() == content
    assert leftovers(path.parent) == []
    assert not (path.parent / "orders.json.backups").exists()


def test_corrupt_message_names_newest_backup(path: Path) -> None:
    fill(path, 4).close()  # generations 1..4; backups of 1..3
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(CorruptStoreError) as info:
        open_db(path).table("orders").all()
    newest = path.parent / "orders.json.backups" / "orders.3.json"
    assert f"unship --db {path} backup restore {newest}" in str(info.value)


def test_empty_tinydb_files_are_adopted(path: Path) -> None:
    path.parent.mkdir(parents=True)
    for content in (b"{}", b'{"_default": {}}'):
        path.write_bytes(content)
        db = open_db(path)
        assert db.table("orders").all() == []
        db.table("orders").insert({"title": "first"})
        assert meta(path)["generation"] == 1
        assert file_doc(path)["orders"] == {"1": {"title": "first"}}
        path.unlink()
        db.close()


def test_future_version_is_refused_untouched(path: Path) -> None:
    path.parent.mkdir(parents=True)
    content = b'{"_unship":{"1":{"app":"unship","schema":99,"generation":8}},"orders":[]}'
    path.write_bytes(content)
    db = open_db(path)
    with pytest.raises(FutureVersionError, match="newer unship"):
        db.table("orders").all()
    with pytest.raises(FutureVersionError):
        db.table("orders").insert({"title": "x"})
    assert path.read_bytes() == content


# -- an older schema this version does not read --------------------------------------------


def test_unreadable_old_schema_leaves_file_untouched(path: Path) -> None:
    path.parent.mkdir(parents=True)
    old = b'{"_unship":{"1":{"app":"unship","schema":0,"generation":4}},"orders":{"1":{}}}'
    path.write_bytes(old)
    db = open_db(path)
    with pytest.raises(
        StoreError, match="data schema 0, which this unship cannot read; the file was not"
    ):
        db.table("orders").all()
    with pytest.raises(StoreError, match="not changed"):
        db.table("orders").insert({"title": "x"})
    assert path.read_bytes() == old


# -- refused values ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "doc",
    [
        {"total": math.nan},
        {"total": math.inf},
        {"items": [{"price": -math.inf}]},
        {"deep": {"deeper": [[1.5, math.nan]]}},
    ],
)
def test_nan_and_infinity_are_refused_on_insert(path: Path, doc: dict) -> None:
    db = fill(path, 2)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="NaN or Infinity"):
        db.table("orders").insert(doc)
    assert path.read_bytes() == before
    assert len(db.table("orders", cache_size=0).all()) == 2  # memory reloaded from disk


def test_nan_is_refused_on_update(path: Path) -> None:
    db = fill(path, 2)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="NaN or Infinity"):
        db.table("orders").update({"total": math.nan}, doc_ids=[1])
    with pytest.raises(StoreError, match="NaN or Infinity"):
        db.table("orders").update({"items": [{"price": math.inf}]}, doc_ids=[2])
    assert path.read_bytes() == before
    assert "total" not in db.table("orders", cache_size=0).get(doc_id=1)
    db.table("orders").update({"total": 1.5}, doc_ids=[1])
    assert file_doc(path)["orders"]["1"]["total"] == 1.5


def test_refused_change_in_transaction_saves_nothing(path: Path) -> None:
    db = fill(path, 1)
    before = path.read_bytes()
    with pytest.raises(StoreError, match="nothing was saved"), db.storage.transaction():
        db.table("orders").insert({"title": "fine"})
        with pytest.raises(StoreError, match="NaN"):
            db.table("orders").insert({"total": math.nan})
    assert path.read_bytes() == before


def test_unsupported_values_are_refused(path: Path) -> None:
    db = fill(path, 1)
    before = path.read_bytes()
    for value in (datetime(2025, 1, 1), {1, 2}, 2**80, "\ud800"):
        with pytest.raises(StoreError, match="cannot save"):
            db.table("orders").insert({"value": value})
    assert path.read_bytes() == before


def test_reserved_table_name(path: Path) -> None:
    db = fill(path, 1)
    with pytest.raises(StoreError, match="reserved"):
        db.table("_unship").insert({"app": "evil"})
    assert meta(path)["app"] == "unship"


# -- write failures ------------------------------------------------------------------------


def _fail(err: int):
    def fail(*args, **kwargs):
        raise OSError(err, os.strerror(err))

    return fail


@pytest.mark.parametrize("where", ["writev", "fsync", "replace", "mkstemp"])
def test_full_disk_keeps_old_file(path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    db = fill(path, 3)
    before = path.read_bytes()
    target = storage_module.fileio.tempfile if where == "mkstemp" else os
    with monkeypatch.context() as patch:
        patch.setattr(target, where, _fail(errno.ENOSPC))
        with pytest.raises(StoreWriteError, match="the disk is full") as info:
            db.table("orders").insert({"title": "lost"})
    assert "previous version" in str(info.value)
    assert path.read_bytes() == before
    assert leftovers(path.parent) == []
    assert len(db.table("orders", cache_size=0).all()) == 3  # memory matches the disk again
    db.table("orders").insert({"title": "after"})  # and saving works once there is room
    assert len(file_doc(path)["orders"]) == 4


def test_full_disk_in_transaction(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fill(path, 1)
    before = path.read_bytes()
    with monkeypatch.context() as patch:
        patch.setattr(os, "fsync", _fail(errno.ENOSPC))
        with pytest.raises(StoreWriteError), db.storage.transaction():
            db.table("orders").insert({"title": "lost"})
    assert path.read_bytes() == before
    with db.storage.transaction() as reloaded:
        assert reloaded  # memory was dropped: callers must drop their caches
    assert leftovers(path.parent) == []


def test_read_only_folder_simulated(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = fill(path, 1)
    before = path.read_bytes()
    monkeypatch.setattr(storage_module.fileio.tempfile, "mkstemp", _fail(errno.EROFS))
    with pytest.raises(StoreWriteError, match="read-only"):
        db.table("orders").insert({"title": "x"})
    assert path.read_bytes() == before


def read_only(folder: Path):
    """Make folder read-only for real; root ignores modes, so it gets the immutable flag."""
    if os.geteuid() != 0:
        folder.chmod(0o500)
        return lambda: folder.chmod(0o700)
    done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip("running as root without chattr: cannot make a folder read-only")
    return lambda: subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_read_only_folder(path: Path) -> None:
    db = fill(path, 1)
    before = path.read_bytes()
    undo = read_only(path.parent)
    try:
        with pytest.raises(StoreWriteError, match="permission denied") as info:
            db.table("orders").insert({"title": "x"})
        assert "previous version" in str(info.value)
        assert path.read_bytes() == before
        assert leftovers(path.parent) == []
        assert len(db.table("orders", cache_size=0).all()) == 1  # and it still reads
    finally:
        undo()


def test_leftover_temp_files_are_swept(path: Path) -> None:
    fill(path, 1).close()
    stray = path.parent / ".orders.json.abcd1234.tmp"
    stray.write_bytes(b"half a write")
    fill(path, 1)
    assert leftovers(path.parent) == []


# -- the file disappearing -----------------------------------------------------------------


def test_file_deleted_while_open(path: Path) -> None:
    db = fill(path, 3)
    path.unlink()
    assert db.storage.changed_on_disk()
    orders = db.table("orders", cache_size=0)
    assert len(orders.all()) == 3  # what we had is kept
    orders.insert({"title": "after delete"})
    assert path.exists()
    assert len(file_doc(path)["orders"]) == 4
    assert meta(path)["generation"] > 3  # no generation is reused
    assert open_db(path).table("orders").count(Query().title == "after delete") == 1


def test_folder_deleted_while_open(path: Path) -> None:
    db = fill(path, 2)
    shutil.rmtree(path.parent)
    db.table("orders").insert({"title": "x"})
    assert len(file_doc(path)["orders"]) == 3


# -- permissions ---------------------------------------------------------------------------


def test_permissions_do_not_depend_on_umask(path: Path) -> None:
    old = os.umask(0)
    try:
        fill(path, 2)
    finally:
        os.umask(old)
    mode = lambda p: stat.S_IMODE(p.stat().st_mode)  # noqa: E731
    assert mode(path.parent) == 0o700
    assert mode(path) == 0o600
    assert mode(path.parent / "orders.json.backups") == 0o700
    assert mode(path.parent / "orders.json.lock") == 0o600
    assert all(mode(p) == 0o600 for p in (path.parent / "orders.json.backups").iterdir())


# -- backups -------------------------------------------------------------------------------


def test_backup_rotation_keeps_n(path: Path) -> None:
    db = open_db(path, keep_backups=3)
    for i in range(10):
        db.table("orders").insert({"i": i})
    db.close()  # pruning runs in the background; close() waits for it
    infos = list_backups(path)
    assert [b.generation for b in infos] == [9, 8, 7]
    assert [b.orders for b in infos] == [9, 8, 7]
    assert infos[0].path == path.parent / "orders.json.backups" / "orders.9.json"
    assert infos[0].size == infos[0].path.stat().st_size
    assert isinstance(infos[0].saved_at, datetime) and infos[0].saved_at.tzinfo
    assert meta(infos[1].path)["generation"] == 8  # each backup is the version it names


def test_backup_is_a_snapshot_not_a_live_link(path: Path) -> None:
    db = fill(path, 1)
    db.table("orders").insert({"i": 2})
    snapshot = (path.parent / "orders.json.backups" / "orders.1.json").read_bytes()
    db.table("orders").insert({"i": 3})
    assert (path.parent / "orders.json.backups" / "orders.1.json").read_bytes() == snapshot


def test_no_backups_when_disabled(path: Path) -> None:
    db = open_db(path, keep_backups=0)
    for i in range(3):
        db.table("orders").insert({"i": i})
    assert list_backups(path) == []


def test_backups_fall_back_to_copies_without_hard_links(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = fill(path, 1)
    monkeypatch.setattr(os, "link", _fail(errno.EPERM))
    db.table("orders").insert({"i": 2})
    copy = path.parent / "orders.json.backups" / "orders.1.json"
    assert meta(copy)["generation"] == 1
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert copy.stat().st_ino != path.stat().st_ino


def test_list_backups_reports_unreadable_backups(path: Path) -> None:
    fill(path, 3).close()
    (path.parent / "orders.json.backups" / "orders.2.json").write_bytes(b"{")
    infos = list_backups(path)
    assert [(b.generation, b.orders) for b in infos] == [(2, None), (1, 1)]
    assert [b.orders for b in list_backups(path, count_orders=False)] == [None, None]


def test_restore_backup(path: Path) -> None:
    db = open_db(path)
    for i in range(4):
        db.table("orders").insert({"i": i})
    current = path.read_bytes()
    oldest = list_backups(path)[-1]
    assert oldest.generation == 1
    restore_backup(path, oldest)

    assert db.storage.changed_on_disk()
    assert [d["i"] for d in db.table("orders", cache_size=0).all()] == [0]
    assert db.storage.read_at_rest()[0][-1] == 5  # new, higher generation
    kept = path.parent / "orders.json.backups" / "orders.4.json"
    assert kept.read_bytes() == current  # the file replaced by the restore is kept
    db.table("orders").insert({"i": 9})
    assert [d["i"] for d in open_db(path).table("orders").all()] == [0, 9]


def test_restore_by_generation_and_over_a_damaged_file(path: Path) -> None:
    fill(path, 3).close()
    path.write_bytes(b"garbage")
    restore_backup(path, 2)
    assert len(open_db(path).table("orders").all()) == 2
    damaged = list((path.parent / "orders.json.backups").glob("orders.damaged-*.json"))
    assert [p.read_bytes() for p in damaged] == [b"garbage"]


def test_restore_refuses_a_bad_backup(path: Path, tmp_path: Path) -> None:
    fill(path, 1).close()
    before = path.read_bytes()
    bad = tmp_path / "bad.json"
    bad.write_bytes(b"{")
    with pytest.raises(CorruptStoreError, match="cannot be restored"):
        restore_backup(path, bad)
    assert path.read_bytes() == before


# -- transactions and locking --------------------------------------------------------------


def test_transaction_saves_once_when_the_block_ends(path: Path) -> None:
    db = fill(path, 1)
    with db.storage.transaction():
        db.table("orders").insert({"i": 1})
        with db.storage.transaction() as inner:  # re-entrant
            assert inner is False
            db.table("orders").insert({"i": 2})
        assert meta(path)["generation"] == 1  # nothing on disk until the outer block ends
    assert meta(path)["generation"] == 2
    assert len(file_doc(path)["orders"]) == 3


def test_transaction_rolls_back_on_error(path: Path) -> None:
    db = fill(path, 2)
    before = path.read_bytes()
    with pytest.raises(RuntimeError), db.storage.transaction():
        db.table("orders").insert({"i": 1})
        raise RuntimeError("boom")
    assert path.read_bytes() == before
    with db.storage.transaction() as reloaded:
        assert reloaded
        assert len(fresh_table(db, "orders").all()) == 2


def test_stale_write_outside_transaction_is_refused(path: Path) -> None:
    first = fill(path, 1)
    data = first.storage.read()
    data["orders"]["2"] = {"title": "first's"}
    open_db(path).table("orders").insert({"title": "second's"})  # between read and write
    before = path.read_bytes()
    with pytest.raises(StaleDataError, match="changed by another unship process"):
        first.storage.write(data)
    with pytest.raises(StaleDataError):  # retrying with the same stale data is refused too
        first.storage.write(data)
    assert path.read_bytes() == before
    with first.storage.transaction() as reloaded:
        assert reloaded
        fresh_table(first, "orders").insert({"title": "first's"})
    titles = [d["title"] for d in open_db(path).table("orders").all()]
    assert titles == ["order 0", "second's", "first's"]


def test_write_outside_transaction_sees_other_changes_first(path: Path) -> None:
    first = fill(path, 2)
    open_db(path).table("orders").update({"title": "theirs"}, doc_ids=[2])
    first.table("orders").update({"retailer": "Otto"}, doc_ids=[2])  # re-read, then saved
    assert file_doc(path)["orders"]["2"] == {"title": "theirs", "retailer": "Otto", "i": 1}


def test_lock_timeout_when_another_process_holds_the_lock(path: Path) -> None:
    fill(path, 1).close()
    holder = subprocess.Popen(
        [sys.executable, str(WRITER), "hold", str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "LOCKED"
        db = open_db(path, lock_timeout=0.2)
        assert len(db.table("orders").all()) == 1  # reading needs no lock
        with pytest.raises(LockTimeoutError, match="locked by another unship process") as info:
            db.table("orders").insert({"title": "x"})
        if os.path.exists("/proc/locks"):  # Linux: the holder is named
            assert f"pid {holder.pid}" in str(info.value)
        with pytest.raises(LockTimeoutError), db.storage.transaction():
            pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    db.table("orders").insert({"title": "x"})  # free again
    assert len(file_doc(path)["orders"]) == 2


def test_lock_is_per_file_not_per_object(path: Path) -> None:
    holder = open_db(path)
    other = open_db(path, lock_timeout=0.1)
    with holder.storage.transaction(), pytest.raises(LockTimeoutError):
        other.table("orders").insert({"title": "x"})
    other.table("orders").insert({"title": "x"})
    assert len(file_doc(path)["orders"]) == 1


def test_closing_one_app_keeps_the_others_orders(path: Path) -> None:
    a, b = open_db(path), open_db(path)
    a.table("orders").insert({"title": "from a"})
    b.table("orders").insert({"title": "from b"})
    a.close()
    b.close()
    titles = sorted(d["title"] for d in open_db(path).table("orders").all())
    assert titles == ["from a", "from b"]


def test_blind_write_never_overwrites_a_bad_file(path: Path) -> None:
    path.parent.mkdir(parents=True)
    path.write_bytes(b"{")
    with pytest.raises(CorruptStoreError):
        open_db(path).drop_tables()
    assert path.read_bytes() == b"{"


def test_threads_take_turns(path: Path) -> None:
    db = open_db(path)
    orders = db.table("orders")
    errors = []

    def work(tag: str) -> None:
        try:
            for i in range(25):
                with db.storage.transaction():
                    orders.insert({"tag": tag, "i": i})
        except Exception as err:  # pragma: no cover - reported below
            errors.append(err)

    threads = [threading.Thread(target=work, args=(t,)) for t in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(file_doc(path)["orders"]) == 50


def test_close(path: Path) -> None:
    db = fill(path, 1)
    db.close()
    db.close()
    with pytest.raises(StoreError, match="closed"):
        db.storage.read()


# -- property: whatever JSON goes in comes back --------------------------------------------

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(st.characters(codec="utf-8"), max_size=20)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
documents = st.dictionaries(st.text(st.characters(codec="utf-8"), max_size=8), json_values)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=st.lists(documents, max_size=5))
def test_any_json_round_trips(tmp_path: Path, docs: list[dict]) -> None:
    path = tmp_path / "prop" / "orders.json"
    if path.exists():
        path.unlink()
    db = open_db(path, keep_backups=0)
    for doc in docs:
        db.table("orders").insert(doc)
    assert open_db(path).table("orders").all() == docs


# -- stateful: two apps on one file never disagree with a plain dict -------------------------


class TwoAppsOneFile(RuleBasedStateMachine):
    """Two TinyDB+DurableStorage handles (as two processes would have) change one file in
    turns, inside and outside transactions, and reopen; both must always see the model."""

    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp())
        self.path = self.folder / "data" / "orders.json"
        self.apps = [open_db(self.path, keep_backups=2) for _ in range(2)]
        self.model: dict[int, dict] = {}

    def teardown(self) -> None:
        for app in self.apps:
            app.close()
        shutil.rmtree(self.folder)

    @contextlib.contextmanager
    def txn(self, app: int):
        db = self.apps[app]
        with db.storage.transaction():
            yield fresh_table(db, "orders")

    @rule(app=st.integers(0, 1), title=st.text(max_size=5))
    def insert(self, app: int, title: str) -> None:
        with self.txn(app) as orders:
            doc_id = orders.insert({"title": title})
        assert doc_id not in self.model
        self.model[doc_id] = {"title": title}

    @rule(app=st.integers(0, 1), data=st.data(), inside=st.booleans())
    def update(self, app: int, data: st.DataObject, inside: bool) -> None:
        if not self.model:
            return
        doc_id = data.draw(st.sampled_from(sorted(self.model)))
        price = data.draw(st.floats(allow_nan=False, allow_infinity=False))
        if inside:
            with self.txn(app) as orders:
                orders.update({"price": price}, doc_ids=[doc_id])
        else:  # outside a transaction: re-reads the changed file first, then saves
            self.apps[app].table("orders").update({"price": price}, doc_ids=[doc_id])
        self.model[doc_id]["price"] = price

    @rule(app=st.integers(0, 1), data=st.data())
    def remove(self, app: int, data: st.DataObject) -> None:
        if not self.model:
            return
        doc_id = data.draw(st.sampled_from(sorted(self.model)))
        with self.txn(app) as orders:
            orders.remove(doc_ids=[doc_id])
        del self.model[doc_id]

    @rule(app=st.integers(0, 1))
    def refused(self, app: int) -> None:
        with contextlib.suppress(StoreError), self.txn(app) as orders:
            orders.insert({"price": math.nan})

    @rule(app=st.integers(0, 1))
    def reopen(self, app: int) -> None:
        self.apps[app].close()
        self.apps[app] = open_db(self.path, keep_backups=2)

    @invariant()
    def both_apps_see_the_model(self) -> None:
        for app in range(2):
            with self.txn(app) as orders:
                assert {doc.doc_id: dict(doc) for doc in orders.all()} == self.model
        if self.path.exists():
            stored = file_doc(self.path).get("orders", {})
            assert {int(k): v for k, v in stored.items()} == self.model


TwoAppsOneFile.TestCase.settings = settings(max_examples=20, stateful_step_count=15, deadline=None)
test_two_apps_one_file = TwoAppsOneFile.TestCase


def test_a_schema_1_book_reads_as_it_is_and_becomes_schema_2_at_its_next_save(tmp_path) -> None:
    """Schema 2 only added fields and events: reading a schema-1 file rewrites nothing, and the
    first save stamps schema 2, which an older unship refuses as a newer unship's file instead of
    calling it corrupt or dropping the new fields."""
    from datetime import date

    from unship.store.model import Event, new_item, new_order
    from unship.store.repository import OrderBook

    db = tmp_path / "orders.json"
    today = date(2026, 11, 28)
    with OrderBook(db, today=today) as book:
        order = book.add(new_order("amazon", "111-1", date(2026, 11, 1), [new_item("Mug", 900)]))
        book.record(order.id, Event.DELIVERED, date(2026, 11, 5))
    doc = file_doc(db)
    doc["_unship"]["1"]["schema"] = 1
    db.write_bytes(msgspec.json.encode(doc))
    before = db.read_bytes()
    with OrderBook(db, today=today) as book:
        assert [o.order_number for o in book.orders()] == ["111-1"]
    assert db.read_bytes() == before
    with OrderBook(db, today=today) as book:
        book.record(order.id, Event.KEPT, date(2026, 11, 6))
        book.record(order.id, Event.UNKEPT, date(2026, 11, 7))
    assert meta(db)["schema"] == SCHEMA_VERSION == 2
