"""Benchmark: time to first frame, filter keystroke latency and peak memory of the main screen.

    .venv/bin/python bench/bench_tui.py [--sizes 0,1000,10000,50000] [--rounds 5]

Each run is a fresh subprocess (so memory and gc state do not leak between runs) that drives
the app headless at 80x24. A "frame" is the compositor's update handed to App._display, turned
into terminal text as a real driver would. Beside unship: a bare Textual app with an empty
DataTable and an Input, measured the same way in the same run, in rounds (the bare app, then
each size; five rounds by default): figures are medians over the rounds.

- open: reading the order file into an OrderBook (the store's cost, before the app starts)
- first frame: from the App's construction to its first frame; "x bare": the median against
  the bare app's median, then the range of each round's own ratio
- deadlines: from construction until every order's next deadline is worked out (a thread)
- filter key: key press to the next painted frame, median (and max) over 13 keys
- peak RSS: the subprocess's maximum resident set size (the highest of the rounds)

Orders are varied copies of the demo orders, written through the store once and cached in
the temp folder as JSON (`replace_all` for 50k orders is slow).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import io
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

TODAY = date(2026, 11, 28)
CACHE = Path(tempfile.gettempdir()) / "unship-bench-cache"
KEYS = [*"amazon", "space", *"cab", "backspace", "backspace", "backspace"]
SIZE = (80, 24)
WORDS = ["blue", "large", "refill", "kit", "pro", "mini", "spare", "gift", "set", "classic"]


# -- data ---------------------------------------------------------------------------
def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) - timedelta(days=days)).isoformat()


def orders_file(n: int) -> Path:
    """A data file with `n` varied orders (cached)."""
    from unship.store import demo
    from unship.store.repository import OrderBook

    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"orders-{n}.json"
    if path.exists():
        return path
    seed = CACHE / "seed.json"
    seed.unlink(missing_ok=True)
    with OrderBook(seed, today=TODAY) as book:  # the store writes the real format
        demo.fill(book, TODAY)
    data = json.loads(seed.read_text())
    base = list(data["orders"].values())
    rng = random.Random(n)
    orders = {}
    for i in range(n):
        order = json.loads(json.dumps(base[i % len(base)]))
        ago = rng.choice([0, 0, 0, 5, 20, 60, 200, 400, 900])
        order["order_number"] = f"{order['order_number']}-{i}"
        order["ordered_on"] = _shift(order["ordered_on"], ago)
        for item in order["items"]:
            item["title"] = f"{item['title']} {rng.choice(WORDS)}"
            if "dates" in item:  # as the store writes them: no empty map
                item["dates"] = {k: _shift(v, ago) for k, v in item["dates"].items()}
        for entry in order.get("history", []):
            entry["on"] = _shift(entry["on"], ago)
        order["id"] = i + 1  # the store keeps each order's id in its document
        orders[str(i + 1)] = order
    data["orders"] = orders
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data))
    os.replace(tmp, path)
    return path


# -- one measurement (in a subprocess) --------------------------------------------------------
def measure(kind: str, n: int) -> dict:
    from rich.console import Console
    from textual.app import App, ComposeResult
    from textual.widgets import DataTable, Input

    frames: list[float] = []
    text_console = Console(width=SIZE[0], height=SIZE[1], file=io.StringIO(), force_terminal=True)

    def record(app, renderable) -> None:
        if renderable is not None:
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(text_console)
            frames.append(time.perf_counter())

    class Bare(App):
        def compose(self) -> ComposeResult:
            yield Input()
            yield DataTable()

        def _display(self, screen, renderable) -> None:
            record(self, renderable)
            super()._display(screen, renderable)

    result: dict = {"kind": kind, "n": n}
    if kind == "bare":
        start = time.perf_counter()
        app = Bare()
    else:
        from unship.store.repository import OrderBook
        from unship.tui.app import UnshipApp

        class Bench(UnshipApp):
            def _display(self, screen, renderable) -> None:
                record(self, renderable)
                super()._display(screen, renderable)

        path = orders_file(n) if n else None
        if path is None:
            folder = tempfile.mkdtemp()
            path = Path(folder) / "orders.json"
        t = time.perf_counter()
        gc.disable()
        book = OrderBook(path, today=TODAY, lock_timeout=1)
        gc.enable()
        gc.freeze()
        result["open"] = time.perf_counter() - t
        start = time.perf_counter()
        app = Bench(book)

    async def wait_for(condition, what: str, limit: float = 30.0) -> None:
        deadline = time.perf_counter() + limit
        while not condition():
            if time.perf_counter() > deadline:
                raise SystemExit(f"bench: no {what} within {limit:.0f} s")
            await asyncio.sleep(0.0005)

    async def drive() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(lambda: frames, "first frame")
            result["first_frame"] = frames[0] - start
            if kind != "bare":
                # A big book's first frame lists its newest orders and every row is built
                # right after it; the facts thread starts once the screen is idle after
                # that: wait for its result, not only for the workers started by now.
                await wait_for(lambda: not app.main_screen.previewing, "every row")
                rows, done = app.main_screen.rows, [0]

                def all_facts() -> bool:  # resumes where it stopped: a poll stays cheap
                    i = done[0]
                    while i < len(rows) and rows[i].facts is not None:
                        i += 1
                    done[0] = i
                    return i == len(rows)

                await wait_for(all_facts, "deadlines")
                await app.workers.wait_for_complete()
                await pilot.pause()
                result["deadlines"] = time.perf_counter() - start
                await pilot.press("slash")
            else:
                app.query_one(Input).focus()
            await pilot.pause(0.1)
            latencies = []
            for key in KEYS:
                seen = len(frames)
                t0 = time.perf_counter()
                await pilot.press(key)
                await wait_for(lambda n=seen: len(frames) > n, f"a frame after {key}")
                latencies.append(frames[seen] - t0)
            result["key_median"] = statistics.median(latencies)
            result["key_max"] = max(latencies)

    asyncio.run(drive())
    result["peak_mb"] = peak_mb()
    return result


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would carry the parent's peak over exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(kind: str, n: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(n)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if out.returncode:
        raise SystemExit(f"bench child {kind} {n} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description="unship main-screen benchmark")
    parser.add_argument("--sizes", default="0,1000,10000,50000")
    parser.add_argument(
        "--rounds", type=int, default=5, help="rounds of one process per app and size"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    for n in sizes:
        if n:
            orders_file(n)  # build the cache outside the measurements
    # Rounds, each the bare app then every size: a drift of the machine's speed (the bare
    # app's first frame alone moves by 2x from one process to the next here) reaches every
    # app alike, and each round's ratio compares processes started seconds apart.
    configs = [("bare", 0)] + [("unship", n) for n in sizes]
    runs: dict[tuple[str, int], list[dict]] = {c: [] for c in configs}
    for _ in range(max(1, args.rounds)):
        for kind, n in configs:
            runs[kind, n].append(run_child(kind, n))
    print(report(configs, runs))
    return 0


def report(configs: list[tuple[str, int]], runs: dict[tuple[str, int], list[dict]]) -> str:
    """Medians over the rounds; the first frame also as a range, and against the bare app:
    the ratio of the medians, and the range of each round's own ratio."""
    median = statistics.median
    ms = lambda s: f"{s * 1000:.0f}" if s is not None else "-"  # noqa: E731
    bare = [r["first_frame"] for r in runs["bare", 0]]
    lines = [
        f"{len(bare)} rounds; medians, first frame also min-max",
        f"{'app':<8}{'orders':>7} {'open ms':>8} {'1st frame ms':>14} {'x bare':>7} "
        f"{'rounds':>11} {'deadlines':>10} {'key med':>8} {'key max':>8} {'peak MB':>8}",
    ]
    for kind, n in configs:
        rs = runs[kind, n]
        first = [r["first_frame"] for r in rs]
        own = [f / b for f, b in zip(first, bare, strict=True)]
        opened = [r["open"] for r in rs if "open" in r]
        deadlines = [r["deadlines"] for r in rs if "deadlines" in r]
        lines.append(
            f"{kind:<8}{n:>7} {ms(median(opened) if opened else None):>8} "
            f"{ms(median(first)):>5} ({ms(min(first))}-{ms(max(first))})".ljust(37)
            + f"{median(first) / median(bare):>6.2f}x {min(own):>5.2f}-{max(own):.2f}x "
            f"{ms(median(deadlines) if deadlines else None):>10} "
            f"{ms(median(r['key_median'] for r in rs)):>8} "
            f"{ms(max(r['key_max'] for r in rs)):>8} {max(r['peak_mb'] for r in rs):>8.0f}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
