"""Shared helpers for the import/export tests (kept out of conftest.py on purpose)."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
DATA = TESTS / "data"
HELPERS = TESTS / "helpers"
# Real exports and mail published in public repositories live beside the project, in
# ../shared, and are not copied into it (see ../shared/samples/amazon/SOURCES.md).
SAMPLES = ROOT.parent / "shared" / "samples"
AMAZON = SAMPLES / "amazon"
EMAIL = SAMPLES / "email"
needs_samples = pytest.mark.skipif(
    not AMAZON.is_dir(), reason=f"the real Amazon samples are not at {AMAZON}"
)
TODAY = date(2026, 11, 28)
TZ = UTC  # the exports' timestamps are UTC; tests read them in UTC to be machine-independent


def plan(book, path, **kw):
    from unship.store import importers

    return importers.plan(book, path, tz=TZ, **kw)


def imported(book, path, **kw):
    from unship.store import importers

    result = plan(book, path, **kw)
    importers.apply(book, result, partial=True)
    return result


def blanked_ids(folder: Path, keep: int = 0) -> Path:
    """tests/data/amazon-orders-mixed.csv's first rows with the order IDs of all but the
    first `keep` blanked, as a publisher of the real blank-order-ids sample did."""
    import csv
    import io

    with (DATA / "amazon-orders-mixed.csv").open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], rows[1:4]
    at = header.index("Order ID")
    for row in body[keep:]:
        row[at] = ""
    out = io.StringIO()
    csv.writer(out).writerows([header, *body])
    path = folder / "blanked.Retail.OrderHistory.1.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    return path
