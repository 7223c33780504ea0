"""Benchmark: unship's DurableStorage against TinyDB's default JSONStorage and the I/O floor.

    .venv/bin/python tests/bench_store.py            # 1k, 10k, 50k orders
    .venv/bin/python tests/bench_store.py --quick    # 1k, 10k, fewer repetitions

Every measurement runs in a fresh process (open+load is what a person waits for at start-up;
it also keeps gc.freeze() and memory reuse of one run out of the next). Times are medians.

unship's side opens the file as the app does: unship.store.database.Database (TinyDB with
DurableStorage and FastTable); the default side is TinyDB(path) with its JSONStorage.

- open+load: Database/TinyDB(...) and the first read of the orders table
- Query: table.search(Query().retailer == ...) with TinyDB's query cache cleared each time.
  unship answers it from a field index built by the first such search and kept until the data
  changes (the median includes that first search; 1st Q is its time alone)
- lambda: the same search with a plain predicate (lambda doc: doc.get("retailer") == ...);
  ratios compare both with default TinyDB's Query search
- update: table.update({...}, doc_ids=[id]) including the durable write, once the store keeps
  each document's bytes between saves. Until the loaded documents are sealed (a thread that
  starts 0.5 s after the first save, see store/tracking.py) every save is a full dump: 1st upd
  is the first update after opening, seal the time from it until sealing ended, cache the
  update that then builds the cache (re-serialising every document once); the median is over
  the updates after that
- store.w: DurableStorage.write() alone (serialise, back up, durable replace) without TinyDB
- app at 10k (last lines): OrderBook.update of one order (the app's write path: the order
  replaced, an undo entry, one durable save) on tests/bench_tui.py's 10k demo-order file
- peak MB: peak RSS growth of the process over open+load+queries and the updates until the
  cache is built
- floor (the issue's definition): serialise the loaded data with orjson.dumps, write it to a
  temp file, fsync, rename over the file, fsync the folder; w+fsync, the stricter floor: write
  the same bytes and fsync (no serialising, no rename). Both are measured in the same process,
  one after each update, and compared with those updates (fsync times drift by 2x within
  minutes). decode floor: orjson.loads of the file's bytes (dec-nogc: collector paused)
Not collected by pytest (no test_ prefix).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RETAILERS = ["Amazon", "Zalando", "IKEA", "Otto", "eBay", "MediaMarkt", "Decathlon", "Apple"]
STATUSES = ["ordered", "shipped", "delivered", "return started", "refunded"]


def order(i: int, rng: random.Random) -> dict:
    day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    items = [
        {
            "name": f"{rng.choice(['Desk lamp', 'Running shoes', 'USB-C cable', 'Wool scarf'])}"
            f" {rng.randrange(1000)}",
            "qty": rng.randint(1, 3),
            "price": f"{rng.randint(199, 29999) / 100:.2f}",
            "sku": f"SKU-{rng.randrange(10**8):08d}",
        }
        for _ in range(rng.randint(1, 3))
    ]
    retailer = rng.choice(RETAILERS)
    return {
        "retailer": retailer,
        "order_number": f"{rng.randrange(10**3):03d}-{rng.randrange(10**7):07d}-{i}",
        "title": f"{items[0]['name']} and more" if len(items) > 1 else items[0]["name"],
        "status": rng.choice(STATUSES),
        "ordered_on": day,
        "total": f"{rng.randint(500, 99999) / 100:.2f}",
        "currency": "EUR",
        "items": items,
        "deadlines": {"cancel_by": None, "return_by": day, "refuse_parcel": rng.random() < 0.5},
        "tracking": {"carrier": rng.choice(["DHL", "DPD", "UPS"]), "number": f"JJD{i:012d}"},
        "url": f"https://www.{retailer.lower()}.example/account/orders/{rng.randrange(10**9)}",
        "notes": "left with the neighbour" if rng.random() < 0.3 else "",
        "tags": ["gift"] if rng.random() < 0.2 else [],
        "created_at": f"{day}T10:{rng.randint(0, 59):02d}:00+01:00",
    }


def make_file(path: Path, n: int) -> None:
    from tinydb import TinyDB
    from unship.store.storage import DurableStorage

    rng = random.Random(n)
    db = TinyDB(path, storage=DurableStorage, keep_backups=0)
    with db.storage.transaction():
        db.table("orders").insert_multiple(order(i, rng) for i in range(n))
    db.close()


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


class Floors:
    """The write floors, measured in the same process between the updates they are compared
    with (a disk's fsync time drifts by 2x within minutes; interleaving keeps the ratio fair).

    full: the issue's floor: orjson.dumps of the data, a temp file written and fsynced,
    renamed over a file, the folder fsynced. bare: the same bytes written to a new file and
    fsynced."""

    def __init__(self, path: Path) -> None:
        import orjson

        self.folder = path.parent
        self.raw = path.read_bytes()
        self.data = orjson.loads(self.raw)
        self.full: list[float] = []
        self.bare: list[float] = []

    def measure(self) -> None:
        import orjson

        target = self.folder / "floor.json"
        start = time.perf_counter()
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.write(fd, self.raw)
        os.fsync(fd)
        os.close(fd)
        self.bare.append(time.perf_counter() - start)
        os.unlink(target)
        start = time.perf_counter()
        payload = orjson.dumps(self.data)
        fd, tmp = tempfile.mkstemp(dir=self.folder)
        os.write(fd, payload)
        os.fsync(fd)
        os.close(fd)
        os.replace(tmp, target)
        folder = os.open(self.folder, os.O_RDONLY | os.O_DIRECTORY)
        os.fsync(folder)
        os.close(folder)
        self.full.append(time.perf_counter() - start)
        os.unlink(target)

    def result(self) -> dict:
        return {"floor": statistics.median(self.full), "bare": statistics.median(self.bare)}


def child(kind: str, path: Path, reps: int) -> dict:
    """One fresh process: open+load, queries, updates (or the floor)."""
    import orjson

    if kind.startswith("floor-decode"):
        raw = path.read_bytes()
        if kind.endswith("nogc"):
            gc.disable()
        start = time.perf_counter()
        orjson.loads(raw)
        return {"decode": time.perf_counter() - start}
    if kind == "book":
        return book_edits(path, reps)

    from tinydb import Query, TinyDB
    from unship.store.database import Database

    base = rss_mb()
    start = time.perf_counter()
    db = Database(path) if kind == "unship" else TinyDB(path)
    orders = db.table("orders")
    n = len(orders)
    opened = time.perf_counter() - start

    rng = random.Random(7)
    queries = []
    for i in range(reps):
        orders.clear_cache()
        retailer = RETAILERS[i % len(RETAILERS)]
        start = time.perf_counter()
        found = orders.search(Query().retailer == retailer)
        queries.append(time.perf_counter() - start)
        assert found
    predicates = []
    for i in range(reps):
        orders.clear_cache()
        retailer = RETAILERS[i % len(RETAILERS)]
        start = time.perf_counter()
        found = orders.search(lambda doc, r=retailer: doc.get("retailer") == r)
        predicates.append(time.perf_counter() - start)
        assert found

    def update(i: int) -> float:
        doc_id = rng.randint(1, n)
        start = time.perf_counter()
        orders.update({"status": STATUSES[i % len(STATUSES)]}, doc_ids=[doc_id])
        return time.perf_counter() - start

    first = update(0)
    sealed = cache = 0.0
    if kind == "unship":  # a full dump until the loaded documents are sealed (a thread)
        start = time.perf_counter()
        db.storage.wait_sealed()
        sealed = time.perf_counter() - start
        cache = update(1)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # before Floors' copy
    floors = Floors(path)
    updates = []
    for i in range(2, reps + 2):
        updates.append(update(i))
        if kind == "unship":
            floors.measure()
    writes = []
    if kind == "unship":  # the storage layer alone: serialise + durable replace + backup
        for _ in range(reps):
            data = db.storage.read()
            start = time.perf_counter()
            db.storage.write(data)
            writes.append(time.perf_counter() - start)
    db.close()
    return {
        "open": opened,
        "query": statistics.median(queries),
        "query1": queries[0],
        "predicate": statistics.median(predicates),
        "write": statistics.median(writes) if writes else 0.0,
        "update": statistics.median(updates),
        **(floors.result() if kind == "unship" else {}),
        "update1": first,
        "sealed": sealed,
        "cache": cache,
        "peak_mb": peak - base,
        "n": n,
    }


def book_edits(path: Path, reps: int) -> dict:
    """The app's write path: OrderBook.update (one order replaced, an undo entry, one save)."""
    from dataclasses import replace

    from bench_tui import TODAY
    from unship.store.repository import OrderBook

    book = OrderBook(path, today=TODAY)
    orders = book.orders()

    def edit(i: int) -> float:
        order = orders[(i * 37) % len(orders)]
        start = time.perf_counter()
        book.update(replace(order, notes=f"edit {i}"), "bench edit")
        return time.perf_counter() - start

    first = edit(0)
    book.storage.wait_sealed()
    cache = edit(1)
    floors = Floors(path)
    times = []
    for i in range(2, reps + 2):
        times.append(edit(i))
        floors.measure()
    book.close()
    return {"edit": statistics.median(times), "edit1": first, "cache": cache, **floors.result()}


def run_child(kind: str, path: Path, reps: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(path), str(reps)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)


def measure(kind: str, path: Path, reps: int, runs: int) -> dict:
    """Median over `runs` fresh processes, each working on its own copy of the file."""
    results = []
    for r in range(runs):
        copy = path.with_name(f"{kind}-{r}") / "orders.json"
        copy.parent.mkdir(exist_ok=True)
        shutil.copyfile(path, copy)
        results.append(run_child(kind, copy, reps))
        shutil.rmtree(copy.parent)
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def ms(seconds: float, width: int = 8) -> str:
    return f"{seconds * 1000:{width}.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k orders, fewer runs")
    parser.add_argument(
        "--child", nargs=3, metavar=("KIND", "PATH", "REPS"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        kind, path, reps = args.child
        print(json.dumps(child(kind, Path(path), int(reps))))
        return

    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 50_000]
    runs = 1 if args.quick else 3
    reps = 7 if args.quick else 15
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cores; medians; times in ms")
    header = (
        f"{'orders':>7} {'MB':>5} | {'open+load':>9} {'default':>8} {'decode':>8} {'x dec':>5}"
        f" {'dec-nogc':>8} {'x':>5}"
        f" | {'Query':>7} {'1st Q':>7} {'default':>8} {'ratio':>5} {'lambda':>7} {'ratio':>5}"
        f" | {'update':>7} {'1st upd':>7} {'seal':>6} {'cache':>6} {'default':>8}"
        f" {'store.w':>7} {'floor':>6} {'x':>4} {'w+fsync':>7} {'x':>4}"
        f" | {'peak MB':>7} {'default':>7}"
    )
    print(header)
    print("-" * len(header))
    verdicts = []
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        for n in sizes:
            path = Path(tmp) / f"n{n}" / "orders.json"
            make_file(path, n)
            size_mb = path.stat().st_size / 2**20
            ours = measure("unship", path, reps, runs)
            default_reps = max(3, reps // 3) if n >= 10_000 else reps
            theirs = measure("default", path, default_reps, runs)
            decode = measure("floor-decode", path, 1, runs)["decode"]
            decode_nogc = measure("floor-decode-nogc", path, 1, runs)["decode"]
            write, floor = ours["bare"], ours["floor"]
            line = (
                f"{n:>7} {size_mb:5.1f} | {ms(ours['open'], 9)} {ms(theirs['open'])} {ms(decode)}"
                f" {ours['open'] / decode:4.1f}x {ms(decode_nogc)}"
                f" {ours['open'] / decode_nogc:4.1f}x"
                f" | {ms(ours['query'], 7)} {ms(ours['query1'], 7)} {ms(theirs['query'])}"
                f" {theirs['query'] / ours['query']:4.0f}x {ms(ours['predicate'], 7)}"
                f" {theirs['query'] / ours['predicate']:4.0f}x | {ms(ours['update'], 7)}"
                f" {ms(ours['update1'], 7)} {ms(ours['sealed'], 6)} {ms(ours['cache'], 6)}"
                f" {ms(theirs['update'])} {ms(ours['write'], 7)} {ms(floor, 6)}"
                f" {ours['update'] / floor:3.1f}x {ms(write, 7)} {ours['update'] / write:3.1f}x"
                f" | {ours['peak_mb']:7.1f} {theirs['peak_mb']:7.1f}"
            )
            print(line, flush=True)
            if n == 10_000:
                from bench_tui import orders_file

                book = measure("book", orders_file(n), reps, runs)
                verdicts.append(
                    f"app at 10k: OrderBook.update {book['edit'] * 1000:.1f} ms median "
                    f"({book['edit'] / book['floor']:.1f}x the floor, "
                    f"{book['edit'] / book['bare']:.1f}x "
                    f"write+fsync); the first edit after opening {book['edit1'] * 1000:.0f} ms, "
                    f"the one that builds the cache {book['cache'] * 1000:.0f} ms"
                )
                verdicts.append(
                    f"query at 10k: {theirs['query'] / ours['query']:.0f}x faster than default "
                    f"with Query(), {theirs['query'] / ours['predicate']:.0f}x with a plain "
                    f"predicate (target >= 20x); the first query (building the index) "
                    f"{ours['query1'] * 1000:.1f} ms"
                )
                verdicts.append(
                    f"update at 10k: {ours['update'] * 1000:.1f} ms = "
                    f"{ours['update'] / floor:.1f}x the floor of {floor * 1000:.1f} ms "
                    f"(serialise + atomic write + fsync; targets <= 2x and <= 15 ms), "
                    f"{ours['update'] / write:.1f}x a bare write+fsync of {write * 1000:.1f} ms; "
                    f"the storage's own write {ours['write'] * 1000:.1f} ms; the first update "
                    f"after opening {ours['update1'] * 1000:.0f} ms (a full dump), sealed "
                    f"{ours['sealed'] * 1000:.0f} ms later, then the cache built in "
                    f"{ours['cache'] * 1000:.0f} ms"
                )
            if n == 50_000:
                verdicts.append(
                    f"open at 50k: {ours['open'] / decode:.2f}x orjson.loads alone, "
                    f"{ours['open'] / decode_nogc:.2f}x orjson.loads with gc paused (target <= 2x)"
                )
    print()
    print("\n".join(verdicts))


if __name__ == "__main__":
    main()
