"""The installed `unship` command, run for real as a script would."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

UNSHIP = shutil.which("unship") or os.path.join(os.path.dirname(sys.executable), "unship")


@pytest.fixture
def run(tmp_path):
    db = tmp_path / "orders.json"

    def run(*args, today="2026-11-28", check=True):
        proc = subprocess.run(
            [UNSHIP, "--db", str(db), "--today", today, *args],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "UNSHIP_CONFIG_DIR": str(tmp_path / "config")},
        )
        if check and proc.returncode != 0:
            raise AssertionError(f"exit {proc.returncode}: {proc.stderr}")
        return proc

    run.db = db
    return run


def test_version_and_help():
    out = subprocess.run([UNSHIP, "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("unship ")
    out = subprocess.run([UNSHIP, "--help"], capture_output=True, text=True, check=True)
    assert "actions" in out.stdout and "--db" in out.stdout


def test_add_mark_and_read_the_advice_as_json(run):
    oid = run(
        "add",
        "--retailer",
        "amazon",
        "--order-number",
        "113-1234567-1234567",
        "--item",
        "USB-C cable",
        "--price",
        "12.99",
        "--ordered",
        "2026-11-20",
    ).stdout.strip()
    assert oid == "1"
    acts = json.loads(run("actions", oid, "--json").stdout)
    by = {a["action"]: a for a in acts}
    assert by["cancel"]["available"] is True and by["cancel"]["deadline"] is None
    assert set(by["cancel"]) >= {"action", "available", "reason", "deadline", "steps"}
    assert by["return"]["available"] is False

    run("mark", oid, "shipped", "--on", "2026-11-21")
    by = {a["action"]: a for a in json.loads(run("actions", oid, "--json").stdout)}
    assert by["cancel"]["available"] is False
    assert by["cancel"]["reason"] == "can't cancel: shipped on 21 Nov"
    assert by["refuse"]["available"] is True

    run("mark", "113-1234567-1234567", "delivered", "--on", "2026-11-24")
    by = {a["action"]: a for a in json.loads(run("actions", oid, "--json").stdout)}
    assert by["return"]["available"] is True
    # 30 days from delivery: Amazon's 2026 holiday season is not announced (assumed from 2025)
    assert by["return"]["deadline"] == "2026-12-24"
    assert "perhaps until 31 Jan 2027" in by["return"]["reason"]

    shown = json.loads(run("show", oid, "--json").stdout)
    assert shown["retailer"] == "Amazon" and shown["state"] == "delivered"
    assert [h["event"] for h in shown["history"]] == ["placed", "shipped", "delivered"]
    assert shown["items"][0]["price"] == 1299

    listed = json.loads(run("list", "--json").stdout)
    assert [r["id"] for r in listed] == [1]
    assert json.loads(run("list", "--state", "ordered", "--json").stdout) == []


def test_a_window_closed_lately_says_when_until_the_order_is_history(run):
    run("add", "amazon 113-7654321-7654321 lamp 25", "--ordered", "2026-09-28")
    run("mark", "1", "delivered", "--on", "2026-10-01")  # 30 days: the window closed 31 Oct
    (row,) = json.loads(run("list", "--json").stdout)
    assert (row["next_deadline"], row["perhaps_until"]) == (None, None)
    assert row["window_closed_on"] == "2026-10-31" and row["window_closed_estimated"] is False
    assert row["next_deadline_text"] == "return window closed 31 Oct"
    assert "return window closed 31 Oct" in run("list").stdout
    by = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}
    assert by["return"]["closed_on"] == "2026-10-31" and not by["return"]["available"]
    # 30 days after the window closed, the order is history: its state says it
    (row,) = json.loads(run("list", "--all", "--json", today="2026-12-01").stdout)
    assert row["state"] == "window closed" and row["window_closed_on"] is None


def test_a_delivered_order_that_can_not_be_returned_says_so(run):
    run(
        "add",
        "amazon 113-7654321-7654321 coffee 12",
        "--category",
        "grocery",
        "--ordered",
        "2026-11-20",
    )
    run("mark", "1", "delivered", "--on", "2026-11-26")
    (row,) = json.loads(run("list", "--json").stdout)
    assert row["not_returnable"] is True and row["next_deadline"] is None
    assert row["next_deadline_text"] == "not returnable"
    assert "not returnable" in run("list").stdout


def test_plain_text_output_is_aligned(run):
    run(
        "add",
        "--retailer",
        "Walmart",
        "--order-number",
        "200011823954471",
        "--item",
        "Bookcase",
        "--price",
        "49.97",
        "--ordered",
        "2026-11-25",
    )
    out = run("list").stdout.splitlines()
    assert out[0].split() == [
        "ID",
        "RETAILER",
        "ORDER",
        "TITLE",
        "TOTAL",
        "STATE",
        "NEXT",
        "DEADLINE",
    ]
    assert "Bookcase" in out[1] and "$49.97" in out[1] and "ordered" in out[1]
    assert out[0].index("TOTAL") < out[1].index("$49.97") + len("$49.97")
    assert "✓ Cancel" in run("show", "1").stdout


def test_due_exit_status_for_scripts(run):
    empty = run("due", check=False)
    assert empty.returncode == 1 and "Nothing due" in empty.stdout
    run(
        "add",
        "--retailer",
        "Best Buy",
        "--order-number",
        "BBY01-1",
        "--item",
        "Monitor",
        "--price",
        "299.99",
        "--category",
        "activatable",
        "--ordered",
        "2026-11-10",
    )
    # Best Buy's holiday season leaves activatable devices out; their 14 days count the day
    # of receipt as day 1 (a general item bought in November now gets the holiday window)
    run("mark", "1", "delivered", "--on", "2026-11-16")
    due = run("due", "--days", "7", "--json")
    rows = json.loads(due.stdout)
    assert due.returncode == 0
    assert rows[0]["deadline"] == "2026-11-29" and rows[0]["days_left"] == 1
    assert run("due", "--days", "0", check=False).returncode == 1
    # `due N` is `due --days N`; both at once must agree
    assert run("due", "7", "--json").stdout == due.stdout
    assert run("due", "0", check=False).returncode == 1
    assert run("due", "1", "--days", "1", "--json").stdout == run("due", "1", "--json").stdout
    both = run("due", "3", "--days", "7", check=False)
    assert both.returncode == 2 and "give one of them" in both.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mark", "1", "teleported"], "invalid choice"),
        (["mark", "1", "refunded"], "can't mark refunded: the item is ordered"),
        (["mark", "1", "shipped", "--on", "2026-02-30"], "not a date"),
        (
            ["add", "--retailer", "x", "--order-number", "2", "--item", "t", "--price", "-3"],
            "negative",
        ),
        (
            ["add", "--retailer", "x", "--order-number", "2", "--item", "t", "--price", "abc"],
            "not a price",
        ),
        (
            ["add", "--retailer", "x", "--order-number", "2", "--item", "t", "--price", "1.999"],
            "too many decimals",
        ),
        (
            ["add", "--retailer", "amazon", "--order-number", "1", "--item", "t", "--price", "1"],
            "already in the book",
        ),
        (["show", "42"], "no order with id or order number '42'"),
        (["list", "--state", "lost"], "invalid choice"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(run, args, message):
    run("add", "--retailer", "amazon", "--order-number", "1", "--item", "t", "--price", "1")
    before = run.db.read_bytes()
    proc = run(*args, check=False)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr
    # argparse adds a usage line (wrapped: its continuation lines are indented)
    assert len([line for line in proc.stderr.splitlines() if not line.startswith(" ")]) <= 3
    assert run.db.read_bytes() == before


def test_quick_add_line(run):
    oid = run("add", 'amazon 113-1234567-1234567 "USB-C cable" $12.99 yesterday 1Z999AA10123456784')
    shown = json.loads(run("show", oid.stdout.strip(), "--json").stdout)
    assert shown["items"][0]["title"] == "USB-C cable" and shown["items"][0]["price"] == 1299
    assert shown["ordered_on"] == "2026-11-27"
    assert shown["carrier"] == "UPS" and shown["tracking"] == "1Z999AA10123456784"
    warned = run("add", "amazon 12345 mug 9.50", check=True)
    assert "doesn't look like an Amazon order number" in warned.stderr
    bad = run("add", "amazon 1-2-3", check=False)
    assert bad.returncode == 2 and "quick add needs" in bad.stderr


def test_an_order_number_like_another_sites_orders_is_said_on_add_and_edit(run):
    run("add", "amazon.ca 702-4060128-5100216 kettle 39.99")
    typed = run("add", "amazon 702-1234567-1234567 mug 9.50")
    assert "your Amazon.ca orders' numbers start with 702-" in typed.stderr
    assert "name the shop Amazon.ca" in typed.stderr
    oid = typed.stdout.strip()
    fixed = run("edit", oid, "--retailer", "amazon.ca", "--currency", "CAD")
    assert "warning" not in fixed.stderr
    assert "warning" not in run("add", "amazon 113-1234567-1234567 cable 5").stderr
    # a bare "$" is the order's own dollars: amazon.ca writes its prices so
    toque = run("add", "amazon.ca 702-1111111-1111111 toque $25")
    assert json.loads(run("show", toque.stdout.strip(), "--json").stdout)["currency"] == "CAD"
    told = run("add", "amazon.ca 702-2222222-2222222 toque US$25")
    assert "Amazon.ca sells in CAD, and this order is in USD" in told.stderr


def test_quick_add_words_need_no_quotes_and_options_go_after_them(run):
    # as a shell hands them over: the title's quotes gone, its words in one argument
    words = ["amazon", "113-1234567-1234567", "USB-C cable, 2 pack", "$12.99", "yesterday"]
    oid = run("add", *words, "--carrier", "UPS").stdout.strip()
    shown = json.loads(run("show", oid, "--json").stdout)
    assert [i["title"] for i in shown["items"]] == ["USB-C cable, 2 pack"]
    assert shown["ordered_on"] == "2026-11-27" and shown["carrier"] == "UPS"
    inside = run("add", "amazon 113-7654321-7654321 lamp 40 --ordered 2026-11-20", check=False)
    assert inside.returncode == 2  # it was the title 'lamp --ordered': nothing is saved
    assert "--ordered is inside the quick-add line: put it after the line" in inside.stderr
    assert len(json.loads(run("list", "--json").stdout)) == 1


def test_an_order_on_a_country_site_is_in_its_currency_unless_told_otherwise(run):
    def currency(*args):
        oid = run("add", *args).stdout.strip()
        return json.loads(run("show", oid, "--json").stdout)["currency"]

    assert currency("Amazon.ca", "702-1234567-1234567", "toque", "25") == "CAD"
    assert currency("amazon.co.uk", "202-1234567-1234567", "scarf", "12") == "GBP"
    assert currency("amazon.de", "302-1234567-1234567", "Tasse", "12", "--currency", "USD") == "USD"
    # the book is now mostly in other currencies; a price typed with its own still wins
    assert currency("amazon", "113-1234567-1234567", "lamp", "$40") == "USD"
    args = ["--retailer", "walmart.ca", "--order-number", "1", "--item", "mop", "--price", "9"]
    assert currency(*args) == "CAD"


def test_a_first_order_at_a_shop_without_rules_is_in_the_locales_currency(run, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_MONETARY", "en_CA.UTF-8")  # a Canadian's first hand-logged order
    oid = run("add", "Uniqlo 4711 toque 25").stdout.strip()
    assert json.loads(run("show", oid, "--json").stdout)["currency"] == "CAD"
    monkeypatch.setenv("LC_MONETARY", "en_US.UTF-8")  # then the book's own orders say it
    oid = run("add", "Uniqlo 4712 mitts 20").stdout.strip()
    assert json.loads(run("show", oid, "--json").stdout)["currency"] == "CAD"


def test_undo(run):
    run("add", "--retailer", "amazon", "--order-number", "1", "--item", "t", "--price", "1")
    run("mark", "1", "shipped")
    assert run("undo").stdout.strip() == "undone: mark 1 shipped"
    assert json.loads(run("show", "1", "--json").stdout)["state"] == "ordered"


def test_demo_never_touches_the_real_database(run, tmp_path):
    proc = subprocess.run(
        [UNSHIP, "--demo", "--today", "2026-11-28", "list", "--json"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "UNSHIP_DB": str(tmp_path / "real.json")},
    )
    rows = json.loads(proc.stdout)
    assert len(rows) >= 15
    states = {s for r in rows for s in r["item_states"]}
    assert states == {
        "ordered",
        "cancel-requested",
        "cancelled",
        "shipped",
        "out-for-delivery",
        "delivered",
        "refused",
        "return-requested",
        "return-shipped",
        "refunded",
        "kept",
        "problem",
    }
    assert not (tmp_path / "real.json").exists()


def test_backup_list_and_restore_after_corruption(run):
    run("add", "amazon 113-1234567-1234567 cable 12.99")
    run("mark", "1", "shipped")
    run("mark", "1", "delivered")
    listed = json.loads(run("backup", "list", "--json").stdout)
    assert [b["generation"] for b in listed] == [2, 1] and listed[0]["orders"] == 1
    run.db.write_text("garbage")
    broken = run("list", check=False)
    assert broken.returncode == 2 and "backup restore" in broken.stderr
    assert run.db.read_text() == "garbage"  # never overwritten
    run("backup", "restore", "2")
    assert json.loads(run("show", "1", "--json").stdout)["state"] == "in transit"
    missing = run("backup", "restore", "9", check=False)
    assert missing.returncode == 2 and "cannot read the backup" in missing.stderr


def test_show_says_a_long_gone_parcel_is_delivered_by_estimate(run):
    run("add", "amazon 113-1234567-1234567 cable 12.99", "--ordered", "2026-09-28")
    run("mark", "1", "shipped", "--on", "2026-10-01")
    shown = run("show", "1").stdout
    item = next(line for line in shown.splitlines() if line.startswith("  1. cable"))
    assert item.endswith("delivered (estimated)")  # as the order's line and the app say
    assert "delivered ~2026-" in shown and "(estimated: shipped 1 Oct" in shown
    assert json.loads(run("show", "1", "--json").stdout)["items"][0]["state"] == "shipped"
    fresh = run("show", "1", today="2026-10-02").stdout  # on its way: as recorded
    assert next(x for x in fresh.splitlines() if x.startswith("  1. ")).endswith("in transit")


def test_show_says_when_a_parcel_on_its_way_may_come_and_never_a_day_gone_by(run):
    run("add", "amazon 113-1234567-1234567 cable 12.99", "--ordered", "2026-09-28")
    run("mark", "1", "shipped", "--on", "2026-10-01")  # no shipping option: 0-21 days

    def arriving(today):
        shown = run("show", "1", today=today).stdout
        return next(x for x in shown.splitlines() if "(estimated: shipped" in x).split(" (")[0]

    assert arriving("2026-10-01") == "     arriving ~2026-10-01 to ~2026-10-22"
    assert arriving("2026-10-09") == "     arriving by ~2026-10-22"


def test_list_by_state_finds_the_items_as_the_list_shows_them(run):
    run("add", "amazon 113-1234567-1234567 cable 12.99", "--ordered", "2026-09-28")
    run("mark", "1", "shipped", "--on", "2026-10-01")  # never recorded as delivered
    run("add", "amazon 113-7654321-7654321 lamp 40", "--ordered", "2026-11-26")
    run("mark", "2", "shipped", "--on", "2026-11-27")  # on its way

    def ids(state: str) -> list[int]:
        return [r["id"] for r in json.loads(run("list", "--state", state, "--json").stdout)]

    assert ids("delivered") == [1]  # its state column says "delivered"
    assert ids("shipped") == [2]
    assert "No orders with an item ordered." in run("list", "--state", "ordered").stdout


def test_delete_asks_nothing_and_undo_brings_every_order_back(run):
    for number in ("111-0000001-0000001", "111-0000002-0000002", "111-0000003-0000003"):
        run("add", f"amazon {number} 'Cable' 9.99")
    out = run("delete", "1", "111-0000002-0000002")
    assert out.stdout.splitlines() == [
        "deleted 1\tAmazon 111-0000001-0000001",
        "deleted 2\tAmazon 111-0000002-0000002",
    ]
    assert "undo" in out.stderr
    assert [o["id"] for o in json.loads(run("list", "--json").stdout)] == [3]
    assert run("undo").stdout == "undone: delete 2 orders\n"  # one step for the lot
    assert sorted(o["id"] for o in json.loads(run("list", "--json").stdout)) == [1, 2, 3]


def test_delete_with_an_unknown_id_deletes_nothing(run):
    run("add", "amazon 111-0000001-0000001 'Cable' 9.99")
    out = run("delete", "1", "99", check=False)
    assert out.returncode == 2 and "99" in out.stderr and out.stdout == ""
    assert len(json.loads(run("list", "--json").stdout)) == 1


def test_adding_with_a_tracking_number_records_shipped(run):
    run("add", "amazon 111-0000001-0000001 'Cable' 9.99 1Z999AA10123456784")
    (order,) = json.loads(run("list", "--json").stdout)
    assert order["state"] == "in transit"


def test_redo_makes_the_undone_change_again(run):
    run("add", "amazon 111-0000001-0000001 'Cable' 9.99")
    run("mark", "1", "shipped")
    assert run("undo").stdout == "undone: mark 111-0000001-0000001 shipped\n"
    assert run("redo").stdout == "redone: mark 111-0000001-0000001 shipped\n"
    assert run("redo", check=False).returncode == 2


def test_mark_picked_up_ends_the_pickup_reminder(run):
    from datetime import date

    from msgspec.structs import replace
    from unship.store.lifecycle import record
    from unship.store.model import new_item, new_order
    from unship.store.repository import OrderBook

    waiting = {"pickup_by": "2026-11-30", "pickup_at": "Amazon Hub Locker - Oak"}
    order = new_order("Amazon", "113-1234567-1234567", date(2026, 11, 20), [new_item("Lamp", 2500)])
    with OrderBook(run.db, today=date(2026, 11, 28)) as book:  # as a Hub notice leaves it
        book.add(replace(record(order, "delivered", date(2026, 11, 27)), extra=waiting))
    assert "30 Nov    2 days left   1  113-1234567-1234567  Pick it up" in run("due").stdout
    refused = run("mark", "1", "picked-up", "--item", "1", check=False)
    assert refused.returncode != 0 and "no --item" in refused.stderr
    assert run("mark", "1", "picked-up", "--note", "code 77").stdout == "1\tdelivered\tpicked up\n"
    assert run("due", check=False).returncode == 1  # nothing due: the reminder ended
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["history"][-1] == {
        "on": "2026-11-28",
        "event": "note",
        "note": "picked up at Amazon Hub Locker - Oak; code 77",
    }
    again = run("mark", "1", "picked-up", check=False)
    assert again.returncode != 0 and "already marked picked up on 2026-11-28" in again.stderr
    run("undo")
    assert "30 Nov    2 days left   1  113-1234567-1234567  Pick it up" in run("due").stdout


def test_mark_shipped_after_the_delivery_fills_in_the_ship_day(run):
    run("add", "target 102000123456 Lamp 39.99 2026-11-20")
    run("mark", "1", "delivered", "--on", "2026-11-26")
    ret = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}["return"]
    assert (ret["deadline"], ret["estimated"]) == ("2027-02-17", True)  # from the order date
    late = run("mark", "1", "shipped", "--on", "2026-11-27", check=False)
    assert late.returncode == 2 and "it was delivered on 2026-11-26" in late.stderr
    assert run("mark", "1", "shipped", "--on", "2026-11-24").stdout == "1\tdelivered\n"
    ret = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}["return"]
    assert (ret["deadline"], ret["estimated"]) == ("2027-02-21", False)
    run("undo")
    ret = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}["return"]
    assert ret["deadline"] == "2027-02-17"


def test_a_known_retailer_is_in_its_sites_currency_not_the_books_usual_one(run):
    run("add", "amazon.ca 702-1234567-1234567 Toque 25 2026-11-20")
    run("add", "amazon.ca 702-7654321-7654321 Scarf 30 2026-11-21")  # a book in CAD
    run("add", "target 102000123456 Lamp 39.99 2026-11-22")
    run("add", "Uniqlo UQ-9 Coat 89 2026-11-23")
    rows = json.loads(run("list", "--json").stdout)
    assert {r["title"]: r["currency"] for r in rows} == {
        "Toque": "CAD",
        "Scarf": "CAD",
        "Lamp": "USD",  # target.com's, whose rules apply
        "Coat": "CAD",  # a shop unship has no rules for: the book's usual
    }


def test_edit_changes_an_orders_details_and_a_shops_own_window(run):
    run("add", "Uniqlo", "UQ-9", "Coat", "89", "--ordered", "2026-11-20")
    run("mark", "1", "delivered", "--on", "2026-11-24")
    guess = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}["return"]
    assert guess["deadline"] == "2026-12-24" and "a guess" in guess["reason"]
    assert "unship edit 1 --seller-window DAYS" in " ".join(guess["steps"])
    # a shop unship doesn't know: its window alone, the shop is its own seller
    assert (
        run("edit", "1", "--seller-window", "60").stdout == "1\tchanged seller, seller's window\n"
    )
    own = {a["action"]: a for a in json.loads(run("actions", "1", "--json").stdout)}["return"]
    assert own["deadline"] == "2027-01-23" and "Uniqlo's policy: 60 days" in own["reason"]
    assert run("edit", "1", "--seller-window", "60").stdout == "1\tnothing changed\n"
    assert run("edit", "1", "--notes", "gift", "--tracking", "1Z999AA10123456784").stdout == (
        "1\tchanged carrier, tracking, notes\n"  # the carrier, from the number (UPS)
    )
    shown = json.loads(run("show", "1", "--json").stdout)
    assert shown["notes"] == "gift" and shown["history"][-1]["event"] == "edited"
    for args, said in [
        ((), "edit needs what to change: --retailer"),
        (("--ordered", "2026-11-26"), "--ordered: the order date can't be after item 1's first"),
        (("--order-number", ""), "--order-number: "),
    ]:
        refused = run("edit", "1", *args, check=False)
        assert refused.returncode == 2 and said in refused.stderr, refused.stderr
    run("undo")
    assert json.loads(run("show", "1", "--json").stdout)["notes"] == ""
    # items are the form's; a currency their prices can't be in names the item
    run("add", "Shop", "S-1", "Mug", "9.99")
    refused = run("edit", "2", "--currency", "JPY", check=False)
    assert "item 1 ('Mug') price: '9.99' has too many decimals for JPY" in refused.stderr
    # a marketplace seller's window needs the seller's name
    run(
        "add",
        "--retailer",
        "Amazon",
        "--order-number",
        "113-1234567-1234567",
        "--item",
        "Cable",
        "--price",
        "9",
    )
    refused = run("edit", "3", "--seller-window", "45", check=False)
    assert refused.returncode == 2 and "needs the seller's name" in refused.stderr
    assert run("edit", "3", "--seller", "Gadget Hut", "--seller-window", "45").returncode == 0
