"""The archive: old, settled orders that the app's main views and `unship list` leave out
(the app's archive view and `unship list --all` show them)."""

from __future__ import annotations

from datetime import date, timedelta

from .model import Order

# A done order whose last event (or order date) is older than this is archived: by then its
# return window and refund are long settled, and a book of years of orders lists what may
# still need a look.
ARCHIVE_AFTER_DAYS = 90


def archive_cutoff(today: date) -> date:
    """A done order last active before this day is archived."""
    return today - timedelta(days=ARCHIVE_AFTER_DAYS)


def last_active(order: Order) -> date:
    """The order's latest date: its order date, history entries and items' event dates."""
    last = order.ordered_on
    for entry in order.history:
        if entry.on > last:
            last = entry.on
    for item in order.items:
        for day in item.dates.values():
            if day > last:
                last = day
    return last


def archived(done: bool, dated: bool, needs_action: bool, last: date, cutoff: date) -> bool:
    """Done, nothing dated left to do, nothing needing action, and last active before
    `cutoff` (`archive_cutoff(today)`): the one rule the app and the command line share."""
    return done and not dated and not needs_action and last < cutoff
