"""The advice engine alone, in process: importing it (the policies and the advice, in a fresh
process each time), and working out every order's facts (`facts.compute`, what the commands
keep and the app's rows show). Python's start, the other imports and reading the file are
left out: bench_process.py and bench_ab.py time whole processes.

    .venv/bin/python bench/bench_engine.py [--sizes 10000] [--book FILE --today DAY] [--runs 7]

Prints medians; not a test.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tui import TODAY, orders_file  # noqa: E402

# One run: the book is read first, then the engine's import and two passes over the orders
# are timed (the second finds the policies' memos filled, as a long-running app does).
RUN = """
import sys, time
from datetime import date
from unship.store import OrderBook, facts
today = date.fromisoformat(sys.argv[2])
book = OrderBook(sys.argv[1], today=today, keep_facts=False)
orders = book.orders()
start = time.perf_counter()
policies = book.policies
from unship.store import advice  # noqa: F401
imported = time.perf_counter()
for order in orders:
    facts.compute(order, policies, today)
first = time.perf_counter()
for order in orders:
    facts.compute(order, policies, today)
print(imported - start, first - imported, time.perf_counter() - first, len(orders))
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000")
    parser.add_argument("--book", type=Path, help="a data file of your own, not the demo orders")
    parser.add_argument("--today", default=TODAY.isoformat(), help="with --book: its day")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if args.book:
        books = {args.book.name: args.book}
    else:
        books = {f"demo {n}": orders_file(n) for n in map(int, args.sizes.split(","))}
    for name, path in books.items():
        runs = []
        for _ in range(args.runs):
            out = subprocess.run(
                [sys.executable, "-c", RUN, str(path), args.today],
                capture_output=True,
                text=True,
                check=True,
            ).stdout.split()
            runs.append(tuple(map(float, out[:3])))
        imported, first, again = (statistics.median(r) * 1000 for r in zip(*runs, strict=True))
        print(
            f"{name}, {out[3]} orders: importing the engine {imported:.1f} ms; every order's "
            f"facts {first:.0f} ms, then again {again:.0f} ms (medians of {args.runs} runs)"
        )


if __name__ == "__main__":
    main()
