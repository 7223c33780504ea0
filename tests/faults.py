"""The data-file fault table: one row per fault, shared by the three doors that face it.

A row says how to inject the fault and which words the person must see. The doors
(tests/store/test_faults.py: the OrderBook API and the `unship` command as a real process;
tests/tui/test_faults_tui.py: the app) each run every row and check that the data file is intact
afterwards (the same bytes, or the same folder/pipe/link) and that nothing acknowledged is lost.

- FILE_FAULTS: the data path is bad before unship opens it. Every door refuses to open it, says
  what is wrong and how to recover, and changes nothing.
- WRITE_FAULTS: the file reads well but saving fails (disk full, read-only, lock trouble). Reads
  keep working; a save is refused with a message; the file keeps its previous version; once the
  fault is gone the same change saves.
- RUNNING_FAULTS: the file changes under a running unship (deleted, replaced).

Write faults marked `simulated` raise the OSError the kernel would (ENOSPC, EROFS...) from
os.write/os.fsync/os.replace/tempfile.mkstemp, only for unship's own temp file, so that pytest
and Textual never see them. Real ones (a full tmpfs, a read-only bind mount, another user) are
in test_faults.py and run where the machine allows it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import msgspec
from io_support import HELPERS
from tally import count_loss

TODAY = date(2026, 11, 28)
NUMBERS = ["113-0000001-0000001", "113-0000002-0000002", "113-0000003-0000003"]
NEW_NUMBER = "113-9999999-9999999"


def fill(path: Path) -> None:
    """The good book every fault starts from: three orders, saved one by one (so backups exist)."""
    from unship.store.model import new_item, new_order
    from unship.store.repository import OrderBook

    with OrderBook(path, today=TODAY) as book:
        for n, number in enumerate(NUMBERS, 1):
            item = new_item(f"thing {n}", 1000 * n)
            book.add(new_order("amazon", number, TODAY, [item], today=TODAY))


def new_order_for(today: date = TODAY):
    from unship.store.model import new_item, new_order

    return new_order("amazon", NEW_NUMBER, today, [new_item("after the fault", 500)], today=today)


def snapshot(path: Path) -> tuple:
    """What is at path, to compare before and after: bytes, a folder, a pipe, a link."""
    if path.is_symlink():
        return ("link", os.readlink(path))
    if path.is_dir():
        return ("folder", sorted(os.listdir(path)))
    if path.is_fifo():
        return ("pipe",)
    return ("file", path.read_bytes()) if path.exists() else ("missing",)


def stored_numbers(path: Path) -> list[str]:
    """The order numbers in the file, read straight from its JSON."""
    doc = msgspec.json.decode(path.read_bytes())
    return sorted(order["order_number"] for order in doc["orders"].values())


# -- the data path is bad before unship opens it ---------------------------------------------


def _rewrite(make: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def inject(path: Path) -> None:
        path.write_bytes(make(path.read_bytes()))

    return inject


def _corrupt(good: bytes) -> bytes:
    middle = len(good) // 2
    return good[:middle] + b"\x00garbage}{" + good[middle + 10 :]


def _future(good: bytes) -> bytes:
    from unship.store.schema import SCHEMA_VERSION

    doc = msgspec.json.decode(good)
    doc["_unship"]["1"]["schema"] = SCHEMA_VERSION + 1
    return msgspec.json.encode(doc)


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()
    (path / "something.txt").write_text("not unship's")


def _pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


def _dangling_link(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.parent / "unmounted" / "orders.json")


def _link_to_device(path: Path) -> None:
    path.unlink()
    path.symlink_to("/dev/null")


def _unreadable(path: Path) -> None:
    path.chmod(0)


@dataclass(frozen=True)
class FileFault:
    name: str
    inject: Callable[[Path], None]
    says: tuple[str, ...]  # words the message must hold (it always names the file too)
    needs_other_user: bool = False  # root reads anything: run unship as another user


RESTORE = "backup restore"
FILE_FAULTS = [
    FileFault("corrupt JSON", _rewrite(_corrupt), ("cannot be read", "left untouched", RESTORE)),
    FileFault("truncated", _rewrite(lambda g: g[: len(g) // 2]), ("cut off", RESTORE)),
    FileFault("empty", _rewrite(lambda g: b""), ("empty", RESTORE)),
    FileFault("NUL-filled", _rewrite(lambda g: b"\x00" * len(g)), ("zero bytes", RESTORE)),
    FileFault(
        "not unship's JSON",
        _rewrite(lambda g: b'{"name": "left-pad", "version": "1.3.0"}'),
        ("not an unship data file", RESTORE),
    ),
    FileFault("a JSON list", _rewrite(lambda g: b"[1, 2, 3]"), ("not an unship data file",)),
    FileFault("future schema version", _rewrite(_future), ("newer unship", "upgrade unship")),
    FileFault("a folder at the path", _folder, ("is a folder", "Move it away")),
    FileFault("a named pipe at the path", _pipe, ("is a named pipe", "Move it away")),
    FileFault("a link to a device", _link_to_device, ("a link to /dev/null", "is a device")),
    FileFault("a link to nowhere", _dangling_link, ("is a link to", "does not exist", "Fix")),
    FileFault(
        "unreadable (chmod 000)",
        _unreadable,
        ("permission denied", "ls -l"),
        needs_other_user=True,
    ),
]


# -- saving fails -----------------------------------------------------------------------------


def _is_our_temp(target: object) -> bool:
    """True for unship's temp file (a path, or an fd open on it): `.orders.json.XXXX.tmp`."""
    if isinstance(target, int):
        try:
            target = os.readlink(f"/proc/self/fd/{target}")
        except OSError:
            return False
    name = os.path.basename(os.fsdecode(target))  # type: ignore[arg-type]
    return name.startswith(".") and name.endswith(".tmp")


