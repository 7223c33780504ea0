"""Every data-file fault (tests/faults.py) through two doors: the OrderBook API and the `unship`
command as a real process. The app's door is tests/tui/test_faults_tui.py.

For each fault: the person is told what is wrong and how to recover (the message names the file,
never a traceback; the command exits 2), the data file is exactly what it was (a complete
version), and every acknowledged change is still there once the fault is gone. Each injection is
counted in the tally (`faults: <name>`), each loss too (`losses: <name>`, which must stay 0).
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

import pytest
from faults import (
    ADD,
    FILE_FAULTS,
    NEW_NUMBER,
    NUMBERS,
    OTHER_NUMBER,
    RUNNING_FAULTS,
    TODAY,
    UNSHIP,
    WRITE_FAULTS,
    faulty,
    fill,
    holds,
    kept,
    lock_fault,
    names,
    new_order_for,
    simulated,
    snapshot,
    told,
    unship,
)
from tally import count
from unship.store.errors import StoreError
from unship.store.repository import OrderBook

pytestmark = pytest.mark.durable  # real fsync: see tests/conftest.py


@pytest.fixture
def good(tmp_path) -> Path:
    path = tmp_path / "orders.json"
    fill(path)
    return path


# -- the OrderBook API --------------------------------------------------------------------------


@pytest.mark.parametrize("fault", FILE_FAULTS, ids=names(FILE_FAULTS))
def test_api_refuses_a_bad_file_and_changes_nothing(fault, good):
    if fault.needs_other_user and os.geteuid() == 0:
        pytest.skip("root reads any file: test_other_user_* runs this fault as another user")
    fault.inject(good)
    before = snapshot(good)
    count(f"faults: {fault.name}")
    with pytest.raises(StoreError) as info:
        OrderBook(good, today=TODAY)
    told(str(info.value), good, fault.says)
    kept(fault.name, before, good)


@pytest.mark.parametrize("fault", WRITE_FAULTS, ids=names(WRITE_FAULTS))
def test_api_refuses_a_save_and_keeps_the_previous_version(fault, good):
    count(f"faults: {fault.name}")
    with OrderBook(good, today=TODAY, lock_timeout=0.5) as book:
        before = snapshot(good)
        extra: list[str] = []
        if fault.lock:
            remove, extra = lock_fault(fault.lock, good)
            with pytest.raises(StoreError) as info:
                book.add(new_order_for())
            remove()
        else:
            with simulated(fault.where, fault.err), pytest.raises(StoreError) as info:
                book.add(new_order_for())
        told(str(info.value), good, (*fault.says, *extra))
        kept(fault.name, before, good)
        assert sorted(o.order_number for o in book.orders()) == NUMBERS  # memory = disk
        book.add(new_order_for())  # the fault is gone: the same change saves
    holds(fault.name, good, [*NUMBERS, NEW_NUMBER])


@pytest.mark.parametrize("fault", RUNNING_FAULTS, ids=names(RUNNING_FAULTS))
def test_api_when_the_file_changes_under_it(fault, good):
    count(f"faults: {fault.name}")
    with OrderBook(good, today=TODAY) as book:
        assert len(book.orders()) == 3
        fault.inject(good)
        if fault.says:  # a bad file took its place: refused, never written over
            before = snapshot(good)
            for attempt in (book.orders, lambda: book.add(new_order_for())):
                with pytest.raises(StoreError) as info:
                    attempt()
                told(str(info.value), good, fault.says)
            kept(fault.name, before, good)
            return
        book.add(new_order_for())
    if "deleted" in fault.name:  # memory still held the orders: the save puts them back
        holds(fault.name, good, [*NUMBERS, NEW_NUMBER])
    else:  # another unship's file: reloaded, and the change goes on top of it
        holds(fault.name, good, [OTHER_NUMBER, NEW_NUMBER])


# -- the command line, as a real process --------------------------------------------------------


@pytest.mark.parametrize("fault", FILE_FAULTS, ids=names(FILE_FAULTS))
def test_cli_refuses_a_bad_file_and_changes_nothing(fault, good):
    if fault.needs_other_user and os.geteuid() == 0:
        pytest.skip("root reads any file: test_other_user_* runs this fault as another user")
    fault.inject(good)
    before = snapshot(good)
    for command in (["list"], ADD, []):  # [] opens the app: it must not start on a bad file
        count(f"faults: {fault.name}")
        proc = unship(good, *command)
        assert proc.returncode == 2, (command, proc.stdout, proc.stderr)
        assert proc.stderr.startswith("unship: ") and proc.stderr.count("\n") == 1
        told(proc.stderr, good, fault.says)
        kept(fault.name, before, good)
    if "backup restore" in proc.stderr:  # the way out it names works, as printed
        command = shlex.split(proc.stderr.split("run: ", 1)[1])
        assert command[0] == "unship"
        restored = subprocess.run([UNSHIP, *command[1:]], capture_output=True, text=True)
        assert restored.returncode == 0, restored.stderr
        holds(fault.name, good, NUMBERS[:2])  # the last backup: the version before the last save
        assert unship(good, *ADD).returncode == 0


@pytest.mark.parametrize("fault", WRITE_FAULTS, ids=names(WRITE_FAULTS))
def test_cli_refuses_a_save_and_keeps_the_previous_version(fault, good):
    count(f"faults: {fault.name}")
    before = snapshot(good)
    extra: list[str] = []
    if fault.lock:
        remove, extra = lock_fault(fault.lock, good)
        try:
            listed = unship(good, "list")  # reading needs no lock
            proc = unship(good, *ADD)
        finally:
            remove()
    else:
        listed = unship(good, "list", tool=faulty("--simulate", fault.simulated))
        proc = unship(good, *ADD, tool=faulty("--simulate", fault.simulated))
    assert listed.returncode == 0 and all(n in listed.stdout for n in NUMBERS), listed.stderr
    assert proc.returncode == 2 and proc.stderr.startswith("unship: "), proc.stderr
    told(proc.stderr, good, (*fault.says, *extra))
    kept(fault.name, before, good)
    assert unship(good, *ADD).returncode == 0  # the fault is gone: the same command saves
    holds(fault.name, good, [*NUMBERS, NEW_NUMBER])


def test_cli_follows_a_symbolic_link_and_keeps_it(tmp_path):
    """Dotfiles setups link the data file elsewhere: saves go to the target, the link stays."""
    target = tmp_path / "dotfiles" / "unship" / "orders.json"
    target.parent.mkdir(parents=True)
    fill(target)
    link = tmp_path / "orders.json"
    link.symlink_to(target)
    count("faults: a link to a file elsewhere")
    proc = unship(link, *ADD)
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == target
    holds("a link to a file elsewhere", target, [*NUMBERS, NEW_NUMBER])
    assert not (
        tmp_path / "orders.json.backups"
    ).exists()  # backups and the lock live beside the target
    assert (target.parent / "orders.json.backups").is_dir()
    assert (target.parent / "orders.json.lock").exists()
    with OrderBook(link, today=TODAY) as book:  # the API follows it the same way
        assert len(book.orders()) == 4
