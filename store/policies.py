"""Retailer policies, loaded from data: the file shipped with unship, merged with the
user's own `policies.json` in the config folder.

The engine here turns those facts into dates: `Policy.return_deadline` says by when a
delivered item can be returned and which rule said so (the retailer's window, a holiday
season, a membership, a marketplace seller's policy); `Policy.return_by` is the same date
alone. See docs/policies.md for the facts, their sources and the day-counting rules."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import msgspec

from .paths import config_dir

MEMO_MAX = 100_000  # remembered deadlines per retailer (a few MB at most)


class PolicyError(ValueError):
    pass


# ---------------------------------------------------------------------------------------
# calendar windows


def add_months(day: date, months: int) -> date:
    """The same day `months` later; a day the month lacks becomes its last (31 Jan + 1
    month = 28/29 Feb, 29 Feb + 12 months = 28 Feb)."""
    years, month0 = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, month0 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


class Window(msgspec.Struct, frozen=True):
    """A return window: some days, months or years. Months and years are calendar ones
    ("one year" from 1 Mar 2026 is 1 Mar 2027, not 365 days)."""

    days: int = 0
    months: int = 0
    years: int = 0

    def end(self, start: date, start_day_counts: bool = False) -> date:
        """The last day of the window opened on `start`.

        `start_day_counts`: the retailer counts the opening day as day 1 ("15 days
        beginning the day you receive it" ends on start + 14). Otherwise "within N days
        of delivery" on day D ends on D + N. Calendar months and years end on the same
        date, whatever the convention."""
        end = (
            add_months(start, 12 * self.years + self.months) if self.months or self.years else start
        )
        if self.days:
            end += timedelta(days=self.days - (1 if start_day_counts else 0))
        return end

    @property
    def approx_days(self) -> int:
        return self.days + 30 * self.months + 365 * self.years

    def plus(self, other: Window) -> Window:
        return Window(self.days + other.days, self.months + other.months, self.years + other.years)

    def text(self) -> str:
        parts = []
        for amount, unit in ((self.years, "year"), (self.months, "month"), (self.days, "day")):
            if amount:
                parts.append(f"{amount} {unit}{'s' if amount != 1 else ''}")
        return " and ".join(parts) or "0 days"

    @classmethod
    def parse(cls, value: Any) -> Window:
        """{"days": 30}, {"months": 3}, {"years": 1} or a bare number of days."""
        if isinstance(value, bool):
            raise ValueError(f"not a window: {value!r}")
        if isinstance(value, int):
            window = cls(days=value)
        elif isinstance(value, dict) and set(value) <= {"days", "months", "years"}:
            window = cls(
                days=int(value.get("days", 0)),
                months=int(value.get("months", 0)),
                years=int(value.get("years", 0)),
            )
        else:
            raise ValueError(f"not a window: {value!r}")
        if min(window.days, window.months, window.years) < 0 or window.approx_days <= 0:
            raise ValueError(f"not a window: {value!r}")
        return window


# ---------------------------------------------------------------------------------------
# the facts


class CategoryRule(msgspec.Struct, frozen=True):
    returnable: bool = True
    why: str = ""
    return_window_days: int | None = None
    window: Window | None = None
    note: str = ""
    # The sites a window longer than the retailer's holds on (none named: the main site);
    # elsewhere the retailer's window holds, the longer one said beside it. So too where
    # only third parties report the longer window (`status` "secondary").
    sites: tuple[str, ...] = ()
    status: str = "announced"


class HolidayExtension(msgspec.Struct, frozen=True):
    """Old shape, kept for callers that read `Policy.holiday_extensions`."""

    shipped_from: date
    shipped_until: date
    return_by: date


class SeasonCategory(msgspec.Struct, frozen=True):
    excluded: bool = False
    return_by: date | None = None


class HolidaySeason(msgspec.Struct, frozen=True):
    """A retailer's holiday return season: items whose keyed date ("purchase" = the order
    date, "ship" or "delivery") falls in [start, until] get until `return_by`, or have their
    window counted from `window_starts` instead (Target, Walmart)."""

    year: int
    keyed_on: str
    start: date
    until: date
    return_by: date | None = None
    window_starts: date | None = None
    categories: dict[str, SeasonCategory] = msgspec.field(default_factory=dict)
    only_categories: tuple[str, ...] = ()
    status: str = "announced"  # announced, secondary, or assumed
    assumed_from: int | None = None
    source: str = ""
    checked: str = ""
    # The sites it was announced for ('amazon.com'); none named: the retailer's main site.
    sites: tuple[str, ...] = ()

    @property
    def assumed(self) -> bool:
        return self.assumed_from is not None

    @property
    def confirmed(self) -> bool:
        """Announced by the retailer itself: only such a season moves a deadline later, and
        only on the sites it was announced for (`Policy.sites_of`). An assumed one (last
        year's, moved on) or one only third parties report may be wrong, and a date later
        than the real one makes a person miss the real one."""
        return self.status == "announced" and not self.assumed

    def covers(self, category: str) -> bool:
        if self.only_categories and category not in self.only_categories:
            return False
        rule = self.categories.get(category)
        return not (rule and rule.excluded)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.until

    def shifted(self, years: int) -> HolidaySeason:
        """This season moved `years` later, marked as assumed from this one."""

        def move(day: date | None) -> date | None:
            return add_years(day, years) if day else None

        return HolidaySeason(
            year=self.year + years,
            keyed_on=self.keyed_on,
            start=add_years(self.start, years),
            until=add_years(self.until, years),
            return_by=move(self.return_by),
            window_starts=move(self.window_starts),
            categories={
                name: SeasonCategory(rule.excluded, move(rule.return_by))
                for name, rule in self.categories.items()
            },
            only_categories=self.only_categories,
            status="assumed",
            assumed_from=self.year,
            source=self.source,
            checked=self.checked,
            sites=self.sites,
        )

    def text(self) -> str:
        word = {"purchase": "bought", "ship": "shipped", "delivery": "delivered"}[self.keyed_on]
        span = f"{_day(self.start)} - {_day(self.until)} {self.until.year}"
        if self.return_by:
            what = f"return by {_day(self.return_by)} {self.return_by.year}"
        else:
            what = f"the window starts on {_day(self.window_starts)} {self.window_starts.year}"
        text = f"holiday season {self.year}: {word} {span}, {what}"
        if self.assumed:
            text += f" (assumed from {self.assumed_from}: not announced yet)"
        return text


class Membership(msgspec.Struct, frozen=True):
    key: str
    name: str
    aliases: tuple[str, ...] = ()
    window: Window | None = None  # replaces the standard window
    extra: Window | None = None  # added to the standard window
    except_categories: tuple[str, ...] = ()
    standard_window_only: bool = False  # extends only items on the retailer's own window
    source: str = ""
    # "announced" (the retailer's own pages) or "secondary" (only third parties report it):
    # a secondary one never makes a date later; the day it would give is said beside it
    status: str = "announced"

    def widened(self, window: Window) -> Window | None:
        """`window` as this membership alone makes it, or None when it makes it no longer
        (`Policy.return_deadline` applies the announced ones, extra days counted once)."""
        if self.window is not None and self.window.approx_days > window.approx_days:
            return self.window
        return window.plus(self.extra) if self.extra is not None else None


class Marketplace(msgspec.Struct, frozen=True):
    """What applies to an item sold by a marketplace (third-party) seller."""

    minimum_window: Window | None = None
    note: str = ""
    status: str = "not stated"
    source: str = ""


class Escalation(msgspec.Struct, frozen=True):
    """One rung of the ladder after a problem (phase 2 shows them with deadlines)."""

    key: str
    name: str
    applies_to: str  # "marketplace", "all"
    wait_hours: int = 0  # ask the seller first and wait this long
    opens_days: int = 0  # from `anchor`
    closes_days: int | None = None  # from `anchor`
    anchor: str = "latest-estimated-delivery"
    note: str = ""
    source: str = ""

    def opens(self, anchor_day: date) -> date:
        return anchor_day + timedelta(days=self.opens_days)

    def closes(self, anchor_day: date) -> date | None:
        return anchor_day + timedelta(days=self.closes_days) if self.closes_days else None


class AfterReturn(msgspec.Struct, frozen=True):
    """Second-stage facts: shipping a started return back, and the refund clock."""

    ship_back_basis: str = "not stated"  # "return-by" (the date shown), "started", "not stated"
    ship_back_within_days: int | None = None
    late_note: str = ""
    refund_processing_days: int | None = None
    refund_times: dict[str, str] = msgspec.field(default_factory=dict)
    refund_days: dict[str, int] = msgspec.field(default_factory=dict)  # calendar days, worst case
    source: str = ""


class ReturnDeadline(msgspec.Struct, frozen=True):
    """The last day to return a delivered item, and why."""

    day: date
    rule: str  # "30 days from delivery", "holiday season 2025: ...", "seller's policy: 45 days"
    basis: str  # window, holiday, seller, marketplace-minimum, marketplace-default
    category: str
    category_known: bool = True
    first_party: bool = True
    season: HolidaySeason | None = None
    memberships: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # A later last day a rule not confirmed for this order would give, said beside the
    # deadline, never the deadline itself; `maybe_from` says which: "season" (assumed,
    # reported only by third parties, or announced for another site) or "category" (the
    # category's longer window, known for another site).
    maybe_until: date | None = None
    maybe_from: str = ""
    maybe_why: str = ""  # "membership": its name ('Target Circle Card'); "category": "secondary"
    guess: str = ""  # why the window is a guess (basis "guess"): 'unship doesn't know ...'
    # The window starts at shipment, on a day not recorded: counted from the order date.
    ship_unknown: bool = False

    @property
    def season_assumed(self) -> bool:
        return self.season is not None and self.season.assumed


class Policy(msgspec.Struct, frozen=True, eq=False):
    key: str
    name: str
    return_window_days: int
    refund_within_days: int
    cancel_steps: tuple[str, ...]
    cancel_steps_third_party: tuple[str, ...]
    refuse_steps: tuple[str, ...]
    return_steps: tuple[str, ...]
    unopened_steps: tuple[str, ...]
    return_cost_note: str
    refund_note: str = ""
    order_url: str = ""
    order_number_pattern: str = ""
    aliases: tuple[str, ...] = ()
    categories: dict[str, CategoryRule] = msgspec.field(default_factory=dict)
    holiday_extensions: tuple[HolidayExtension, ...] = ()
    sources: tuple[dict[str, str], ...] = ()
    return_window: Window | None = None
    window_starts: str = "delivery"  # or "shipment" (Target: when the order is invoiced)
    start_day_counts: bool = False
    day_counting_note: str = ""
    holiday_seasons: tuple[HolidaySeason, ...] = ()
    first_party_sellers: tuple[str, ...] = ()
    marketplace: Marketplace = Marketplace()
    memberships: dict[str, Membership] = msgspec.field(default_factory=dict)
    order_urls: dict[str, str] = msgspec.field(default_factory=dict)
    after_return: AfterReturn = AfterReturn()
    escalations: tuple[Escalation, ...] = ()
    # Why the window is only a guess for this retailer ('unship doesn't know {shop}'s window',
    # 'eBay sellers set their own window'): its deadlines say so; '' when it is the rule.
    window_guess: str = ""
    # Deadlines already worked out: a book's orders share delivery days and categories. A
    # policy compares by identity (eq=False), so what it remembers never makes two differ.
    _memo: dict[tuple, ReturnDeadline] = msgspec.field(default_factory=dict)
    _sites: dict[str, str] = msgspec.field(default_factory=dict)  # `site_of`, by the name

    @property
    def window(self) -> Window:
        return self.return_window or Window(days=self.return_window_days)

    def rule_for(self, category: str) -> CategoryRule:
        return self.categories.get(category, CategoryRule())

    def category_window(self, category: str) -> Window:
        rule = self.rule_for(category)
        if rule.window is not None:
            return rule.window
        if rule.return_window_days:
            return Window(days=rule.return_window_days)
        return self.window

    # -- sellers ---------------------------------------------------------------------

    def is_first_party(self, seller: str) -> bool:
        """Is this seller name the retailer itself ('Amazon.com Services LLC', 'Walmart.com',
        'Target')? An empty seller is the retailer."""
        name = _seller_key(seller)
        if not name:
            return True
        names = {_seller_key(s) for s in (self.name, *self.first_party_sellers)}
        return name in names or name.replace(" ", "") in {n.replace(" ", "") for n in names}

    # -- holiday seasons -------------------------------------------------------------

    def season_for(self, day: date, keyed_on: str | None = None) -> HolidaySeason | None:
        """The holiday season whose span holds `day`: announced (or secondary) data for
        that year, else last known year's season moved forward and marked assumed."""
        if not self.holiday_seasons:
            return None
        seasons = [s for s in self.holiday_seasons if keyed_on in (None, s.keyed_on)]
        for season in seasons:
            if season.contains(day):
                return season
        years = {s.year for s in seasons}
        earlier = [s for s in seasons if s.year < day.year]
        if day.year in years or not earlier:
            return None
        latest = max(s.year for s in earlier)
        for season in (s for s in earlier if s.year == latest):
            moved = season.shifted(day.year - latest)
            if moved.contains(day):
                return moved
        return None

    # -- the deadline ----------------------------------------------------------------

    def return_deadline(
        self,
        category: str,
        delivered: date,
        shipped: date | None = None,
        *,
        ordered: date | None = None,
        seller: str = "",
        seller_window_days: int | None = None,
        memberships: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
        category_known: bool = True,
        site: str = "",
    ) -> ReturnDeadline:
        """`_return_deadline` (below), remembered: the answer depends on nothing else."""
        key = (
            category,
            delivered,
            shipped,
            ordered,
            seller,
            seller_window_days,
            frozenset(memberships),
            category_known,
            site or self.main_site,
        )
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) >= MEMO_MAX:
                self._memo.clear()
            found = self._memo[key] = self._return_deadline(*key)
        return found

    def _return_deadline(
        self,
        category: str,
        delivered: date,
        shipped: date | None,
        ordered: date | None,
        seller: str,
        seller_window_days: int | None,
        memberships: frozenset[str],
        category_known: bool,
        site: str,
    ) -> ReturnDeadline:
        """By when a delivered item can be returned, and the rule that says so.

        - `ordered`: the order date; holiday seasons keyed on the purchase date need it
          (without it the ship date, else the delivery date, stands in, and a note says so).
        - `seller`, `seller_window_days`: an item sold by a marketplace seller follows the
          seller's policy; `seller_window_days` is that policy's window (from the person),
          else the retailer's stated minimum for marketplace sellers applies.
        - `memberships`: membership or payment keys the person has ("plus", "circle-card").
        - `site`: the site the order was placed on (`site_of`; default the main one): a
          holiday season moves the date only on the sites it was announced for.
        The result is never before `delivered`, and never earlier for a later delivery."""
        notes: list[str] = []
        first_party = self.is_first_party(seller)
        if not category_known:
            notes.append(f"category {category!r} is not one unship knows: the general rules apply")
        if self.window_guess:
            return self._unknown_shop_deadline(
                category, delivered, seller, seller_window_days, category_known, notes
            )
        if not first_party:
            return self._marketplace_deadline(
                category,
                delivered,
                self._window_start(delivered, shipped, ordered),
                seller,
                seller_window_days,
                category_known,
                notes,
            )

        start, start_word, ship_unknown = self._window_start(delivered, shipped, ordered)
        window = self.category_window(category)
        standard = (
            self.rule_for(category).window is None
            and not self.rule_for(category).return_window_days
        )
        # the category's longer window, where it is not known to hold: on another site, or
        # only third parties report it
        longer, cat = None, self.rule_for(category)
        elsewhere = site not in self.sites_of(cat.sites) or cat.status != "announced"
        if not standard and elsewhere and window.approx_days > self.window.approx_days:
            longer, window, standard = window, self.window, True
        applied: list[str] = []
        extended = False  # extra days count once (a card and a paid tier don't add up)
        unconfirmed: list[Membership] = []
        for membership in self._memberships(memberships):
            if category in membership.except_categories:
                continue
            if membership.standard_window_only and not standard:
                continue
            if membership.status != "announced":
                unconfirmed.append(membership)
            elif (
                membership.window is not None and membership.window.approx_days > window.approx_days
            ):
                window = membership.window
                applied.append(membership.key)
            elif membership.extra is not None and not extended:
                extended = True
                window = window.plus(membership.extra)
                applied.append(membership.key)
        last = window.end(start, self.start_day_counts)
        rule = f"{window.text()} from {start_word}"
        basis = "window"
        maybe_until, maybe_from, maybe_why = None, "", ""
        if longer is not None:
            maybe_until, maybe_from = longer.end(start, self.start_day_counts), "category"
            maybe_why = "secondary" if cat.status != "announced" else ""
        for membership in unconfirmed:
            wider = None if extended and membership.extra else membership.widened(window)
            end = wider.end(start, self.start_day_counts) if wider else None
            if end is not None and end > max(last, maybe_until or last):
                maybe_until, maybe_from, maybe_why = end, "membership", membership.name

        season = None
        keyed = self._keyed_day(ordered, shipped, delivered, notes)
        found = self.season_for(keyed[1], keyed[0]) if keyed else None
        if found is not None and found.covers(category):
            season = found
            holiday_last = self._season_end(found, category, window)
            if holiday_last is not None and holiday_last > last:
                if found.confirmed and site in self.sites_of(found.sites):
                    last, rule, basis = holiday_last, found.text(), "holiday"
                elif holiday_last > max(delivered, maybe_until or delivered):
                    maybe_until, maybe_from, maybe_why = holiday_last, "season", ""
        last = max(last, delivered)
        if maybe_until is not None and maybe_until <= last:
            maybe_until, maybe_from, maybe_why = None, "", ""
        if ship_unknown:  # the day is a guess if shipping as late as the delivery moves it
            # (remembered: the latest plausible window of `advice` asks the same)
            latest = self.return_deadline(
                category,
                delivered,
                delivered,
                ordered=ordered,
                seller=seller,
                seller_window_days=seller_window_days,
                memberships=memberships,
                category_known=category_known,
                site=site,
            )
            ship_unknown = latest.day > last
        return ReturnDeadline(
            day=last,
            rule=rule,
            basis=basis,
            category=category,
            category_known=category_known,
            first_party=True,
            season=season,
            memberships=tuple(applied),
            notes=tuple(notes),
            maybe_until=maybe_until,
            maybe_from=maybe_from,
            maybe_why=maybe_why,
            ship_unknown=ship_unknown,
        )

    def return_by(
        self,
        category: str,
        delivered: date,
        shipped: date | None = None,
        *,
        ordered: date | None = None,
        seller: str = "",
        seller_window_days: int | None = None,
        memberships: frozenset[str] | set[str] | tuple[str, ...] = frozenset(),
    ) -> date:
        """The last day a delivered item can be returned (see `return_deadline`)."""
        return self.return_deadline(
            category,
            delivered,
            shipped,
            ordered=ordered,
            seller=seller,
            seller_window_days=seller_window_days,
            memberships=memberships,
        ).day

    def _keyed_day(
        self, ordered: date | None, shipped: date | None, delivered: date, notes: list[str]
    ) -> tuple[str, date] | None:
        keys = {s.keyed_on for s in self.holiday_seasons}
        if not keys:
            return None
        key = "purchase" if "purchase" in keys else next(iter(sorted(keys)))
        if key == "purchase":
            if ordered is not None:
                return key, ordered
            notes.append(
                "order date unknown: the holiday season was checked against the "
                + ("ship date" if shipped else "delivery date")
            )
            return key, shipped or delivered
        if key == "ship":
            return key, shipped or delivered
        return key, delivered

    def _season_end(self, season: HolidaySeason, category: str, window: Window) -> date | None:
        rule = season.categories.get(category)
        if rule is not None and rule.return_by is not None:
            return rule.return_by
        if season.return_by is not None:
            return season.return_by
        if season.window_starts is not None:
            return window.end(season.window_starts, self.start_day_counts)
        return None

    def _unknown_shop_deadline(
        self,
        category: str,
        delivered: date,
        shop: str,
        window_days: int | None,
        category_known: bool,
        notes: list[str],
    ) -> ReturnDeadline:
        """A window unship can only guess (`window_guess`: a shop it has no policy for, an
        eBay seller; `shop`: its name): the one typed on the order, else the retailer's
        window, said to be a guess (basis "guess", `guess` saying why)."""
        guess = ""
        if window_days is not None:
            window = Window(days=int(window_days))
            rule, basis = f"{shop}'s policy: {window.text()} from delivery", "seller"
        else:
            window = self.category_window(category)
            guess = self.window_guess.replace("{shop}", shop or "the shop")
            rule, basis = f"{window.text()} from delivery: a guess, as {guess}", "guess"
        return ReturnDeadline(
            day=max(window.end(delivered, self.start_day_counts), delivered),
            rule=rule,
            basis=basis,
            category=category,
            category_known=category_known,
            first_party=True,
            notes=tuple(notes),
            guess=guess,
        )

    def _window_start(
        self, delivered: date, shipped: date | None, ordered: date | None
    ) -> tuple[date, str, bool]:
        """(the day the retailer's own window counts from, its word, whether that is the order
        date standing in for a ship day not recorded)."""
        if self.window_starts != "shipment":
            return delivered, "delivery", False
        if shipped is not None:
            return min(shipped, delivered), "shipment", False
        if ordered is not None and ordered < delivered:
            # It shipped on a day not recorded: not before the order date, which is where the
            # window is counted from, so it is never later than the real one.
            return ordered, "the order date", True
        return delivered, "shipment" if ordered == delivered else "delivery", False

    def _marketplace_deadline(
        self,
        category: str,
        delivered: date,
        own_start: tuple[date, str, bool],
        seller: str,
        seller_window_days: int | None,
        category_known: bool,
        notes: list[str],
    ) -> ReturnDeadline:
        ship_unknown = False  # set where the retailer's own window counts from the order date
        if seller_window_days is not None:
            window = Window(days=int(seller_window_days))
            last = window.end(delivered)
            rule, basis = f"{seller}'s policy: {window.text()} from delivery", "seller"
        elif self.marketplace.minimum_window is not None:
            window = self.marketplace.minimum_window
            last = window.end(delivered)
            rule = f"{self.name} marketplace minimum: at least {window.text()} from delivery"
            basis = "marketplace-minimum"
            notes.append(
                f"sold by {seller}, a marketplace seller: their own policy applies, at least "
                f"{window.text()}; check the listing or the order page"
            )
        else:  # the retailer's own window, counted as the retailer counts it
            window = self.category_window(category)
            start, start_word, ship_unknown = own_start
            last = window.end(start, self.start_day_counts)
            rule = f"{window.text()} from {start_word} ({self.name}'s own window)"
            basis = "marketplace-default"
            notes.append(
                f"sold by {seller}, a marketplace seller: their own policy applies "
                f"({self.marketplace.note or 'not stated'}); {self.name}'s window is shown"
            )
        return ReturnDeadline(
            day=max(last, delivered),
            rule=rule,
            basis=basis,
            category=category,
            category_known=category_known,
            first_party=False,
            notes=tuple(notes),
            ship_unknown=ship_unknown,
        )

    def _memberships(self, wanted) -> list[Membership]:
        found: dict[str, Membership] = {}
        for name in wanted or ():
            key = _key(name)
            for membership in self.memberships.values():
                names = {_key(membership.key), _key(membership.name)}
                names.update(_key(a) for a in membership.aliases)
                if key in names:
                    found[membership.key] = membership
        return list(found.values())

    def membership(self, name: str) -> Membership | None:
        found = self._memberships([name])
        return found[0] if found else None

    # -- second stage ----------------------------------------------------------------

    def ship_back_by(self, started: date, window_end: date | None) -> date | None:
        """By when a started return should be handed to the carrier: the date the retailer
        shows (its return-by date) or a number of days after starting; None if not stated."""
        after = self.after_return
        if after.ship_back_basis == "return-by" and window_end is not None:
            return max(window_end, started)
        if after.ship_back_basis == "started" and after.ship_back_within_days is not None:
            return started + timedelta(days=after.ship_back_within_days)
        return None

    def refund_due(self, received: date, method: str = "") -> date | None:
        """The latest day a refund should show, counted from the day the return was handed
        over: the retailer's processing time plus the payment method's (worst case)."""
        after = self.after_return
        if after.refund_processing_days is None:
            return None
        extra = after.refund_days.get(_key(method).replace(" ", "-"), 0)
        return received + timedelta(days=after.refund_processing_days + extra)

    def escalation(self, key: str) -> Escalation | None:
        return next((e for e in self.escalations if e.key == key), None)

    # -- links -----------------------------------------------------------------------

    def order_link(self, order_number: str, website: str | None = None) -> str:
        """The order's page, on the site it was placed on ('Amazon.ca' -> amazon.ca)."""
        url = self.order_url
        if website:
            site = _site_key(website)
            url = self.order_urls.get(site, url)
        return url.format(order_number=order_number) if url and order_number else ""

    @property
    def main_site(self) -> str:
        """The retailer's own site, as its order page names it ('amazon.com')."""
        return _site_key(self.order_url) if self.order_url else ""

    def sites_of(self, sites: tuple[str, ...]) -> tuple[str, ...]:
        """The sites a season or a category window holds on: those named, else the main."""
        return sites or (self.main_site,)

    def site_of(self, order: Any) -> str:
        """The site `order` was placed on: the one its export names ('Amazon.ca'), else
        the one its retailer's name names ('walmart.ca' typed by hand), else the main one."""
        return self.site_named(order.extra.get("website") or order.retailer)

    def site_named(self, name: str) -> str:
        """The site a shop's name names ('Amazon.ca': amazon.ca), else the main one."""
        site = self._sites.get(name)
        if site is None:
            if len(self._sites) >= MEMO_MAX:
                self._sites.clear()
            named = _site_key(name)
            site = self._sites[name] = named if "." in named else self.main_site
        return site

    def page_of(self, order: Any) -> str:
        """`order`'s page: on the site its export names, else the one its retailer's name
        names ('Amazon.ca' typed by hand), else the retailer's own."""
        return self.order_link(order.order_number, order.extra.get("website") or order.retailer)

    def order_number_looks_right(self, order_number: str) -> bool:
        return not self.order_number_pattern or bool(
            re.match(self.order_number_pattern, order_number)
        )


