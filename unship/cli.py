"""unship's command line: the scripting face of the order book.

It never imports Textual unless it opens the app, so `unship due` starts fast.
Exit status: 0 success, 2 an error (a one-line message on stderr, nothing changed);
`unship due` exits 0 when something is due and 1 when nothing is.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from unship import __version__, cli_backup, cli_config, cli_serve
from unship.cli_errors import EXIT_ERROR, EXIT_OK, CliError


def _date(text: str) -> date:
    if len(text) == 10 and text.isascii() and text[4] == text[7] == "-":
        try:  # as scripts give it: no need to load the reader of typed dates
            return date.fromisoformat(text)
        except ValueError:
            pass  # the reader says what is wrong with it
    from unship.store import ParseError, parse_date

    try:
        return parse_date(text, date.today(), exact=True)
    except ParseError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


# --today and --days are bounded so that deadlines (today + days, return windows) stay far
# inside what a date can hold: --today 9999-12-31 and --days 10**11 overflowed.
TODAY_RANGE = (date(1990, 1, 1), date(2999, 12, 31))
MAX_DAYS = 3650


def _today(text: str) -> date:
    day = _date(text)
    if not TODAY_RANGE[0] <= day <= TODAY_RANGE[1]:
        raise argparse.ArgumentTypeError(
            f"{day.isoformat()} is out of range: from {TODAY_RANGE[0].year} to {TODAY_RANGE[1].year}"
        )
    return day


def _days(text: str) -> int:
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if not 0 <= days <= MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{days} days: give 0 to {MAX_DAYS}")
    return days


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser. Given the arguments it is for, it holds only the parser of
    the command they name (`command_named`), which parses them alike: argparse takes about
    4 ms to build all of them, which every `unship due` in a shell prompt would wait for."""
    parser = argparse.ArgumentParser(
        prog="unship",
        description="The order book that never forgets what you can still do about an order. "
        "With no command, opens the full-screen app.",
    )
    parser.add_argument("--version", action="version", version=f"unship {__version__}")
    parser.add_argument(
        "--db",
        type=Path,
        help="the data file (default: $UNSHIP_DB, else orders.json in your data folder)",
    )
    parser.add_argument(
        "--today",
        type=_today,
        metavar="YYYY-MM-DD",
        help="judge deadlines as if today were this date",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="use a throwaway database of example orders (never your real one)",
    )
    parser.add_argument(
        "--theme",
        metavar="NAME",
        help="the app's colours, remembered for next time: high-contrast, ansi-dark (your "
        "terminal's own colours), textual-dark, nord... (a wrong name lists them all)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    named = command_named(argv) if argv is not None else None
    for name, add in _COMMANDS.items():
        if named is None or name == named:
            add(sub)
    return parser


# The options before a command: those that take a value, and the flags.
_VALUED = ("--db", "--today", "--theme")
_VALUED_JOINED = tuple(f"{option}=" for option in _VALUED)  # --db=FILE
_FLAGS = ("--demo",)


def command_named(argv: Sequence[str]) -> str | None:
    """The command `argv` runs ('' for none: the app) when that is certain from the plain
    forms of the options that come before it; None when it takes the whole parser to tell
    (help, --version, an abbreviated, unknown or misplaced option, an unknown command)."""
    n = 0
    while n < len(argv):
        word = argv[n]
        if word in _FLAGS or word.startswith(_VALUED_JOINED):
            n += 1
        elif word in _VALUED:  # its value is the next word, whatever it is (or argparse says no)
            n += 2
        elif word.startswith("-"):
            return None
        else:
            return word if word in _COMMANDS else None
    return ""


def _add_add(sub) -> None:
    add = sub.add_parser(
        "add",
        help="log an order; prints its id",
        description="Log an order with options, or in one line: "
        "unship add 'amazon 113-1234567-1234567 \"USB-C cable\" 12.99 yesterday'",
    )
    add.add_argument(
        "line",
        nargs="*",
        metavar="LINE",
        help='quick add, quoted or not: RETAILER ORDER-NUMBER "TITLE" [PRICE] [DATE] [TRACKING]',
    )
    add.add_argument("--retailer")
    add.add_argument("--order-number")
    add.add_argument(
        "--item",
        action="append",
        metavar="TITLE",
        help="an item's title (repeat for several items)",
    )
    add.add_argument(
        "--price",
        action="append",
        metavar="P",
        help="the unit price of each --item, in order (12.99, $12.99, 12,99 €)",
    )
    add.add_argument("--quantity", action="append", metavar="N")
    add.add_argument("--category", action="append", metavar="K")
    add.add_argument("--seller", default="")
    add.add_argument(
        "--seller-window",
        metavar="DAYS",
        help="a marketplace seller's own return window in days, from their listing "
        "(without it the retailer's minimum for marketplace sellers applies)",
    )
    add.add_argument(
        "--currency",
        help="the order's currency (default: the one typed with a price, else the country "
        "site's the retailer names, CAD for Amazon.ca, else the one most of your orders are in; "
        "USD for the first)",
    )
    add.add_argument(
        "--ordered",
        metavar="DATE",
        help="order date: 2026-11-21, 11/21, 21 Nov, yesterday, 3 days ago (default today)",
    )
    add.add_argument("--carrier", default="")
    add.add_argument("--tracking", default="")
    add.add_argument("--notes", default="")


def _add_edit(sub) -> None:
    edit = sub.add_parser(
        "edit",
        help="change an order's details (its items: in the app's form)",
        description="Change what is given; an empty value clears it (--seller '').",
    )
    edit.add_argument("id", metavar="ID")
    edit.add_argument("--retailer")
    edit.add_argument("--order-number")
    edit.add_argument("--ordered", metavar="DATE", help="the order date")
    edit.add_argument("--currency")
    edit.add_argument("--seller", help="every item's marketplace seller ('': the retailer)")
    edit.add_argument(
        "--seller-window",
        metavar="DAYS",
        help="the seller's (or an unknown shop's) own return window in days",
    )
    edit.add_argument("--carrier")
    edit.add_argument("--tracking")
    edit.add_argument("--notes")


def _add_list(sub) -> None:
    from unship.store import ARCHIVE_AFTER_DAYS, State

    quiet = f"settled orders quiet for {ARCHIVE_AFTER_DAYS} days"
    lst = sub.add_parser(
        "list",
        help=f"list orders (not the archive: {quiet})",
        description="List the orders the app's main view lists: open ones, and settled ones "
        f"active in the last {ARCHIVE_AFTER_DAYS} days. --all adds the archive ({quiet}); "
        "--archived lists it alone.",
    )
    which = lst.add_mutually_exclusive_group()
    which.add_argument("--all", action="store_true", help="every order, the archive included")
    which.add_argument("--archived", action="store_true", help="only the archive")
    lst.add_argument(
        "--state",
        choices=[s.value for s in State],
        metavar="STATE",
        help="only orders with an item in this state, as the list shows it (a parcel past its "
        "latest expected day counts as delivered): " + ", ".join(s.value for s in State),
    )
    lst.add_argument("--json", action="store_true")


def _add_show(sub) -> None:
    show = sub.add_parser("show", help="one order with its items, history and actions")
    show.add_argument("id", metavar="ID", help="the id from `add`, or the retailer's order number")
    show.add_argument("--json", action="store_true")


def _add_mark(sub) -> None:
    from unship.store import Event

    mark = sub.add_parser("mark", help="record what happened to an order")
    mark.add_argument("id", metavar="ID")
    events = [e.value for e in Event] + ["picked-up"]
    mark.add_argument(
        "event",
        choices=events,
        metavar="EVENT",
        help="one of: " + ", ".join(events) + " (picked-up: from the pickup point a notice named)",
    )
    mark.add_argument(
        "--on",
        metavar="DATE",
        help="when it happened: 2026-11-21, 11/21, yesterday... (default today; for delivered, "
        "the estimated day if there is one)",
    )
    mark.add_argument(
        "--item",
        type=int,
        action="append",
        metavar="N",
        help="only item N (1-based; repeat for several); default: every item it applies to",
    )
    mark.add_argument("--note", default="")
    mark.add_argument(
        "--amount",
        metavar="MONEY",
        help="with refunded: how much came back (less than the price flags it as short)",
    )
    mark.add_argument(
        "--tracking", metavar="NUMBER", help="with return-shipped: the return's tracking number"
    )


def _add_actions(sub) -> None:
    act = sub.add_parser("actions", help="what you can do about an order now, and by when")
    act.add_argument("id", metavar="ID")
    act.add_argument("--json", action="store_true")


def _add_due(sub) -> None:
    due = sub.add_parser("due", help="deadlines in the next N days; exit 0 if any, 1 if none")
    # `unship due 30` reads as it sounds; --days N says the same
    due.add_argument("n", nargs="?", type=_days, metavar="N", help="the same as --days N")
    due.add_argument("--days", type=_days, help=f"0 to {MAX_DAYS} (default 7)")
    due.add_argument("--json", action="store_true")


def _add_delete(sub) -> None:
    delete = sub.add_parser(
        "delete",
        help="delete orders (no question asked: `unship undo` brings them back)",
        description="Delete orders by id or order number, all in one change: `unship undo` "
        "brings them all back. An unknown one deletes nothing.",
    )
    delete.add_argument("ids", nargs="+", metavar="ID")


def _add_undo(sub) -> None:
    sub.add_parser("undo", help="undo the last change")


def _add_redo(sub) -> None:
    sub.add_parser("redo", help="make the change the last undo took back again")


def _add_import(sub) -> None:
    imp = sub.add_parser(
        "import",
        help="import orders from a file (Amazon exports, unship JSON or CSV) or facts from mail",
        description="Import orders. Re-importing changes nothing; a newer export moves orders "
        "on without losing what you recorded. With rejected rows nothing is written unless "
        "--partial. Exit 0 on success, 2 when nothing was imported because of an error.",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument("more", type=Path, nargs="*", metavar="FILE", help="more .eml files")
    imp.add_argument(
        "--format",
        choices=["amazon", "amazon-report", "amazon-returns", "json", "csv", "mail"],
        help="the file's format (default: found from its first line)",
    )
    imp.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    imp.add_argument(
        "--add",
        action="store_true",
        help="mail: log the orders of order confirmations that are not in the book yet",
    )
    imp.add_argument(
        "--partial", action="store_true", help="import the good rows even if some are rejected"
    )


def _add_export(sub) -> None:
    exp = sub.add_parser("export", help="export orders (json, csv) or deadlines (ics)")
    exp.add_argument("--format", choices=["json", "csv", "ics"], default="json")
    exp.add_argument("--output", "-o", type=Path, metavar="FILE", help="default: standard output")


# Each command's parser, in the order --help lists them.
_COMMANDS: dict[str, Callable[[Any], None]] = {
    "add": _add_add,
    "edit": _add_edit,
    "list": _add_list,
    "show": _add_show,
    "mark": _add_mark,
    "actions": _add_actions,
    "due": _add_due,
    "delete": _add_delete,
    "undo": _add_undo,
    "redo": _add_redo,
    "import": _add_import,
    "export": _add_export,
    "backup": cli_backup.add_parser,
    "serve": cli_serve.add_parser,
    "config": cli_config.add_parser,
}


def main(argv: list[str] | None = None) -> int:
    from unship.terminal import safe_output

    with safe_output():
        return _main(argv)


def _main(argv: list[str] | None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    if args.command == "due":
        if None not in (args.n, args.days) and args.n != args.days:
            parser.error(f"due: {args.n} or --days {args.days}? give one of them")
        args.days = next((d for d in (args.n, args.days) if d is not None), 7)
    try:
        if args.command is None:
            return _open_app(args)
        # The commands and their output come in here: the app's start does without them.
        from unship.cli_commands import COMMANDS, _print_json, _print_table

        if args.command == "backup":
            from unship.store import default_db_path

            path = _db_path(args) or default_db_path()
            return cli_backup.run(path, args, _print_json, _print_table)
        if args.command == "config":
            return cli_config.run(args, _print_json, _print_table)
        if args.command == "serve":
            return cli_serve.run(args, _app_command(args))
        if args.command == "due" and not args.demo:  # a later run of the day: no book opened
            from unship.cli_commands import print_due
            from unship.store import kept_due

            today = args.today or date.today()
            due = kept_due(args.db, today, args.days)
            if due is not None:
                return print_due(due, today, args)
        if args.command == "list" and args.json and not args.demo:  # as printed before
            from unship.cli_commands import list_options
            from unship.cli_output import print_kept
            from unship.store import kept_output

            kept = kept_output(args.db, args.today or date.today(), list_options(args))
            if kept is not None and print_kept(kept):
                return EXIT_OK
        from unship.store import OrderBook

        with OrderBook(_db_path(args), today=args.today) as book:
            return COMMANDS[args.command](book, args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as error:  # every error a person can cause ends in one line
        if not isinstance(error, _user_errors()):
            raise
        print(f"unship: {error}", file=sys.stderr)
        return EXIT_ERROR


def _user_errors() -> tuple[type[Exception], ...]:
    from unship.store import ModelError, MoneyError, PolicyError, StoreError

    return (CliError, ModelError, MoneyError, PolicyError, StoreError)


def _db_path(args: argparse.Namespace) -> Path | None:
    if args.demo:
        from unship.store import demo_path

        return demo_path(args.today)
    return args.db


def _open_app(args: argparse.Namespace) -> int:
    from unship.terminal import unwrapped
    from unship.tui.app import run

    theme = _theme(args)
    unwrapped()

    return run(db=_db_path(args), today=args.today, demo=args.demo, theme=theme)


def _theme(args: argparse.Namespace) -> str | None:
    if args.theme is None:
        return None
    from unship.tui.themes import check_theme

    try:
        return check_theme(args.theme)
    except ValueError as error:
        raise CliError(str(error)) from None


def _app_command(args: argparse.Namespace) -> list[str]:
    """The command that opens the app on the same book, for `serve` to run per browser tab."""
    # -P: a folder called unship/ where the server was started must not shadow the package
    command = [sys.executable, "-P", "-m", "unship"]
    if args.demo:
        command.append("--demo")  # each browser tab gets its own throwaway copy
    else:
        from unship.store import default_db_path

        command += ["--db", str(Path(args.db or default_db_path()).expanduser().resolve())]
    if args.today:
        command += ["--today", args.today.isoformat()]
    theme = _theme(args)
    if theme:
        command += ["--theme", theme]
    return command


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    raise SystemExit(main())
