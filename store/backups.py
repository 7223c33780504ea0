"""Backups of the data file: a rotation of predecessors in `<name>.backups/`, and restoring.

Before each save the current file is hard-linked as `orders.json.backups/orders.<generation>.json`
(for `orders.json`). The save then replaces the file with a new inode, so the link keeps the old
version intact at the cost of a directory entry rather than a copy. Where hard links are not
possible the file is copied instead.

The folder is named after the data file so that two data files in one folder keep separate
backups. Earlier versions kept them in a `backups/` folder shared by every data file beside
it: `adopt_legacy` moves the ones that belong to this file into its own folder (under the lock,
on the first save), and until then the rotation is read from both places.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import msgspec

from . import fileio
from .errors import CorruptStoreError, FutureVersionError, StoreError, write_error
from .schema import SCHEMA_VERSION, Invalid, decode, encode

BACKUP_SUFFIX = ".backups"
LEGACY_FOLDER = "backups"  # the shared folder of earlier versions


class BackupInfo(msgspec.Struct, frozen=True):
    path: Path
    generation: int
    saved_at: datetime  # when that version was saved (aware, local time)
    orders: int | None  # documents in the "orders" table; None if the backup is unreadable
    size: int


def backup_dir(path: Path) -> Path:
    return path.with_name(path.name + BACKUP_SUFFIX)


def legacy_dir(path: Path) -> Path:
    return path.parent / LEGACY_FOLDER


def rotation_path(path: Path, generation: int) -> Path:
    return backup_dir(path) / f"{path.stem}.{generation}.json"


def _rotation_pattern(path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(path.stem) + r"\.(\d+)\.json")


def _rotation(path: Path) -> list[tuple[int, Path]]:
    """(generation, path) of the rotation backups of path, newest first: those in its own
    folder, and those of this file still in the legacy shared folder (not yet moved)."""
    pattern = _rotation_pattern(path)
    folder = backup_dir(path)
    try:
        names = os.listdir(folder)
    except OSError:
        names = []
    found = {}
    for name in names:
        match = pattern.fullmatch(name)
        if match:
            found[int(match.group(1))] = folder / name
    legacy = legacy_dir(path)
    for name in legacy_names(path):
        match = pattern.fullmatch(name)
        if match:
            found.setdefault(int(match.group(1)), legacy / name)
    return sorted(found.items(), reverse=True)


def legacy_names(path: Path) -> list[str]:
    """The names in the legacy shared `backups/` folder that are backups of path, sorted.

    A migration copy names the whole file (`orders.json.v1.bak`); a rotation or damaged copy
    only its stem (`orders.3.json`), so those are claimed only when no other file beside path
    has the same stem (`orders.json` and `orders.db` would both have written `orders.3.json`).
    """
    try:
        names = os.listdir(legacy_dir(path))
    except OSError:
        return []
    migration = re.compile(re.escape(path.name) + r"\.v\d+(\.\d+)?\.bak")
    by_stem = re.compile(re.escape(path.stem) + r"\.(\d+|damaged-\d{8}-\d{6})\.json")
    stem_is_ours = not _stem_shared(path)
    return sorted(
        name
        for name in names
        if migration.fullmatch(name) or (stem_is_ours and by_stem.fullmatch(name))
    )


def _stem_shared(path: Path) -> bool:
    """Another file beside path has the same stem (`orders.db` beside `orders.json`)."""
    try:
        names = os.listdir(path.parent)
    except OSError:
        return True
    for name in names:
        if name == path.name or name.startswith(".") or Path(name).stem != path.stem:
            continue
        if os.path.isfile(path.parent / name):
            return True
    return False


def adopt_legacy(path: Path) -> list[Path]:
    """Move path's backups from the legacy shared `backups/` folder into its own folder; call
    only while holding the lock. Returns the new paths of those moved.

    Each is linked into the new folder (never over a file already there), the new folder is
    synced, and only then is the old name removed: a crash at any point leaves every backup
    under at least one name, and the next call finishes the move. A name already taken in the
    new folder by different bytes is left where it is. The shared folder is removed once empty.
    """
    names = legacy_names(path)
    if not names:
        return []
    old, new = legacy_dir(path), backup_dir(path)
    fileio.ensure_dir(new)
    moved: list[Path] = []
    done: list[Path] = []
    for name in names:
        src, dst = old / name, new / name
        if _link_no_clobber(src, dst) or _same_bytes(src, dst):
            done.append(src)
            moved.append(dst)
    if not done:
        return []
    fileio.fsync_dir(new)
    for src in done:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(src)
    fileio.fsync_dir(old)
    with contextlib.suppress(OSError):
        os.rmdir(old)  # only when empty: the folder may hold other files' backups
        fileio.fsync_dir(old.parent)
    return moved


def _link_no_clobber(src: Path, dst: Path) -> bool:
    """Give src's file the name dst too; False if dst exists (it is never replaced)."""
    try:
        os.link(src, dst)
        return True
    except FileExistsError:
        return False
    except OSError as err:
        if err.errno not in (errno.EPERM, errno.EXDEV, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
            raise
    # No hard links (another file system, or none here): a synced copy, then linked in place.
    tmp = dst.with_name(f".{dst.name}.{os.getpid()}{fileio.TEMP_SUFFIX}")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(tmp)
    try:
        shutil.copyfile(src, tmp)
        os.chmod(tmp, fileio.FILE_MODE)
        with open(tmp, "rb") as file:
            os.fsync(file.fileno())
        try:
            os.link(tmp, dst)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b) or a.read_bytes() == b.read_bytes()
    except OSError:
        return False


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
        return dict(_rotation(path)).get(backup, rotation_path(path, backup))
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
        tables, meta = decode(raw)  # the tables' shape is checked unless the schema is newer
    except Invalid as why:
        raise CorruptStoreError(f"the backup {src} cannot be restored: {why}") from None
    if meta["schema"] > SCHEMA_VERSION:
        raise FutureVersionError(
            f"the backup {src} was written by a newer unship (schema {meta['schema']}); "
            "upgrade unship to restore it"
        )
    with fileio.locked(path, lock_timeout):
        with contextlib.suppress(OSError):
            adopt_legacy(path)
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
