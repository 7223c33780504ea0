"""Reading mail: the real-format samples in ../shared/samples/email, and Maildir/mbox fixtures
made from them in temporary folders."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from cli_support import assert_clean_exit, run_unship
from io_support import EMAIL
from unship.store import advice, importers, lifecycle
from unship.store.importers import mail, mail_book
from unship.store.importers import mail_classify as mc
from unship.store.model import State, new_item, new_order, replace

needs_email = pytest.mark.skipif(not EMAIL.is_dir(), reason=f"the sample emails are not at {EMAIL}")
AMAZON_NUMBER = "123-1234567-1234567"


def sample(name: str) -> bytes:
    return (EMAIL / name).read_bytes()


def fact_of(name: str, tz=UTC) -> mc.Fact | None:
    letter = mail.read_letter(name, sample(name), mc.worth_reading, tz)
    return mc.classify(letter, tz)


def maildir(root: Path, names: list[str], stamp: int = 1_600_000_000) -> Path:
    box = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for n, name in enumerate(names):
        (box / "cur" / f"{stamp + n}.M{n}P1.host:2,S").write_bytes(sample(name))
    return box


def mbox(path: Path, messages: list[bytes]) -> Path:
    with path.open("wb") as out:
        for data in messages:
            out.write(b"From MAILER-DAEMON Thu Sep 10 13:14:54 2020\n")
            for line in data.splitlines(keepends=True):
                out.write(b">" + line if line.startswith(b"From ") else line)
            out.write(b"\n\n")
    return path


def log(book, number=AMAZON_NUMBER, *, ordered=date(2020, 9, 8), retailer="Amazon", **kw):
    order = new_order(retailer, number, ordered, [new_item("Trackball", 4999)], **kw)
    return book.add(order)


def read(book, paths, **kw):
    result = mail_book.plan_mail(book, [Path(p) for p in paths], tz=UTC, **kw)
    mail_book.apply_mail(book, result)
    return result


# -- each kind and sender ---------------------------------------------------------------------

KINDS = [
    ("amazon_shipped.eml", "shipped", "amazon", AMAZON_NUMBER, date(2020, 9, 10)),
    ("amazon_shipped_alt.eml", "shipped", "amazon", AMAZON_NUMBER, date(2020, 9, 10)),
    ("amazon_shipped_alt_timeformat.eml", "shipped", "amazon", "321-1234567-1234567", None),
    ("amazon_arriving_today2.eml", "shipped", "amazon", "111-7634359-8390444", None),
    ("amazon_exception.eml", "shipped", "amazon", AMAZON_NUMBER, date(2021, 3, 26)),
    ("amazon_delivered.eml", "delivered", "amazon", AMAZON_NUMBER, date(2020, 9, 11)),
    ("amazon_fwd.eml", "placed", "amazon", AMAZON_NUMBER, date(2022, 1, 7)),
    ("amazon_hub_notice_2.eml", "pickup", "amazon", "111-4396615-4512227", None),
    ("amazon_shipped_it.eml", "shipped", "amazon", "405-5236882-9395563", None),
    ("amazon_uk_shipped.eml", "shipped", "amazon", "123-4567890-1234567", date(2020, 12, 12)),
    ("amazon_uk_shipped_2.eml", "shipped", "amazon", "123-4567890-1234567", None),
    ("walmart_delivery.eml", "out-for-delivery", "walmart", "2000137-67895124", None),
    ("fedex_out_for_delivery.eml", "out-for-delivery", "FedEx", "61290912345678912345", None),
    ("fedex_out_for_delivery_2.eml", "out-for-delivery", "FedEx", "286548999999", None),
    ("ups_out_for_delivery_new.eml", "out-for-delivery", "UPS", "1Z0Y12345678031234", None),
    ("ups_delivered.eml", "delivered", "UPS", "1Z2345YY0678901234", date(2025, 7, 9)),
    ("usps_delivered.eml", "delivered", "USPS", "92001901755477000000000000", date(2025, 7, 27)),
    ("usps_out_for_delivery.eml", "out-for-delivery", "USPS", "92748931508577307776690000", None),
    ("usps_exception.eml", "exception", "USPS", "92748902410637553403302876", None),
]


@needs_email
@pytest.mark.parametrize(("name", "kind", "sender", "number", "day"), KINDS)
def test_each_sample_says_what_happened_and_to_which_order(name, kind, sender, number, day):
    fact = fact_of(name)
    assert fact is not None
    assert (fact.kind, fact.sender) == (kind, sender)
    if number:
        assert number in (fact.tracking if fact.is_carrier else fact.order_numbers) or (
            number in fact.tracking
        )
    if day is not None:
        assert fact.day == day


@needs_email
def test_every_samples_fact_is_kept_and_read_back_as_it_was():
    # What is kept for an order not in the book yet (JSON in the book) reads back whole.
    facts = [fact_of(p.name) for p in sorted(EMAIL.glob("*.eml"))]
    kept = [f for f in facts if f is not None]
    assert len(kept) >= 20 and any(f.sent is None for f in kept)
    assert [
        mail_book._fact_from(json.loads(json.dumps(mail_book._fact_to(f)))) for f in kept
    ] == kept


@needs_email
def test_urls_and_the_other_rendering_do_not_lend_their_order_numbers():
    # The HTML part and a tracking link of these samples name another order.
    assert fact_of("amazon_shipped.eml").order_numbers == [AMAZON_NUMBER]
    assert fact_of("amazon_delivered.eml").order_numbers == [AMAZON_NUMBER]


@needs_email
def test_dates_expected_and_carriers_from_the_text():
    assert fact_of("amazon_shipped.eml").expected == "2020-09-11"
    assert fact_of("amazon_exception.eml").expected == "2021-03-27 to 2021-03-28"
    uk = fact_of("amazon_uk_shipped.eml")
    assert (uk.tracking, uk.carrier) == (["QA0881872248"], "Amazon Logistics")
    assert fact_of("amazon_shipped_it.eml").tracking == ["350C20177729F"]
    assert fact_of("fedex_out_for_delivery_2.eml").order_numbers == ["113-2208711-1430629"]
    # The USPS body names the day and time of delivery: that day is kept.
    assert fact_of("usps_delivered.eml").day == date(2025, 7, 27)
    assert (
        fact_of("amazon_hub_notice_2.eml").note
        == "ready for pickup at Amazon Hub Locker - Location until 2021-11-25"
    )
    assert fact_of("amazon_hub_notice_2.eml").pickup_by == date(2021, 11, 25)
    hub = fact_of("amazon_hub_notice.eml")  # "until 09/29/2020", a US date
    assert (hub.pickup_by, hub.pickup_at) == (date(2020, 9, 29), "the Esterra Park Hub")


@needs_email
def test_the_delivery_day_is_the_persons_day():
    # 18:51 UTC on 11 Sep is the 11th in New York, the 12th in Tokyo.
    assert fact_of("amazon_delivered.eml", ZoneInfo("America/New_York")).day == date(2020, 9, 11)
    assert fact_of("amazon_delivered.eml", ZoneInfo("Asia/Tokyo")).day == date(2020, 9, 12)


# -- the "done when" ----------------------------------------------------------------


@needs_email
@pytest.mark.parametrize("container", ["maildir", "mbox"])
def test_shipped_and_delivered_mail_moves_a_logged_order_and_sets_its_return_deadline(
    book, tmp_path, container
):
    order = log(book)
    names = ["amazon_shipped.eml", "amazon_delivered.eml"]
    if container == "maildir":
        path = maildir(tmp_path, names)
    else:
        path = mbox(tmp_path / "Takeout.mbox", [sample(n) for n in names])
    seen = []
    result = read(book, [path], progress=lambda done, total: seen.append((done, total)))
    assert result.source_kind == container and seen and seen[-1][0] == seen[-1][1]
    got = book.get(order.id)
    item = got.items[0]
    assert item.state is State.DELIVERED
    assert item.dates == {"shipped": date(2020, 9, 10), "delivered": date(2020, 9, 11)}
    notes = [e.note for e in got.history if e.event in ("shipped", "delivered")]
    assert notes == ["from an email of 2020-09-10", "from an email of 2020-09-11"]
    # The return window runs from the recorded delivery: 30 days at Amazon.
    deadlines = advice.deadlines(got, book.policies, date(2020, 9, 20))
    assert date(2020, 9, 11) + timedelta(days=30) in [d.day for d in deadlines]

    # Again: nothing changes, and the messages are skipped without being read.
    again = mail_book.plan_mail(book, [path], tz=UTC)
    assert not again.has_changes and again.skipped == 2
    # Even without the memory of what was read, the facts are already recorded.
    book.storage.read().pop(mail_book.TABLE, None)
    fresh = mail_book.plan_mail(book, [path], tz=UTC)
    assert not fresh.has_changes
    assert {f.outcome for f in fresh.found} == {"known"}


@needs_email
def test_a_hub_locker_notice_finds_its_order_by_the_invoice_link_and_records_the_delivery(
    book, tmp_path
):
    # The notice names its order only in its invoice link, and is sent once the parcel is
    # in the locker: the order can no longer be cancelled, and its return window runs.
    order = log(book, "111-4396615-4512227", ordered=date(2021, 11, 18))
    path = maildir(tmp_path, ["amazon_hub_notice_2.eml"])
    result = read(book, [path])
    assert [f.outcome for f in result.found] == ["used"] and result.nameless == []
    got = book.get(order.id)
    assert got.items[0].state is State.DELIVERED
    assert got.items[0].dates["delivered"] == date(2021, 11, 22)
    delivered = [e.note for e in got.history if e.event == "delivered"]
    assert delivered == [
        "from an email of 2021-11-22; ready for pickup at Amazon Hub Locker - Location until 2021-11-25"
    ]
    deadlines = advice.deadlines(got, book.policies, date(2021, 11, 23))
    assert date(2021, 11, 22) + timedelta(days=30) in [d.day for d in deadlines]
    # and the day the locker keeps it: a deadline of its own, until that day
    assert got.extra["pickup_by"] == "2021-11-25"
    assert got.extra["pickup_at"] == "Amazon Hub Locker - Location"
    assert (date(2021, 11, 25), "pick-up") in [(d.day, d.action) for d in deadlines]
    later = advice.deadlines(got, book.policies, date(2021, 11, 26))
    assert "pick-up" not in [d.action for d in later]
    book.storage.read().pop(mail_book.TABLE, None)  # read again, as if never read
    assert not mail_book.plan_mail(book, [path], tz=UTC).has_changes
    # collected: the reminder ends, and the same notice read again does not bring it back
    book.picked_up(order.id, date(2021, 11, 23))
    book.storage.read().pop(mail_book.TABLE, None)
    read(book, [path])
    deadlines = advice.deadlines(book.get(order.id), book.policies, date(2021, 11, 23))
    assert "pick-up" not in [d.action for d in deadlines]
    # a later notice (another parcel waiting) asks again
    later_notice = sample("amazon_hub_notice_2.eml").replace(
        b"Thursday, November 25", b"Monday, November 29"
    )
    (tmp_path / "later.eml").write_bytes(later_notice)
    read(book, [tmp_path / "later.eml"])
    again = book.get(order.id)
    assert again.extra["pickup_by"] == "2021-11-29" and "picked_up" not in again.extra
    deadlines = advice.deadlines(again, book.policies, date(2021, 11, 26))
    assert (date(2021, 11, 29), "pick-up") in [(d.day, d.action) for d in deadlines]


@needs_email
def test_a_notice_that_names_no_order_is_said_to_be_so_not_misunderstood(book, tmp_path):
    log(book)
    result = read(book, [maildir(tmp_path, ["amazon_hub_notice.eml"])])
    assert result.not_understood == [] and len(result.nameless) == 1
    assert result.nameless[0].startswith("pickup: You have a package to pick up")
    assert "1 naming no order" in result.summary_lines()[0]


@needs_email
def test_undo_takes_the_import_back_and_forgets_the_messages(book, tmp_path):
    order = log(book)
    path = maildir(tmp_path, ["amazon_shipped.eml"])
    read(book, [path])
    assert book.get(order.id).items[0].state is State.SHIPPED
    book.undo()
    assert book.get(order.id).items[0].state is State.ORDERED
    assert mail_book.read_keys(book) == set()
    assert mail_book.plan_mail(book, [path], tz=UTC).has_changes


@needs_email
def test_carrier_mail_finds_its_order_by_tracking_number(book, tmp_path):
    ups = log(book, "111-0000000-0000001", ordered=date(2025, 7, 1), tracking="1Z2345YY0678901234")
    usps = log(
        book,
        "111-0000000-0000002",
        ordered=date(2025, 7, 20),
        extra={"shipments": "UPS 1Z999; USPS 92001901755477000000000000"},
    )
    fedex = log(book, "113-2208711-1430629", ordered=date(2021, 11, 20))  # the FedEx reference
    names = ["ups_delivered.eml", "usps_delivered.eml", "fedex_out_for_delivery_2.eml"]
    read(book, [maildir(tmp_path, names)])
    assert book.get(ups.id).items[0].dates["delivered"] == date(2025, 7, 9)
    assert book.get(usps.id).items[0].dates["delivered"] == date(2025, 7, 27)
    assert book.get(fedex.id).items[0].state is State.OUT_FOR_DELIVERY


@needs_email
def test_a_fact_never_moves_an_item_back(book, tmp_path):
    order = log(book)
    book.record(order.id, "delivered", date(2020, 9, 9))
    read(book, [maildir(tmp_path, ["amazon_shipped.eml", "amazon_exception.eml"])])
    got = book.get(order.id)
    assert got.items[0].state is State.DELIVERED
    # shipped is the day recorded with the delivery (logged straight from ordered), not the mail's
    day = date(2020, 9, 9)
    assert got.items[0].dates == {"shipped": day, "delivered": day}


@needs_email
def test_orders_not_in_the_book_are_listed_with_what_the_mail_says(book, tmp_path):
    result = read(book, [maildir(tmp_path, ["amazon_uk_shipped.eml", "walmart_delivery.eml"])])
    lines = "\n".join(result.summary_lines())
    assert "amazon.co.uk order 123-4567890-1234567: shipped 2020-12-12" in lines
    assert "walmart.com order 2000137-67895124" in lines
    assert book.orders() == [] and mail_book.read_keys(book) == set()  # read again later


@needs_email
def test_eml_files_and_a_folder_of_them(book, tmp_path):
    order = log(book)
    a, b = (
        shutil.copy(EMAIL / n, tmp_path / n) for n in ("amazon_shipped.eml", "ups_delivered.eml")
    )
    result = mail_book.plan_mail(book, [Path(a), Path(b)], tz=UTC)
    assert (result.source_kind, result.read) == ("eml", 2)
    assert importers.plan(book, Path(a)).format == "mail"  # found without --format
    assert importers.plan(book, tmp_path).read == 2
    importers.apply(book, importers.plan(book, tmp_path, tz=UTC))
    assert book.get(order.id).items[0].state is State.SHIPPED


def confirmation(
    number="113-5555555-5555555",
    sent="Mon, 05 Oct 2026 10:00:00 +0000",
    site="amazon.com",
    sign="$",
) -> bytes:
    message = EmailMessage()
    message["From"] = f'"{site.capitalize()}" <auto-confirm@{site}>'
    message["Subject"] = f"Your {site.capitalize()} order #{number}"
    message["Date"] = sent
    message["Message-ID"] = f"<{number}@{site}>"
    message.set_content(
        "Order Confirmation\nThank you for shopping with us.\n"
        f"Order #{number}\n\n1 x USB-C cable, 2 m\n{sign}12.99\n\n"
        f"2 x AA batteries (8 pack)\n{sign}7.50\n"
    )
    return bytes(message)


def test_add_logs_an_order_from_its_confirmation(book, tmp_path):
    path = tmp_path / "order.eml"
    path.write_bytes(confirmation())
    assert not mail_book.plan_mail(book, [path], tz=UTC).has_changes  # listed only
    read(book, [path], add=True)
    (order,) = book.orders()
    assert (order.retailer, order.order_number) == ("Amazon", "113-5555555-5555555")
    assert order.ordered_on == date(2026, 10, 5) and order.source == "mail"
    assert [(i.title, i.quantity, i.price) for i in order.items] == [
        ("USB-C cable, 2 m", 1, 1299),
        ("AA batteries (8 pack)", 2, 750),
    ]
    assert not mail_book.plan_mail(book, [path], tz=UTC, add=True).has_changes


def test_an_order_from_a_country_sites_mail_is_that_sites(book, tmp_path):
    """Amazon.co.uk's mail logs an Amazon.co.uk order in pounds: amazon.com's holiday
    season (announced for amazon.com alone) does not move its return deadline."""
    path = tmp_path / "order.eml"
    sent = "Mon, 10 Nov 2025 10:00:00 +0000"
    path.write_bytes(confirmation("204-5555555-5555555", sent, "amazon.co.uk", "£"))
    read(book, [path], add=True)
    (order,) = book.orders()
    assert (order.retailer, order.currency) == ("Amazon.co.uk", "GBP")
    assert book.policies.retailer(order.retailer).site_of(order) == "amazon.co.uk"
    assert last_return_day(book, order) == date(2025, 12, 12)
    # the same confirmation from amazon.com: the announced season holds
    book.delete(order.id)
    path.write_bytes(confirmation("113-5555555-5555555", sent))
    read(book, [path], add=True)
    (order,) = book.orders()
    assert (order.retailer, order.currency) == ("Amazon", "USD")
    assert last_return_day(book, order) == date(2026, 1, 31)


@pytest.mark.parametrize(
    ("site", "sign", "currency"),
    [
        ("amazon.ca", "$", "CAD"),
        ("amazon.com.mx", "$", "MXN"),  # Amazon.com.mx writes its pesos "$"
        ("amazon.com", "$", "USD"),
        ("amazon.ca", "US$", "USD"),  # said, not the site's
        ("amazon.ca", "CDN$ ", "CAD"),
    ],
)
def test_a_bare_dollar_in_a_sites_mail_is_that_sites_dollars(book, tmp_path, site, sign, currency):
    path = tmp_path / "order.eml"
    path.write_bytes(confirmation("702-5555555-5555555", site=site, sign=sign))
    read(book, [path], add=True)
    (order,) = book.orders()
    assert order.currency == currency
    assert [i.price for i in order.items] == [1299, 750]


def last_return_day(book, order) -> date:
    delivered = book.record(order.id, "delivered", date(2025, 11, 12))
    return next(d.day for d in advice.deadlines(delivered, book.policies, date(2025, 11, 12)))


def test_other_mail_is_read_from_its_headers_only(book, tmp_path):
    message = EmailMessage()
    message["From"] = "friend@example.org"
    message["Subject"] = "dinner?"
    message["Date"] = format_datetime(datetime(2026, 1, 1, tzinfo=UTC))
    message.set_content("see you")
    path = tmp_path / "x.eml"
    path.write_bytes(bytes(message))
    result = read(book, [path])
    assert (result.other, result.not_understood) == (1, [])
    assert len(mail_book.read_keys(book)) == 1


@needs_email
def test_cli_imports_a_maildir_with_dry_run_first(tmp_path):
    db = tmp_path / "cli.json"
    added = run_unship(db, "add", "amazon 123-1234567-1234567 Trackball 49.99 2020-09-08")
    assert added.returncode == 0, added.stderr
    box = maildir(tmp_path, ["amazon_shipped.eml", "amazon_delivered.eml", "amazon_hub_notice.eml"])
    dry = run_unship(db, "import", str(box), "--dry-run")
    assert_clean_exit(dry)
    assert "shipped: 1 read, 1 used" in dry.stdout and "dry run: nothing written" in dry.stdout
    done = run_unship(db, "import", str(box))
    assert_clean_exit(done)
    assert "1 updated" in done.stdout
    shown = run_unship(db, "show", "1")
    assert "delivered - from an email of 2020-09-11" in shown.stdout
    again = run_unship(db, "import", str(box), "--format", "mail")
    assert "3 read before" in again.stdout and "nothing to change" in again.stdout


@needs_email
def test_cli_says_what_it_kept_for_orders_not_in_the_book(tmp_path):
    db, box = tmp_path / "cli.json", maildir(tmp_path, ["amazon_uk_shipped.eml"])
    first = run_unship(db, "import", str(box))
    assert_clean_exit(first)
    assert first.stdout.endswith(
        "nothing to change\n  what it says of 1 order not in the book is kept: it counts when "
        "an import brings it in (logged by hand: import this mail again)\n"
    )
    again = run_unship(db, "import", str(box))  # kept already: nothing new to say
    assert_clean_exit(again)
    assert again.stdout.endswith("nothing to change\n")


@needs_email
def test_mail_sent_before_its_order_was_placed_moves_nothing_and_is_said(book, tmp_path):
    """The number is another order's (a reused tracking number, a sample's placeholder) or
    the order's date is wrong: either way the mail says nothing true of this order. Taken
    at the order's date, it made up a delivery and a return window."""
    order = log(book, ordered=date(2022, 1, 7))
    box = maildir(tmp_path, ["amazon_shipped.eml", "amazon_delivered.eml"])  # Sept 2020
    result = read(book, [box])
    assert book.get(order.id) == order
    assert {f.outcome for f in result.found} == {"earlier"}
    said = "\n".join(result.summary_lines())
    assert said.startswith("2 messages read: 2 about orders")
    assert "1 sent before their order's date" in said
    assert (
        f"amazon delivered mail of 2020-09-11 for order {AMAZON_NUMBER}, dated 2022-01-07" in said
    )
    # Not remembered: once the order's date is put right, the same mail moves it along.
    book.update(replace(order, ordered_on=date(2020, 9, 8)))
    again = read(book, [box])
    assert {f.outcome for f in again.found} == {"used"} and again.skipped == 0
    assert book.get(order.id).items[0].dates == {
        "shipped": date(2020, 9, 10),
        "delivered": date(2020, 9, 11),
    }


