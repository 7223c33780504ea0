"""`unship due` from the kept facts alone (facts.py), decoding only the orders that are due.

`due` runs on shell prompts: from the day's second run on, every order's facts are kept,
and the book would still decode every order (about 25 ms at 10,000 orders) to print the few
that are due. When the kept facts answer for the data file exactly as it is (the same
inode, size, time and generation, worked out today under the same rules, for every order
in it), only the file's order table is split into its documents and the due ones decoded.

Anything else gives None, and the caller opens the book as always: no facts kept for
today, a file changed or replaced since, one that can't be read or that an older unship
wrote, a person's own policies file (the book reads it at once, and says when it can't).
The answer is the book's own `due()`: a property test holds the two side by side.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import msgspec

from . import backups, schema
from .errors import StoreError
from .facts import Deadline, by_day, cache_file, read_saved
from .model import Order, replace
from .paths import cache_dir, config_dir, default_db_path, own_policies

_documents = msgspec.json.Decoder(dict[str, msgspec.Raw])
_order = msgspec.json.Decoder(Order)


def kept_due(path: Path | None, today: date, days: int) -> list[tuple[Order, Deadline]] | None:
    """What `OrderBook(path, today=today).due(days)` returns, or None when the kept facts
    can't tell it without opening the book."""
    if own_policies():
        return None
    config = config_dir()
    try:
        data = backups.resolve(path if path is not None else default_db_path())  # as stored
        saved = read_saved(cache_file(data, cache_dir()), config, today)
        if saved is None or saved.day != today or saved.data_key is None:
            return None
        version, tables = schema.file_at_rest(data)
        if version != tuple(saved.data_key):
            return None
        documents = _documents.decode(tables["orders"]) if "orders" in tables else {}
        if list(documents) != list(map(str, saved.ids)):  # every order, as it was saved
            return None
        horizon, distinct = today + timedelta(days=days), saved.distinct
        due = [
            (order_id, d)
            for order_id, which in zip(saved.ids, saved.which, strict=True)
            for d in distinct[which].deadlines
            if d.day <= horizon
        ]
        orders: dict[int, Order] = {}
        for order_id, _ in due:
            if order_id not in orders:
                order = _order.decode(documents[str(order_id)])
                orders[order_id] = order if order.id == order_id else replace(order, id=order_id)
    except (OSError, StoreError, schema.Invalid, msgspec.DecodeError, msgspec.ValidationError):
        return None
    except (IndexError, ValueError):  # not a facts file this version wrote
        return None
    return sorted(((orders[i], d) for i, d in due), key=by_day)