class Carrier(msgspec.Struct, frozen=True):
    key: str
    name: str
    tracking_url: str
    aliases: tuple[str, ...] = ()

    def link(self, tracking: str) -> str:
        return self.tracking_url.format(tracking=tracking) if tracking else ""


class PaymentDispute(msgspec.Struct, frozen=True):
    key: str
    name: str
    days: int
    anchor: str
    note: str = ""
    source: str = ""

    def closes(self, anchor_day: date) -> date:
        return anchor_day + timedelta(days=self.days)


class PolicyBook(msgspec.Struct, frozen=True, eq=False):
    retailers: dict[str, Policy]
    carriers: dict[str, Carrier]
    category_aliases: dict[str, str]
    user_file: Path | None = None
    category_keys: dict[str, str] = msgspec.field(default_factory=dict)
    payment_disputes: dict[str, PaymentDispute] = msgspec.field(default_factory=dict)
    # The person's memberships and payment cards (settings.json): deadlines follow them.
    memberships: frozenset[str] = frozenset()
    # Names already looked up (the advice asks for the same few names for every order); a
    # book compares by identity (eq=False), as a policy does.
    _names: dict[tuple[str, str], Any] = msgspec.field(default_factory=dict)

    def with_memberships(self, keys) -> PolicyBook:
        """This book for a person with these memberships ('plus', 'circle-card')."""
        return msgspec.structs.replace(self, memberships=frozenset(keys or ()))

    def known_memberships(self) -> dict[str, tuple[Policy, Membership]]:
        """Every membership unship knows, by key: {'plus': (Best Buy, My Best Buy Plus)}."""
        return {
            key: (policy, membership)
            for policy in self.retailers.values()
            for key, membership in policy.memberships.items()
        }

    def membership_key(self, name: str) -> str | None:
        """The key of a membership as typed ('Best Buy Plus', 'bestbuy-plus', 'plus')."""
        wanted = _key(name).replace("-", " ")
        for key, (policy, membership) in self.known_memberships().items():
            names = {key, membership.key, membership.name, *membership.aliases}
            names |= {f"{policy.key} {key}", f"{policy.name} {key}"}
            if wanted in {_key(n).replace("-", " ") for n in names}:
                return key
        return None

    def retailer(self, name: str) -> Policy:
        """The policy for a retailer name as typed ('Amazon.ca', 'best buy'); 'other' if unknown."""
        found = self._names.get(("retailer", name))
        if found is None:
            found = self._names[("retailer", name)] = self._retailer(name)
        return found

    def _retailer(self, name: str) -> Policy:
        key = _key(name)
        if key in self.retailers:
            return self.retailers[key]
        for policy in self.retailers.values():
            if key in (_key(a) for a in policy.aliases) or key == _key(policy.name):
                return policy
        return self.retailers["other"]

    def retailer_names(self) -> frozenset[str]:
        """Every name, key and alias a retailer is known by, in lower case ('best buy')."""
        return frozenset(
            _key(n) for p in self.retailers.values() for n in (p.key, p.name, *p.aliases)
        )

    def currency_of(self, name: str) -> str | None:
        """The currency an order at `name` is in when none is typed: that of the country
        site its name names ('Amazon.ca': CAD), else that of the site whose rules unship
        follows for it (each retailer's own site: dollars but for Walmart Canada's), else
        None: a shop unship has no rules for (the book's usual currency, then)."""
        from .money import site_currency

        found = site_currency(name)
        if found is not None:
            return found
        policy = self.retailer(name)
        if policy.key == "other" or not policy.main_site:
            return None
        return site_currency(policy.main_site) or "USD"

    def retailer_key(self, name: str) -> str:
        policy = self.retailer(name)
        return policy.key if policy.key != "other" or _key(name) == "other" else _key(name)

    def category(self, name: str) -> str:
        found = self._names.get(("category", name))
        if found is None:
            found = self._names[("category", name)] = self._category(name)
        return found

    def _category(self, name: str) -> str:
        key = " ".join(
            (name or "general").strip().lower().replace("-", " ").replace("_", " ").split()
        )
        return self.category_aliases.get(key, key.replace(" ", "-")) or "general"

    def known_category(self, name: str) -> bool:
        """Does unship know this category (as typed, through the aliases)? An unknown one is
        still accepted, with the general rules."""
        key = self.category(name)
        if key == "general" or key in self.category_keys:
            return True
        return any(key in policy.categories for policy in self.retailers.values())

    def carrier(self, name: str) -> Carrier | None:
        key = _key(name)
        if not key:
            return None
        if key in self.carriers:
            return self.carriers[key]
        for carrier in self.carriers.values():
            if key in (_key(a) for a in carrier.aliases) or key == _key(carrier.name):
                return carrier
        return None


