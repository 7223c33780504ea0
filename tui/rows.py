"""The order list's rows as plain data: texts, advice facts, sort keys, quick views, filtering.

No Textual here: the list widget draws what this module prepares. Work is split so that the
first frame is cheap whatever the book's size:

- `Row` texts (title, state, total...) are computed when a row is first drawn.
- `Facts` (next deadline, needs action, deadline counts) come from the store's facts of each
  order (store/facts.py, about 30 us an order): `compute_facts` runs once per changed
  order, in a thread for big books.
- The lowercase search string is built once per order, on first use.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import product
from operator import attrgetter
from typing import TYPE_CHECKING

import msgspec
from unship.store import (
    ARCHIVE_AFTER_DAYS,
    EVENT_WORDS,
    Order,
    Overview,
    State,
    archive_cutoff,
    archived,
    clean_line,
    format_money,
    last_active,
    lifecycle,
)

__all__ = ["ARCHIVE_AFTER_DAYS", "archive_cutoff", "last_active"]  # the app's names for them

if TYPE_CHECKING:
    from unship.store import advice

SORTS = ("urgency", "date", "retailer", "total")
# Each sort's own direction: True when it lists the smallest first (the soonest deadline,
# A-Z), False when the biggest (the newest order, the highest total). `S` reverses it.
SORT_ASCENDS = {"urgency": True, "date": False, "retailer": True, "total": False}
# The column a sort orders by, when the list shows it (it gets the sort marker).
SORT_COLUMNS = {
    "urgency": "next deadline",
    "date": "ordered",
    "retailer": "retailer",
    "total": "total",
}

# (key, label) for keys 1-6; the key doubles as the short label of the tab line.
VIEWS = (
    ("all", "all"),
    ("action", "needs action"),
    ("transit", "in transit"),
    ("returns", "returns open"),
    ("done", "done"),
    ("archive", "archive"),
)
SHORT_LABELS = {
    "all": "all",
    "action": "action",
    "transit": "transit",
    "returns": "returns",
    "done": "done",
    "archive": "archive",
}

IN_TRANSIT = frozenset({State.SHIPPED, State.OUT_FOR_DELIVERY})
# What the search finds of a history entry besides its note: the event in the app's words
# ('return started', 'refused at the door'); the order's own moments say nothing to find.
_HISTORY_WORDS = {k: v for k, v in EVENT_WORDS.items() if k not in ("placed", "edited", "note")}
# The eight possible view flags, shared by the rows (a tuple each cost 3 MB for 50k rows).
_FLAGS = {flags: flags for flags in product((False, True), repeat=3)}
_FLAGS_OF: dict[tuple[str, ...], tuple[bool, bool, bool]] = {}  # items' states -> flags
_state = attrgetter("state")


class Facts(msgspec.Struct, frozen=True, gc=False):
    """What the advice engine says about one order, reduced to what the list shows."""

    deadline: advice.Deadline | None
    needs_action: bool
    overdue: int  # deadlines already passed
    due_soon: int  # deadlines in the next 7 days
    # Estimates applied: (in transit, returns open, done) and the state in words, where
    # they differ from what the stored states say (closed history, estimated deliveries).
    flags: tuple[bool, bool, bool] | None = None
    state: str | None = None
    urgent: bool = False  # a reported problem or something overdue: first by urgency
    # no deadline, but a closed return window may still be open until this day
    perhaps: date | None = None
    # nothing dated: every return window closed on this day, not yet history ('~': estimated)
    closed_on: date | None = None
    closed_estimated: bool = False
    not_returnable: bool = False  # nothing dated: no item could ever be returned (groceries)

    @property
    def next(self) -> advice.Deadline | None:
        return self.deadline


# Facts without a dated action are few distinct values: shared (50k orders, a few objects).
_UNDATED: dict[tuple, Facts] = {}


def compute_facts(order: Order, book, today: date, found=None) -> Facts:
    """The list's facts of an order, from the store's (`found`, when the caller has them).
    The rows keep these: the book's kept facts (store/facts.py) would hold a second copy
    of every order's in memory."""
    found = found or book.work_out_facts(order, today)
    states = found.states
    flags = state = None
    if found.closed or states != tuple(item.state for item in order.items):
        kinds = set(states)
        flags = _FLAGS[
            bool(kinds & IN_TRANSIT) and not found.closed,
            bool(kinds & lifecycle.REFUND_PENDING_STATES) and not found.closed,
            found.done,
        ]
        state = found.state_text
    needs, urgent = found.needs_action, found.urgent
    dated = found.deadlines
    if not dated:
        closed = (found.closed_on, found.closed_estimated, found.not_returnable)
        key = (needs, flags, state, urgent, found.perhaps, closed)
        shared = _UNDATED.get(key)
        if shared is None:
            shared = Facts(None, needs, 0, 0, flags, state, urgent, found.perhaps, *closed)
            if len(_UNDATED) < 4096:
                _UNDATED[key] = shared
        return shared
    horizon = today + timedelta(days=7)
    overdue = sum(1 for d in dated if d.overdue or d.day < today)
    due_soon = sum(1 for d in dated if not (d.overdue or d.day < today) and d.day <= horizon)
    return Facts(dated[0], needs, overdue, due_soon, flags, state, urgent)


