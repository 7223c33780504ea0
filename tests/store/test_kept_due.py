"""`due` from the kept facts (store/kept_due.py) is the book's own `due()`, or nothing: it
never answers for a file, a day or rules its facts were not worked out for."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from kept_support import BOOK_CHANGES, apply_changes
from unship.store import facts, kept_due
from unship.store.paths import cache_dir, config_dir
from unship.store.repository import OrderBook

from unship.cli import main

TODAY = date(2026, 11, 28)


@pytest.fixture
def path(demo_file):
    return demo_file


def book_due(path, today, days):
    """The book's answer, after which its facts are kept for `today`."""
    with OrderBook(path, today=today) as book:
        return book.due(days)


@pytest.mark.parametrize("shift", [-40, -9, 0, 1, 3, 20, 90, 400])
def test_the_kept_answer_is_the_books_on_any_day_for_any_span(path, shift):
    today = TODAY + timedelta(days=shift)
    for days in (0, 1, 7, 30, 3650):
        expected = book_due(path, today, days)
        assert kept_due(path, today, days) == expected
    assert book_due(path, TODAY, 30)  # the demo has deadlines to keep


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    BOOK_CHANGES,
    st.integers(-20, 60),
    st.integers(0, 60),
)
def test_after_any_changes_the_kept_answer_is_the_truth_or_nothing(path, changes, shift, days):
    apply_changes(path, changes, TODAY)
    today = TODAY + timedelta(days=shift)
    with OrderBook(path, today=today, keep_facts=False) as book:  # worked out, nothing kept
        truth = book.due(days)
    before = kept_due(path, today, days)  # facts kept by an earlier example, if any
    assert before is None or before == truth
    assert book_due(path, today, days) == truth
    assert kept_due(path, today, days) == truth


def test_nothing_is_answered_without_facts_kept_for_this_file_today_and_these_rules(path):
    assert kept_due(path, TODAY, 7) is None  # never worked out
    expected = book_due(path, TODAY, 7)
    assert kept_due(path, TODAY, 7) == expected and expected
    assert kept_due(path, TODAY + timedelta(days=1), 7) is None  # another day
    with OrderBook(path, today=TODAY) as book:  # another version of the file
        book.record(book.orders()[0].id, "delivered", TODAY)
    assert kept_due(path, TODAY, 7) is None
    book_due(path, TODAY, 7)
    assert kept_due(path, TODAY, 7) is not None
    config_dir().mkdir(parents=True, exist_ok=True)
    (config_dir() / "policies.json").write_text("{}")  # rules of the person's own
    assert kept_due(path, TODAY, 7) is None
    book_due(path, TODAY, 7)  # kept under those rules, which the book reads and checks first
    assert kept_due(path, TODAY, 7) is None


def test_a_copy_in_place_of_the_file_is_another_file(path):
    book_due(path, TODAY, 7)
    copy = path.with_name("copy.json")
    shutil.copy2(path, copy)
    os.replace(copy, path)  # the same bytes, size and time, but not the file the facts were for
    assert kept_due(path, TODAY, 7) is None


def test_facts_kept_for_some_orders_only_answer_nothing(path):
    with OrderBook(path, today=TODAY) as book:
        book.facts(book.orders()[0])  # one order worked out, and kept
    [kept] = cache_dir().glob("facts-*.msgpack")
    assert len(facts._saved.decode(kept.read_bytes()).ids) == 1
    assert kept_due(path, TODAY, 7) is None


@pytest.mark.parametrize("damage", [b"", b"\x93garbage", None])
def test_a_damaged_facts_file_answers_nothing(path, damage):
    book_due(path, TODAY, 7)
    [kept] = cache_dir().glob("facts-*.msgpack")
    data = kept.read_bytes()
    kept.write_bytes(damage if damage is not None else data[: len(data) // 2])
    assert kept_due(path, TODAY, 7) is None


def test_a_file_that_cannot_be_read_answers_nothing(path, tmp_path):
    book_due(path, TODAY, 7)
    path.write_bytes(b"{")
    assert kept_due(path, TODAY, 7) is None
    assert kept_due(tmp_path / "missing.json", TODAY, 7) is None


def run(path, *argv):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", str(path), "--today", TODAY.isoformat(), "due", *argv])
    return code, out.getvalue()


def test_the_command_prints_the_same_without_opening_the_book(path, monkeypatch):
    first = run(path), run(path, "--json"), run(path, "--days", "0")
    assert json.loads(first[1][1]) and first[0][0] == 0

    def never(*args, **kwargs):
        raise AssertionError("the book was opened")

    monkeypatch.setattr(OrderBook, "__init__", never)
    assert (run(path), run(path, "--json"), run(path, "--days", "0")) == first