@needs_email
def test_mail_a_day_before_the_order_date_is_still_about_it(book, tmp_path):
    order = log(book, ordered=date(2020, 9, 11))  # a time zone, or a day typed from memory
    result = read(book, [maildir(tmp_path, ["amazon_shipped.eml"])])  # sent 2020-09-10
    assert result.summary_lines()[0].startswith("1 message read: 1 about orders")
    assert book.get(order.id).items[0].dates == {"shipped": date(2020, 9, 11)}


@needs_email
def test_a_pickup_notice_for_an_order_not_yet_logged_keeps_its_day(book, tmp_path, monkeypatch):
    # Its pickup day is a date like the others: kept as text, read back as a date (a date
    # itself can't be saved: "'mail_read' document 1 holds a value of type date").
    box = maildir(tmp_path, ["amazon_hub_notice_2.eml"])
    read(book, [box])
    _, kept = mail_book.read_memory(book)
    assert [f.pickup_by for f in kept.values()] == [date(2021, 11, 25)]
    order = log(book, "111-4396615-4512227", ordered=date(2021, 11, 18))
    monkeypatch.setattr(mail_book, "classify", None)  # taken from what was kept, not read
    read(book, [box])
    assert book.get(order.id).extra["pickup_by"] == "2021-11-25"