# Short words for a mixed order's state in a narrow column ("1 ordered, 1 in transit" does
# not fit 16 cells); "problem" stays whole, it colours the cell.
SHORT_STATES = {
    State.ORDERED: "ord",
    State.CANCEL_REQUESTED: "cxl req",
    State.CANCELLED: "cxl",
    State.SHIPPED: "ship",
    State.OUT_FOR_DELIVERY: "out",
    State.DELIVERED: "dlvd",
    State.REFUSED: "refused",
    State.RETURN_REQUESTED: "ret",
    State.RETURN_SHIPPED: "ret sent",
    State.REFUNDED: "refunded",
    State.KEPT: "kept",
    State.PROBLEM: "problem",
}


def state_cell(order: Order, width: int, states: tuple[State, ...] | None = None) -> str:
    """The order's state in at most `width` cells: '1 ordered, 1 in transit' when it fits,
    else '1 ord·1 ship', else as many states as fit and how many more ('1 ord·1 ship +2').

    `states`: the items' states with estimates applied, when they differ from the stored."""
    full = lifecycle.summary_state(order, states)
    if len(full) <= width:
        return full
    counts = Counter(states if states is not None else (item.state for item in order.items))
    if len(counts) == 1:
        return full  # one long label: the column cuts it
    parts = [f"{n} {SHORT_STATES[state]}" for state, n in _in_state_order(counts)]
    text = "·".join(parts)
    if len(text) <= width:
        return text
    for shown in range(len(parts) - 1, 0, -1):
        text = f"{'·'.join(parts[:shown])} +{len(parts) - shown}"
        if len(text) <= width:
            return text
    return f"mixed ({len(parts)} states)"


def _in_state_order(counts: Counter) -> list[tuple[State, int]]:
    order = list(State)
    return sorted(counts.items(), key=lambda kv: order.index(kv[0]))


