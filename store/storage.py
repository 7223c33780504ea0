"""Durable TinyDB storage for unship's order book (plain Python; no Textual).

- Reads: the parsed data stays in memory and is re-read only when the file changed on disk
  (stat: inode, device, size, mtime_ns). A missing file is a new, empty database; an empty or
  unreadable file is an error, never an empty database. Tables given a document type
  (`types`, e.g. the book's orders) decode straight into it (schema.py).
- Writes: atomic and durable (temp file 0600 in the same folder, fsync, os.replace, fsync the
  folder), after hard-linking the previous version into `<name>.backups/` (backups.py). Plain
  documents holding NaN/Infinity or values JSON would change are refused. Typed documents are
  immutable and keep their encoded bytes from one save to the next (pieces.py): a save
  encodes only the documents that are new objects and writes the rest as they were.
- Processes: `transaction()` holds an flock on `<path>.lock`, reloads if another process saved
  meanwhile, and saves once when the block ends. A write outside a transaction takes the lock
  for itself and refuses to overwrite a file that changed since it was read (StaleDataError:
  nothing is overwritten). Scripts: docs/formats.md.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import backups, fileio, schema
from .errors import (
    CorruptStoreError,
    FutureVersionError,
    LockTimeoutError,
    StaleDataError,
    StoreError,
    read_error,
    write_error,
)
from .pieces import Pieces

Data = dict[str, dict[str, Any]]

_NEVER_READ = object()


def fresh_table(db: Any, name: str, **kwargs: Any) -> Any:
    """Table `name` as a new Table object (TinyDB's public `table_class`); take it afresh in
    each transaction(): a Table's query cache and next id go stale when another process saves."""
    return db.table_class(db.storage, name, **kwargs)


class DurableStorage:
    """A TinyDB storage that never loses or corrupts a saved order. See the module docstring.

    TinyDB asks a storage only for read(), write() and close(): its base class is left out,
    so that a command that never builds a TinyDB (`unship due`) starts without loading it."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        lock_timeout: float = 5.0,
        keep_backups: int = 5,
        types: schema.Types | None = None,
    ) -> None:
        self.path: Path = backups.resolve(path)  # a symbolic link is followed: saves go there
        self._given = Path(os.path.abspath(Path(path).expanduser()))
        self.lock_timeout = lock_timeout
        self.keep_backups = keep_backups
        self._mutex = threading.RLock()  # one thread at a time inside this storage
        self._lock: Any = None  # the inter-process lock, made when first needed
        self._depth = 0  # transaction nesting (the file lock is held while > 0)
        self._data: Data | None = None
        self._loaded = False  # _data reflects the file as of _key (or a missing file)
        self._key: fileio.StatKey | None = None  # the file _data came from; None: missing
        # The file version the caller's data is based on (its last read()); a write outside a
        # transaction is refused if the file is no longer that version.
        self._basis: fileio.StatKey | None | object = _NEVER_READ
        self._generation = 0
        self._types = dict(types or {})  # tables whose documents are typed records
        self._pending = False  # a write inside a transaction not yet on disk
        self._failed = False  # a write inside the transaction was refused
        self._caches_stale = False  # memory was dropped after TinyDB had seen it
        self._pieces = Pieces()  # typed documents' bytes, kept from one save to the next
        self._swept = False
        self._adopted = False  # this file's backups were moved out of a shared backups/
        self._closed = False
        self._pruner = backups.Pruner()

    def __repr__(self) -> str:
        return f"DurableStorage({str(self.path)!r}, generation={self._generation})"

    # -- public API ---------------------------------------------------------------------------

    def read_at_rest(self) -> tuple[tuple[int, ...] | None, Data | None]:
        """The data with what identifies the file version it is (stat key and generation),
        read together: (None, None) inside a change, or for a missing file. Other threads
        wait for a change to end, so the two always belong together."""
        with self._guard():
            if self._depth > 0:
                return None, None
            data = self.read()
            if self._key is None:
                return None, None
            return (*self._key, self._generation), data

    def read(self) -> Data | None:
        with self._guard():
            if self._depth == 0 or not self._loaded:
                self._refresh()
                self._basis = self._key
            return self._data

    def write(self, data: Data) -> None:
        with self._guard():
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
        self._pruner.wait()

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
            if self._lock is None:
                self._lock = fileio.make_lock(self.path)
            fileio.acquire(self._lock, self.path, self.lock_timeout)
            if not self._adopted:  # a failure leaves them where they are still listed
                self._adopted = True
                with contextlib.suppress(OSError):
                    backups.adopt_legacy(self.path)
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
        self._caches_stale = True
        self._pieces.forget()

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
            tables, meta = schema.decode(raw, self._types)
        except schema.Invalid as why:
            raise CorruptStoreError(self._corrupt_message(why)) from None
        del raw
        version = meta["schema"]
        if version > schema.SCHEMA_VERSION:
            raise FutureVersionError(
                f"{self.path} was saved by a newer unship (data schema {version}; this version "
                f"reads up to {schema.SCHEMA_VERSION}); upgrade unship. The file was not changed."
            )
        if version not in schema.READS_AS_IS:
            raise StoreError(
                f"{self.path} uses data schema {version}, which this unship cannot read; the "
                "file was not changed"
            )
        self._data = tables
        self._key = key
        self._generation = meta["generation"]
        self._loaded = True
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

    def _prepare(self, data: Data) -> None:
        """Check data before it is kept: the TinyDB shape, and plain documents free of values
        JSON can't hold (NaN) or would change (a date). A typed table's documents are checked
        for their type as they are encoded (pieces.py: only the new ones)."""
        if type(data) is not dict:
            raise StoreError(f"cannot save {type(data).__name__} as the order book")
        if schema.META_TABLE in data:
            raise StoreError(f"the table name {schema.META_TABLE!r} is reserved by unship")
        for name, table in data.items():
            if not isinstance(name, str) or not isinstance(table, dict):
                raise StoreError(f"cannot save table {name!r}: it is not a table of documents")
            if name in self._types:
                continue
            for key, doc in table.items():
                if not isinstance(doc, dict):
                    raise StoreError(f"cannot save {name!r} document {key}: it is not a dict")
                why = schema.bad_value(doc)
                if why:
                    raise StoreError(
                        f"cannot save {self.path}: {name!r} document {key} holds {why}"
                    )

    def _save(self, data: Data) -> None:
        """Write data durably (lock held, file known to be the one we read, or missing)."""
        path = self.path
        generation = self._generation + 1
        if self._key is None:  # creating: never reuse generations of an earlier life
            generation = max(generation, backups.newest_generation(path) + 1)
        self._prepare(data)  # also what changed in place after the last write()
        try:
            typed = {
                n: self._pieces.of(n, data[n], kind) for n, kind in self._types.items() if n in data
            }
            self._pieces.drop_missing(set(typed))
            payload = schema.encode_chunks(data, generation, typed)
        except (TypeError, ValueError) as err:
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
