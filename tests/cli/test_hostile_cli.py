"""Hostile input through the command line, run as a real process (`unship add ...`, a quick-add
LINE, `list`, `show`, `export`): stdout and stderr never carry a control character from data,
bad input exits 2 with one clear line, and nothing ends in a traceback.

Arguments are passed as bytes: a lone surrogate becomes invalid UTF-8 on the command line, as
it would from a shell. NUL can't be passed in argv at all (the OS refuses it); it is tried
through the importers instead (test_hostile_import.py).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from cli_support import Result, assert_clean_exit, run_unship
from hostile_inputs import CURRENCIES, DATES, NUMBERS, TEXT, ids, unsafe
from tally import count
from unship.store.model import Item, Order
from unship.store.repository import OrderBook
from unship.store.text import clean_line

from unship.cli import main

TODAY = "2026-11-28"
ARGV_TEXT = [(name, text) for name, text in TEXT if "\x00" not in text]
ARGV_DATES = [(name, text) for name, text in DATES if "\x00" not in text]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile-cli") / "orders.json"


@pytest.mark.parametrize("text", [t for _, t in ARGV_TEXT], ids=ids(ARGV_TEXT))
def test_add_with_options(db, text):
    count("inputs: cli")
    result = run_unship(
        db,
        "add",
        "--retailer",
        "Shop " + text[:40],
        "--order-number",
        f"N{len(text)}-{abs(hash(text)) % 10**8}" + text[:30],
        "--item",
        text,
        "--price",
        "1.50",
        "--seller",
        text,
        "--category",
        text[:40],
        "--carrier",
        text[:40],
        "--tracking",
        text[:60],
        "--notes",
        text,
    )
    assert_clean_exit(result)
    if result.returncode == 2:
        assert "needs a title" in result.stderr  # the only refusal: nothing readable in it
        assert clean_line(text) == ""


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile-edit") / "orders.json"
    added = run_unship(
        path, "add", "--retailer", "s", "--order-number", "1", "--item", "x", "--price", "1"
    )
    assert added.returncode == 0, added.stderr
    return path


@pytest.mark.parametrize("text", [t for _, t in ARGV_TEXT], ids=ids(ARGV_TEXT))
def test_edit_with_options(edited, text):
    count("inputs: cli")
    result = run_unship(
        edited,
        "edit",
        "1",
        "--seller",
        text,
        "--seller-window",
        text[:12],
        "--carrier",
        text[:40],
        "--tracking",
        text[:60],
        "--notes",
        text,
    )
    assert_clean_exit(result)
    if result.returncode == 2:  # only a window that is no number of days is refused
        assert "--seller-window" in result.stderr


@pytest.mark.parametrize("text", [t for _, t in ARGV_TEXT], ids=ids(ARGV_TEXT))
def test_add_a_quick_line(db, text):
    count("inputs: cli")
    title = text.replace('"', "")
    result = run_unship(db, "add", f'shop Q{abs(hash(text)) % 10**8} "{title}" 12 yesterday')
    assert_clean_exit(result)


def test_reading_back_everything_stored(db, tmp_path):
    """After every hostile add above: list, list --json, show, due and the three exports."""
    if os.environ.get("PYTEST_XDIST_WORKER"):  # the adds ran across workers: make them here
        db = tmp_path / "orders.json"
        for _, text in ARGV_TEXT:
            test_add_with_options(db, text)
            test_add_a_quick_line(db, text)
    listed = run_unship(db, "list", "--json")
    assert_clean_exit(listed)
    rows = json.loads(listed.stdout)
    assert len(rows) >= len(ARGV_TEXT)  # every text but the unreadable ones, twice
    for args in (["list"], ["due"], ["export"], ["export", "--format", "csv"]):
        count("inputs: cli")
        result = run_unship(db, *args)
        assert result.returncode in (0, 1)
        assert_clean_exit(Result_ok(result), crlf_ok=True)
    ics = run_unship(db, "export", "--format", "ics")
    assert_clean_exit(ics, crlf_ok=True)
    for row in rows[:: max(1, len(rows) // 12)]:  # a sample as processes; all in-process below
        count("inputs: cli")
        assert_clean_exit(run_unship(db, "show", str(row["id"])))


def test_show_every_stored_order_in_process(db, capsys):
    with OrderBook(db) as book:
        ids_ = [o.id for o in book.orders()]
    for order_id in ids_:
        count("inputs: cli")
        assert main(["--db", str(db), "--today", TODAY, "show", str(order_id)]) == 0
        out = capsys.readouterr()
        assert not unsafe(out.out) and not unsafe(out.err)


def Result_ok(result: Result) -> Result:  # noqa: N802 - `due` exits 1 when nothing is due
    if result.returncode == 1:
        result.returncode = 0
    return result


def add_in_process(tmp_path, capsys, options: list[str]):
    """`unship add` of one item with options, in process (the same code as the process above,
    54 times faster to run). Nothing unsafe reaches the terminal; returns (the order saved or
    None, what went to stderr)."""
    count("inputs: cli")
    argv = ["--db", str(tmp_path / "o.json"), "--today", TODAY, "add", "--retailer", "s"]
    code = main([*argv, "--order-number", "1", "--item", "x", *options])
    out = capsys.readouterr()
    assert not unsafe(out.out) and not unsafe(out.err)
    if code != 0:
        assert code == 2 and out.err.startswith("unship: ")
        return None, out.err
    with OrderBook(tmp_path / "o.json") as book:
        (order,) = book.orders()
    return order, out.err


@pytest.mark.parametrize("amount", [n for _, n in NUMBERS], ids=ids(NUMBERS))
@pytest.mark.parametrize("currency", CURRENCIES)
def test_prices(tmp_path, capsys, amount, currency):
    order, err = add_in_process(tmp_path, capsys, [f"--price={amount}", "--currency", currency])
    if order is not None:
        assert order.currency == currency and 0 <= order.items[0].price <= 10**10
    else:
        assert "price" in err.lower()


@pytest.mark.parametrize("day", [d for _, d in ARGV_DATES], ids=ids(ARGV_DATES))
def test_order_dates(tmp_path, capsys, day):
    order, _ = add_in_process(tmp_path, capsys, ["--price", "1", f"--ordered={day}"])
    if order is not None:
        assert date(1990, 1, 1) <= order.ordered_on <= date.fromisoformat(TODAY)


@pytest.mark.parametrize(
    ("today", "says"),
    [
        ("2026-02-30", "is not a date"),
        ("0000-01-01", "is not a date"),
        ("99999-01-01", "is not a date"),
        ("\x1b[2J", "is not a date"),
        ("9999-12-31", "out of range"),  # regression: `due` added 7 days and overflowed
        ("0001-01-01", "out of range"),
    ],
)
def test_a_bad_today_is_refused(tmp_path, today, says):
    count("inputs: cli")
    result = run_unship(tmp_path / "o.json", "--today", today, "due", today=None)
    assert result.returncode == 2 and says in result.stderr
    assert "Traceback" not in result.stderr and not unsafe(result.stderr)


@pytest.mark.parametrize("days", ["99999999999", "-1", "1e3", "\x1b[2J"])
def test_bad_due_days_are_refused(tmp_path, days):
    """Regression: --days 99999999999 overflowed the date arithmetic (a traceback)."""
    count("inputs: cli")
    result = run_unship(tmp_path / "o.json", "due", f"--days={days}")
    assert result.returncode == 2 and "--days" in result.stderr
    assert "Traceback" not in result.stderr and not unsafe(result.stderr)


def test_mixed_currencies_in_one_order_are_refused_naming_the_item(tmp_path):
    """An order has one currency (store/model.py): a second item in another is refused."""
    count("inputs: cli")
    result = run_unship(
        tmp_path / "o.json",
        *("add", "--retailer", "s", "--order-number", "mix"),
        *("--item", "Kettle", "--price", "1200 JPY", "--item", "Mug", "--price", "2.50 KWD"),
    )
    assert result.returncode == 2
    assert "item 2 ('Mug')" in result.stderr and "one currency" in result.stderr
    assert not (tmp_path / "o.json").exists() or "mix" not in (tmp_path / "o.json").read_text()


def test_a_delivery_before_the_order_date_is_refused(tmp_path):
    count("inputs: cli")
    db = tmp_path / "o.json"
    added = run_unship(
        db, "add", "--retailer", "s", "--order-number", "1", "--item", "x", "--price", "1"
    )
    assert added.returncode == 0
    early = run_unship(db, "mark", "1", "delivered", "--on", "2026-11-01")
    assert early.returncode == 2 and "before the order date" in early.stderr
    late = run_unship(db, "mark", "1", "delivered", "--on", "2999-01-01")
    assert late.returncode == 2 and "in the future" in late.stderr


def test_bad_data_in_the_file_never_reaches_the_terminal(tmp_path):
    """Data that skipped the model's cleaning (an older version, a hand edit) is still shown
    without its controls: the CLI filters everything it writes (unship/terminal.py)."""
    db = tmp_path / "o.json"
    raw = "\x1b]52;c;aGk=\x07\x1b[2J\x9b31m\u202eTitle\x07\x00"
    with OrderBook(db, today=date(2026, 11, 28)) as book:
        order = Order(raw, raw, date(2026, 11, 20), (Item(raw, 100),), notes=raw, tracking=raw)
        book.add(order)
    for args in (["list"], ["show", "1"], ["list", "--json"], ["export"], ["due"]):
        count("inputs: cli")
        result = run_unship(db, *args)
        assert "Traceback" not in result.stderr
        assert not unsafe(result.stdout.replace("\r\n", "\n")) and not unsafe(result.stderr)
        assert "Title" in result.stdout or args == ["due"]
    listed = json.loads(run_unship(db, "list", "--json").stdout)
    assert listed[0]["title"] == raw  # JSON keeps the value, with the controls escaped


# -- today's date, from the local clock --------------------------------------------------------


def test_the_default_today_is_the_local_date_in_utc_minus_10_and_plus_14(tmp_path):
    """No --today: an order logged 'today' gets the date of the person's own time zone.

    UTC-10 (Honolulu) and UTC+14 (Kiritimati) are 24 hours apart, so at any moment they are on
    different dates: whenever this runs, one of the two is near its midnight. POSIX TZ strings
    (no tzdata needed); the time is read before and after to allow for a midnight in between.
    """
    found = {}
    for name, tz, hours in (("honolulu", "HST10", -10), ("kiritimati", "LINT-14", 14)):
        count("inputs: cli time zones")
        zone = timezone(timedelta(hours=hours))
        before = datetime.now(UTC).astimezone(zone).date()
        db = tmp_path / f"{name}.json"
        add = ["add", "--retailer", "s", "--order-number", name, "--item", "x", "--price", "1"]
        result = run_unship(db, *add, env={"TZ": tz}, today=None)
        after = datetime.now(UTC).astimezone(zone).date()
        assert result.returncode == 0, result.stderr
        shown = json.loads(
            run_unship(db, "show", name, "--json", env={"TZ": tz}, today=None).stdout
        )
        found[name] = date.fromisoformat(shown["ordered_on"])
        assert found[name] in (before, after)
    # 24 hours apart: one day, or two if Honolulu's midnight fell between the two runs
    assert found["kiritimati"] - found["honolulu"] in (timedelta(days=1), timedelta(days=2))


def test_today_given_on_the_command_line_wins_over_the_clock(tmp_path):
    count("inputs: cli time zones")
    db = tmp_path / "o.json"
    add = ["add", "--retailer", "s", "--order-number", "1", "--item", "x", "--price", "1"]
    assert run_unship(db, *add, env={"TZ": "LINT-14"}, today="2026-01-01").returncode == 0
    shown = json.loads(run_unship(db, "show", "1", "--json").stdout)
    assert shown["ordered_on"] == "2026-01-01"
