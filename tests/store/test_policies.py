"""The policy engine: calendar windows, holiday seasons, sellers, memberships, links."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unship.store import policies
from unship.store.policies import Window, add_months

BOOK = policies.load()
AMAZON = BOOK.retailer("Amazon")
WALMART = BOOK.retailer("Walmart")
TARGET = BOOK.retailer("Target")
BESTBUY = BOOK.retailer("Best Buy")


def test_calendar_windows():
    assert Window(years=1).end(date(2026, 3, 1)) == date(2027, 3, 1)
    assert Window(years=1).end(date(2028, 2, 29)) == date(2029, 2, 28)
    assert Window(months=1).end(date(2026, 1, 31)) == date(2026, 2, 28)
    assert Window(days=30).end(date(2026, 11, 3)) == date(2026, 12, 3)
    assert Window(days=15).end(date(2026, 6, 2), start_day_counts=True) == date(2026, 6, 16)
    assert Window.parse({"years": 1}) == Window(years=1)
    assert Window.parse(30) == Window(days=30)
    for bad in ({"weeks": 2}, {"days": -1}, {"days": 0}, True, "30"):
        with pytest.raises(ValueError):
            Window.parse(bad)


def test_target_owned_brands_are_one_calendar_year_said_beside_the_90_days():
    # ordered and shipped on 29 Feb 2028: one year later is 28 Feb 2029, not 365 days. Only
    # third parties report the year, so the 90 days hold and the year is said beside them.
    day = date(2028, 2, 29)
    found = TARGET.return_deadline("own-brand", day, day, ordered=day)
    assert found.day == day + timedelta(days=89)  # 90 days, the first day counted
    assert (found.maybe_until, found.maybe_from, found.maybe_why) == (
        date(2029, 2, 28),
        "category",
        "secondary",
    )
    later = TARGET.return_deadline("own-brand", date(2026, 3, 2), date(2026, 3, 1))
    assert later.maybe_until == date(2027, 3, 1)


def test_holiday_season_is_keyed_on_the_purchase_date():
    # ordered 31 Oct, shipped 1 Nov, delivered 3 Nov: 30 days from delivery, not 31 Jan
    deadline = AMAZON.return_deadline(
        "general", date(2025, 11, 3), date(2025, 11, 1), ordered=date(2025, 10, 31)
    )
    assert deadline.day == date(2025, 12, 3) and deadline.basis == "window"
    assert deadline.season is None
    bought_in = AMAZON.return_deadline(
        "general", date(2025, 11, 3), date(2025, 11, 1), ordered=date(2025, 11, 1)
    )
    assert bought_in.day == date(2026, 1, 31) and bought_in.basis == "holiday"
    assert not bought_in.season_assumed


def test_apple_gets_15_january_at_amazon_and_15_days_outside_the_season():
    ordered = date(2025, 12, 20)
    assert AMAZON.return_by("apple", date(2025, 12, 22), ordered=ordered) == date(2026, 1, 15)
    assert AMAZON.return_by("apple", date(2026, 3, 5), ordered=date(2026, 3, 1)) == date(
        2026, 3, 20
    )


def test_a_season_moves_the_date_only_on_the_sites_it_was_announced_for(tmp_path):
    # Amazon's 2025 notice (aboutamazon.com) is amazon.com's: an Amazon.ca order keeps its
    # 30 days, with the season said beside them.
    at = {"ordered": date(2025, 11, 2)}
    com = AMAZON.return_deadline("general", date(2025, 11, 5), **at)
    assert com.day == date(2026, 1, 31) and com.basis == "holiday"
    assert AMAZON.return_deadline("general", date(2025, 11, 5), site="amazon.com", **at) == com
    ca = AMAZON.return_deadline("general", date(2025, 11, 5), site="amazon.ca", **at)
    assert (ca.day, ca.basis, ca.maybe_until) == (date(2025, 12, 5), "window", date(2026, 1, 31))
    # a person's own season: without sites, the retailer's main site; with them, those
    own = tmp_path / "policies.json"
    season = {"year": 2025, "from": "2025-11-01", "until": "2025-12-31", "return_by": "2026-02-15"}
    late, plain = date(2026, 2, 15), date(2025, 12, 5)
    for sites, on_com, on_ca in (
        ([], late, plain),
        (["Amazon.ca"], plain, late),
        (["amazon.com", "www.amazon.ca"], late, late),
    ):
        data = {"retailers": {"amazon": {"holiday_seasons": [{**season, "sites": sites}]}}}
        own.write_text(json.dumps(data))
        mine = policies.load(own).retailer("Amazon")
        assert mine.return_by("general", date(2025, 11, 5), **at) == on_com, sites
        found = mine.return_deadline("general", date(2025, 11, 5), site="amazon.ca", **at)
        assert found.day == on_ca, sites


def test_a_categorys_longer_window_holds_only_on_the_sites_it_is_known_for(tmp_path):
    # Amazon gives baby products 90 days on amazon.com; Amazon.ca's own page gave 45 (2018):
    # an Amazon.ca order gets the retailer's 30, the 90 said beside them. A shorter window
    # (Apple's 15 days) holds everywhere: it is never later than the real one.
    on = date(2026, 6, 3)
    assert AMAZON.return_by("baby", on) == on + timedelta(days=90)
    ca = AMAZON.return_deadline("baby", on, site="amazon.ca")
    assert (ca.day, ca.rule, ca.basis) == (
        on + timedelta(days=30),
        "30 days from delivery",
        "window",
    )
    assert (ca.maybe_until, ca.maybe_from) == (on + timedelta(days=90), "category")
    assert AMAZON.return_deadline("apple", on, site="amazon.ca").day == on + timedelta(days=15)
    assert AMAZON.return_deadline("apple", on, site="amazon.ca").maybe_until is None
    own = tmp_path / "policies.json"
    own.write_text(
        json.dumps({"retailers": {"amazon": {"categories": {"baby": {"sites": ["amazon.ca"]}}}}})
    )
    mine = policies.load(own).retailer("Amazon")
    assert mine.return_deadline("baby", on, site="amazon.ca").day == on + timedelta(days=90)


def test_an_order_is_on_the_site_its_export_or_its_name_names():
    from unship.store.model import new_item, new_order

    def on(retailer, website=""):
        order = new_order(retailer, "1", date(2025, 11, 2), [new_item("x", 100)])
        if website:
            order = policies.msgspec.structs.replace(order, extra={"website": website})
        return BOOK.retailer(retailer).site_of(order)

    assert on("amazon") == "amazon.com" and on("Amazon.ca") == "amazon.ca"
    assert on("amazon", "Amazon.ca") == "amazon.ca" and on("walmart.ca") == "walmart.ca"
    assert on("Best Buy") == "bestbuy.com"


def test_a_season_not_announced_is_assumed_and_never_moves_the_deadline():
    deadline = AMAZON.return_deadline(
        "general", date(2026, 11, 23), date(2026, 11, 21), ordered=date(2026, 11, 20)
    )
    assert deadline.day == date(2026, 12, 23) and deadline.basis == "window"
    assert deadline.season_assumed and deadline.season.assumed_from == 2025
    assert not deadline.season.confirmed
    assert deadline.maybe_until == date(2027, 1, 31)
    assert "assumed from 2025" in deadline.season.text()


def test_without_the_order_date_the_ship_date_stands_in_and_a_note_says_so():
    deadline = AMAZON.return_deadline("general", date(2025, 11, 3), date(2025, 11, 1))
    assert deadline.day == date(2026, 1, 31)
    assert any("order date unknown" in note for note in deadline.notes)


def test_target_holiday_window_starts_on_26_december_for_short_windows():
    ordered = date(2025, 11, 30)
    assert TARGET.return_by("apple", date(2025, 12, 2), date(2025, 12, 1), ordered=ordered) == (
        date(2026, 1, 8)
    )
    assert TARGET.return_by(
        "electronics", date(2025, 12, 2), date(2025, 12, 1), ordered=ordered
    ) == date(2026, 1, 24)
    # a general item keeps its own 90 days from invoicing (shipment), first day counted
    assert TARGET.return_by("general", date(2025, 12, 2), date(2025, 12, 1), ordered=ordered) == (
        date(2026, 2, 28)
    )


def test_categories_people_type():
    assert BOOK.category("Beauty") == "beauty"
    assert AMAZON.rule_for(BOOK.category("beauty")).returnable  # unopened shampoo
    assert not AMAZON.rule_for(BOOK.category("hygiene")).returnable
    assert BOOK.category("gift card") == "gift-card"
    assert not TARGET.rule_for("gift-card").returnable
    assert WALMART.category_window("phones") == Window(days=14)
    assert AMAZON.category_window(BOOK.category("Baby")) == Window(days=90)
    assert AMAZON.category_window(BOOK.category("mattress")) == Window(days=90)
    assert AMAZON.category_window(BOOK.category("Renewed Premium")) == Window(days=365)
    assert AMAZON.category_window(BOOK.category("Kindle book")) == Window(days=7)
    assert BOOK.known_category("Apple") and BOOK.known_category("gift card")
    assert not BOOK.known_category("widgets")
    assert BOOK.category("widgets") == "widgets"  # accepted, general rules
    for key in BOOK.category_aliases.values():
        assert BOOK.known_category(key), key


@pytest.mark.parametrize(
    ("retailer", "seller", "first_party"),
    [
        ("Amazon", "", True),
        ("Amazon", "Amazon.com", True),
        ("Amazon", "amazon.com services llc", True),
        ("Amazon", "Amazon.com Services, Inc.", True),
        ("Amazon", "Amazon.ca", True),
        ("Amazon", "Gadget Hut", False),
        ("Amazon", "Amazonia Traders", False),
        ("Walmart", "Walmart.com", True),
        ("Walmart", "WALMART", True),
        ("Walmart", "Walmart Inc.", True),
        ("Walmart", "Pro Deals LLC", False),
        ("Target", "Target", True),
        ("Best Buy", "BestBuy.com", True),
        ("Best Buy", "best buy", True),
        ("eBay", "vintage_cameras_88", False),
    ],
)
def test_first_party_sellers(retailer, seller, first_party):
    assert BOOK.retailer(retailer).is_first_party(seller) is first_party


def test_marketplace_seller_gets_the_seller_policy_or_the_stated_minimum():
    delivered = date(2026, 3, 2)
    minimum = WALMART.return_deadline("general", delivered, seller="Pro Deals LLC")
    assert minimum.day == date(2026, 4, 1) and minimum.basis == "marketplace-minimum"
    assert not minimum.first_party and minimum.notes
    own = WALMART.return_deadline(
        "general", delivered, seller="Pro Deals LLC", seller_window_days=45
    )
    assert own.day == date(2026, 4, 16) and own.basis == "seller"
    assert WALMART.return_by("general", delivered, seller="Walmart.com") == date(2026, 5, 31)
    # Amazon states no minimum: its own window, marked as such
    third = AMAZON.return_deadline("general", delivered, seller="Gadget Hut")
    assert third.basis == "marketplace-default" and third.day == date(2026, 4, 1)


def test_memberships():
    delivered = date(2026, 6, 2)
    assert BESTBUY.return_by("general", delivered) == date(2026, 6, 16)
    plus = BESTBUY.return_deadline("general", delivered, memberships={"My Best Buy Plus"})
    assert plus.day == date(2026, 7, 31) and plus.memberships == ("plus",)
    assert BESTBUY.return_by("activatable", delivered, memberships={"total"}) == date(2026, 6, 15)
    # Target's cards: their 30 extra days only third parties report: said, never the date
    card = TARGET.return_deadline("general", delivered, delivered, memberships={"RedCard"})
    assert card.day == date(2026, 8, 30) and card.memberships == ()  # 90 days, the first counted
    assert (card.maybe_until, card.maybe_from) == (date(2026, 9, 29), "membership")
    assert card.maybe_why == "Target Circle Card"
    both = TARGET.return_deadline(
        "general", delivered, delivered, memberships={"redcard", "circle-360"}
    )
    assert (both.day, both.maybe_until) == (card.day, card.maybe_until)  # 30 days, once
    assert TARGET.return_by("apple", delivered, delivered, memberships={"redcard"}) == date(
        2026, 6, 15
    )
    assert BESTBUY.return_by("general", delivered, memberships={"no such thing"}) == date(
        2026, 6, 16
    )


def test_order_links_follow_the_site():
    assert AMAZON.order_link("702-1", "Amazon.ca").startswith("https://www.amazon.ca/")
    assert AMAZON.order_link("202-1", "amazon.co.uk").startswith("https://www.amazon.co.uk/")
    assert AMAZON.order_link("701-1", "Amazon.com.mx").startswith("https://www.amazon.com.mx/")
    assert AMAZON.order_link("113-1").startswith("https://www.amazon.com/")
    assert AMAZON.order_link("113-1", "panda01").startswith("https://www.amazon.com/")
    assert AMAZON.order_link("") == ""


def test_second_stage_facts():
    started, window_end = date(2026, 1, 10), date(2026, 1, 31)
    assert AMAZON.ship_back_by(started, window_end) == window_end
    assert WALMART.ship_back_by(started, window_end) is None  # not stated
    assert AMAZON.refund_due(date(2026, 2, 1), "debit card") == date(2026, 3, 17)
    atoz = AMAZON.escalation("a-to-z")
    estimated = date(2026, 2, 10)
    assert atoz.opens(estimated) == date(2026, 2, 13) and atoz.closes(estimated) == date(
        2026, 5, 11
    )
    assert atoz.wait_hours == 48
    assert BOOK.retailer("eBay").escalation("money-back-guarantee").closes_days == 30
    assert WALMART.escalation("marketplace-promise").closes_days == 90
    assert BOOK.payment_disputes["card-chargeback"].days == 60


def test_every_retailer_records_sources_day_counting_and_kinds():
    kinds = {"retailer", "retailer (copy)", "secondary", "not stated"}
    for key, policy in BOOK.retailers.items():
        assert policy.sources, key
        for source in policy.sources:
            assert source["checked"] == "2026-12-06" and source["kind"] in kinds, key
        assert policy.day_counting_note, key
        for season in policy.holiday_seasons:
            assert season.source and season.checked, key


def test_user_file_can_set_a_calendar_window(tmp_path):
    user = tmp_path / "policies.json"
    user.write_text(
        json.dumps(
            {
                "retailers": {
                    "amazon": {"return_window": {"years": 1}},
                    "walmart": {"categories": {"phones": {"return_window_days": 30}}},
                }
            }
        )
    )
    book = policies.load(user)
    assert book.retailers["amazon"].window == Window(years=1)
    assert book.retailers["walmart"].category_window("phones") == Window(days=30)


# -- properties -----------------------------------------------------------------------

RETAILERS = st.sampled_from(["Amazon", "Walmart", "Target", "Best Buy", "eBay", "Corner Shop"])
CATEGORIES = st.sampled_from(
    ["general", "apple", "electronics", "phones", "baby", "own-brand", "renewed-premium", "x"]
)
DAYS = st.dates(date(2023, 6, 1), date(2028, 6, 1))
EXTRAS = st.fixed_dictionaries(
    {
        "seller": st.sampled_from(["", "Gadget Hut", "Amazon.com"]),
        "memberships": st.sampled_from([frozenset(), frozenset({"plus"}), frozenset({"redcard"})]),
    }
)


@settings(max_examples=300, deadline=None)
@given(RETAILERS, CATEGORIES, DAYS, st.integers(0, 20), st.integers(0, 40), EXTRAS)
def test_deadline_is_never_before_delivery(retailer, category, ordered, ship_gap, gap, extras):
    shipped = ordered + timedelta(days=ship_gap)
    delivered = shipped + timedelta(days=gap)
    policy = BOOK.retailer(retailer)
    deadline = policy.return_by(category, delivered, shipped, ordered=ordered, **extras)
    assert deadline >= delivered


@settings(max_examples=300, deadline=None)
@given(RETAILERS, CATEGORIES, DAYS, st.integers(0, 20), st.integers(0, 40), st.integers(0, 40))
def test_deadline_is_monotone_in_the_delivery_date(retailer, category, ordered, ship_gap, a, b):
    shipped = ordered + timedelta(days=ship_gap)
    early, late = sorted((shipped + timedelta(days=a), shipped + timedelta(days=b)))
    policy = BOOK.retailer(retailer)
    first = policy.return_by(category, early, shipped, ordered=ordered)
    second = policy.return_by(category, late, shipped, ordered=ordered)
    assert first <= second


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["Amazon", "Walmart", "Target", "Best Buy"]),
    st.sampled_from(["general", "electronics", "apple"]),
    DAYS,
    st.integers(0, 10),
)
def test_holiday_applies_exactly_when_the_purchase_date_is_in_the_season(
    retailer, category, ordered, gap
):
    policy = BOOK.retailer(retailer)
    delivered = ordered + timedelta(days=gap)
    deadline = policy.return_deadline(category, delivered, delivered, ordered=ordered)
    season = policy.season_for(ordered, "purchase")
    in_season = season is not None and season.contains(ordered) and season.covers(category)
    assert (deadline.season is not None) == in_season
    if deadline.season is not None:
        assert deadline.season.contains(ordered)
        assert deadline.season_assumed == (
            ordered.year > max(s.year for s in policy.holiday_seasons)
        )
        plain = policy.category_window(category).end(delivered, policy.start_day_counts)
        assert deadline.day >= plain
        if not deadline.season.confirmed:  # only the retailer's own season moves it later
            assert deadline.day == max(plain, delivered) and deadline.basis == "window"
            assert deadline.maybe_until is None or deadline.maybe_until > deadline.day
        else:
            assert deadline.maybe_until is None
    else:
        assert deadline.basis == "window"


def test_add_months_never_goes_backwards():
    day = date(2024, 1, 1)
    while day < date(2025, 1, 1):
        assert add_months(day, 1) <= add_months(day + timedelta(days=1), 1)
        day += timedelta(days=1)
