"""One durable change to the order book against the floor, measured between the updates.

    .venv/bin/python bench/bench_store.py [--sizes 10000,50000] [--edits 15]

In one process per size (a copy of bench/bench_tui.py's cached demo-order file):
- open: OrderBook(path) and its first orders() (in-process: Python's start and the imports
  are left out; bench/bench_process.py times whole commands)
- edit: OrderBook.update of one order (the app's write path: the order replaced, an undo
  entry, one atomic durable save of the file); the first edit after opening encodes every
  document once (later saves reuse the bytes of the unchanged ones) and is shown apart
- floor: a bare write of a new file of the same size and an fsync, measured right after
  each edit (this disk's fsync time drifts by 2x within minutes: each edit is compared with the
  floor measured beside it)
Prints medians and the ratio edit / floor. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tui import TODAY, orders_file  # noqa: E402


def floor(folder: Path, payload: bytes) -> float:
    """A new file of the payload's size written and fsynced (an atomic save writes a new
    file too; the old one stays, hard-linked as a backup)."""
    path = folder / "floor.bin"
    path.unlink(missing_ok=True)
    start = time.perf_counter()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, payload)
        os.fsync(fd)
    finally:
        os.close(fd)
    return time.perf_counter() - start


def measure(n: int, edits: int) -> dict[str, float]:
    from unship.store.model import replace
    from unship.store.repository import OrderBook

    folder = Path(tempfile.mkdtemp())
    path = folder / "orders.json"
    shutil.copyfile(orders_file(n), path)
    start = time.perf_counter()
    book = OrderBook(path, today=TODAY)
    orders = book.orders()
    opened = time.perf_counter() - start
    start = time.perf_counter()
    book.update(replace(orders[-1], notes="first edit"), "bench edit")
    first = time.perf_counter() - start  # encodes every document once: later saves reuse them
    times, floors = [], []
    for i in range(edits):
        order = orders[(i * 37) % len(orders)]
        start = time.perf_counter()
        book.update(replace(order, notes=f"edit {i}"), "bench edit")
        times.append(time.perf_counter() - start)
        floors.append(floor(folder, path.read_bytes()))
    book.close()
    shutil.rmtree(folder)
    ratios = [t / f for t, f in zip(times, floors, strict=True)]
    return {
        "open": opened,
        "first": first,
        "edit": statistics.median(times),
        "floor": statistics.median(floors),
        "ratio": statistics.median(ratios),
        "size": path.stat().st_size if path.exists() else 0,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--edits", type=int, default=15)
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; medians over {args.edits} edits; times in ms")
    for n in (int(s) for s in args.sizes.split(",")):
        r = measure(n, args.edits)
        print(
            f"{n:>6} orders: open {r['open'] * 1000:.0f} (in-process)  first edit "
            f"{r['first'] * 1000:.0f}  edit {r['edit'] * 1000:.1f}"
            f"  floor (write+fsync) {r['floor'] * 1000:.1f}  edit/floor {r['ratio']:.2f}x"
        )


if __name__ == "__main__":
    main()
