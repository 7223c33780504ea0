"""The order book: model, lifecycle, policies, advice and persistence. No Textual here.

This is the store's face: the app (tui/) and the command line (unship/) import from here
alone, `from unship.store import OrderBook, changes`. Names load with their module when first
used (PEP 562), so the app's first frame pays only for what it touches: the advice engine,
the policies and the importers come in later.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# name -> the module (under unship.store) that defines it
_WHERE: dict[str, str] = {
    "Action": "advice",
    "ARCHIVE_AFTER_DAYS": "archive",
    "archive_cutoff": "archive",
    "archived": "archive",
    "last_active": "archive",
    "item_states": "advice",
    "standing": "advice",
    "list_backups": "backups",
    "restore_backup": "backups",
    "demo_path": "demo",
    "StoreError": "errors",
    "export": "exporters",
    "atomic_write": "fileio",
    "kept_due": "kept_due",
    "keep_output": "kept_list",
    "kept_output": "kept_list",
    "can_record": "lifecycle",
    "is_open": "lifecycle",
    "possible": "lifecycle",
    "ship_day_missing": "lifecycle",
    "summary_state": "lifecycle",
    "DEADLINE_WORDS": "model",
    "Event": "model",
    "EVENT_WORDS": "model",
    "ModelError": "model",
    "Order": "model",
    "State": "model",
    "format_money": "money",
    "MoneyError": "money",
    "site_currency": "money",
    "to_decimal": "money",
    "item_has_history": "order_edit",
    "default_currency": "order_hints",
    "known_carriers": "order_hints",
    "known_categories": "order_hints",
    "known_retailers": "order_hints",
    "short_day": "order_hints",
    "summary_line": "order_hints",
    "check_price": "order_input",
    "Checked": "order_input",
    "fields_from_quick": "order_input",
    "item_key": "order_input",
    "ITEM_PARTS": "order_input",
    "ItemFields": "order_input",
    "order_warnings": "order_input",
    "OrderFields": "order_input",
    "quick_problems": "order_input",
    "typed_currency": "order_input",
    "parse_date": "parsing",
    "ParseError": "parsing",
    "default_db_path": "paths",
    "default_book": "policies",
    "PolicyError": "policies",
    "BookChange": "repository",
    "DuplicateOrderError": "repository",
    "NotFoundError": "repository",
    "NothingToRedoError": "repository",
    "NothingToUndoError": "repository",
    "OrderBook": "repository",
    "Overview": "repository",
    "day_text": "days",
    "days_left_text": "days",
    "deadline_text": "days",
    "perhaps_text": "days",
    "next_text": "days",
    "clean_line": "text",
    "clean_text": "text",
    "FIELD_MAX": "text",
    "NOTE_MAX": "text",
    "terminal_safe": "text",
    "TITLE_MAX": "text",
    "order_detail": "views",
    "order_row": "views",
    "tracking_to_follow": "views",
}
# modules used as a whole, through their own names (changes.add_order, advice.standing)
_MODULES: dict[str, str] = {
    "advice": "advice",
    "changes": "changes",
    "demo": "demo",
    "estimates": "estimates",
    "importers": "importers",
    "lifecycle": "lifecycle",
    "settings": "settings",
    "mail_book": "importers.mail_book",
}

__all__ = [
    "Action",
    "advice",
    "ARCHIVE_AFTER_DAYS",
    "archive_cutoff",
    "archived",
    "last_active",
    "atomic_write",
    "BookChange",
    "can_record",
    "changes",
    "check_price",
    "Checked",
    "clean_line",
    "clean_text",
    "day_text",
    "deadline_text",
    "days_left_text",
    "next_text",
    "perhaps_text",
    "DEADLINE_WORDS",
    "default_book",
    "default_currency",
    "default_db_path",
    "demo",
    "demo_path",
    "DuplicateOrderError",
    "estimates",
    "Event",
    "EVENT_WORDS",
    "export",
    "FIELD_MAX",
    "fields_from_quick",
    "format_money",
    "importers",
    "is_open",
    "item_has_history",
    "item_key",
    "ITEM_PARTS",
    "item_states",
    "ItemFields",
    "kept_due",
    "keep_output",
    "kept_output",
    "known_carriers",
    "known_categories",
    "known_retailers",
    "lifecycle",
    "list_backups",
    "mail_book",
    "ModelError",
    "MoneyError",
    "NOTE_MAX",
    "NotFoundError",
    "NothingToRedoError",
    "NothingToUndoError",
    "Order",
    "order_detail",
    "order_row",
    "order_warnings",
    "OrderBook",
    "OrderFields",
    "Overview",
    "parse_date",
    "ParseError",
    "PolicyError",
    "possible",
    "quick_problems",
    "ship_day_missing",
    "restore_backup",
    "settings",
    "short_day",
    "site_currency",
    "standing",
    "State",
    "StoreError",
    "summary_line",
    "summary_state",
    "terminal_safe",
    "TITLE_MAX",
    "to_decimal",
    "tracking_to_follow",
    "typed_currency",
]


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        value = importlib.import_module(f"{__name__}.{_MODULES[name]}")
    elif name in _WHERE:
        value = getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value  # once found, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if TYPE_CHECKING:  # what type checkers and editors see: the same names, imported
    from . import advice, changes, demo, estimates, importers, lifecycle, settings
    from .advice import Action, item_states, standing
    from .archive import ARCHIVE_AFTER_DAYS, archive_cutoff, archived, last_active
    from .backups import list_backups, restore_backup
    from .days import day_text, days_left_text, deadline_text, next_text, perhaps_text
    from .demo import demo_path
    from .errors import StoreError
    from .exporters import export
    from .fileio import atomic_write
    from .importers import mail_book
    from .kept_due import kept_due
    from .kept_list import keep_output, kept_output
    from .lifecycle import can_record, is_open, possible, ship_day_missing, summary_state
    from .model import DEADLINE_WORDS, EVENT_WORDS, Event, ModelError, Order, State
    from .money import MoneyError, format_money, site_currency, to_decimal
    from .order_edit import item_has_history
    from .order_hints import (
        default_currency,
        known_carriers,
        known_categories,
        known_retailers,
        short_day,
        summary_line,
    )
    from .order_input import (
        ITEM_PARTS,
        Checked,
        ItemFields,
        OrderFields,
        check_price,
        fields_from_quick,
        item_key,
        order_warnings,
        quick_problems,
        typed_currency,
    )
    from .parsing import ParseError, parse_date
    from .paths import default_db_path
    from .policies import PolicyError, default_book
    from .repository import (
        BookChange,
        DuplicateOrderError,
        NotFoundError,
        NothingToRedoError,
        NothingToUndoError,
        OrderBook,
        Overview,
    )
    from .text import FIELD_MAX, NOTE_MAX, TITLE_MAX, clean_line, clean_text, terminal_safe
    from .views import order_detail, order_row, tracking_to_follow