class Row:
    """One order in the list. Texts are cleaned again before display and made on first use."""

    __slots__ = ("order", "facts", "_cells", "_search", "_view_flags", "_last")

    def __init__(self, order: Order, facts: Facts | None = None):
        self.order = order
        self.facts = facts
        self._cells: tuple[str, str, str, str, str] | None = None
        self._search: str | None = None
        self._view_flags: tuple[bool, bool, bool] | None = None
        self._last: date | None = None

    @property
    def id(self) -> int:
        return self.order.id

    @property
    def cells(self) -> tuple[str, str, str, str, str]:
        """(retailer, order number, first item's title, total, state), display-safe; the
        title's '+2' (more items) is `more`, kept apart so a cut title keeps it."""
        if self._cells is None:
            o = self.order
            self._cells = (
                clean_line(o.retailer),
                clean_line(o.order_number),
                clean_line(o.items[0].title, limit=300) if o.items else "",
                format_money(o.total, o.currency),
                lifecycle.summary_state(o),
            )
        return self._cells

    @property
    def more(self) -> str:
        """' +2' when the order has two more items than the one its title names."""
        n = len(self.order.items) - 1
        return f" +{n}" if n > 0 else ""

    @property
    def search(self) -> str:
        """Lowercase text a filter word can match: retailer, numbers, carrier, notes, item
        titles and sellers, and the history (what happened and each entry's note: return
        reasons, a return's tracking number). Built once per order, on first use."""
        if self._search is None:
            o = self.order
            parts = [o.retailer, o.order_number, o.tracking, o.notes, o.carrier]
            for item in o.items:
                parts.append(item.title)
                if item.seller:
                    parts.append(item.seller)
            for entry in o.history:
                words = _HISTORY_WORDS.get(entry.event)
                if words:
                    parts.append(words)
                if entry.note:
                    parts.append(entry.note)
            self._search = "\n".join(parts).lower()
        return self._search

    @property
    def last_active(self) -> date:
        if self._last is None:
            self._last = last_active(self.order)
        return self._last

    def archived(self, cutoff: date) -> bool:
        """In the archive (`store.archive`); before the facts are known, by the stored
        states alone."""
        done = self.view_flags()[2]
        if not done:  # most rows: their last day is never worked out
            return False
        facts = self.facts
        dated = facts is not None and facts.deadline is not None
        needs = facts is not None and facts.needs_action
        return archived(done, dated, needs, self.last_active, cutoff)

    def flags(self) -> tuple[bool, bool, bool]:
        """(in transit, returns open, done)."""
        if self._view_flags is None:
            states = tuple(map(_state, self.order.items))
            flags = _FLAGS_OF.get(states)
            if flags is None:  # a few dozen kinds of order in any book: each worked out once
                kinds = set(states)
                flags = _FLAGS_OF[states] = _FLAGS[
                    bool(kinds & IN_TRANSIT),
                    bool(kinds & lifecycle.REFUND_PENDING_STATES),
                    kinds <= lifecycle.FINAL_STATES,
                ]
            self._view_flags = flags
        return self._view_flags

    def view_flags(self) -> tuple[bool, bool, bool]:
        """`flags()`, with estimates applied once the facts are known."""
        facts = self.facts
        if facts is not None and facts.flags is not None:
            return facts.flags
        return self._view_flags or self.flags()

    def in_view(self, view: str, cutoff: date | None = None) -> bool:
        """Whether the quick view lists the row; `cutoff` (`archive_cutoff(today)`): done
        orders last active before it are in the archive view only (None: no archive)."""
        if view == "archive":
            return cutoff is not None and self.archived(cutoff)
        if view == "all":
            return cutoff is None or not self.archived(cutoff)
        if view == "action":
            return self.facts is not None and self.facts.needs_action
        flags = self.view_flags()
        if view == "transit":
            return flags[0]
        if view == "returns":
            return flags[1]
        return flags[2] and (cutoff is None or not self.archived(cutoff))


# urgency_rank's groups, above any day's ordinal (date.max is 3652059).
_DAYS = 1 << 22
_NEEDS_ACTION, _NO_ACTION, _UNKNOWN = 2 * _DAYS, 3 * _DAYS, 4 * _DAYS


def urgency_rank(facts: Facts | None, today_ordinal: int) -> int:
    """Where an order goes by urgency, as one int: reported problems and overdue first
    (soonest deadline first among them), then the soonest deadline, then open orders that
    need action, then those whose closed window may still be open (the soonest 'perhaps
    until' first), then the rest (by_urgency orders equal ranks)."""
    if facts is None:
        return _UNKNOWN
    d = facts.deadline
    if facts.urgent:
        return min(d.day.toordinal(), today_ordinal) if d is not None else 0
    if d is not None:
        day = d.day.toordinal()
        return day if (d.overdue or day < today_ordinal) else _DAYS + day
    if facts.needs_action:
        return _NEEDS_ACTION
    return _NO_ACTION if facts.perhaps is None else _NEEDS_ACTION + 1 + facts.perhaps.toordinal()


def by_urgency(rows: list[Row], today: date, facts: list[Facts | None] | None = None) -> list[Row]:
    """The rows by urgency rank, newest first within a rank (two stable passes: a tuple
    key per row cost 9 MB at once for 50k rows).

    `facts`: each row's facts in the rows' order, when they are not on the rows yet (the
    thread that works them out); the rows must then come newest first already."""
    t = today.toordinal()
    if facts is None:
        return sorted(newest_first(rows), key=lambda r: urgency_rank(r.facts, t))
    ranks = [urgency_rank(f, t) for f in facts]
    return [rows[i] for i in sorted(range(len(rows)), key=ranks.__getitem__)]


_ID = attrgetter("order.id")
_ORDERED_ON = attrgetter("order.ordered_on")
_RETAILER = attrgetter("order.retailer")
_FACTS = attrgetter("facts")


def newest_first(rows: list[Row]) -> list[Row]:
    """Newest order date first, then the highest id: two stable passes with C-level keys
    (a tuple key built in Python cost 100 ms for 50k rows; this is about 30 ms, and about
    5 ms when the rows already come in id order, as the book lists them)."""
    by_id = sorted(rows, key=_ID, reverse=True)
    return sorted(by_id, key=_ORDERED_ON, reverse=True)


