"""`list --json` kept from one run to the next (store/kept_list.py) prints exactly what the
book would, or is not used: never for another file version, day, set of options or rules."""

from __future__ import annotations

import contextlib
import io
import os
import shutil
from datetime import date, timedelta
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kept_support import BOOK_CHANGES, apply_changes
from unship.store import facts, kept_list
from unship.store.kept_list import kept_file, kept_output
from unship.store.paths import config_dir
from unship.store.repository import OrderBook

from unship.cli import main

TODAY = date(2026, 11, 28)
ALL = "all=True archived=False state="  # the options of `list --all --json`


@pytest.fixture
def path(demo_file):
    return demo_file


def run_list(path, *argv: str, today: date = TODAY) -> bytes:
    """`unship list ... --json`'s standard output, through a UTF-8 stream as a pipe has."""
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    with contextlib.redirect_stdout(out):
        code = main(["--db", str(path), "--today", today.isoformat(), "list", *argv, "--json"])
    assert code == 0
    out.flush()
    return out.buffer.getvalue()


def worked_out(path, *argv: str, today: date = TODAY) -> bytes:
    """The output with nothing kept used: from the book."""
    with mock.patch("unship.store.kept_output", return_value=None):
        return run_list(path, *argv, today=today)


def never(*args, **kwargs):
    raise AssertionError("the book was opened")


@pytest.mark.parametrize("argv", [(), ("--all",), ("--archived",), ("--state", "delivered")])
def test_a_later_run_prints_the_same_without_opening_the_book(path, monkeypatch, argv):
    first = run_list(path, *argv)
    assert first.startswith(b"[") and first.endswith(b"]\n")
    with monkeypatch.context() as patched:
        patched.setattr(OrderBook, "__init__", never)
        assert run_list(path, *argv) == first
    assert worked_out(path, *argv) == first


def test_only_the_same_options_day_file_version_and_rules_are_answered(path):
    assert kept_output(path, TODAY, ALL) is None  # never run
    expected = run_list(path, "--all")
    assert kept_output(path, TODAY, ALL) == expected
    assert kept_output(path, TODAY, "all=False archived=False state=") is None
    assert kept_output(path, TODAY + timedelta(days=1), ALL) is None
    with OrderBook(path, today=TODAY) as book:  # another version of the file
        book.record(book.orders()[0].id, "delivered", TODAY)
    assert kept_output(path, TODAY, ALL) is None
    changed = run_list(path, "--all")
    assert changed != expected and kept_output(path, TODAY, ALL) == changed
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "settings.json").write_text('{"dates": "day-first"}')  # other settings
    assert kept_output(path, TODAY, ALL) is None
    run_list(path, "--all")
    assert kept_output(path, TODAY, ALL) == changed
    (config_dir() / "policies.json").write_text("{}")  # rules of the person's own
    assert kept_output(path, TODAY, ALL) is None
    run_list(path, "--all")  # the book reads and checks them first: nothing is answered
    assert kept_output(path, TODAY, ALL) is None


def test_another_version_of_the_command_line_is_not_answered(path, tmp_path, monkeypatch):
    """`list`'s filtering and printing are the command line's (unship/), not the store's."""
    fake = tmp_path / "command-line"
    fake.mkdir()
    (fake / "cli_output.py").write_text("# one version\n")
    monkeypatch.setattr(kept_list, "_command_line", lambda: str(fake))
    expected = run_list(path, "--all")
    assert kept_output(path, TODAY, ALL) == expected
    (fake / "cli_output.py").write_text("# another version\n")
    assert kept_output(path, TODAY, ALL) is None


def test_a_copy_in_place_of_the_file_is_another_file(path):
    run_list(path, "--all")
    copy = path.with_name("copy.json")
    shutil.copy2(path, copy)
    os.replace(copy, path)  # the same bytes, size and time, but not the file it was kept for
    assert kept_output(path, TODAY, ALL) is None


@pytest.mark.parametrize("damage", [b"", b"\x93garbage", None])
def test_a_damaged_kept_file_answers_nothing(path, damage):
    expected = run_list(path, "--all")
    kept = kept_file(path)
    data = kept.read_bytes()
    kept.write_bytes(damage if damage is not None else data[: len(data) // 2])
    assert kept_output(path, TODAY, ALL) is None
    assert run_list(path, "--all") == expected  # and is made again
    assert kept_output(path, TODAY, ALL) == expected


@pytest.mark.parametrize(
    "planted", [b"\x1b]52;c;aGk=\x07", b"\xc2\x9b2J", b"\xe2\x80\xae", b"\xff", b"\r"]
)
def test_kept_bytes_are_printed_only_as_print_json_would_write_them(path, planted):
    """A kept file is read back from disk: an escape sequence, a C1 or bidi control, bytes
    that are not UTF-8 are never written to the terminal; the book's output is."""
    expected = run_list(path, "--all")
    kept_path = kept_file(path)
    kept = kept_list._decode(kept_path.read_bytes())
    kept.output = kept.output.replace(b'"retailer": ', b'"retailer": ' + planted, 1)
    kept_path.write_bytes(kept_list._encode(kept))
    assert kept_output(path, TODAY, ALL) == kept.output  # as kept: the printing refuses it
    assert run_list(path, "--all") == expected


def test_a_data_file_that_cannot_be_read_answers_nothing(path, tmp_path):
    run_list(path, "--all")
    path.write_bytes(b"{")
    assert kept_output(path, TODAY, ALL) is None
    assert kept_output(tmp_path / "missing.json", TODAY, ALL) is None


def test_nothing_is_kept_when_the_file_changed_while_it_was_read(path, monkeypatch):
    versions = iter([(1, 2, 3, 4, 5), (1, 2, 3, 4, 6)])  # before the orders, after printing
    monkeypatch.setattr(OrderBook, "version", lambda self: next(versions))
    run_list(path, "--all")
    assert not kept_file(path).exists()


def test_kept_outputs_of_data_files_long_gone_are_deleted(path):
    run_list(path)
    folder = kept_file(path).parent
    gone = folder / "list-0badf00d-moved.json.msgpack"
    facts_file = folder / "facts-0badf00d-moved.json.msgpack"
    for file in (gone, facts_file):
        file.write_bytes(b"x")
        old = os.stat(kept_file(path)).st_mtime - facts.FORGET_AFTER - 60
        os.utime(file, (old, old))
    run_list(path, "--all")  # kept again
    assert not gone.exists() and kept_file(path).exists()
    assert facts_file.exists()  # the facts' own save tidies those


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    BOOK_CHANGES,
    st.integers(-20, 60),
    st.sampled_from([(), ("--all",), ("--archived",), ("--state", "shipped")]),
)
def test_after_any_changes_the_kept_output_is_the_truth_or_nothing(path, changes, shift, argv):
    apply_changes(path, changes, TODAY)
    today = TODAY + timedelta(days=shift)
    options = f"all={'--all' in argv} archived={'--archived' in argv} state="
    options += "shipped" if "--state" in argv else ""
    before = kept_output(path, today, options)  # kept by an earlier example, if any
    truth = worked_out(path, *argv, today=today)
    assert before in (None, truth)
    assert run_list(path, *argv, today=today) == truth
    assert kept_output(path, today, options) == truth
