"""Faults the kernel makes for real, where the machine allows it: a file that belongs to another
user (as root, unship runs as `nobody`: root reads and writes any file), a full file system (a
tiny tmpfs) and a read-only one (a read-only bind mount), both in a user namespace
(`unshare -rm`, no privileges needed; skipped with the reason where namespaces are off).

The `unship` command runs as a real process through each; the OrderBook API too where another
user is needed (tests/helpers/fault_cli.py --door api). The same checks as test_faults.py: a
clear message naming the file, exit 2, the file unchanged, nothing acknowledged lost.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from faults import (
    ADD,
    NEW_NUMBER,
    NUMBERS,
    UNSHIP,
    faulty,
    fill,
    holds,
    kept,
    snapshot,
    stored_numbers,
    told,
    unship,
)
from tally import count

NOBODY = 65534


def _no_read(path: Path) -> None:
    path.chmod(0)


def _not_ours(path: Path) -> None:
    """The file and its folder belong to root; the lock file too (made by fill)."""
    path.chmod(0o644)


def _folder_not_ours(path: Path) -> None:
    """Our file, our lock, in root's folder: no temp file can be made there."""
    path.chmod(0o644)
    for mine in (path, path.with_name(path.name + ".lock")):
        os.chown(mine, NOBODY, NOBODY)


def _lock_not_ours(path: Path) -> None:
    """Our folder and file; the lock file is root's (0600)."""
    path.chmod(0o644)
    for mine in (path.parent, path):
        os.chown(mine, NOBODY, NOBODY)


@dataclass(frozen=True)
class UserFault:
    name: str
    inject: Callable[[Path], None]
    says: tuple[str, ...]
    reads: bool  # `unship list` still works


USER_FAULTS = [
    UserFault("unreadable, as another user", _no_read, ("permission denied", "ls -l"), False),
    UserFault("owned by someone else", _not_ours, ("permission denied", ".lock"), True),
    UserFault("in someone else's folder", _folder_not_ours, ("permission denied", "ls -l"), True),
    UserFault("lock file not writable", _lock_not_ours, ("permission denied on", ".lock"), True),
]


@pytest.fixture
def shared():
    """A folder another user can reach (pytest's tmp_path is root's alone)."""
    if os.geteuid() != 0:
        pytest.skip(
            "needs root to hand files to another user (the chmod 000 row of "
            "tests/faults.py runs in test_faults.py as this user)"
        )
    folder = Path(tempfile.mkdtemp(prefix="unship-faults-"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder)


def as_nobody(path: Path, *args: str, door: str = "cli"):
    tool = faulty("--user", str(NOBODY), "--door", door)
    if door == "api":
        return subprocess.run([*tool, str(path)], capture_output=True, text=True, timeout=60)
    proc = unship(path, *args, tool=tool)
    if proc.returncode == 77:
        pytest.skip("this machine does not let root switch to another user")
    return proc


@pytest.mark.parametrize("fault", USER_FAULTS, ids=[f.name for f in USER_FAULTS])
def test_another_users_file(fault, shared):
    path = shared / "orders.json"
    fill(path)
    fault.inject(path)
    before = snapshot(path)
    count(f"faults: {fault.name}", 3)
    listed = as_nobody(path, "list")
    if fault.reads:
        assert listed.returncode == 0 and all(n in listed.stdout for n in NUMBERS)
    else:
        assert listed.returncode == 2
        told(listed.stderr, path, fault.says)
        opened = as_nobody(path)  # the app: it does not start, it says why
        assert opened.returncode == 2 and opened.stderr.count("\n") == 1
        told(opened.stderr, path, fault.says)
    added = as_nobody(path, *ADD)
    assert added.returncode == 2 and added.stderr.startswith("unship: "), added.stderr
    told(added.stderr, path, fault.says)
    api = as_nobody(path, door="api")
    assert api.returncode == 2 and api.stdout.startswith("read 3\n" if fault.reads else "St")
    told(api.stdout, path, fault.says)
    kept(fault.name, before, path)
    path.chmod(0o644)  # the owner puts it right: the same change saves
    assert unship(path, *ADD).returncode == 0
    holds(fault.name, path, [*NUMBERS, NEW_NUMBER])


# -- real file systems in a user namespace ----------------------------------------------------


def _namespaces() -> str:
    if not shutil.which("unshare"):
        return "no unshare command (util-linux)"
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
        capture_output=True,
        text=True,
    )
    return "" if probe.returncode == 0 else f"user namespaces are off here ({probe.stderr.strip()})"