_ORDER_DAY = attrgetter("ordered_on")
_ORDER_ID = attrgetter("id")


def newest_orders(orders: list[Order], n: int) -> list[Order]:
    """The first `n` orders of `newest_first`, without sorting them all: the n-th newest
    date is found with a heap of dates, and only the orders from that date on are sorted."""
    if n <= 0 or not orders:
        return []
    cutoff = heapq.nlargest(n, map(_ORDER_DAY, orders))[-1]
    near = [o for o in orders if o.ordered_on >= cutoff]
    near.sort(key=_ORDER_ID, reverse=True)
    near.sort(key=_ORDER_DAY, reverse=True)
    return near[:n]


def sort_rows(rows: list[Row], sort: str, today: date, reverse: bool = False) -> list[Row]:
    """The rows in the sort's own direction, or the other way round (`reverse`: the whole
    list backwards, ties included, so `S` twice gives the same list)."""
    if sort == "urgency" and not any_facts(rows):
        sort = "date"  # no deadlines known yet: urgency falls back to newest first
    if sort == "urgency":
        out = by_urgency(rows, today)
    elif sort == "retailer":  # A-Z, newest first within a retailer
        out = sorted(newest_first(rows), key=lambda r: _RETAILER(r).lower())
    elif sort == "total":
        out = sorted(rows, key=lambda r: (-r.order.total, -r.id))
    else:
        out = newest_first(rows)
    if reverse:
        out.reverse()
    return out


def sort_ascends(sort: str, reverse: bool) -> bool:
    """Whether the list shows the smallest first (the marker points up)."""
    return SORT_ASCENDS.get(sort, True) != reverse


def any_facts(rows: list[Row]) -> bool:
    return any(r.facts is not None for r in rows)


def query_words(query: str) -> tuple[str, ...]:
    """The filter's words, lowercase, without repeats, longest first: the longest usually
    matches the fewest rows, so the next words scan a short list."""
    return tuple(sorted(set(query.lower().split()), key=len, reverse=True))


def filter_rows(rows: Iterable[Row], query: str, known: Iterable[str] = ()) -> list[Row]:
    """Rows whose search text contains every word of the query (case-insensitive).

    `known`: words every row of `rows` is already known to contain (the query they came
    from); a query word inside one of them needs no new scan."""
    known = tuple(known)
    words = [w for w in query_words(query) if not any(w in k for k in known)]
    out = rows if isinstance(rows, list) else list(rows)
    for w in words:
        out = [r for r in out if w in (r._search or r.search)]
    return out if out is not rows else list(out)


def figures(
    rows: list[Row],
    facts: Iterable[Facts | None] | None = None,
    cutoff: date | None = None,
) -> tuple[Overview, dict[str, int | None]]:
    """The header's figures (the same as OrderBook.overview(), without a second advice
    pass) and the number of orders in each quick view, in one pass.

    `facts`: each row's facts, in the rows' order, when they are not on the rows yet (a
    thread works them out and hands them over with the figures). `cutoff`:
    `archive_cutoff(today)`, to count the archived orders apart (None: no archive)."""
    open_orders = due_soon = overdue = 0
    transit = returns = done = action = archived = 0
    pending: dict[str, int] = {}
    known = True
    refund_states = lifecycle.REFUND_PENDING_STATES
    for row, row_facts in zip(rows, map(_FACTS, rows) if facts is None else facts, strict=True):
        if row_facts is not None and row_facts.flags is not None:
            flags = row_facts.flags
        else:
            flags = row._view_flags or row.flags()
        if flags[0]:
            transit += 1
        if flags[1]:
            returns += 1
            o = row.order
            for item in o.items:
                if item.state in refund_states:
                    pending[o.currency] = pending.get(o.currency, 0) + item.price * item.quantity
        if flags[2]:
            done += 1
            if (
                cutoff is not None
                and (
                    row_facts is None or (row_facts.deadline is None and not row_facts.needs_action)
                )
                and row.last_active < cutoff
            ):
                archived += 1
        else:
            open_orders += 1
        if row_facts is None:
            known = False
        else:
            due_soon += row_facts.due_soon
            overdue += row_facts.overdue
            action += row_facts.needs_action
    counts: dict[str, int | None] = {
        "all": len(rows) - archived,
        "action": action if known else None,
        "transit": transit,
        "returns": returns,
        "done": done - archived,
        "archive": archived,
    }
    if not known:
        return Overview(open_orders, None, None, pending, archived), counts
    return Overview(open_orders, due_soon, overdue, pending, archived), counts
