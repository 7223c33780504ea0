"""Shared helpers for the import/export tests (kept out of conftest.py on purpose)."""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path

DATA = Path(__file__).parent / "data"
AMAZON = DATA / "amazon"
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
