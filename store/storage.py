"""Durable TinyDB storage for unship's order book (plain Python; no Textual).

- Reads: the parsed data stays in memory and is re-read only when the file changed on disk
  (stat: inode, device, size, mtime_ns). A missing file is a new, empty database; an empty or
  unreadable file is an error, never an empty database.
- Writes: atomic and durable (temp file 0600 in the same folder, fsync, os.replace, fsync the
  folder), after hard-linking the previous version into `backups/`. NaN/Infinity are refused.
  Stored tables and documents record their own changes, at any depth (tracking.py), so a save
  checks and re-serialises only what changed (encoder.py) instead of the whole file. Loaded
  documents are made to record nested changes in a background thread after the first save
  (a one-off CLI command never pays for it); until then each save is a full dump.
- Processes: `transaction()` holds an flock on `<path>.lock`, reloads if another process saved
  meanwhile, and saves once when the block ends. A write outside a transaction takes the lock
  for itself and refuses to overwrite a file that changed since it was read.

Typical use (database.Database is TinyDB with this storage and faster searches)::

    db = TinyDB(path, storage=DurableStorage)
    with db.storage.transaction() as reloaded:
        if reloaded:  # another process saved: TinyDB's query caches and id counters are stale
            forget_tinydb_caches(db)
        db.table("orders").insert(...)

Make every change inside transaction(): outside one, a write that races with another process
raises StaleDataError (nothing is overwritten) and the caller has to redo it.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shlex
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from . import backups, fileio
from .backups import BackupInfo, list_backups, restore_backup
from .encoder import Encoder
from .errors import (
    CorruptStoreError,
    FutureVersionError,
    LockTimeoutError,
    StaleDataError,
    StoreError,
    StoreWriteError,
    read_error,
    write_error,
)
from .schema import (
    META_TABLE,
    SCHEMA_VERSION,
    Invalid,
    check_tables,
    decode,
    has_non_finite,
    load_tables,
    untracked_docs,
)
from .tracking import EVERYTHING, SET, adopt_doc, seal_doc, tracked_kinds

__all__ = [
    "SCHEMA_VERSION",
    "BackupInfo",
    "CorruptStoreError",
    "DurableStorage",
    "FutureVersionError",
    "LockTimeoutError",
    "StaleDataError",
    "StoreError",
    "StoreWriteError",
    "forget_tinydb_caches",
    "list_backups",
    "restore_backup",
]

Data = dict[str, dict[str, Any]]

_NEVER_READ = object()
SEAL_BATCH = 200  # loaded documents sealed per hold of the storage (a few ms)


def _second_ids(table: dict[str, Any]) -> list[str]:
    """The ids of a table whose document object also sits under an earlier id."""
    seen: set[int] = set()
    return [key for key, doc in table.items() if id(doc) in seen or seen.add(id(doc))]


def forget_tinydb_caches(db: Any) -> None:
    """Drop the query caches and next-id counters of every table a TinyDB has opened.

    Call it when transaction() yields True. (TinyDB's own db.clear_cache() only clears the
    default table, and no TinyDB call resets the id counter.)
    """
    for table in db._tables.values():
        table.clear_cache()
        table._next_id = None


class DurableStorage(Storage):
    """A TinyDB storage that never loses or corrupts a saved order. See the module docstring."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = 5.0,
        keep_backups: int = 5,
        migrations: dict[int, Callable[[dict], dict]] | None = None,
        seal_delay: float = 0.5,
    ) -> None:
        super().__init__()
        self.path: Path = backups.resolve(path)  # a symbolic link is followed: saves go there
        self._given = Path(os.path.abspath(Path(path).expanduser()))
        self.lock_timeout = lock_timeout
        self.keep_backups = keep_backups
        self._migrations = dict(migrations or {})
        self._mutex = threading.RLock()  # one thread at a time inside this storage
        self._lock = fileio.make_lock(self.path)
        self._depth = 0  # transaction nesting (the file lock is held while > 0)
        self._data: Data | None = None
        self._loaded = False  # _data reflects the file as of _key (or a missing file)
        self._key: fileio.StatKey | None = None  # the file _data came from; None: missing
        # The file version the caller's data is based on (its last read()); a write outside a
        # transaction is refused if the file is no longer that version.
        self._basis: fileio.StatKey | None | object = _NEVER_READ
        self._generation = 0
        self._version = 0  # bumped whenever memory may have changed (see `version`)
        self._pending = False  # a write inside a transaction not yet on disk
        self._failed = False  # a write inside the transaction was refused
        self._caches_stale = False  # memory was dropped after TinyDB had seen it
        self._kinds = tracked_kinds()  # stored documents record their changes (tracking.py)
        self._encoder = Encoder(self._kinds)  # re-serialises only changed documents
        self._memory = 0  # bumped whenever the data in memory is dropped or read anew
        self.seal_delay = seal_delay  # seconds after the first save before sealing starts
        self._sealing_for = -1  # the memory a sealing thread was started for
        self._sealer: threading.Thread | None = None
        self._stop = threading.Event()
        self._swept = False
        self._closed = False
        self._pruner = backups.Pruner()

    def __repr__(self) -> str:
        return f"DurableStorage({str(self.path)!r}, generation={self._generation})"

    # -- public API ---------------------------------------------------------------------------

    @property
    def generation(self) -> int:
        """The generation counter of the file as last read or written (0 for a new file)."""
        return self._generation

    @property
    def version(self) -> int:
        """A counter that changes on every write() and every (re)load or drop of memory:
        derived data (database.FastTable's indexes) is valid while it stays the same."""
        return self._version

    def read(self) -> Data | None:
        with self._guard():
            if self._depth == 0 or not self._loaded:
                self._refresh()
                self._basis = self._key
            return self._data

    def write(self, data: Data) -> None:
        with self._guard():
            self._version += 1
            if self._depth > 0:
                self._pending = True
                try:
                    self._prepare(data)
                except BaseException:
                    self._failed = True  # memory holds a refused change: never save it
                    raise
                self._data = data
                return
            try:
                with self._file_lock():
                    current = fileio.current_key(self.path)
                    if current not in (self._basis, None) and self._basis is not _NEVER_READ:
                        raise StaleDataError(
                            f"{self.path} was changed by another unship process since it was "
                            "read; nothing was saved, reload and try again"
                        )
                    # Up to date (a deleted file stays deleted: it is recreated); a file never
                    # read is still checked, so a corrupt or newer file is never overwritten.
                    self._refresh()
                    self._save(data)  # checks data first (_prepare)
            except BaseException:
                self._invalidate()  # TinyDB changed our memory before calling write()
                raise

    @contextlib.contextmanager
    def transaction(self) -> Iterator[bool]:
        """Hold the inter-process lock; yield True if data was reloaded and differs.

        Writes inside are kept in memory and saved once, durably, when the outermost block
        exits normally; if it raises, they are discarded and memory is reloaded from disk
        (the next transaction then yields True). Re-entrant within one thread.
        """
        with self._guard():
            outer = self._depth == 0
            with self._file_lock():
                reloaded = False
                if outer:
                    before = self._data if self._loaded else None
                    if self._refresh():
                        reloaded = (before or {}) != (self._data or {})
                    reloaded = reloaded or self._caches_stale
                    self._caches_stale = False
                    self._basis = self._key
                try:
                    yield reloaded
                except BaseException:
                    if outer and self._pending:
                        self._invalidate()
                    raise
                if outer and self._pending:
                    if self._failed:
                        self._invalidate()
                        raise StoreError(
                            f"nothing was saved to {self.path}: a change in this transaction "
                            "was refused"
                        )
                    try:
                        self._save(self._data or {})
                    except BaseException:
                        self._invalidate()
                        raise

    def discard_changes(self) -> None:
        """A change made to memory in place failed before it reached write(): outside a
        transaction, memory is dropped (and read again when next used); inside one, the
        transaction saves nothing and says so when it ends, like a refused write()."""
        with self._guard():
            self._version += 1
            if self._depth > 0:
                self._pending = self._failed = True
            else:
                self._invalidate()

    def changed_on_disk(self) -> bool:
        """Cheap check (one stat) whether the file changed since it was last read or written."""
        key = fileio.current_key(self.path)
        if not self._loaded:
            return key is not None
        return key != self._key

    def close(self) -> None:
        if self._closed:
            return
        with self._guard():
            if self._depth > 0:
                raise StoreError("cannot close the storage inside a transaction")
            self._closed = True
            self._data = None
            self._loaded = False
        self._stop.set()
        if self._sealer is not None:
            self._sealer.join()
        self._pruner.wait()

    def wait_sealed(self, timeout: float | None = None) -> bool:
        """Wait until every loaded document records its nested changes (saves then write
        only what changed); True when they do. Benchmarks and tests use it."""
        sealer = self._sealer
        if sealer is not None:
            sealer.join(timeout)
        return self._encoder.ready

    # -- internals ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        if not self._mutex.acquire(timeout=self.lock_timeout):
            raise LockTimeoutError(f"{self.path} is busy in another thread; try again")
        try:
            if self._closed:
                raise StoreError(f"the storage for {self.path} is closed")
            yield
        finally:
            self._mutex.release()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._depth == 0:
            fileio.acquire(self._lock, self.path, self.lock_timeout)
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1
            if self._depth == 0:
                self._pending = self._failed = False
                self._lock.release()

    def _invalidate(self) -> None:
        """Forget memory (it may hold changes that are not on disk); reload on next use."""
        self._pending = self._failed = False
        self._data = None
        self._loaded = False
        self._memory_replaced()
        self._caches_stale = True

    def _memory_replaced(self) -> None:
        """The data in memory was dropped or read anew: what was derived from it goes."""
        self._version += 1
        self._memory += 1
        self._kinds.clear()
        self._encoder.forget()
        self._encoder.ready = not any((self._data or {}).values())  # loaded docs: not sealed

    def _start_sealing(self) -> None:
        """After a save, seal the loaded documents in the background (once per memory)."""
        if self._encoder.ready or self._sealing_for == self._memory or self._stop.is_set():
            return
        self._sealing_for = self._memory
        self._sealer = threading.Thread(
            target=self._seal_loaded, args=(self._memory,), name="unship-seal", daemon=True
        )
        self._sealer.start()

    def _seal_loaded(self, memory: int) -> None:
        """Seal every loaded document, a batch per hold of the storage, so that saves and
        readers in other threads wait a few ms at most; stop when memory is replaced."""
        if self._stop.wait(self.seal_delay):
            return
        sealed, doc_class, kinds = self._kinds.sealed, self._kinds.doc, self._kinds
        while True:
            with self._mutex:
                if self._closed or self._memory != memory:
                    return
                todo = [
                    (table, untracked_docs(table, sealed)) for table in (self._data or {}).values()
                ]
                if not any(keys for _, keys in todo):
                    self._encoder.ready = True  # the next save builds the cache
                    gc.freeze()  # the new containers live as long as the documents
                    return
            for table, keys in todo:
                for start in range(0, len(keys), SEAL_BATCH):
                    with self._mutex:
                        if self._closed or self._memory != memory:
                            return
                        for key in keys[start : start + SEAL_BATCH]:
                            doc = table.get(key)
                            if type(doc) is doc_class:
                                seal_doc(doc, kinds)
                    time.sleep(0.001)  # let other threads (the app drawing) run between batches

    def _refresh(self) -> bool:
        """Bring memory up to date with the file; True if it was (re)loaded from disk."""
        key = fileio.current_key(self.path)
        if self._loaded and key == self._key:
            return False
        if key is None:
            # Missing: a new database, or deleted while we run (then keep what we have; the
            # next write recreates the file with it). Not through a link to nowhere, though:
            # that is a drive not mounted or a dotfiles folder moved, not a new order book.
            fileio.check_links(self._given)
            if not self._loaded:
                self._data = None
                self._generation = 0
            self._key = None
            self._loaded = True
            return False
        return self._load()

    def _load(self) -> bool:
        try:
            key, raw = fileio.read_file(self.path, self._shown())
        except FileNotFoundError:
            return self._refresh()  # vanished between stat and open
        except OSError as err:
            raise read_error(self._shown(), err) from None
        try:
            tables, meta = decode(raw)
        except Invalid as why:
            raise CorruptStoreError(self._corrupt_message(why)) from None
        del raw
        schema = meta["schema"]
        if schema > SCHEMA_VERSION:
            raise FutureVersionError(
                f"{self.path} was saved by a newer unship (data schema {schema}; this version "
                f"reads up to {SCHEMA_VERSION}); upgrade unship. The file was not changed."
            )
        if schema < SCHEMA_VERSION and self._depth == 0:
            with self._file_lock():  # migrating writes: redo it under the lock
                self._loaded = False
                return self._refresh()
        if schema == SCHEMA_VERSION:
            try:
                load_tables(tables, self._kinds.doc, self._kinds.table)
            except Invalid as why:
                raise CorruptStoreError(self._corrupt_message(why)) from None
        self._data = tables
        self._key = key
        self._generation = meta["generation"]
        self._loaded = True
        self._memory_replaced()
        if schema < SCHEMA_VERSION:
            self._migrate(tables, schema)
        return True

    def _shown(self) -> str:
        """The file as the person named it: a link says where it leads."""
        if self._given == self.path:
            return str(self.path)
        return f"{self._given} (a link to {self.path})"

    def _corrupt_message(self, why: object) -> str:
        newest = backups.newest_backup(self.path)
        if newest is None:
            hint = (
                f"no backup was found in {backups.backup_dir(self.path)}: repair the file, or "
                "move it aside to start a new order book"
            )
        else:
            command = f"unship --db {shlex.quote(str(self.path))} backup restore"
            hint = f"to go back to the last backup, run: {command} {shlex.quote(str(newest))}"
        return f"{self.path} cannot be read: {why}. The file was left untouched; {hint}"

    def _migrate(self, tables: Data, schema: int) -> None:
        """Upgrade tables from schema to SCHEMA_VERSION and save (lock held, file untouched
        until the save; a copy of the old file is kept as `backups/<name>.v<old>.bak`)."""
        data: dict = tables
        for step in range(schema, SCHEMA_VERSION):
            migrate = self._migrations.get(step)
            if migrate is None:
                self._invalidate()
                raise StoreError(
                    f"{self.path} uses data schema {schema} and this unship cannot upgrade it "
                    f"(no migration from schema {step}); the file was not changed"
                )
            try:
                data = migrate(data)
                data.pop(META_TABLE, None)
                check_tables(data)
            except Exception as err:
                self._invalidate()
                raise StoreError(
                    f"upgrading {self.path} from data schema {step} failed ({err}); "
                    "the file was not changed"
                ) from err
        try:
            target = backups.migration_backup_path(self.path, schema, self._generation)
            backups.keep_copy(self.path, target)
        except OSError as err:
            self._invalidate()
            raise write_error(self.path, err) from err
        load_tables(data, self._kinds.doc, self._kinds.table)
        if any(has_non_finite(table) for table in data.values()):
            self._invalidate()
            raise StoreError(f"upgrading {self.path} produced NaN or Infinity; not saved")
        self._data = data
        try:
            self._save(data)
        except BaseException:
            self._invalidate()
            raise

    def _prepare(self, data: Data) -> None:
        """Check data before it is kept: TinyDB shape, no NaN/Infinity in new or changed
        documents (loaded documents are already finite). Makes every table a tracked one and
        every document put into one a sealed copy (tracking.py)."""
        if type(data) is not dict:
            raise StoreError(f"cannot save {type(data).__name__} as the order book")
        if META_TABLE in data:
            raise StoreError(f"the table name {META_TABLE!r} is reserved by unship")
        table_class = self._kinds.table
        for name, table in list(data.items()):
            if not isinstance(name, str) or not isinstance(table, dict):
                raise StoreError(f"cannot save table {name!r}: it is not a table of documents")
            if type(table) is table_class:
                pending = table.ops[table.checked :]
                if not pending:
                    continue
                if any(op is EVERYTHING for op, _ in pending):  # update(), clear(), ...
                    self._check_whole(name, table)
                else:  # only ids set need a check (deleting needs none)
                    keys = [key for op, key in pending if op is SET]
                    self._seal_new(name, table, keys, copy=True)
                table.checked += len(pending)
            else:  # a table the caller made: check it whole, then keep a tracked copy
                table = data[name] = table_class(table)
                self._check_whole(name, table)
                table.ops.clear()
        self._collect_changes()

    def _check_whole(self, name: str, table: dict[str, Any]) -> None:
        """_seal_new for every document that is not sealed, and copies where one document
        object sits under several ids."""
        self._seal_new(name, table, untracked_docs(table, self._kinds.sealed))
        if len(set(map(id, table.values()))) != len(table):
            self._seal_new(name, table, _second_ids(table), copy=True)

    def _seal_new(
        self, name: str, table: dict[str, Any], keys: list[Any], *, copy: bool = False
    ) -> None:
        """Check the documents at keys (new or replaced) and store sealed copies of them.

        A stored document put under another id is copied as well: one object under two ids
        would be changed under both by one change, which only one id would record. With
        copy=False, stored documents are kept (a table the caller rebuilt)."""
        kinds = self._kinds
        for key in keys:
            doc = table.get(key, _NEVER_READ)
            if doc is _NEVER_READ:
                continue  # deleted again
            kind = type(doc)
            if kind is kinds.sealed or kind is kinds.doc:  # stored: known to be finite
                if copy:
                    dict.__setitem__(table, key, adopt_doc(doc, kinds))  # already in the log
                continue
            if not isinstance(doc, dict):
                raise StoreError(f"cannot save {name!r} document {key}: it is not a dict")
            if has_non_finite(doc):
                raise StoreError(self._nan_message(f"{name!r} document {key}"))
            dict.__setitem__(table, key, adopt_doc(doc, kinds))

    def _collect_changes(self) -> None:
        """Check the documents and nested lists/dicts changed in place since the last call
        for NaN/Infinity and hand them to the encoder (which re-serialises them)."""
        kinds = self._kinds
        if not (kinds.changed_docs or kinds.changed_nested):
            return
        # Each mutating call records its object: keep one of each.
        docs = list({id(doc): doc for doc in kinds.changed_docs}.values())
        nested = list({id(obj): obj for obj in kinds.changed_nested}.values())
        for obj in (*docs, *nested):
            if has_non_finite(obj):
                raise StoreError(self._nan_message("a changed document"))
        self._encoder.note_changes(docs, nested)
        kinds.clear()

    def _nan_message(self, where: str) -> str:
        return f"refusing to save {self.path}: {where} holds NaN or Infinity, which JSON cannot"

    def _save(self, data: Data) -> None:
        """Write data durably (lock held, file known to be the one we read, or missing)."""
        path = self.path
        generation = self._generation + 1
        if self._key is None:  # creating: never reuse generations of an earlier life
            generation = max(generation, backups.newest_generation(path) + 1)
        try:
            self._prepare(data)  # also what changed in place after the last write()
            payload = self._encoder.encode(data, generation)
        except TypeError as err:
            raise StoreError(f"cannot save {path}: {err}") from None
        try:
            fileio.ensure_dir(path.parent)
            if not self._swept:
                fileio.sweep_temp_files(path)
                self._swept = True
            if self._key is not None and self.keep_backups > 0:
                with contextlib.suppress(FileNotFoundError):  # deleted under us: recreate
                    backups.keep_copy(path, backups.rotation_path(path, self._generation))
            st = fileio.atomic_write(path, payload)
        except OSError as err:
            raise write_error(path, err) from err
        self._key = self._basis = fileio.stat_key(st)
        self._generation = generation
        self._data = data
        self._loaded = True
        if self.keep_backups > 0:
            self._pruner.request(path, self.keep_backups)
        self._start_sealing()
