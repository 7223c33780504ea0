"""The parser built for the arguments at hand (only the named command's own parser) reads
every command line exactly as the whole parser does: the same values, or the same exit,
help and error text."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unship.cli import _COMMANDS, build_parser, command_named

WORDS = [
    *_COMMANDS,
    "--db",
    "--db=x.json",
    "--db=",
    "--d",
    "--to",
    "--today",
    "--today=2026-01-05",
    "2026-01-05",
    "yesterday",
    "1999-13-40",
    "--theme",
    "--theme=nord",
    "nord",
    "--demo",
    "--demo=1",
    "--version",
    "-h",
    "--help",
    "--",
    "-x",
    "--json",
    "--days",
    "3",
    "-1",
    "4000",
    "--state",
    "delivered",
    "--format",
    "ics",
    "-o",
    "out.ics",
    "list",
    "restore",
    "7",
    "returned",
    "x.json",
    "",
    "help",
]


def outcome(argv: list[str], parser) -> tuple:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            return ("parsed", vars(parser.parse_args(argv)))
        except SystemExit as exit:
            return ("exit", exit.code, out.getvalue(), err.getvalue())


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=6))
def test_the_parser_for_the_arguments_reads_them_as_the_whole_parser_does(argv):
    assert outcome(argv, build_parser(argv)) == outcome(argv, build_parser())


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        ([], ""),
        (["--db", "x.json", "--today", "2026-01-05"], ""),
        (["due"], "due"),
        (["--db", "due", "due", "--days", "3"], "due"),
        (["--db=x.json", "--demo", "--theme", "nord", "list", "--json"], "list"),
        (["--today", "-1", "due"], "due"),  # a bad value: argparse says so before "due"
        (["--tod", "2026-01-05", "due"], None),  # abbreviated: argparse resolves it
        (["-h"], None),
        (["--version"], None),
        (["--db"], ""),  # argparse says a value is missing
        (["help"], None),  # not a command: the error lists them all
    ],
)
def test_the_command_is_named_only_when_it_is_certain(argv, named):
    assert command_named(argv) == named


def test_a_command_line_builds_only_its_own_command():
    own = build_parser(["--db", "x.json", "due", "--days", "3"]).format_help()
    whole = build_parser().format_help()
    assert "deadlines in the next N days" in own
    assert "list orders" not in own
    assert all(f"    {name} " in whole for name in _COMMANDS)
