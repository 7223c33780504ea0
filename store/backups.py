"""Backups of the data file: a rotation of predecessors in `<folder>/backups/`, and restoring.

Before each save the current file is hard-linked as `backups/<stem>.<generation>.json`. The
save then replaces the file with a new inode, so the link keeps the old version intact at
the cost of a directory entry rather than a copy. Where hard links are not possible the file
is copied instead.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from . import fileio
from .errors import CorruptStoreError, FutureVersionError, StoreError, write_error
from .schema import SCHEMA_VERSION, Invalid, check_tables, decode, encode

BACKUP_FOLDER = "backups"


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    generation: int
    saved_at: datetime  # when that version was saved (aware, local time)
    orders: int | None  # documents in the "orders" table; None if the backup is unreadable
    size: int


def backup_dir(path: Path) -> Path:
    return path.parent / BACKUP_FOLDER


def rotation_path(path: Path, generation: int) -> Path:
    return backup_dir(path) / f"{path.stem}.{generation}.json"


def migration_backup_path(path: Path, old_schema: int, generation: int) -> Path:
    plain = backup_dir(path) / f"{path.name}.v{old_schema}.bak"
    if not plain.exists():
        return plain
    return backup_dir(path) / f"{path.name}.v{old_schema}.{generation}.bak"


def _rotation(path: Path) -> list[tuple[int, Path]]:
    """(generation, path) of the rotation backups of path, newest first."""
    pattern = re.compile(re.escape(path.stem) + r"\.(\d+)\.json")
    folder = backup_dir(path)
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    found = []
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            found.append((int(match.group(1)), folder / name))
    found.sort(reverse=True)
    return found


def newest_generation(path: Path) -> int:
    rotation = _rotation(path)
    return rotation[0][0] if rotation else 0


def newest_backup(path: Path) -> Path | None:
    rotation = _rotation(path)
    return rotation[0][1] if rotation else None


def keep_copy(src: Path, dst: Path) -> None:
    """Make dst hold src's current bytes: a hard link when possible, else a 0600 copy."""
    fileio.ensure_dir(dst.parent)
    try:
        os.link(src, dst)
        return
    except FileExistsError:
        if os.path.samefile(src, dst):
            return
    except OSError:
        pass  # no hard links here: fall back to a copy below
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}{fileio.TEMP_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    try:
        os.link(src, tmp)
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
        shutil.copyfile(src, tmp)
        os.chmod(tmp, fileio.FILE_MODE)
    try:
        os.replace(tmp, dst)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def prune(path: Path, keep: int) -> None:
    """Delete rotation backups beyond the newest `keep`. Errors are ignored."""
    for _generation, old in _rotation(path)[keep:]:
        with contextlib.suppress(OSError):
            os.unlink(old)


class Pruner:
    """Prunes the rotation in a background thread.

    Unlinking the last link of a large file frees its blocks synchronously (about 7 ms for
    6 MB here), which would otherwise be paid by every save. Concurrent prunes (other threads
    or processes) are harmless: each only deletes beyond the newest `keep`.
    """

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._job: tuple[Path, int] | None = None
        self._thread: threading.Thread | None = None

    def request(self, path: Path, keep: int) -> None:
        with self._mutex:
            self._job = (path, keep)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="unship-prune", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            with self._mutex:
                job, self._job = self._job, None
                if job is None:
                    self._thread = None
                    return
            prune(*job)

    def wait(self) -> None:
        """Block until pending pruning is done."""
        thread = self._thread
        if thread is not None:
            thread.join()


def list_backups(path: str | os.PathLike[str], *, count_orders: bool = True) -> list[BackupInfo]:
    """The rotation backups of the data file at path, newest first.

    count_orders=False skips parsing each backup (orders is then None).
    """
    path = resolve(path)
    infos = []
    for generation, backup in _rotation(path):
        try:
            st = os.stat(backup)
        except OSError:
            continue
        orders = _count_orders(backup) if count_orders else None
        saved_at = datetime.fromtimestamp(st.st_mtime, tz=UTC).astimezone()
        infos.append(BackupInfo(backup, generation, saved_at, orders, st.st_size))
    return infos


def _count_orders(backup: Path) -> int | None:
    try:
        tables = msgspec.json.decode(backup.read_bytes(), type=dict[str, msgspec.Raw])
        orders = msgspec.json.decode(tables.get("orders", b"{}"), type=dict[str, msgspec.Raw])
        return len(orders)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None


def resolve(path: str | os.PathLike[str]) -> Path:
    return Path(path).expanduser().resolve()


def _backup_source(path: Path, backup: BackupInfo | str | os.PathLike[str] | int) -> Path:
    if isinstance(backup, BackupInfo):
        return backup.path
    if isinstance(backup, int):
        return rotation_path(path, backup)
    return Path(backup).expanduser()


def restore_backup(
    path: str | os.PathLike[str],
    backup: BackupInfo | str | os.PathLike[str] | int,
    *,
    lock_timeout: float = 5.0,
) -> None:
    """Make backup the current data file, atomically, keeping the current file as a backup first.

    backup is a BackupInfo, a backup file's path, or a rotation generation number. The restored
    file gets a new, higher generation so that running apps notice the change and reload.
    """
    path = resolve(path)
    src = _backup_source(path, backup)
    try:
        raw = src.read_bytes()
    except OSError as err:
        raise StoreError(f"cannot read the backup {src}: {err.strerror or err}") from None
    try:
        tables, meta = decode(raw)
        if meta["schema"] <= SCHEMA_VERSION:
            check_tables(tables)
    except Invalid as why:
        raise CorruptStoreError(f"the backup {src} cannot be restored: {why}") from None
    if meta["schema"] > SCHEMA_VERSION:
        raise FutureVersionError(
            f"the backup {src} was written by a newer unship (schema {meta['schema']}); "
            "upgrade unship to restore it"
        )
    with fileio.locked(path, lock_timeout):
        try:
            current_generation = _keep_current(path)
            generation = max(current_generation, newest_generation(path)) + 1
            payload = encode(tables, generation, schema=meta["schema"])
            fileio.atomic_write(path, payload)
        except OSError as err:
            raise write_error(path, err) from err


def _keep_current(path: Path) -> int:
    """Keep the current file as a backup before it is replaced; return its generation."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return 0
    try:
        generation = decode(raw)[1]["generation"]
    except Invalid:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        keep_copy(path, backup_dir(path) / f"{path.stem}.damaged-{stamp}.json")
        return 0
    keep_copy(path, rotation_path(path, generation))
    return generation
