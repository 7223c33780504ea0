"""Provisional durable storage (atomic write + process lock); replaced by the full one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson
from filelock import FileLock, Timeout
from tinydb.storages import Storage

SCHEMA_VERSION = 1


class StoreError(Exception):
    pass


class CorruptStoreError(StoreError):
    pass


class FutureVersionError(StoreError):
    pass


class LockTimeoutError(StoreError):
    pass


class StoreWriteError(StoreError):
    pass


class DurableStorage(Storage):
    def __init__(self, path, *, lock_timeout: float = 5.0, keep_backups: int = 5, migrations=None):
        self.path = Path(path)
        self._lock = FileLock(str(self.path) + ".lock", timeout=lock_timeout)
        self._data: dict | None = None
        self._stat: tuple | None = None

    def _file_stat(self):
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def changed_on_disk(self) -> bool:
        return self._file_stat() != self._stat

    def read(self):
        stat = self._file_stat()
        if stat == self._stat and self._stat is not None:
            return self._data
        if stat is None:
            self._data, self._stat = None, None
            return None
        raw = self.path.read_bytes()
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError:
            raise CorruptStoreError(f"{self.path} is not readable JSON") from None
        if not isinstance(data, dict):
            raise CorruptStoreError(f"{self.path} is not an unship file")
        self._data, self._stat = data, stat
        return data

    @contextlib.contextmanager
    def transaction(self) -> Iterator[bool]:
        try:
            self._lock.acquire()
        except Timeout:
            raise LockTimeoutError(f"{self.path} is locked by another unship process") from None
        try:
            before = self._stat
            self.read()
            yield self._stat != before
        finally:
            self._lock.release()

    def write(self, data) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(orjson.dumps(data))
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, self.path)
        except OSError as error:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise StoreWriteError(f"could not write {self.path}: {error.strerror}") from None
        self._data, self._stat = data, self._file_stat()

    @property
    def generation(self) -> int:
        return 0

    def close(self) -> None:
        pass