@contextlib.contextmanager
def simulated(where: str, err: int) -> Iterator[None]:
    """Make the kernel call `where` fail with errno err for unship's temp file, in this process."""
    real_write, real_writev = os.write, os.writev
    real_fsync, real_replace = os.fsync, os.replace
    real_mkstemp = tempfile.mkstemp

    def fail():
        raise OSError(err, os.strerror(err))

    def write(fd, data):
        return fail() if _is_our_temp(fd) else real_write(fd, data)

    def writev(fd, buffers):
        return fail() if _is_our_temp(fd) else real_writev(fd, buffers)

    def fsync(fd):
        return fail() if _is_our_temp(fd) else real_fsync(fd)

    def replace(src, dst, **kw):
        return fail() if _is_our_temp(src) else real_replace(src, dst, **kw)

    def mkstemp(*args, **kw):
        return fail() if str(kw.get("suffix", "")) == ".tmp" else real_mkstemp(*args, **kw)

    patches = {  # the data is written with os.writev, and os.write finishes a short write
        "write": [(os, "write", write), (os, "writev", writev)],
        "fsync": [(os, "fsync", fsync)],
        "rename": [(os, "replace", replace)],
        "create": [(tempfile, "mkstemp", mkstemp)],
    }[where]
    reals = [(owner, name, getattr(owner, name)) for owner, name, _ in patches]
    for owner, name, fake in patches:
        setattr(owner, name, fake)
    try:
        yield
    finally:
        for owner, name, real in reals:
            setattr(owner, name, real)


@dataclass(frozen=True)
class WriteFault:
    name: str
    says: tuple[str, ...]
    where: str = ""  # simulated: the call that fails ("write", "fsync", "rename", "create")
    err: int = 0
    lock: str = ""  # or a fault of the lock file: "held" (a stuck process), "folder"

    @property
    def simulated(self) -> str:
        return f"{self.where}:{self.err}" if self.where else ""


FULL = ("the disk is full", "previous version", "Free some space")
READ_ONLY = ("read-only", "previous version", "Remount")
WRITE_FAULTS = [
    WriteFault("full disk at write", FULL, "write", errno.ENOSPC),
    WriteFault("full disk at fsync", FULL, "fsync", errno.ENOSPC),
    WriteFault("full disk at rename", FULL, "rename", errno.ENOSPC),
    WriteFault("quota exceeded at write", ("quota", "Free some space"), "write", errno.EDQUOT),
    WriteFault("read-only file system at create", READ_ONLY, "create", errno.EROFS),
    WriteFault("read-only file system at rename", READ_ONLY, "rename", errno.EROFS),
    WriteFault("I/O error at fsync", ("could not save", "previous version"), "fsync", errno.EIO),
    WriteFault("lock held by a stuck process", ("locked by another unship",), lock="held"),
    WriteFault(
        "lock file is a folder", ("lock", "is a folder", "Remove that folder"), lock="folder"
    ),
]


