"""Returns and refunds through `unship mark`, run as a real process."""

from __future__ import annotations

import json
from datetime import date, timedelta

from cli_support import run_unship
from returns_support import TODAY, UPS, kept, returned
from unship.store.model import Event, new_item, new_order
from unship.store.repository import OrderBook

# -- the command line, as a real process ------------------------------------------------------


def test_cli_mark_stores_the_return_tracking_and_the_short_refund_and_show_says_so(tmp_path):
    db = tmp_path / "orders.json"
    with OrderBook(db, today=TODAY) as book:
        order = returned(book)
        mug = kept(book, TODAY - timedelta(days=3))
    # a second return, shipped through the command line
    with OrderBook(db, today=TODAY) as book:
        other = book.add(new_order("amazon", "114-1", date(2026, 11, 1), [new_item("Chair", 5000)]))
        book.record(other.id, Event.DELIVERED, date(2026, 11, 5))
        book.record(other.id, Event.RETURN_REQUESTED, date(2026, 11, 10))
    shipped = run_unship(db, "mark", str(other.id), "return-shipped", "--tracking", UPS)
    assert shipped.returncode == 0, shipped.stderr
    refund = run_unship(db, "mark", str(order.id), "refunded", "--amount", "1,169.99")
    assert refund.returncode == 0, refund.stderr
    shown = run_unship(db, "show", str(order.id))
    assert "refunded $1,169.99 · $130.00 short" in shown.stdout
    assert "Accept the partial refund" in shown.stdout
    assert f"return tracking {UPS}" in shown.stdout
    data = json.loads(run_unship(db, "show", str(other.id), "--json").stdout)
    assert data["items"][0]["return_tracking"] == UPS
    data = json.loads(run_unship(db, "show", str(order.id), "--json").stdout)
    assert data["items"][0]["short_text"] == "$130.00 short"
    assert data["items"][0]["short"] == 13000
    accepted = run_unship(db, "mark", str(order.id), "refund-accepted")
    assert accepted.returncode == 0, accepted.stderr
    assert "short" not in run_unship(db, "show", str(order.id)).stdout.split("History:")[0]

    unkept = run_unship(db, "mark", str(mug.id), "unkept")
    assert unkept.returncode == 0, unkept.stderr
    assert "delivered" in unkept.stdout
    again = run_unship(db, "mark", str(mug.id), "unkept")
    assert again.returncode == 2 and "can't" in again.stderr
    wrong = run_unship(db, "mark", str(mug.id), "kept", "--amount", "5")
    assert wrong.returncode == 2 and "--amount goes with refunded" in wrong.stderr
