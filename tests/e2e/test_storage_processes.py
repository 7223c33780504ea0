"""Real processes against one data file: SIGKILL at random moments, and concurrent writers.

Writers run tests/helpers/writer.py with sys.executable. UNSHIP_CRASH_KILLS sets the number of
kills (default 200, spread over two files in parallel to use both cores).
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import msgspec
import pytest
import tally
from io_support import HELPERS
from tinydb import TinyDB
from unship.store.storage import DurableStorage

WRITER = HELPERS / "writer.py"
KILLS = int(os.environ.get("UNSHIP_CRASH_KILLS", "200"))
LANES = 2


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(WRITER), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stored_seqs(path: Path) -> list[int]:
    """Load the file the way the app does (any damage raises) and return the stored seqs."""
    db = TinyDB(path, storage=DurableStorage, lock_timeout=30)
    try:
        return [doc["seq"] for doc in db.table("orders").all()]
    finally:
        db.close()


def crash_lane(path: Path, kills: int, seed: int, report: dict) -> None:
    rng = random.Random(seed)
    acked: set[int] = set()
    for n in range(kills):
        writer = start("crash", str(path))
        if rng.random() < 0.25:
            time.sleep(rng.uniform(0, 0.15))  # anywhere, start-up and first write included
        else:
            line = writer.stdout.readline()  # wait until it is writing...
            assert line.startswith("ACK"), (line, writer.stderr.read())
            acked.add(int(line.split()[1]))
            time.sleep(rng.uniform(0, 0.03))  # ...then kill it mid-stream
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
        # read through the readers readline used: communicate() reads the pipes' descriptors
        # and misses what readline already buffered, which may end inside a line
        with writer.stdout, writer.stderr:
            out, err = writer.stdout.read(), writer.stderr.read()
        assert writer.returncode == -signal.SIGKILL, err
        acked.update(int(line.split()[1]) for line in out.splitlines())
        seqs = stored_seqs(path)
        missing = acked.difference(seqs)
        if missing:
            tally.count_loss("SIGKILL during a write", len(missing))
        assert not missing, f"kill {n}: acknowledged inserts lost: {sorted(missing)[:10]}"
        assert len(seqs) == len(set(seqs)), f"kill {n}: an insert was stored twice"
    report[path] = len(acked)


def test_sigkill_never_loses_an_acknowledged_insert(tmp_path: Path) -> None:
    reports: dict = {}
    errors: list[BaseException] = []

    def run(lane: int) -> None:
        try:
            path = tmp_path / f"lane{lane}" / "orders.json"
            crash_lane(path, KILLS // LANES, seed=lane, report=reports)
        except BaseException as err:
            errors.append(err)

    threads = [threading.Thread(target=run, args=(lane,)) for lane in range(LANES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    tally.count("faults: SIGKILL during a write", KILLS // LANES * LANES)
    if errors:
        raise errors[0]
    assert len(reports) == LANES
    assert all(count >= KILLS // LANES // 2 for count in reports.values()), reports
    for path in reports:  # killed writers' temp files are swept by the next writer
        assert sum(name.endswith(".tmp") for name in os.listdir(path.parent)) <= 1


@pytest.mark.parametrize("modes", [("document", "document"), ("document", "reset")])
def test_two_processes_insert_concurrently(tmp_path: Path, modes: tuple[str, str]) -> None:
    path = tmp_path / "data" / "orders.json"
    count = 500
    writers = [
        start("insert", str(path), tag, str(count), mode)
        for tag, mode in zip("ab", modes, strict=True)
    ]
    for writer in writers:
        out, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err
        assert out.strip() == "DONE"
    tally.count("faults: concurrent writers (changes)", 2 * count)
    raw = msgspec.json.decode(path.read_bytes())
    orders = raw["orders"]
    if len(orders) < 2 * count:
        tally.count_loss("concurrent writers", 2 * count - len(orders))
    assert len(orders) == 2 * count
    assert sorted(map(int, orders)) == list(range(1, 2 * count + 1))  # unique, no gaps
    pairs = sorted((doc["tag"], doc["i"]) for doc in orders.values())
    assert pairs == sorted((tag, i) for tag in "ab" for i in range(count))
    assert raw["_unship"]["1"]["generation"] == 2 * count
