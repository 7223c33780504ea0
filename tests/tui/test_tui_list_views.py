"""The order list's archive view, search over history, reverse sort and column widths,
driven through the pilot (and the plain functions under them)."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from textual.binding import Binding
from textual.command import CommandPalette
from tui_support import ids, listed, screen_text, sync
from unship.store import deadline_text, demo
from unship.store.lifecycle import record
from unship.store.model import new_item, new_order
from unship.store.repository import OrderBook
from unship.tui import rows as R
from unship.tui.app import UnshipApp
from unship.tui.commands import UnshipCommands
from unship.tui.screens.help import HelpScreen
from unship.tui.screens.main import MainScreen
from unship.tui.widgets.order_list import (
    ASCII_SORT_MARKS,
    SORT_MARKS,
    fit_title,
    layout,
    sort_marks,
)

TODAY = date(2026, 11, 28)
OLD = R.ARCHIVE_AFTER_DAYS


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def add(book, number: str, title: str, ordered: int, events=(), notes: str = "") -> int:
    """An order placed `ordered` days ago, then (event, days ago, note) recorded."""
    order = book.add(
        new_order("Target", number, ago(ordered), [new_item(title, 2500)], notes=notes)
    )
    for event, days, note in events:
        book.record(order.id, event, ago(days), note=note)
    return order.id


@pytest.fixture
def book(tmp_path):
    """The demo orders, and three done long ago: two archived, one active lately."""
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        demo.fill(b, TODAY)
        b.old_kept = add(
            b, "OLD-1", "Garden hose", 300, [("delivered", 290, ""), ("kept", OLD + 1, "")]
        )
        b.old_refunded = add(
            b,
            "OLD-2",
            "Rain jacket",
            250,
            [
                ("delivered", 240, ""),
                ("return-requested", 235, "reason: seams leak"),
                ("return-shipped", 230, "return tracking 1ZRETURN77"),
                ("refunded", 200, ""),
            ],
        )
        # Kept exactly ARCHIVE_AFTER_DAYS ago: not archived yet (only older than that is).
        b.edge = add(b, "EDGE-1", "Desk fan", 200, [("delivered", 190, ""), ("kept", OLD, "")])
        yield b


# -- archive -----------------------------------------------------------------------------
def test_archive_rule_is_done_and_last_active_before_the_cutoff(book):
    cutoff = R.archive_cutoff(TODAY)
    assert cutoff == TODAY - timedelta(days=90)
    rows = {o.id: R.Row(o) for o in book.orders()}
    assert rows[book.old_kept].archived(cutoff)
    assert rows[book.old_refunded].archived(cutoff)
    assert not rows[book.edge].archived(cutoff)  # last active on the cutoff itself
    assert rows[book.old_refunded].last_active == ago(200)
    archived = {i for i, row in rows.items() if row.archived(cutoff)}
    assert archived == {book.old_kept, book.old_refunded}  # no demo order: all recent
    # An order the advice engine still has something to do for stays out of the archive.
    row = rows[book.old_kept]
    row.facts = R.Facts(None, True, 0, 0)
    assert not row.archived(cutoff)


@sync
async def test_unship_list_lists_what_the_app_lists_and_the_archive_apart(book, capsys):
    from unship.cli import main

    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        shown = {}
        for key, view in (("1", "all"), ("6", "archive")):
            await pilot.press(key)
            shown[view] = sorted(ids(app))

    def listed_by_cli(*options: str) -> list[int]:
        assert main(["--db", str(book.path), "--today", str(TODAY), "list", *options]) == 0
        return sorted(row["id"] for row in json.loads(capsys.readouterr().out))

    assert listed_by_cli("--json") == shown["all"]
    assert listed_by_cli("--archived", "--json") == shown["archive"]
    assert shown["archive"] == sorted([book.old_kept, book.old_refunded])
    assert listed_by_cli("--all", "--json") == sorted(o.id for o in book.orders())
    assert main(["--db", str(book.path), "--today", str(TODAY), "list"]) == 0
    out, err = capsys.readouterr()
    assert "Garden hose" not in out and "Desk fan" in out  # the edge: not archived yet
    assert (
        err
        == "2 settled orders are in the archive (quiet for 90 days): `unship list --all` lists them too\n"
    )


def test_an_old_order_that_is_not_done_is_never_archived(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        lost = add(b, "LOST-1", "Parcel that never came", 400, [("shipped", 395, "")])
        row = R.Row(b.get(lost))
        assert not row.archived(R.archive_cutoff(TODAY))


@sync
async def test_archive_view_holds_old_done_orders_and_the_header_says_so(book):
    app = UnshipApp(book)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        everything = {o.id for o in book.orders()}
        archived = {book.old_kept, book.old_refunded}
        assert set(ids(app)) == everything - archived
        text = screen_text(app)
        assert "2 archived" in text.splitlines()[0]  # the summary line
        assert "6 archive 2" in text
        assert f"1 all {len(everything) - 2}" in text
        await pilot.press("6")
        assert app.main_screen.view == "archive"
        assert set(ids(app)) == archived
        assert "Garden hose" in screen_text(app)
        await pilot.press("5")  # done: recently done orders only
        assert book.edge in ids(app) and not archived & set(ids(app))
        await pilot.press("1")
        assert set(ids(app)) == everything - archived


@sync
async def test_archive_counts_stay_visible_at_80_columns(book):
    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        tabs = screen_text(app).splitlines()[1]
        assert "archive 2" in tabs or "arch 2" in tabs


@sync
async def test_archive_view_from_the_palette(book):
    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        names = [name for name, _c, _h in UnshipCommands(app.screen)._commands()]
        assert "Show archive" in names and "Reverse the sort" in names
        await pilot.press("ctrl+p")
        await pilot.press(*"show archive")
        await _wait_for_hits(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
        assert app.main_screen.view == "archive"


async def _wait_for_hits(pilot, app) -> None:
    """Until the palette lists what it found (it searches in a worker)."""
    from textual.command import CommandList

    palette = app.screen
    assert isinstance(palette, CommandPalette)
    for _ in range(200):
        await pilot.pause()
        if palette.query_one(CommandList).option_count:
            return
    raise AssertionError("the palette found nothing")


# -- search ------------------------------------------------------------------------------
def test_search_text_holds_history_notes_and_event_words(book):
    row = R.Row(book.get(book.old_refunded))
    assert row._search is None  # built on first use only
    text = row.search
    assert "seams leak" in text and "1zreturn77" in text
    assert "return started" in text and "refunded" in text
    assert row.search is text  # once per order, not per keystroke
    assert R.filter_rows([row], "SEAMS leak") == [row]
    assert R.filter_rows([row], "placed") == []  # the order's own moments are not text


@sync
async def test_filter_finds_return_reasons_and_says_how_many_match(book):
    reason = add(
        book,
        "R-1",
        "Walking boots",
        20,
        [("delivered", 15, ""), ("return-requested", 5, "reason: too narrow")],
    )
    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        in_view = len(listed(app).rows)
        await pilot.press("slash", *"narrow")
        await pilot.pause()
        assert ids(app) == [reason]
        count = app.main_screen.query_one("#filter-count")
        assert str(count.render()) == f"1 of {in_view} match"
        assert f"1 of {in_view} match" in screen_text(app)
        # an archived order's history: counted apart, listed in the archive view
        await pilot.press("ctrl+a", "ctrl+k", *"seams")
        await pilot.pause()
        assert ids(app) == []
        assert str(count.render()) == f"0 of {in_view} match · 1 more in the archive (6)"
        await pilot.press("escape", "6", "slash", *"seams")
        await pilot.pause()
        assert ids(app) == [book.old_refunded]
        assert str(count.render()) == "1 of 2 match"
        await pilot.press("escape")
        await pilot.pause()
        assert not app.main_screen.query_one("#filter-bar").display


@sync
async def test_filter_builds_each_search_text_once(book):
    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("slash", "a")
        await pilot.pause()
        texts = {row.id: row._search for row in app.main_screen.rows}
        assert all(texts.values())
        await pilot.press(*"mazon", "backspace", "backspace")
        await pilot.pause()
        assert all(row._search is texts[row.id] for row in app.main_screen.rows)


# -- sort --------------------------------------------------------------------------------
@sync
async def test_reverse_sort_and_its_marker(book):
    app = UnshipApp(book)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        screen = app.main_screen
        header = screen_text(app).splitlines()[2]
        assert "next deadline ▲" in header  # urgency: the soonest deadline first
        first = ids(app)
        await pilot.press("S")
        assert screen.reverse and ids(app) == first[::-1]
        assert "next deadline ▼" in screen_text(app).splitlines()[2]
        assert "sort urgency ▼" in screen_text(app)
        await pilot.press("S")
        assert ids(app) == first
        await pilot.press("s", "s", "s")  # total: the highest first
        assert screen.sort == "total"
        totals = [r.order.total for r in listed(app).rows]
        assert totals == sorted(totals, reverse=True)
        assert "total ▼" in screen_text(app).splitlines()[2]
        await pilot.press("S")
        totals = [r.order.total for r in listed(app).rows]
        assert totals == sorted(totals)
        assert "total ▲" in screen_text(app).splitlines()[2]
        await pilot.press("s")  # the reversal stays with the next sort: oldest first
        assert screen.sort == "urgency" and screen.reverse


@sync
async def test_a_sort_by_a_column_not_shown_marks_the_title(book):
    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")  # by date: no order date column at 80 columns
        assert "title · ordered ▼" in screen_text(app).splitlines()[2]
        await pilot.press("S")
        days = [r.order.ordered_on for r in listed(app).rows]
        assert days == sorted(days)
    app = UnshipApp(book)
    async with app.run_test(size=(200, 30)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        header = screen_text(app).splitlines()[2]
        assert "ordered ▼" in header and "title ·" not in header


def test_sort_marks_fall_back_to_ascii():
    assert sort_marks("utf-8") == SORT_MARKS
    assert sort_marks("ascii") == ASCII_SORT_MARKS == {True: "^", False: "v"}
    assert sort_marks("no-such-encoding") == ASCII_SORT_MARKS
    for sort in R.SORTS:
        assert R.sort_ascends(sort, False) != R.sort_ascends(sort, True)


def test_reverse_sort_is_the_whole_list_backwards(book):
    rows = [R.Row(o) for o in book.orders()]
    for sort in R.SORTS:
        forward = R.sort_rows(rows, sort, TODAY)
        assert R.sort_rows(rows, sort, TODAY, reverse=True) == forward[::-1]


@sync
async def test_help_and_footer_name_the_new_keys(book):
    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = dict(row for _title, section in app.screen.sections for row in section)
        assert rows[app.get_key_display(Binding("S", "reverse_sort"))] == "reverse the sort"
        assert any("archive" in what for what in rows.values())
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


# -- columns -----------------------------------------------------------------------------
@pytest.mark.parametrize("width", [70, 80, 100, 120, 140, 160, 200, 240])
def test_columns_fill_the_width_exactly(width):
    cols = layout(width)
    assert sum(c.width + 1 for c in cols) == width  # narrower, the line is cut at the right
    names = [c.name for c in cols]
    assert names[-1] == "next deadline" and "title" in names


def test_titles_get_the_spare_cells_and_deadlines_their_day():
    widths = {w: {c.name: c.width for c in layout(w)} for w in (80, 120, 200)}
    assert widths[80]["title"] >= 17
    assert widths[120]["title"] >= 45 and widths[120]["next deadline"] >= 28
    assert widths[200]["next deadline"] >= 40 and "order" in widths[200]


@given(
    st.text(min_size=1, max_size=80).map(lambda s: s.replace("\n", " ")),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=90),
)
def test_fit_title_keeps_the_more_items_count(title, more_items, width):
    from unship.store.text import clean_line

    title = clean_line(title) or "x"
    more = f" +{more_items}" if more_items else ""
    text = fit_title(title, more, width)
    assert cell_len(text) == width
    if more and width > len(more) + 2:
        assert text.rstrip().endswith(more.strip())


def _closed_on(days_ago: int) -> str:
    from unship.store.days import day_text

    return "~" + day_text(ago(days_ago), TODAY)


@pytest.mark.parametrize("size", [(80, 24), (160, 30)])
@pytest.mark.parametrize(
    ("shipped", "closed", "perhaps", "narrow", "wide"),
    [
        # delivered 31-29 days ago: 30 days end yesterday to tomorrow, perhaps still open
        (31, 1, 1, "return? · tomorrow", "return perhaps until 29 Nov · 1 day left"),
        # delivered 34-32 days ago: 30 days ended 4-2 days ago whichever day it came
        (
            34,
            4,
            None,
            f"closed {_closed_on(4)}",
            f"return window closed {_closed_on(4)} (estimated)",
        ),
    ],
)
@sync
async def test_a_closed_window_s_row_says_until_when_it_may_be_open_or_when_it_closed(
    tmp_path, size, shipped, closed, perhaps, narrow, wide
):
    # shipped by one-day delivery (0-2 days in transit); the order's panel says the same day
    toque = new_item("Toque", 2500, extra={"shipping": "next-ca"})
    order = record(
        new_order("Amazon.ca", "702-1", ago(shipped + 1), [toque]), "shipped", ago(shipped)
    )
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        b.add(order)
        app = UnshipApp(b)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            (row,) = listed(app).rows
            facts = row.facts
            assert facts.deadline is None
            assert facts.perhaps == (TODAY + timedelta(days=perhaps) if perhaps else None)
            assert facts.closed_on == (None if perhaps else ago(closed))
            assert (narrow if size[0] == 80 else wide) in screen_text(app)
            await pilot.press("enter")
            await pilot.pause()
            assert f"closed on {_closed_on(closed)}" in screen_text(app)


def test_a_window_that_may_be_open_sorts_after_what_needs_action_soonest_first():
    from unship.store.facts import Deadline

    t = TODAY.toordinal()
    soon = Deadline(1, TODAY + timedelta(days=3), "return", "Return", "", (0,), False)
    ranks = [
        R.urgency_rank(R.Facts(soon, True, 0, 1), t),
        R.urgency_rank(R.Facts(None, True, 0, 0), t),  # needs action, nothing dated
        R.urgency_rank(R.Facts(None, False, 0, 0, perhaps=TODAY), t),
        R.urgency_rank(R.Facts(None, False, 0, 0, perhaps=TODAY + timedelta(days=40)), t),
        R.urgency_rank(R.Facts(None, False, 0, 0), t),
    ]
    assert ranks == sorted(ranks) and len(set(ranks)) == len(ranks)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 40)])
@sync
async def test_deadlines_are_never_cut_and_more_items_stay(book, size):
    app = UnshipApp(book)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        width = layout(listed(app).scrollable_content_region.width)[-1].width
        for row in listed(app).rows:
            d = row.facts.deadline
            if d is not None:
                cell = deadline_text(d, TODAY, width)
                assert cell in text, cell
                assert cell.split(" · ")[-1].endswith(("left", "overdue", "today", "tomorrow"))
        assert "+2" in text and "+1" in text  # the Anker cable +2, the Moleskine notebook +1
        if size[0] >= 120:
            assert "11 Dec" in text  # the deadline's day, not 'return · 13d left'
            assert "Sony WH-1000XM5 noise-cancelling headphones" in text


@sync
async def test_an_old_done_order_logged_now_says_it_went_to_the_archive(book):
    app = UnshipApp(book)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.notify = notes = _Notes()
        app.main_screen.notify = notes
        app.main_screen.select(book.old_kept)
        assert notes and "archive (6)" in notes[0]
        assert listed(app).current.id != book.old_kept


class _Notes(list):
    def __call__(self, message, *args, **kwargs):
        self.append(message)
