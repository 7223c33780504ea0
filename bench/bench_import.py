"""How long a decade of Amazon orders (20,000 item rows) takes to plan, import and re-import.

Run: .venv/bin/python bench/bench_import.py [ROWS]   (prints figures; not a test)
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from unship.store import exporters, importers
from unship.store.repository import OrderBook

HEADER = (
    "Website,Order ID,Order Date,Currency,Unit Price,Quantity,Order Status,Shipment Status,"
    "Ship Date,Carrier Name & Tracking Number,Product Name,ASIN,Product Condition\n"
)


def make_file(path: Path, rows: int) -> None:
    rnd = random.Random(6)
    start = datetime(2016, 1, 1, tzinfo=UTC)
    lines, n = [HEADER], 0
    while n < rows:
        when = start + timedelta(minutes=rnd.randrange(60 * 24 * 3650))
        oid = f"{rnd.randrange(100, 999)}-{rnd.randrange(10**7):07d}-{rnd.randrange(10**7):07d}"
        cancelled = rnd.random() < 0.05
        for _ in range(min(rows - n, rnd.choice([1, 1, 2, 3, 5]))):
            ship = (when + timedelta(hours=20)).isoformat().replace("+00:00", ".123Z")
            status = (
                ("Cancelled", "Not Available", "Not Available", "Not Available")
                if cancelled
                else ("Closed", "Shipped", ship, f"AMZN_US(TBA{rnd.randrange(10**12):012d})")
            )
            lines.append(
                f"Amazon.com,{oid},{when.isoformat().replace('+00:00', 'Z')},USD,"
                f"{rnd.randrange(100, 50000) / 100:.2f},{0 if cancelled else 1},{status[0]},"
                f'{status[1]},{status[2]},{status[3]},"Thing {n}, with a comma",B0{n:08d},New\n'
            )
            n += 1
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    folder = Path(tempfile.mkdtemp())
    src = folder / "Retail.OrderHistory.1.csv"
    make_file(src, rows)
    with OrderBook(folder / "orders.json", today=date(2026, 11, 28)) as book:
        t = time.perf_counter()
        result = importers.plan(book, src, tz=UTC)
        t_plan = time.perf_counter() - t
        t = time.perf_counter()
        importers.apply(book, result)
        t_apply = time.perf_counter() - t
        print(
            f"{rows} rows, {result.counts['new']} orders: plan {t_plan:.2f} s, apply {t_apply:.2f} s"
        )
        t = time.perf_counter()
        again = importers.plan(book, src, tz=UTC)
        print(f"re-import plan {time.perf_counter() - t:.2f} s: {again.counts}")
        for fmt in ("json", "csv", "ics"):
            t = time.perf_counter()
            text = exporters.export(book, fmt)
            print(f"export {fmt}: {time.perf_counter() - t:.2f} s, {len(text) // 1024} KiB")


if __name__ == "__main__":
    main()
