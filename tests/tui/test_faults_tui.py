"""Every data-file fault (tests/faults.py) through the app's door.

- A bad file at start-up: `run()` does not start the full-screen app; it prints one line that
  names the file and the way out, and exits 2 (as the command line does).
- A save that fails while the app runs: the error is shown (title "Not saved"), the app keeps
  running, the screen keeps what was typed, the file keeps its previous version, and the same
  key saves once the fault is gone.
- The file changing under the running app: a bad file is reported and never written over; a
  deleted one is written back with everything; another unship's file is shown.
"""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest
from faults import (
    FILE_FAULTS,
    NEW_NUMBER,
    NUMBERS,
    OTHER_NUMBER,
    RUNNING_FAULTS,
    TODAY,
    UNSHIP,
    WRITE_FAULTS,
    holds,
    kept,
    lock_fault,
    names,
    simulated,
    snapshot,
    told,
)
from tally import count
from test_tui_form import fill_item, fill_order
from textual.widgets import Input
from tui_support import sync
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp, run
from unship.tui.screens.order_form import OrderForm
from unship.tui.screens.quick_add import QuickAdd
from unship.tui.widgets.order_list import OrderList

pytestmark = pytest.mark.durable  # real fsync: see tests/conftest.py

SIZE = (100, 30)
LINE = f'amazon {NEW_NUMBER} "after the fault" 5.00 yesterday'


@pytest.fixture
def good(tmp_path):
    from faults import fill

    path = tmp_path / "orders.json"
    fill(path)
    return path


def shown(app) -> list[str]:
    """The order numbers in the list on screen."""
    return sorted(row.order.order_number for row in app.main_screen.query_one(OrderList).rows)


def errors(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications if n.severity == "error"]


def warnings(app) -> list[str]:
    return [str(n.message) for n in app._notifications if n.severity == "warning"]


async def wait_for(pilot, condition, seconds: float = 10.0) -> None:
    """The app checks the file once a second: wait (a busy machine may take longer)."""
    for _ in range(int(seconds / 0.1)):
        if condition():
            return
        await pilot.pause(0.1)
    raise AssertionError("the app did not notice in time")


# -- a bad file at start-up ---------------------------------------------------------------------


@pytest.mark.parametrize("fault", FILE_FAULTS, ids=names(FILE_FAULTS))
def test_the_app_does_not_start_on_a_bad_file(fault, good, capsys, monkeypatch):
    if fault.needs_other_user and os.geteuid() == 0:
        pytest.skip("root reads any file: test_faults_real.py starts the app as another user")

    def started(*args, **kwargs):
        raise AssertionError("the full-screen app started on a bad file")

    monkeypatch.setattr(UnshipApp, "run", started)
    fault.inject(good)
    before = snapshot(good)
    count(f"faults: {fault.name}")
    assert run(good, TODAY, False) == 2
    err = capsys.readouterr().err
    assert err.startswith("unship: ") and err.count("\n") == 1
    told(err, good, fault.says)
    kept(fault.name, before, good)


# -- a save fails while the app runs --------------------------------------------------------------


@pytest.mark.parametrize("fault", WRITE_FAULTS, ids=names(WRITE_FAULTS))
@sync
async def test_a_failed_save_is_shown_and_what_was_typed_stays(fault, good):
    count(f"faults: {fault.name}")
    with OrderBook(good, today=TODAY, lock_timeout=0.5) as book:
        app = UnshipApp(book)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            before = snapshot(good)
            await pilot.press("A")
            await pilot.press(*LINE)
            extra: list[str] = []
            if fault.lock:
                remove, extra = lock_fault(fault.lock, good)
                await pilot.press("enter")
                await pilot.pause()
                remove()
            else:
                with simulated(fault.where, fault.err):
                    await pilot.press("enter")
                    await pilot.pause()
            assert app.is_running and isinstance(app.screen, QuickAdd)
            assert app.screen.query_one("#quick-line", Input).value == LINE
            (error,) = errors(app)
            assert error.startswith("Not saved: ")
            told(error, good, (*fault.says, *extra))
            kept(fault.name, before, good)
            await pilot.press("enter")  # the fault is gone: the same key saves
            await pilot.pause()
            assert app.screen is app.main_screen
            assert shown(app) == sorted([*NUMBERS, NEW_NUMBER])
    holds(fault.name, good, [*NUMBERS, NEW_NUMBER])