def _key(name: str) -> str:
    return " ".join((name or "").strip().lower().split())


def _day(day: date | None) -> str:
    return f"{day.day} {day:%b}" if day else "?"


_LEGAL = {"inc", "llc", "l.l.c", "ltd", "co", "corp", "corporation", "services", "stores", "us"}
_DOMAIN = re.compile(r"\.(com\.mx|com\.au|co\.uk|co\.jp|com|ca|de|fr|it|es|in|mx|uk)$")


def _seller_key(name: str) -> str:
    """'Amazon.com Services LLC' -> 'amazon', 'Walmart Inc.' -> 'walmart'."""
    words = _key(name).replace(",", " ").split()
    while len(words) > 1 and words[-1].rstrip(".") in _LEGAL:
        words.pop()
    text = " ".join(words).rstrip(".")
    while _DOMAIN.search(text):
        text = _DOMAIN.sub("", text)
    return text


def _site_key(website: str) -> str:
    site = _key(website).removeprefix("https://").removeprefix("http://").removeprefix("www.")
    return site.split("/")[0]


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _iso(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _window(data: dict[str, Any], days_key: str = "return_window_days") -> Window | None:
    """A window from `return_window` ({"days"/"months"/"years"}) or the older
    `return_window_days` (a user's override file may still use it: it wins)."""
    if data.get(days_key) is not None:
        return Window.parse(int(data[days_key]))
    if data.get("return_window") is not None:
        return Window.parse(data["return_window"])
    return None


def _category(rule: dict[str, Any]) -> CategoryRule:
    window = _window(rule)
    return CategoryRule(
        returnable=bool(rule.get("returnable", True)),
        why=rule.get("why", ""),
        return_window_days=window.approx_days if window else None,
        window=window,
        note=rule.get("note", ""),
        sites=tuple(_site_key(site) for site in rule.get("sites", ())),
        status=rule.get("status", "announced"),
    )


def _season(data: dict[str, Any]) -> HolidaySeason:
    keyed_on = data.get("keyed_on", "purchase")
    if keyed_on not in ("purchase", "ship", "delivery"):
        raise ValueError(f"keyed_on {keyed_on!r}")
    start, until = date.fromisoformat(data["from"]), date.fromisoformat(data["until"])
    season = HolidaySeason(
        year=int(data.get("year", start.year)),
        keyed_on=keyed_on,
        start=start,
        until=until,
        return_by=_iso(data.get("return_by")),
        window_starts=_iso(data.get("window_starts")),
        categories={
            name: SeasonCategory(bool(rule.get("excluded", False)), _iso(rule.get("return_by")))
            for name, rule in data.get("categories", {}).items()
        },
        only_categories=tuple(data.get("only_categories", ())),
        status=data.get("status", "announced"),
        source=data.get("source", ""),
        checked=data.get("checked", ""),
        sites=tuple(_site_key(site) for site in data.get("sites", ())),
    )
    if (season.return_by is None) == (season.window_starts is None) or until < start:
        raise ValueError("holiday season needs from <= until and one of return_by, window_starts")
    return season


def _legacy_seasons(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The old `holiday_extensions` (keyed on the ship date) as seasons."""
    return [
        {
            "keyed_on": "ship",
            "from": ext["shipped_from"],
            "until": ext["shipped_until"],
            "return_by": ext["return_by"],
            "status": "secondary",
        }
        for ext in data.get("holiday_extensions", ())
    ]


def _policy(key: str, data: dict[str, Any]) -> Policy:
    try:
        window = _window(data)
        if window is None:
            raise KeyError("return_window")
        seasons = tuple(
            _season(s) for s in [*data.get("holiday_seasons", ()), *_legacy_seasons(data)]
        )
        market = data.get("marketplace", {})
        after = data.get("after_return", {})
        counting = data.get("day_counting", {})
        return Policy(
            key=key,
            name=data.get("name", key.title()),
            return_window_days=window.approx_days,
            return_window=window,
            refund_within_days=int(data.get("refund_within_days", 14)),
            cancel_steps=tuple(data.get("cancel_steps", ())),
            cancel_steps_third_party=tuple(
                data.get("cancel_steps_third_party", data.get("cancel_steps", ()))
            ),
            refuse_steps=tuple(data.get("refuse_steps", ())),
            return_steps=tuple(data.get("return_steps", ())),
            unopened_steps=tuple(data.get("unopened_steps", ())),
            return_cost_note=data.get("return_cost_note", ""),
            refund_note=data.get("refund_note", ""),
            order_url=data.get("order_url", ""),
            order_urls={_site_key(k): v for k, v in data.get("order_urls", {}).items()},
            order_number_pattern=data.get("order_number_pattern", ""),
            aliases=tuple(data.get("aliases", ())),
            categories={name: _category(rule) for name, rule in data.get("categories", {}).items()},
            holiday_extensions=tuple(
                HolidayExtension(s.start, s.until, s.return_by)
                for s in seasons
                if s.keyed_on == "ship" and s.return_by is not None
            ),
            holiday_seasons=seasons,
            sources=tuple(data.get("sources", ())),
            window_starts=data.get("window_starts", "delivery"),
            start_day_counts=counting.get("first_day") == "start-day",
            day_counting_note=counting.get("note", ""),
            first_party_sellers=tuple(data.get("first_party_sellers", ())),
            marketplace=Marketplace(
                minimum_window=Window.parse(market["minimum_window"])
                if market.get("minimum_window")
                else None,
                note=market.get("note", ""),
                status=market.get("status", "not stated"),
                source=market.get("source", ""),
            ),
            memberships={
                name: Membership(
                    key=name,
                    name=m.get("name", name),
                    aliases=tuple(m.get("aliases", ())),
                    window=Window.parse(m["return_window"]) if m.get("return_window") else None,
                    extra=Window.parse(m["extra"]) if m.get("extra") else None,
                    except_categories=tuple(m.get("except_categories", ())),
                    standard_window_only=bool(m.get("standard_window_only", False)),
                    source=m.get("source", ""),
                    status=m.get("status", "announced"),
                )
                for name, m in data.get("memberships", {}).items()
            },
            after_return=AfterReturn(
                ship_back_basis=after.get("ship_back_basis", "not stated"),
                ship_back_within_days=after.get("ship_back_within_days"),
                late_note=after.get("late_note", ""),
                refund_processing_days=after.get("refund_processing_days"),
                refund_times=dict(after.get("refund_times", {})),
                refund_days={k: int(v) for k, v in after.get("refund_days", {}).items()},
                source=after.get("source", ""),
            ),
            window_guess=data.get("window_guess", ""),
            escalations=tuple(
                Escalation(
                    key=e["key"],
                    name=e["name"],
                    applies_to=e.get("applies_to", "all"),
                    wait_hours=int(e.get("wait_hours", 0)),
                    opens_days=int(e.get("opens_days", 0)),
                    closes_days=e.get("closes_days"),
                    anchor=e.get("anchor", "latest-estimated-delivery"),
                    note=e.get("note", ""),
                    source=e.get("source", ""),
                )
                for e in data.get("escalations", ())
            ),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise PolicyError(f"retailer {key!r}: bad or missing {error}") from None


def build(data: dict[str, Any], user_file: Path | None = None) -> PolicyBook:
    retailers = {key: _policy(key, value) for key, value in data.get("retailers", {}).items()}
    if "other" not in retailers:
        raise PolicyError("the policies must have an 'other' retailer")
    carriers = {
        key: Carrier(
            key, value["name"], value.get("tracking_url", ""), tuple(value.get("aliases", ()))
        )
        for key, value in data.get("carriers", {}).items()
    }
    disputes = {
        key: PaymentDispute(
            key,
            value.get("name", key),
            int(value["days"]),
            value.get("anchor", ""),
            value.get("note", ""),
            value.get("source", ""),
        )
        for key, value in data.get("payment_disputes", {}).items()
    }
    return PolicyBook(
        retailers,
        carriers,
        dict(data.get("category_aliases", {})),
        user_file,
        dict(data.get("category_keys", {})),
        disputes,
    )


def shipped_data() -> dict[str, Any]:
    # beside this module, as pip installs it: importlib.resources would cost the app's start
    # about 15 ms of imports (zipfile among them) to find the same file
    return msgspec.json.decode(Path(__file__).with_name("policies.json").read_bytes())


def load(user_file: Path | None = None) -> PolicyBook:
    """The shipped policies merged with the user's file (if there is one)."""
    data = shipped_data()
    path = user_file if user_file is not None else config_dir() / "policies.json"
    if path.exists():
        try:
            import json  # its messages say where the person's file is wrong

            override = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as error:
            raise PolicyError(f"can't read your policies file {path}: {error}") from None
        if not isinstance(override, dict):
            raise PolicyError(f"your policies file {path} must hold a JSON object")
        data = _windows_replace(_merge(data, override), override)
        return build(data, path)
    return build(data)


def _windows_replace(merged: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """A user's `return_window` replaces the shipped one whole ({"years": 1} over
    {"days": 30} must not merge into both); a user's `return_window_days` wins over the
    shipped `return_window` (see `_window`)."""
    retailers = override.get("retailers")
    if not isinstance(retailers, dict):
        return merged
    for key, data in retailers.items():
        if not isinstance(data, dict) or not isinstance(merged["retailers"].get(key), dict):
            continue
        target = merged["retailers"][key]
        if "return_window" in data:
            target["return_window"] = data["return_window"]
            if "return_window_days" not in data:
                target.pop("return_window_days", None)
        for name, rule in (data.get("categories") or {}).items():
            if isinstance(rule, dict) and "return_window" in rule:
                target["categories"][name]["return_window"] = rule["return_window"]
                if "return_window_days" not in rule:
                    target["categories"][name].pop("return_window_days", None)
    return merged


@cache
def default_book() -> PolicyBook:
    return load()