NO_NAMESPACES = _namespaces()
needs_namespaces = pytest.mark.skipif(bool(NO_NAMESPACES), reason=NO_NAMESPACES)


def in_namespace(script: str, tmp_path: Path, **values: object) -> None:
    """Run a shell script as root of a new user and mount namespace (its mounts vanish after)."""
    env = {**os.environ, **{k.upper(): str(v) for k, v in values.items()}}
    env["UNSHIP"] = UNSHIP
    env["ADD"] = " ".join(f"'{a}'" for a in ADD)
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr


@needs_namespaces
def test_a_real_full_disk(tmp_path):
    """A 1 MB tmpfs filled up: the save fails with ENOSPC, the file keeps its previous version."""
    src = tmp_path / "orders.json"
    fill(src)
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    count("faults: full disk (a real tmpfs)")
    in_namespace(
        """set -u
        mount -t tmpfs -o size=1m tmpfs "$MNT" && cp "$SRC" "$MNT/orders.json" || exit 9
        dd if=/dev/zero of="$MNT/filler" bs=4096 2>/dev/null
        eval "\\"$UNSHIP\\" --db \\"$MNT/orders.json\\" $ADD" >out1 2>err1; echo $? >rc1
        cp "$MNT/orders.json" after1.json
        rm "$MNT/filler"
        eval "\\"$UNSHIP\\" --db \\"$MNT/orders.json\\" $ADD" >out2 2>err2; echo $? >rc2
        cp "$MNT/orders.json" after2.json
        """,
        tmp_path,
        mnt=mnt,
        src=src,
    )
    err = (tmp_path / "err1").read_text()
    assert (tmp_path / "rc1").read_text().strip() == "2", err
    told(err, mnt / "orders.json", ("the disk is full", "previous version", "Free some space"))
    kept("full disk (a real tmpfs)", snapshot(src), tmp_path / "after1.json")
    assert (tmp_path / "rc2").read_text().strip() == "0", (tmp_path / "err2").read_text()
    holds("full disk (a real tmpfs)", tmp_path / "after2.json", [*NUMBERS, NEW_NUMBER])


@needs_namespaces
def test_a_real_read_only_file_system(tmp_path):
    """The data folder bind-mounted read-only: reading works, saving says read-only."""
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / "orders.json"
    fill(path)
    before = snapshot(path)
    count("faults: read-only file system (a real mount)")
    in_namespace(
        """set -u
        mount --bind "$FOLDER" "$FOLDER" && mount -o remount,bind,ro "$FOLDER" || exit 9
        "$UNSHIP" --db "$FOLDER/orders.json" list >out1 2>err1; echo $? >rc1
        eval "\\"$UNSHIP\\" --db \\"$FOLDER/orders.json\\" $ADD" >out2 2>err2; echo $? >rc2
        """,
        tmp_path,
        folder=folder,
    )
    assert (tmp_path / "rc1").read_text().strip() == "0", (tmp_path / "err1").read_text()
    assert all(n in (tmp_path / "out1").read_text() for n in NUMBERS)
    err = (tmp_path / "err2").read_text()
    assert (tmp_path / "rc2").read_text().strip() == "2", err
    told(err, path, ("read-only", "Remount"))
    kept("read-only file system (a real mount)", before, path)
    assert not stat.S_ISDIR(os.stat(path).st_mode)
    assert unship(path, *ADD).returncode == 0  # writable again: the same change saves
    assert stored_numbers(path) == sorted([*NUMBERS, NEW_NUMBER])
