"""A deadline in words: one function for the list's column, `list`, `show` and the JSON."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from unship.store.advice import Deadline
from unship.store.days import deadline_text, short_left

TODAY = date(2026, 11, 28)


def due(days: int, estimated: bool = False, action: str = "return") -> Deadline:
    day = TODAY + timedelta(days=days)
    return Deadline(1, day, action, "Return", "", (0,), days < 0, estimated)


@pytest.mark.parametrize(
    ("d", "width", "text"),
    [
        (None, None, ""),
        (due(47), None, "return by 14 Jan 2027 · 47 days left"),
        (due(47), 30, "return 14 Jan 2027 · 47d left"),
        (due(47), 25, "return 14 Jan · 47d left"),
        (due(47), 18, "return · 47d left"),
        (due(47), 5, "47d left"),
        (due(5, estimated=True), None, "return by ~3 Dec (estimated) · 5 days left"),
        (due(5, estimated=True), 31, "return by ~3 Dec · 5 days left"),
        (due(5, estimated=True), 19, "return · ~5d left"),
        (due(-2), None, "return by 26 Nov · 2 days overdue"),
        (due(1), 24, "return 29 Nov · tomorrow"),
    ],
)
def test_the_longest_form_that_fits(d, width, text):
    assert deadline_text(d, TODAY, width) == text


@given(st.integers(-400, 800), st.booleans(), st.integers(1, 60))
def test_never_wider_than_asked_and_never_a_cut_word(days, estimated, width):
    """Each form is made of whole words; one wider than asked is only ever the time left."""
    text = deadline_text(due(days, estimated), TODAY, width)
    alone = ("~" if estimated else "") + short_left(TODAY + timedelta(days=days), TODAY)
    assert len(text) <= width or text == alone
    words = set(deadline_text(due(days, estimated), TODAY).replace("~", "").split())
    words |= set(alone.replace("~", "").split()) | {"return", f"{TODAY + timedelta(days=days):%b}"}
    words |= {str((TODAY + timedelta(days=days)).day)}
    assert set(text.replace("~", "").split()) <= words