@needs_email
def test_a_kept_fact_of_a_message_without_a_date_reads_back_and_is_kept_once(book, tmp_path):
    # An .eml file with no Date header has no day at all (no mailbox gives one): its fact
    # was kept without `sent`, could not be read back, and each import kept it again.
    eml = tmp_path / "it.eml"
    shutil.copy(EMAIL / "amazon_shipped_it.eml", eml)
    read(book, [eml])
    _, kept = mail_book.read_memory(book)
    assert [(f.order_numbers, f.sent) for f in kept.values()] == [(["405-5236882-9395563"], None)]
    again = read(book, [eml])
    assert [f.kept for f in again.found] == [True] and not again.pending
    assert len(book.records(mail_book.TABLE)) == 1


@needs_email
def test_a_fact_for_an_order_not_yet_logged_is_kept_and_counts_once_it_is(
    book, tmp_path, monkeypatch
):
    box = maildir(tmp_path, ["amazon_uk_shipped.eml"])
    read(book, [box])
    keys, kept = mail_book.read_memory(book)
    assert keys == set() and [f.order_numbers for f in kept.values()] == [["123-4567890-1234567"]]
    order = log(book, "123-4567890-1234567", ordered=date(2020, 12, 10), retailer="Amazon.co.uk")

    def unread(*args, **kw):
        raise AssertionError("the message was read again")

    monkeypatch.setattr(mail_book, "classify", unread)
    result = read(book, [box])
    assert [f.outcome for f in result.found] == ["used"]
    got = book.get(order.id)
    assert got.items[0].dates == {"shipped": date(2020, 12, 12)}
    assert (got.tracking, got.carrier) == ("QA0881872248", "Amazon Logistics")
    again = mail_book.plan_mail(book, [box], tz=UTC)
    assert again.skipped == 1 and not again.has_work()


