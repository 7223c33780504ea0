"""Run unship's command line (unship.cli.main) as a real process with a fault in place.

    fault_cli.py [--simulate WHERE:ERRNO] [--user UID] [--door cli|api] -- ARGS...

--door api runs the OrderBook API instead (ARGS: the data file): read it, add one order.

--simulate makes one kernel call fail for unship's temp file (see tests/faults.py: simulated).
--user drops to that uid (and gid) after importing everything, so that a test run as root can
see what another user sees (root reads and writes any file). Exits with unship's exit code.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pkgutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: faults.py

import faults  # noqa: E402
import unship.store  # noqa: E402

from unship.cli import main  # noqa: E402


def preload() -> None:
    """Import every module unship may import lazily (another user may not read the venv)."""
    for info in pkgutil.walk_packages(unship.store.__path__, "unship.store."):
        importlib.import_module(info.name)
    importlib.import_module("unship.cli_backup")
    importlib.import_module("unship.cli_commands")
    importlib.import_module("unship.tui.app")
    importlib.import_module("filelock")  # the store takes its lock on the first write
    from unship.store.policies import default_book

    default_book()


def drop_to(uid: int) -> None:
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)


def api(path: str) -> int:
    """The OrderBook API door: open the book, add an order; print what happened."""
    from unship.store.errors import StoreError
    from unship.store.repository import OrderBook

    try:
        with OrderBook(path, today=faults.TODAY, lock_timeout=0.5) as book:
            print(f"read {len(book.orders())}", flush=True)
            book.add(faults.new_order_for())
    except StoreError as error:
        print(f"StoreError: {error}")
        return 2
    print("saved")
    return 0


if __name__ == "__main__":
    argv = sys.argv[1:]
    split = argv.index("--")
    options, args = argv[:split], argv[split + 1 :]
    simulate = user = None
    mode = "cli"
    while options:
        flag, value, *options = options
        if flag == "--simulate":
            simulate = value
        elif flag == "--user":
            user = int(value)
        elif flag == "--door":
            mode = value
    preload()
    if user is not None:
        try:
            drop_to(user)
        except PermissionError:
            print("cannot switch user here", file=sys.stderr)
            sys.exit(77)
    fault: contextlib.AbstractContextManager = contextlib.nullcontext()
    if simulate:
        where, err = simulate.split(":")
        fault = faults.simulated(where, int(err))
    with fault:
        code = api(args[0]) if mode == "api" else main(args)
    sys.exit(code)