# -- the file changes under a running unship -------------------------------------------------


def _replace_with_corrupt(path: Path) -> None:
    tmp = path.with_name("incoming")
    tmp.write_bytes(b'{"orders": {"1": ')
    os.replace(tmp, path)


def _replace_with_future(path: Path) -> None:
    tmp = path.with_name("incoming")
    tmp.write_bytes(_future(path.read_bytes()))
    os.replace(tmp, path)


@dataclass(frozen=True)
class RunningFault:
    name: str
    inject: Callable[[Path], None]
    says: tuple[str, ...] = ()  # empty: unship carries on without a word (nothing is wrong)


def _replace_with_another_book(path: Path) -> None:
    """Another unship's file takes its place (a sync tool, a restore): a new inode."""
    from unship.store.model import new_item, new_order
    from unship.store.repository import OrderBook

    other = path.with_name("other.json")
    with OrderBook(other, today=TODAY) as book:
        book.add(new_order("amazon", OTHER_NUMBER, TODAY, [new_item("synced", 700)], today=TODAY))
    os.replace(other, path)


OTHER_NUMBER = "113-5555555-5555555"
RUNNING_FAULTS = [
    RunningFault("deleted while running", lambda path: path.unlink()),
    RunningFault("replaced by another unship file while running", _replace_with_another_book),
    RunningFault("replaced by a corrupt file while running", _replace_with_corrupt, ("cut off",)),
    RunningFault(
        "replaced by a newer unship's file while running", _replace_with_future, ("newer unship",)
    ),
]


# -- what every door checks, and the tools it uses ----------------------------------------

UNSHIP = shutil.which("unship") or os.path.join(os.path.dirname(sys.executable), "unship")
ADD = ["add", "--retailer", "amazon", "--order-number", NEW_NUMBER]
ADD += ["--item", "after the fault", "--price", "5", "--ordered", TODAY.isoformat()]


def names(rows) -> list[str]:
    return [row.name for row in rows]


def told(message: str, path: Path, words: tuple[str, ...]) -> None:
    """The message a person sees: one clear line naming the file and the way out."""
    assert "Traceback" not in message, message
    assert str(path) in message, message
    for word in words:
        assert word in message, (word, message)


def kept(fault: str, before: tuple, path: Path) -> None:
    """The data path is exactly what it was before unship met the fault."""
    if snapshot(path) != before:
        count_loss(fault)
    assert snapshot(path) == before, f"{fault}: the data file changed"


def holds(fault: str, path: Path, numbers: list[str]) -> None:
    """Every acknowledged order is in the file (and nothing that was refused)."""
    stored = stored_numbers(path)
    if not set(numbers) <= set(stored):
        count_loss(fault, len(set(numbers) - set(stored)))
    assert stored == sorted(numbers), fault


def unship(path: Path, *args: str, tool: list[str] | None = None, env=None):
    command = [*(tool or [UNSHIP]), "--db", str(path), "--today", TODAY.isoformat(), *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL, env=env
    )


def faulty(*options: str) -> list[str]:
    return [sys.executable, str(HELPERS / "fault_cli.py"), *options, "--"]


class Holder:
    """A real process that took the lock and is stuck (it waits on its stdin)."""

    def __init__(self, path: Path) -> None:
        writer = HELPERS / "writer.py"
        self.proc = subprocess.Popen(
            [sys.executable, str(writer), "hold", str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout.readline().strip() == "LOCKED"
        self.pid = self.proc.pid

    def release(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def lock_fault(kind: str, path: Path):
    """Put a lock fault in place; returns what removes it."""
    lock = path.with_name(path.name + ".lock")
    if kind == "held":
        holder = Holder(path)
        named = [f"pid {holder.pid}"] if os.path.exists("/proc/locks") else []  # Linux
        return holder.release, named
    lock.unlink(missing_ok=True)
    lock.mkdir()
    return lock.rmdir, [str(lock)]