def test_a_shops_mail_names_its_country_site():
    assert mc._domain_owner("shipment-tracking@amazon.co.uk") == ("amazon", False, "amazon.co.uk")
    assert mc._domain_owner("help@email.walmart.ca") == ("walmart", False, "walmart.ca")
    assert mc._domain_owner("mcinfo@ups.com") == ("UPS", True, "")


def shipped_mail(sent: str) -> bytes:
    message = EmailMessage()
    message["From"] = '"Amazon.com" <shipment-tracking@amazon.com>'
    message["Subject"] = "Your Amazon.com order #113-5555555-5555555 has shipped"
    message["Date"] = sent
    message.set_content("Your package is on the way.\n\nOrder #113-5555555-5555555\n")
    return bytes(message)


def test_a_shipping_mail_fills_in_the_ship_day_of_an_order_logged_as_delivered(book, tmp_path):
    # Marked delivered by hand, the item's ship day is not known (a window that starts at
    # shipment counts from the order date); the "has shipped" mail read afterwards gives it.
    order = book.add(
        new_order("Amazon", "113-5555555-5555555", date(2026, 11, 20), [new_item("Mug", 999)])
    )
    book.record(order.id, "delivered", date(2026, 11, 26))
    late = tmp_path / "late.eml"  # sent after the delivery: not its ship day
    late.write_bytes(shipped_mail("Fri, 27 Nov 2026 10:00:00 +0000"))
    assert [f.outcome for f in read(book, [late]).found] == ["known"]
    assert lifecycle.ship_day(book.get(order.id), 0) is None
    path = tmp_path / "shipped.eml"
    path.write_bytes(shipped_mail("Tue, 24 Nov 2026 10:00:00 +0000"))
    assert [f.outcome for f in read(book, [path]).found] == ["used"]
    got = book.get(order.id)
    assert got.items[0].dates == {"shipped": date(2026, 11, 24), "delivered": date(2026, 11, 26)}
    assert lifecycle.ship_day(got, 0) == date(2026, 11, 24)
    assert [e.event for e in got.history] == ["placed", "shipped", "delivered"]


