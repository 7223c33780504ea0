"""Low-level file operations: private folders, atomic durable replace, the process lock."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import (
    LockTimeoutError,
    dangling_link_error,
    lock_error,
    not_a_file_error,
    write_error,
)

if TYPE_CHECKING:
    import filelock

Buffer = bytes | memoryview

FOLDER_MODE = 0o700
FILE_MODE = 0o600

StatKey = tuple[int, int, int, int]


def stat_key(st: os.stat_result) -> StatKey:
    """What identifies one version of the file: a save always makes a new inode."""
    return (st.st_ino, st.st_dev, st.st_size, st.st_mtime_ns)


def current_key(path: Path) -> StatKey | None:
    """The stat key of path now, or None when it does not exist."""
    try:
        return stat_key(os.stat(path))
    except FileNotFoundError:
        return None


class NotRegularFile(Exception):
    """The path holds a folder, a pipe, a socket or a device (`kind` says which, in words)."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def open_regular(path: Path) -> tuple[int, os.stat_result]:
    """Open path for reading and return the descriptor with its stat. The open does not block
    (a named pipe opened plainly waits for a writer forever); anything but a regular file is
    closed again and refused with NotRegularFile. OSError as os.open gives it."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFile(_kind(st.st_mode))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def read_file(path: Path, name: str = "") -> tuple[StatKey, bytes]:
    """The stat key and bytes of path. A folder, pipe or device there is refused (StoreError)
    without blocking. name: the file as the person named it, for the message."""
    try:
        fd, st = open_regular(path)
    except NotRegularFile as not_a_file:
        raise not_a_file_error(name or path, not_a_file.kind) from None
    with open(fd, "rb") as file:
        return stat_key(st), file.read()


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def check_links(path: Path) -> None:
    """Refuse (StoreError) a path that goes through a symbolic link to something missing."""
    for part in (path, *path.parents):
        if os.path.islink(part) and not os.path.exists(part):
            raise dangling_link_error(part, os.readlink(part))


def ensure_dir(folder: Path) -> None:
    """Create folder (and missing parents) as 0700, whatever the umask."""
    if folder.is_dir():
        return
    missing: list[Path] = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for part in reversed(missing):
        try:
            os.mkdir(part, FOLDER_MODE)
        except FileExistsError:
            continue
        os.chmod(part, FOLDER_MODE)
        fsync_dir(part.parent)  # so the new folder itself survives a power cut


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def temp_prefix(path: Path) -> str:
    return f".{path.name}."


TEMP_SUFFIX = ".tmp"
_IOV_MAX = min(os.sysconf("SC_IOV_MAX"), 1024) if hasattr(os, "sysconf") else 16


def atomic_write(
    path: Path, payload: Buffer | Sequence[Buffer], *, durable: bool = True
) -> os.stat_result:
    """Replace path with payload (bytes, or chunks written one after the other): temp file
    (0600) in the same folder, fsync, rename, fsync folder. `durable=False` leaves out both
    fsyncs, for derived data that is only ignored when a crash cuts it short.

    Returns the stat of the new file. On OSError the temp file is removed and path is
    untouched (unless the error came from the final folder fsync, after the rename).
    """
    folder = path.parent
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=TEMP_SUFFIX, dir=folder)
    try:
        try:
            os.fchmod(fd, FILE_MODE)
            write_chunks(fd, [payload] if isinstance(payload, bytes) else payload)
            if durable:
                os.fsync(fd)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(folder)
    return st


def write_chunks(fd: int, chunks: Sequence[Buffer]) -> None:
    """Write chunks (bytes or byte memoryviews) one after the other, without joining them:
    os.writev, up to IOV_MAX at a time, finishing any short write chunk by chunk."""
    for start in range(0, len(chunks), _IOV_MAX):
        batch = chunks[start : start + _IOV_MAX]
        written = os.writev(fd, batch)
        if written == sum(map(len, batch)):
            continue
        for chunk in batch:  # a short write: skip what was written, then write the rest
            view = memoryview(chunk)
            if written >= len(view):
                written -= len(view)
                continue
            view, written = view[written:], 0
            while view:
                view = view[os.write(fd, view) :]


def sweep_temp_files(path: Path) -> None:
    """Remove temp files a killed writer left behind. Call only while holding the lock."""
    prefix = temp_prefix(path)
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(TEMP_SUFFIX):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def make_lock(path: Path) -> filelock.FileLock:
    """The inter-process lock for path: an flock on `<path>.lock` (kept; 0600)."""
    import filelock  # here: a command that only reads never needs it (20 ms of start-up)

    return filelock.FileLock(str(lock_path(path)), mode=FILE_MODE, thread_local=False)


def filelock_timeout() -> type[Exception]:
    import filelock

    return filelock.Timeout


def acquire(lock: filelock.FileLock, path: Path, timeout: float) -> None:
    ensure_folder_for_write(path)
    try:
        lock.acquire(timeout=timeout)
    except filelock_timeout():
        raise LockTimeoutError(busy_message(path)) from None
    except OSError as err:
        raise lock_error(path, lock_path(path), err) from err


def busy_message(path: Path) -> str:
    """What to tell a person when another process holds the lock for too long."""
    pid = lock_holder(lock_path(path))
    if pid is None:
        return f"{path} is locked by another unship process; try again in a moment"
    return (
        f"{path} is locked by another unship process (pid {pid}); try again when it is done, "
        f"or stop it if it is stuck (kill {pid}). Nothing was changed."
    )


def lock_holder(lock_file: Path, proc_locks: str = "/proc/locks") -> int | None:
    """The pid holding the flock on lock_file, from Linux's /proc/locks; None if unknown."""
    try:
        st = os.stat(lock_file)
        with open(proc_locks, encoding="ascii", errors="replace") as file:
            lines = file.read().splitlines()
    except OSError:
        return None
    wanted = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    for line in lines:
        # "1: FLOCK  ADVISORY  WRITE 1234 fd:01:5678 0 EOF"; waiters have "->" after the number
        fields = line.split()
        if len(fields) >= 6 and fields[1] == "FLOCK" and fields[5] == wanted:
            with contextlib.suppress(ValueError):
                return int(fields[4])
    return None


def ensure_folder_for_write(path: Path) -> None:
    try:
        ensure_dir(path.parent)
    except OSError as err:
        raise write_error(path, err) from err


@contextlib.contextmanager
def locked(path: Path, timeout: float) -> Iterator[None]:
    """Hold the lock of path (for one-off operations such as restoring a backup)."""
    lock = make_lock(path)
    acquire(lock, path, timeout)
    try:
        yield
    finally:
        lock.release()
