"""A return's tracking number on the item, a short refund as a problem to chase until it is
accepted, and "kept" taken back while the return window is open: through the OrderBook
(the command line: tests/cli/test_cli_returns_refunds.py; the app:
tests/tui/test_tui_returns_refunds.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from returns_support import TODAY, UPS, kept, returned
from unship.store import advice, views
from unship.store.lifecycle import TransitionError, is_open
from unship.store.model import Event, State, new_item, new_order
from unship.store.repository import OrderBook


def needs_action(book, order) -> bool:
    return advice.needs_action(order, book.policies, book.today)


# -- the return's tracking number ---------------------------------------------------------


def test_the_return_tracking_number_is_kept_on_the_item_and_followed(book):
    order = returned(book)
    assert order.items[0].return_tracking == UPS
    assert order.history[-1].note == f"return tracking {UPS}"
    detail = views.order_detail(book, order)
    assert detail["items"][0]["return_tracking"] == UPS
    assert "ups.com" in detail["items"][0]["return_tracking_link"]
    number, link, what = views.tracking_to_follow(book.policies, order)
    assert (number, what) == (UPS, "return tracking") and UPS in link
    refunded = book.record(order.id, Event.REFUNDED)
    assert views.tracking_to_follow(book.policies, refunded)[2] == "tracking"  # back: no return
    with pytest.raises(TransitionError, match="return-shipped"):
        book.record(order.id, Event.PROBLEM, return_tracking=UPS)


# -- a short refund -------------------------------------------------------------------------


def test_a_short_refund_is_a_problem_until_it_is_accepted_and_undo_brings_it_back(book):
    order = book.record(returned(book).id, Event.REFUNDED, date(2026, 11, 20), refunded=116999)
    item = order.items[0]
    assert (item.state, item.refunded, item.refund_short) == (State.REFUNDED, 116999, 13000)
    assert advice.short_text(item, "USD") == "$130.00 short"
    assert order.history[-1].note == "refunded $1,169.99; $130.00 short"
    assert needs_action(book, order) and is_open(order)
    where = advice.standing(order, book.policies, book.today)
    assert where.states == (State.PROBLEM,) and not where.done
    actions = {a.action: a for a in book.actions(order)}
    assert {"contact", "mark-refunded", "accept-refund"} <= set(actions)
    assert "$130.00 short" in actions["accept-refund"].reason
    assert book.overview().open_orders == 1
    assert book.overview().refund_pending == {"USD": 13000}  # the rest is owed

    accepted = book.accept_refund(order.id)
    assert accepted.items[0].refund_short == 0 and accepted.items[0].refunded == 116999
    assert not needs_action(book, accepted) and not is_open(accepted)
    assert book.overview().refund_pending == {}
    assert advice.standing(accepted, book.policies, book.today).done
    with pytest.raises(TransitionError, match="from there: nothing"):
        book.accept_refund(order.id)
    assert book.undo().startswith("mark")
    assert book.get(order.id).items[0].refund_short == 13000


def test_the_rest_of_a_short_refund_closes_it(book):
    order = book.record(returned(book).id, Event.REFUNDED, refunded=100000)
    rest = book.record(order.id, Event.REFUNDED, refunded=29999)
    assert rest.items[0].refunded == 129999 and rest.items[0].refund_short == 0
    assert not needs_action(book, rest)
    with pytest.raises(TransitionError):
        book.record(order.id, Event.REFUNDED)  # nothing more is owed


def test_a_refund_without_an_amount_or_in_full_is_not_short(book):
    assert book.record(returned(book).id, Event.REFUNDED).items[0].refund_short == 0
    full = book.record(returned(book).id, Event.REFUNDED, refunded=129999)
    assert full.items[0].refund_short == 0 and not needs_action(book, full)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    price=st.integers(1, 10**7),
    quantity=st.integers(1, 5),
    items=st.integers(1, 3),
    fraction=st.floats(0, 1.2),
)
def test_short_by_exactly_what_is_missing_and_a_problem_until_accepted(
    tmp_path_factory, price, quantity, items, fraction
):
    with OrderBook(tmp_path_factory.mktemp("b") / "o.json", today=TODAY) as book:
        order = returned(book, price, quantity, items)
        owed = price * quantity * items
        amount = int(owed * fraction)
        order = book.record(order.id, Event.REFUNDED, refunded=amount)
        short = sum(item.refund_short for item in order.items)
        assert short == max(0, owed - amount)
        assert sum(item.refunded for item in order.items) == amount  # nothing lost in sharing
        assert needs_action(book, order) == (short > 0)
        assert is_open(order) == (short > 0)
        if short:
            order = book.accept_refund(order.id)
        assert not needs_action(book, order) and not is_open(order)
        assert advice.standing(order, book.policies, book.today).done


# -- un-keep ---------------------------------------------------------------------------------


def test_unkeep_while_the_window_is_open_and_undo_it(book):
    order = kept(book, TODAY - timedelta(days=3))
    actions = {a.action: a for a in book.actions(order)}
    assert actions["unkeep"].event == Event.UNKEPT and actions["unkeep"].label == "Un-keep"
    back = book.unkeep(order.id)
    assert back.items[0].state is State.DELIVERED
    assert back.history[-1].event == "unkept"
    assert "return" in {a.action for a in book.actions(back) if a.available}
    book.undo()
    assert book.get(order.id).items[0].state is State.KEPT


def test_unkeep_is_refused_once_the_window_closed(book):
    order = kept(book, date(2026, 10, 3))  # Amazon: 30 days, closed on 2 Nov
    assert "unkeep" not in {a.action for a in book.actions(order)}
    with pytest.raises(TransitionError, match="window closed"):
        book.unkeep(order.id)
    with pytest.raises(TransitionError, match="window closed"):
        book.record(order.id, Event.UNKEPT)
    with pytest.raises(TransitionError):
        book.record_many([order.id], Event.UNKEPT)
    assert book.get(order.id).items[0].state is State.KEPT


def test_unkeep_takes_back_only_the_items_whose_window_is_open(book):
    order = book.add(
        new_order(
            "amazon", "113-1", date(2026, 10, 1), [new_item("Old", 100), new_item("New", 200)]
        )
    )
    book.record(order.id, Event.DELIVERED, date(2026, 10, 3), items=[0])
    book.record(order.id, Event.KEPT, date(2026, 10, 3), items=[0])
    book.record(order.id, Event.DELIVERED, TODAY - timedelta(days=2), items=[1])
    book.record(order.id, Event.KEPT, TODAY - timedelta(days=2), items=[1])
    back = book.unkeep(order.id)
    assert [i.state for i in back.items] == [State.KEPT, State.DELIVERED]
    with pytest.raises(TransitionError, match="window closed"):
        book.unkeep(order.id, items=[0])


# -- exports ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_the_return_tracking_and_the_refund_survive_an_export_and_import(tmp_path, book, fmt):
    from io_support import imported
    from unship.store import exporters

    order = book.record(returned(book).id, Event.REFUNDED, refunded=116999)
    out = tmp_path / f"export.{fmt}"
    out.write_text(exporters.export(book, fmt), encoding="utf-8")
    with OrderBook(tmp_path / "again.json", today=TODAY) as again:
        imported(again, out)
        (copy,) = again.orders()
        assert copy.items[0].return_tracking == UPS
        assert copy.items[0].refunded == 116999 and copy.items[0].refund_short == 13000
        assert advice.needs_action(copy, again.policies, again.today)
    assert order.items[0].refund_short == 13000


@pytest.mark.parametrize(
    ("retailer", "website", "site"),
    [
        ("Amazon.ca", "", "amazon.ca"),  # the retailer's name says the site
        ("Amazon", "Amazon.co.uk", "amazon.co.uk"),  # the export's website column does
        ("Amazon", "", "amazon.com"),
    ],
)
def test_an_order_links_to_its_page_on_the_site_it_was_placed_on(book, retailer, website, site):
    extra = {"website": website} if website else {}
    item = new_item("Lamp", 2500)
    order = book.add(
        new_order(retailer, "702-1234567-1234567", TODAY - timedelta(days=3), [item], extra=extra)
    )
    order = book.record(order.id, Event.DELIVERED, on=TODAY - timedelta(days=1))
    detail = views.order_detail(book, order)
    assert detail["order_link"].startswith(f"https://www.{site}/")
    [ret] = [
        a for a in advice.order_actions(order, book.policies, book.today) if a.action == "return"
    ]
    assert ret.link == detail["order_link"]  # the return's steps link the same page
