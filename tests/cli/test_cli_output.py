"""The command line's text fits the terminal in display cells, never breaks a word, and is
whole when piped."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date

import pytest
from terminal_support import UNSHIP, Terminal, skip_reason, unship_env

from unship.cli_output import cells, print_table, shorten, wrap

TODAY = "2026-11-28"


def test_wide_characters_count_two_cells():
    assert cells("abc") == 3
    assert cells("日本語") == 6
    assert cells("e\u0301") == 1  # a combining accent takes no cell


@pytest.mark.parametrize("width", range(4, 30))
def test_shortening_keeps_whole_words_within_the_width(width):
    title = "Anker USB-C to USB-C cable, 日本語 6 ft"
    short = shorten(title, width)
    assert cells(short) <= width
    if short != title:
        assert short.endswith("…")
        words = short[:-1].split(" ")
        assert all(w in title.split(" ") for w in words[:-1])


def test_wrapping_breaks_between_words_only():
    text = "Choose a reason and a drop-off or pick-up option (at least one is usually free)"
    lines = wrap(text, "      - ", 40, "        ")
    assert all(cells(line) <= 40 for line in lines)
    assert " ".join(line.strip().removeprefix("- ") for line in lines) == text


def test_a_table_fits_its_width_and_drops_the_optional_column(capsys):
    rows = [["1", "Amazon", "113-4820195-7730611", "日本語のタイトル " * 4, "$68.47"]]
    header = ["ID", "RETAILER", "ORDER", "TITLE", "TOTAL"]
    print_table(header, rows, right={0, 4}, flex={3: (24, 10)}, optional={2}, width=50)
    lines = capsys.readouterr().out.splitlines()
    assert all(cells(line) <= 50 for line in lines)
    assert "ORDER" not in lines[0] and "$68.47" in lines[1]


def _unship(*args, db):
    return subprocess.run(
        [UNSHIP, "--db", str(db), "--today", TODAY, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **unship_env(), "COLUMNS": "40"},
    )


def test_piped_output_is_never_cut(tmp_path):
    db = tmp_path / "o.json"
    title = "A very long title that would never fit in forty columns of a terminal"
    assert _unship("add", f"amazon 111-0000001-0000001 '{title}' 9.99", db=db).returncode == 0
    out = _unship("list", db=db).stdout
    assert title in out and "111-0000001-0000001" in out


def test_nothing_due_says_one_day_and_show_uses_the_apps_words(tmp_path):
    db = tmp_path / "o.json"
    _unship("add", "amazon 111-0000001-0000001 Cable 9.99 2026-11-01", db=db)
    assert _unship("due", "--days", "1", db=db).stdout == "Nothing due in the next 1 day.\n"
    _unship("mark", "1", "delivered", "--on", "2026-11-03", db=db)
    _unship("mark", "1", "return-requested", db=db)
    shown = _unship("show", "1", db=db).stdout
    assert "return started" in shown and "return-requested" not in shown


@pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))
@pytest.mark.parametrize("command", [["list"], ["due", "--days", "90"], ["actions", "4"]])
def test_in_an_80_column_terminal_no_line_wraps(tmp_path, command):
    term = Terminal(tmp_path, width=80, height=60)
    try:
        term.start([UNSHIP, "--demo", "--today", TODAY, *command], env=unship_env())
        assert term.wait_exit() == 0
        screen = term.lines()
    finally:
        term.close()
    piped = subprocess.run(  # the same output, piped: whole, to compare with
        [UNSHIP, "--demo", "--today", TODAY, *command], capture_output=True, text=True, timeout=60
    )
    words = set(piped.stdout.split())
    assert all(cells(line) <= 80 for line in screen)
    if command == ["list"]:  # the deadline, last, takes its short forms: never cut
        assert not [line for line in screen if line.endswith("…")]
    for line in screen:
        if line.startswith("[the command"):
            continue
        # every word shown is a whole word of the output ("usuall" / "y free" were not),
        # except a shortened one's last word, which ends in "…", and the days left in a
        # deadline's short form ('return · 64d left', 'return · ~tomorrow')
        broken = [
            w
            for w in line.split()
            if w not in words and not w.endswith("…") and not SHORT_LEFT.fullmatch(w)
        ]
        assert not broken, line


SHORT_LEFT = re.compile(r"~?(\d+d|tomorrow|today)")


def test_the_lists_deadline_keeps_its_days_left_in_80_columns(capsys):
    """The deadline gives way before the title, in its own shorter forms: never cut to
    'return by ~13 Oct…' with the days left gone."""
    from functools import partial

    from unship.store import deadline_text
    from unship.store.facts import Deadline

    from unship.cli_commands import LIST_FLEX

    today = date(2024, 9, 30)
    due = Deadline(4, date(2024, 10, 13), "return", "Return", "", (0,), False, True)
    header = ["ID", "RETAILER", "ORDER", "TITLE", "TOTAL", "STATE", "NEXT DEADLINE"]
    row = ["4", "Amazon.ca", "702-1025179-8815454", "Vacuum Storage Bags 12 Jumbo, Space Saver"]
    row += [
        "CA$54.98",
        "delivered",
        (deadline_text(due, today), partial(deadline_text, due, today)),
    ]
    for width, deadline in [
        (80, "return · ~13d left"),
        (100, "return ~13 Oct · 13d left"),
        (200, "return by ~13 Oct (estimated) · 13 days left"),
    ]:
        print_table(header, [row], right={0, 4}, flex=LIST_FLEX, optional={2}, width=width)
        lines = capsys.readouterr().out.splitlines()
        assert all(cells(line) <= width for line in lines)
        assert lines[1].endswith(deadline), (width, lines[1])
        assert "Vacuum Storage…" in lines[1] or "Vacuum Storage Bags" in lines[1]


def test_a_shortened_title_keeps_how_many_items_more(capsys):
    """As the app's rows: 'Vacuum Storage… +1', not 'Vacuum Storage…' with the item gone."""
    from unship.cli_commands import LIST_FLEX, title_cell

    header = ["ID", "RETAILER", "ORDER", "TITLE", "TOTAL", "STATE", "NEXT DEADLINE"]
    title = "Vacuum Storage Bags 12 Jumbo, Space Saver Sealer Bags for Clothes +1"
    row = ["1", "Amazon.ca", "702-4060128-5100216", title_cell(title, 1), "CA$54.98"]
    row += ["delivered", "return · ~23d left"]
    for width, shown in [(80, r"Vacuum Storage[\w ]*… \+1 "), (200, re.escape(title))]:
        print_table(header, [row], right={0, 4}, flex=LIST_FLEX, optional={2}, width=width)
        line = capsys.readouterr().out.splitlines()[1]
        assert re.search(shown, line) and cells(line) <= width, (width, line)
    assert title_cell("Lamp", 0) == "Lamp"  # one item: as it is