def test_kept_mail_applies_when_an_import_brings_its_order_in(book, tmp_path):
    # The "has shipped" mail came before the order was in the book: its fact was kept.
    # An export that brings the order in applies it, in the import's one undoable change.
    from unship.store.exporters import export
    from unship.store.repository import OrderBook

    read(book, [mbox(tmp_path / "box", [shipped_mail("Mon, 23 Nov 2026 10:00:00 +0000")])])
    assert len(mail_book.read_memory(book)[1]) == 1
    source = tmp_path / "export.json"
    with OrderBook(tmp_path / "other.json", today=book.today) as other:
        for number in ("113-5555555-5555555", "113-6666666-6666666"):
            other.add(new_order("Amazon", number, date(2026, 11, 20), [new_item("Mug", 999)]))
        source.write_text(export(other, "json"))
    done = importers.apply(book, importers.plan(book, source))
    assert done.endswith("2 new, 0 updated; 1 order as mail read earlier said")
    by_number = {o.order_number: o for o in book.orders()}
    assert by_number["113-5555555-5555555"].items[0].dates == {"shipped": date(2026, 11, 23)}
    assert by_number["113-6666666-6666666"].items[0].state is State.ORDERED
    assert mail_book.read_memory(book)[1] == {}  # used: no longer kept for later
    book.undo()  # the import and what the mail added, as one change
    assert book.orders() == [] and len(mail_book.read_memory(book)[1]) == 1


def test_kept_mail_about_orders_an_import_does_not_bring_stays_kept(book, tmp_path):
    from unship.store.exporters import export
    from unship.store.repository import OrderBook

    read(book, [mbox(tmp_path / "box", [shipped_mail("Mon, 23 Nov 2026 10:00:00 +0000")])])
    source = tmp_path / "export.json"
    with OrderBook(tmp_path / "other.json", today=book.today) as other:
        other.add(
            new_order("Amazon", "113-6666666-6666666", date(2026, 11, 20), [new_item("Mug", 999)])
        )
        source.write_text(export(other, "json"))
    done = importers.apply(book, importers.plan(book, source))
    assert done.endswith("1 new, 0 updated")
    assert len(mail_book.read_memory(book)[1]) == 1