@sync
async def test_the_form_keeps_every_field_when_the_disk_is_full(good):
    import errno

    count("faults: full disk at write")
    with OrderBook(good, today=TODAY) as book:
        app = UnshipApp(book)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            before = snapshot(good)
            await pilot.press("a")
            await fill_order(pilot, number=NEW_NUMBER)
            await fill_item(pilot, "Kettle", price="39.99")
            form = app.screen
            with simulated("write", errno.ENOSPC):
                await pilot.press("ctrl+s")
                await pilot.pause()
            assert app.screen is form and isinstance(form, OrderForm)
            (error,) = errors(app)
            told(error, good, ("the disk is full", "Free some space"))
            kept("full disk at write", before, good)
            values = {i.id: i.value for i in form.query(Input) if i.id}
            assert values["retailer"] == "amazon" and values["order_number"] == NEW_NUMBER
            assert "Kettle" in values.values() and "39.99" in values.values()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert app.screen is not form
    holds("full disk at write", good, [*NUMBERS, NEW_NUMBER])
    assert any(o.items[0].title == "Kettle" for o in OrderBook(good, today=TODAY).orders())


# -- the file changes under the running app -----------------------------------------------------


@pytest.mark.parametrize("fault", RUNNING_FAULTS, ids=names(RUNNING_FAULTS))
@sync
async def test_the_app_when_the_file_changes_under_it(fault, good):
    count(f"faults: {fault.name}")
    with OrderBook(good, today=TODAY) as book:
        app = UnshipApp(book)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert shown(app) == NUMBERS
            fault.inject(good)
            if fault.says:
                before = snapshot(good)
                await wait_for(pilot, lambda: errors(app))
                told(errors(app)[0], good, fault.says)
                assert app.is_running and shown(app) == NUMBERS  # the last good view stays
                await pilot.press("A", *LINE, "enter")
                await pilot.pause()
                assert isinstance(app.screen, QuickAdd)  # refused: still there to try again
                assert any(e.startswith("Not saved") for e in errors(app))
                told(errors(app)[-1], good, fault.says)
                kept(fault.name, before, good)
                await pilot.press("escape", "a", *"amaz")  # the form opens and checks too
                await pilot.pause()
                assert app.is_running and isinstance(app.screen, OrderForm)
                await pilot.press("escape", "y")  # leave it (yes, discard what was typed)
                await pilot.pause()
                assert app.screen is app.main_screen
                if "backup restore" not in errors(app)[0]:
                    return  # a newer unship's file: only upgrading helps
                # The way out the message names, run for real in another "terminal": the app
                # picks the restored file up, and the line typed before saves.
                command = shlex.split(errors(app)[0].split("run: ", 1)[1])
                assert command[0] == "unship"
                restored = subprocess.run([UNSHIP, *command[1:]], capture_output=True, text=True)
                assert restored.returncode == 0, restored.stderr
                await wait_for(pilot, lambda: shown(app) == NUMBERS[:2])  # the last backup
                await pilot.press("A", *LINE, "enter")
                await pilot.pause()
                assert app.screen is app.main_screen
                holds(fault.name, good, [*NUMBERS[:2], NEW_NUMBER])
                return
            if "another" in fault.name:
                await wait_for(pilot, lambda: shown(app) == [OTHER_NUMBER])
            else:  # deleted: the person is told, and the orders stay on screen
                await wait_for(pilot, lambda: warnings(app))
                told(warnings(app)[0], good, ("was deleted", "saves them all"))
                assert shown(app) == NUMBERS
            await pilot.press("A", *LINE, "enter")
            await pilot.pause()
            assert app.screen is app.main_screen and not errors(app)
    expected = [OTHER_NUMBER] if "another" in fault.name else NUMBERS
    holds(fault.name, good, [*expected, NEW_NUMBER])


@sync
async def test_the_app_saves_through_a_symbolic_link_and_keeps_it(tmp_path):
    from faults import fill

    target = tmp_path / "dotfiles" / "orders.json"
    target.parent.mkdir()
    fill(target)
    link = tmp_path / "orders.json"
    link.symlink_to(target)
    count("faults: a link to a file elsewhere")
    with OrderBook(link, today=TODAY) as book:
        app = UnshipApp(book)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            await pilot.press("A", *LINE, "enter")
            await pilot.pause()
            assert app.screen is app.main_screen and not errors(app)
    assert link.is_symlink() and link.resolve() == target
    holds("a link to a file elsewhere", target, [*NUMBERS, NEW_NUMBER])
