"""Export: the ICS of deadlines, and a real run of the installed `unship` command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from io_support import AMAZON, DATA, TODAY, needs_samples
from unship.store import exporters
from unship.store.demo import demo_orders
from unship.store.repository import OrderBook

pytestmark = pytest.mark.durable  # real fsync: see tests/conftest.py


@pytest.fixture
def demo(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        b.replace_all({-(n + 1): o for n, o in enumerate(demo_orders(TODAY))}, "demo")
        yield b


def _events(text: str):
    return icalendar.Calendar.from_ical(text).walk("VEVENT")


def test_ics_has_one_event_per_open_deadline_each_with_an_alarm(demo):
    text = exporters.export(demo, "ics", now=datetime(2026, 11, 28, tzinfo=UTC))
    events = _events(text)
    expected = exporters.open_deadlines(demo)
    assert len(events) == len(expected) > 0
    # The same deadlines the order book lists (book.due over ten years).
    assert len(events) == len(demo.due(days=3650))
    for event, (order, action) in zip(events, expected, strict=True):
        assert event.decoded("dtstart") == action.deadline  # all-day, on the deadline
        assert event.decoded("dtend") == action.deadline + timedelta(days=1)
        assert f"({order.retailer} {order.order_number})" in str(event["summary"])
        # its days left are counted from the export's day, and say so
        assert str(event["description"]).startswith(f"As of 28 Nov 2026: {action.reason}")
        alarms = event.walk("VALARM")
        assert len(alarms) == 1
        assert alarms[0].decoded("trigger") == timedelta(days=-1)
    summaries = [str(e["summary"]) for e in events]
    assert any(s.startswith("Return by: ") for s in summaries)


def test_ics_uids_are_stable_and_unique(demo):
    first = [str(e["uid"]) for e in _events(exporters.export(demo, "ics"))]
    second = [str(e["uid"]) for e in _events(exporters.export(demo, "ics"))]
    assert first == second
    assert len(set(first)) == len(first)


def test_ics_of_an_empty_book_is_a_valid_calendar(tmp_path):
    with OrderBook(tmp_path / "o.json", today=TODAY) as b:
        assert _events(exporters.export(b, "ics")) == []


# -- the installed command ------------------------------------------------------------


def _unship() -> list[str]:
    found = shutil.which("unship", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-P", "-m", "unship"]


def test_rows_all_rejected_say_so_and_offer_no_partial_import(tmp_path):
    from io_support import blanked_ids

    bad = _run(tmp_path, "import", str(blanked_ids(tmp_path)), ok=(2,))
    assert "3 rows rejected and no other row: nothing to import" in bad.stderr
    assert "--partial" not in bad.stderr
    # the one good row imported, then the same file with the rest blanked
    _run(tmp_path, "import", str(blanked_ids(tmp_path, keep=3)))
    again = _run(tmp_path, "import", str(blanked_ids(tmp_path, keep=1)), ok=(2,))
    assert "2 rows rejected and the other rows are in the book as they are" in again.stderr
    assert "--partial" not in again.stderr


def _run(tmp_path, *args, ok=(0,)):
    env = {**os.environ, "TZ": "UTC", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [*_unship(), "--db", str(tmp_path / "o.json"), "--today", TODAY.isoformat(), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode in ok, done.stderr + done.stdout
    return done


@needs_samples
def test_cli_import_dry_run_reimport_export(tmp_path):
    sample = AMAZON / "ca-us-mixed.Retail.OrderHistory.1.csv"
    dry = _run(tmp_path, "import", str(sample), "--dry-run")
    assert "246 new, 0 updated, 0 unchanged, 0 rejected" in dry.stdout
    assert "dry run: nothing written" in dry.stdout
    assert json.loads(_run(tmp_path, "list", "--json").stdout) == []

    first = _run(tmp_path, "import", str(sample))
    assert "done: import ca-us-mixed.Retail.OrderHistory.1.csv: 246 new" in first.stdout
    again = _run(tmp_path, "import", str(sample))
    assert "0 new, 0 updated, 246 unchanged, 0 rejected" in again.stdout
    assert "nothing to change" in again.stdout

    bad = _run(tmp_path, "import", str(DATA / "amazon-orders-mixed.csv"), ok=(2,))
    assert "rejected line 11: no Order ID" in bad.stdout
    assert "--partial" in bad.stderr
    assert len(json.loads(_run(tmp_path, "list", "--all", "--json").stdout)) == 246
    _run(tmp_path, "import", str(DATA / "amazon-orders-mixed.csv"), "--partial")
    assert len(json.loads(_run(tmp_path, "list", "--all", "--json").stdout)) == 251

    out = tmp_path / "orders.export.json"
    _run(tmp_path, "export", "--format", "json", "--output", str(out))
    csv_text = _run(tmp_path, "export", "--format", "csv").stdout
    assert csv_text.startswith("retailer,order_number,ordered_on,")
    other = tmp_path / "other"
    other.mkdir()
    round_trip = _run(other, "import", str(out))
    assert "251 new" in round_trip.stdout
    _run(tmp_path, "mark", "702-0000002-0000002", "delivered", "--on", "2026-11-25")
    ics = _run(tmp_path, "export", "--format", "ics").stdout
    assert "Kettle 1.7 L" in ics and "BEGIN:VALARM" in ics

    undone = _run(tmp_path, "undo")
    assert "mark 702-0000002-0000002 delivered" in undone.stdout


def test_cli_unknown_file_is_one_line(tmp_path):
    done = _run(tmp_path, "import", str(tmp_path / "nope.csv"), ok=(2,))
    assert done.stderr.startswith("unship: can't read") and "Traceback" not in done.stderr


def test_export_output_is_written_through_the_durable_write(tmp_path, monkeypatch, capsys):
    """`export --output` replaces the file whole and fsyncs it; when the write fails, the old
    file stays as it was and no temp file is left."""
    from unship import cli

    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    db = tmp_path / "orders.json"
    out = tmp_path / "out.csv"
    out.write_text("old contents that must go\n")
    assert (
        cli.main(
            [
                "--db",
                str(db),
                "--today",
                TODAY.isoformat(),
                "export",
                "--format",
                "csv",
                "--output",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_text().startswith("retailer,order_number,")
    assert synced, "the export was not fsynced"

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    code = cli.main(["--db", str(db), "export", "--format", "json", "--output", str(out)])
    assert code == 2
    assert "can't write" in capsys.readouterr().err
    assert out.read_text().startswith("retailer,order_number,"), "the old export was damaged"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".out")) == []
