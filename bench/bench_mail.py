"""How fast mail is read: a Maildir made from the sample emails, planned, applied, read again.

Run: .venv/bin/python bench/bench_mail.py [MESSAGES] [--other PERCENT]
(prints figures; not a test). MESSAGES defaults to 10,000. The samples come from
../shared/samples/email; each copy gets its own Message-ID and order number, and a third of
the order numbers are logged in the book first. --other mixes in plain personal mail (read
from its headers only), as a real mailbox holds mostly that; the default 0 is the worst case.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from unship.store.importers import mail_book
from unship.store.model import new_item, new_order
from unship.store.repository import OrderBook

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples" / "email"
OTHER = (
    b"From: friend@example.org\nTo: me@example.org\nSubject: dinner on friday?\n"
    b"Date: Mon, 05 Oct 2026 10:00:00 +0000\nMessage-ID: <%d@example.org>\n\n"
    + b"See you then.\n"
    * 40
)


def build(box: Path, count: int, other: int) -> list[str]:
    samples = [p.read_bytes() for p in sorted(SAMPLES.glob("*.eml"))]
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    rng = random.Random(7)
    numbers = []
    for n in range(count):
        if rng.randrange(100) < other:
            data = OTHER % n
        else:
            data = rng.choice(samples)
            number = f"{100 + n % 900:03d}-{n:07d}-{rng.randrange(10**7):07d}"
            data = re.sub(rb"\d{3}-\d{7}-\d{7}", number.encode(), data)
            data = b"Message-ID: <bench-%d@amazon.com>\n" % n + data
            numbers.append(number)
        (box / "cur" / f"{1_600_000_000 + n}.M{n}P1.bench:2,S").write_bytes(data)
    return numbers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("messages", type=int, nargs="?", default=10_000)
    parser.add_argument("--other", type=int, default=0, help="percent of plain personal mail")
    args = parser.parse_args()
    if not SAMPLES.is_dir():
        sys.exit(f"the sample emails are not at {SAMPLES}")
    with tempfile.TemporaryDirectory() as tmp:
        box = Path(tmp) / "Maildir"
        numbers = build(box, args.messages, args.other)
        with OrderBook(Path(tmp) / "orders.json", today=date(2026, 11, 28)) as book:
            orders = [
                new_order("Amazon", n, date(2020, 1, 1), [new_item("Thing", 999)])
                for n in numbers[::3]
            ]
            book.replace_all({-(i + 1): o for i, o in enumerate(orders)}, "bench orders")
            for label in ("first read", "read again"):
                start = time.perf_counter()
                result = mail_book.plan_mail(book, [box])
                planned = time.perf_counter() - start
                mail_book.apply_mail(book, result)
                total = time.perf_counter() - start
                print(
                    f"{label}: {args.messages} messages ({args.other}% other mail) "
                    f"planned in {planned:.1f} s, written in {total - planned:.1f} s: "
                    f"{args.messages / total:,.0f} messages/s; "
                    f"{len(result.updated)} orders updated, {result.skipped} read before"
                )


if __name__ == "__main__":
    main()
