"""unship's own JSON and CSV: export then import gives the same orders (property tests)."""

from __future__ import annotations

import contextlib
import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from io_support import TODAY
from unship.store import exporters, importers, lifecycle
from unship.store.model import Event, ModelError, new_item, new_order, replace
from unship.store.repository import OrderBook

text = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=30
)  # anything, controls and bidi included: the constructors clean it


@st.composite
def orders(draw, n: int):
    out = []
    for k in range(n):
        currency = draw(st.sampled_from(["USD", "CAD", "JPY", "KWD", "EUR"]))
        items = []
        for _ in range(draw(st.integers(1, 3))):
            try:
                items.append(
                    new_item(
                        draw(text) or "thing",
                        draw(st.integers(0, 10**8)),
                        quantity=draw(st.integers(1, 9999)),
                        category=draw(st.sampled_from(["general", "electronics", "Big Things"])),
                        seller=draw(text),
                        extra=draw(
                            st.dictionaries(st.sampled_from(["asin", "note,x"]), text, max_size=2)
                        ),
                    )
                )
            except ModelError:
                items.append(new_item("thing", 100))
        ordered = TODAY - timedelta(days=draw(st.integers(0, 400)))
        order = new_order(
            draw(st.sampled_from(["Amazon", "Walmart", "Corner Shop"])),
            f"{draw(st.integers(100, 999))}-{k}",
            ordered,
            items,
            currency=currency,
            carrier=draw(st.sampled_from(["", "UPS", "Amazon Logistics"])),
            tracking=draw(st.sampled_from(["", "1Z999AA10123456784"])),
            notes=draw(text),
            extra=draw(st.dictionaries(st.just("website"), text, max_size=1)),
            today=TODAY,
        )
        day = ordered
        for event in draw(st.lists(st.sampled_from(list(Event)), max_size=5)):
            day = min(TODAY, day + timedelta(days=draw(st.integers(0, 20))))
            which = draw(st.one_of(st.none(), st.lists(st.integers(0, len(items) - 1), min_size=1)))
            with contextlib.suppress(ModelError):
                order = lifecycle.record(
                    order, event, day, items=which, note=draw(text), today=TODAY
                )
        out.append(order)
    return out


def _book(path):
    return OrderBook(path, today=TODAY)


def _same(a, b, *, history=True):
    strip = lambda o: replace(o, id=0, history=o.history if history else ())  # noqa: E731
    assert [strip(o) for o in a] == [strip(o) for o in b]


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders(3))
def test_json_round_trip_is_exact(tmp_path_factory, source):
    folder = tmp_path_factory.mktemp("json")
    with _book(folder / "a.json") as a, _book(folder / "b.json") as b:
        a.replace_all({-(n + 1): o for n, o in enumerate(source)}, "seed")
        text = exporters.export(a, "json")
        result = importers.plan_text(b, text, name="x.json")
        assert result.counts == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}
        importers.apply(b, result)
        _same(a.orders(), b.orders())
        again = importers.plan_text(b, text, name="x.json")
        assert again.counts["unchanged"] == 3


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(orders(3))
def test_csv_round_trip_keeps_every_field(tmp_path_factory, source):
    folder = tmp_path_factory.mktemp("csv")
    with _book(folder / "a.json") as a, _book(folder / "b.json") as b:
        a.replace_all({-(n + 1): o for n, o in enumerate(source)}, "seed")
        text = exporters.export(a, "csv")
        result = importers.plan_text(b, text, name="x.csv")
        assert result.format == "csv" and result.rejected == []
        importers.apply(b, result)
        _same(a.orders(), b.orders(), history=False)
        for order in b.orders():  # history is rebuilt from the item dates
            events = {(e.on, e.event) for e in order.history if e.event != "placed"}
            dates = {
                (d, ev)
                for n, i in enumerate(order.items)
                for ev, d in i.dates.items()
                if ev != "shipped" or lifecycle.ship_day(order, n) is not None
            }
            assert events == dates
        # a ship day that was only "by the delivery day" is still not known
        assert [[lifecycle.ship_day(o, n) for n in range(len(o.items))] for o in a.orders()] == [
            [lifecycle.ship_day(o, n) for n in range(len(o.items))] for o in b.orders()
        ]
        again = importers.plan_text(b, text, name="x.csv")
        assert again.counts["unchanged"] == 3 and again.counts["updated"] == 0


def test_json_bad_orders_are_reported_by_position(tmp_path):
    good = new_order("Amazon", "111-1", TODAY, [new_item("a", 100)]).to_json()
    data = {
        "format": "unship",
        "version": 1,
        "orders": [
            good,
            {"retailer": "x"},
            {**good, "ordered_on": "soon"},
            good,
            5,
            {**good, "order_number": "2", "items": [{"title": "a", "price": 12.5}]},
        ],
    }
    with _book(tmp_path / "b.json") as b:
        result = importers.plan_text(b, json.dumps(data))
        assert [(r.line, r.unit) for r in result.rejected] == [
            (2, "order"),
            (3, "order"),
            (4, "order"),
            (5, "order"),
            (6, "order"),
        ]
        assert "the same order as order 1" in result.rejected[2].reason
        assert result.counts["new"] == 1
        with pytest.raises(importers.ImportFileError):
            importers.plan_text(b, '{"format": "unship", "version": 99, "orders": []}')


def test_csv_bad_rows(tmp_path):
    header = "retailer,order_number,ordered_on,title,price,state\n"
    rows = (
        "Amazon,1,2026-11-01,Good,1.00,shipped\n"
        "Amazon,2,2026-11-01,Bad price,abc,ordered\n"
        "Amazon,3,2026-11-01,Bad state,1.00,lost\n"
        "Amazon,,2026-11-01,No number,1.00,ordered\n"
    )
    with _book(tmp_path / "b.json") as b:
        result = importers.plan_text(b, header + rows)
        assert [(r.line, r.reason.split(":")[0]) for r in result.rejected] == [
            (3, "price"),
            (
                4,
                "state 'lost' is not one of ordered, cancel-requested, cancelled, shipped, out-for-delivery, delivered, refused, return-requested, return-shipped, refunded, kept, problem",
            ),
            (5, "no order_number"),
        ]


def test_a_ship_day_not_recorded_stays_not_known_through_csv(tmp_path):
    # Target counts from shipment: an order logged as delivered straight away counts from its
    # order date (store/advice.py). Its CSV leaves the ship day out, and reads back the same.
    order = new_order("Target", "102000123456", TODAY - timedelta(days=9), [new_item("Lamp", 3999)])
    order = lifecycle.record(order, Event.DELIVERED, TODAY - timedelta(days=5), today=TODAY)
    with _book(tmp_path / "a.json") as a, _book(tmp_path / "b.json") as b:
        a.add(order)
        text = exporters.export(a, "csv")
        assert ",delivered,,," in text  # no shipped_on
        importers.apply(b, importers.plan_text(b, text, name="x.csv"))
        (back,) = b.orders()
        assert back.items[0].dates == order.items[0].dates
        assert lifecycle.ship_day(back, 0) is None
        assert importers.plan_text(a, text, name="x.csv").counts["unchanged"] == 1
