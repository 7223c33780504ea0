"""The order book's API: the one way the TUI and the CLI read and change orders.

Every change runs in one storage transaction (a process lock, a reload if another
process changed the file, one atomic durable write) and leaves an undo record.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from . import lifecycle
from .facts import Facts, FactsCache, by_day, cache_file, compute
from .model import Event, ModelError, Order, State, replace
from .money import format_money
from .paths import cache_dir, config_dir, default_db_path, own_policies
from .storage import DurableStorage, StoreError

# The advice engine and the policies come in when first asked for: the app's first frame
# and a command that needs no deadline do without them (about 25 ms of imports).
if TYPE_CHECKING:
    from . import advice
    from .policies import PolicyBook

ORDERS = "orders"
UNDO = "undo"
REDO = "redo"  # what undo took back, newest last; any new change empties it
UNDO_KEEP = 100


class UndoEntry(msgspec.Struct, frozen=True, gc=False):
    """One undoable change: the orders it touched as they were before (None: not there)."""

    description: str
    at: str
    before: dict[str, Order | None]
    added: dict[str, str] = {}  # side table -> key of the document the change added


class NotFoundError(StoreError):
    pass


class DuplicateOrderError(StoreError):
    def __init__(self, existing: Order):
        self.existing = existing
        super().__init__(
            f"{existing.retailer} order {existing.order_number} is already in the book "
            f"(id {existing.id})"
        )


class NothingToRedoError(StoreError):
    pass


class NothingToUndoError(StoreError):
    pass


class BookChange(msgspec.Struct, frozen=True):
    """What the book announces after a change is saved: the ids of the orders it wrote (None
    when the file was read again after another process saved it: anything may have changed)
    and the change's words ("mark 113-... delivered", "undo ...")."""

    ids: frozenset[int] | None
    description: str = ""

    def touches(self, order_id: int) -> bool:
        return self.ids is None or order_id in self.ids


Listener = Callable[[BookChange], None]


class Overview(msgspec.Struct, frozen=True):
    """What matters now: the header line's figures (`OrderBook.overview()`, and the app's
    list, which counts them from its rows in the same pass as its views)."""

    open_orders: int
    due_soon: int | None  # deadlines in the next 7 days; None while they are worked out
    overdue: int | None
    refund_pending: dict[str, int]  # currency -> minor units
    archived: int = 0  # done orders the app's "all" view leaves out (its archive lists them)

    def refund_text(self) -> str:
        """'$130.00 + €12.00', or '' when no refund is pending."""
        if not self.refund_pending:
            return ""
        return " + ".join(format_money(v, c) for c, v in sorted(self.refund_pending.items()))


class OrderBook:
    def __init__(
        self,
        path: str | Path | None = None,
        *,
        policies: PolicyBook | None = None,
        today: date | None = None,
        lock_timeout: float = 5.0,
        day_first: bool | None = None,
        keep_facts: bool = True,
    ):
        self.path = Path(path) if path is not None else default_db_path()
        self._policies = policies
        if policies is None and own_policies():
            self.policies  # noqa: B018 - a person's policies file that can't be read: say so now
        self._today = today
        # how a typed 3/4 is read (settings.json's "dates"), for every door alike
        self.day_first = _saved_day_first() if day_first is None else day_first
        self.storage = DurableStorage(
            self.path,
            lock_timeout=lock_timeout,
            types={ORDERS: Order, UNDO: UndoEntry, REDO: UndoEntry},
        )
        self._orders: dict[int, Order] | None = None
        self._source: object = None
        self._listeners: list[Listener] = []
        # Facts are kept between runs for the commands (facts.py). Not with policies handed
        # in (tests, previews: not the person's rules), nor for the app (`keep_facts=False`),
        # which keeps its rows' facts itself.
        kept = keep_facts and policies is None
        self._facts = FactsCache(
            cache_file(self.storage.path, cache_dir()) if kept else None, config_dir()
        )
        self.orders()  # fail now, with a clear message, if the file can't be read

    # -- announcing changes -------------------------------------------------------
    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Call `listener` after every saved change, whoever made it (this process through any
        door, or another process once `notice_other_writers` sees its save). Returns what
        unsubscribes it."""
        self._listeners.append(listener)
        return lambda: self._listeners.remove(listener) if listener in self._listeners else None

    def _announce(self, change: BookChange) -> None:
        for listener in list(self._listeners):
            listener(change)

    def notice_other_writers(self) -> bool:
        """Another process saved the file since it was last read (one stat): read it again and
        announce it. A poll calls this; changes made through this book announce themselves."""
        if not self.storage.changed_on_disk():
            return False
        self.orders()
        self._announce(BookChange(None, "saved by another process"))
        return True

    @property
    def policies(self) -> PolicyBook:
        """The retailers' policies with the person's memberships (built when first used)."""
        if self._policies is None:
            from .policies import default_book

            self._policies = default_book().with_memberships(_saved_memberships())
        return self._policies

    @policies.setter
    def policies(self, book: PolicyBook) -> None:
        self._policies = book
        self._facts.forget()  # not the person's saved rules: memory only from now on

    # -- time -------------------------------------------------------------------
    @property
    def today(self) -> date:
        return self._today or date.today()

    # -- reading ----------------------------------------------------------------
    def _raw_orders(self) -> dict[str, Any]:
        return (self.storage.read() or {}).get(ORDERS, {})

    def orders(self) -> list[Order]:
        """Every order, oldest first. Cached until the file changes."""
        return list(self._by_id().values())

    def orders_at_rest(self) -> tuple[tuple[int, ...] | None, dict[int, Order]]:
        """Every order by id, with what identifies the file version they are (storage
        `read_at_rest`); (None, {}) inside a change or for a new book. A copy: a change
        updates the book's own map in place, maybe in another thread."""
        key, data = self.storage.read_at_rest()
        if key is None:
            return None, {}
        return key, dict(self._by_id((data or {}).get(ORDERS, {})))

    def version(self) -> tuple[int, ...] | None:
        """What identifies the data file version the book's orders are now (stat key and
        generation) when the book keeps what it works out for the next run (the person's
        own rules: facts.py, kept_list.py); None inside a change, for a new book, or else."""
        if self._facts.file is None:
            return None
        return self.storage.read_at_rest()[0]

    def _by_id(self, raw: dict[str, Any] | None = None) -> dict[int, Order]:
        if raw is None:
            raw = self._raw_orders()
        if self._orders is None or raw is not self._source:
            orders: dict[int, Order] = {}
            for key, order in raw.items():
                order_id = int(key)  # the key is the id (a file from before ids were stored)
                orders[order_id] = order if order.id == order_id else replace(order, id=order_id)
            self._orders = orders
            self._source = raw
        return self._orders

    def known_orders(self) -> list[Order]:
        """The orders for suggestions and defaults on a screen that is open: the last ones read
        when the file cannot be read now (saving reads it again and says what is wrong)."""
        try:
            return self.orders()
        except StoreError:
            return list(self._orders.values()) if self._orders is not None else []

    def get(self, order_id: int) -> Order:
        try:
            return self._by_id()[int(order_id)]
        except (KeyError, ValueError):
            raise NotFoundError(f"no order with id {order_id}") from None

    def find(self, ref: str | int) -> Order:
        """An order by its id or by the retailer's order number."""
        text = str(ref).strip()
        if text.isdigit():
            with contextlib.suppress(NotFoundError):
                return self.get(int(text))
        matches = [o for o in self.orders() if o.order_number.lower() == text.lower()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            ids = ", ".join(str(o.id) for o in matches)
            raise NotFoundError(f"{text} matches several orders (ids {ids}): use the id")
        raise NotFoundError(f"no order with id or order number {text!r}")

    def find_duplicate(self, retailer: str, order_number: str) -> Order | None:
        key = self.policies.retailer_key(retailer)
        number = order_number.strip().lower()
        for order in self.orders():
            if order.order_number.lower() == number and (
                self.policies.retailer_key(order.retailer) == key
            ):
                return order
        return None

    def retailer_name(self, name: str) -> str:
        """The retailer's proper name when unship knows it ('amazon.com' -> 'Amazon'); a
        regional site keeps its own ('amazon.ca' -> 'Amazon.ca')."""
        policy = self.policies.retailer(name)
        if policy.key == "other":
            return name
        site = name.strip()
        if "." in site and site.lower() != f"{policy.key}.com":  # a regional site: Amazon.ca
            return site[0].upper() + site[1:]
        return policy.name

    # -- advice -----------------------------------------------------------------
    def actions(self, order: Order) -> list[advice.Action]:
        from . import advice

        return advice.order_actions(order, self.policies, self.today)

    def facts(self, order: Order, today: date | None = None) -> Facts:
        """What the advice engine says of the order on `today` (default: the book's), as
        lists show it (kept: see facts.py)."""
        return self._facts.get([order], today or self.today, self)[0]

    def facts_of(self, orders: list[Order], today: date | None = None) -> list[Facts]:
        """`facts` of each of `orders`, in their order."""
        return self._facts.get(orders, today or self.today, self)

    def work_out_facts(self, order: Order, today: date | None = None) -> Facts:
        """`facts`, worked out now and not kept: for a caller that keeps its own."""
        return compute(order, self.policies, today or self.today)

    def due(self, days: int = 7) -> list[tuple[Order, advice.Deadline]]:
        """Deadlines up to `days` from today (overdue ones included), soonest first."""
        horizon = self.today + timedelta(days=days)
        orders = self.orders()
        out = [
            (order, d)
            for order, facts in zip(orders, self.facts_of(orders), strict=True)
            for d in facts.deadlines
            if d.day <= horizon
        ]
        return sorted(out, key=by_day)

    def overview(self) -> Overview:
        today, horizon = self.today, self.today + timedelta(days=7)
        open_orders = due_soon = overdue = 0
        pending: dict[str, int] = {}
        orders = self.orders()
        for order, facts in zip(orders, self.facts_of(orders), strict=True):
            if not facts.done:
                open_orders += 1
            for d in facts.deadlines:
                if d.overdue or d.day < today:
                    overdue += 1
                elif d.day <= horizon:
                    due_soon += 1
            for item in order.items:
                owed = item.line_total if item.state in lifecycle.REFUND_PENDING_STATES else 0
                owed += item.refund_short  # the rest of a short refund is owed too
                if owed:
                    pending[order.currency] = pending.get(order.currency, 0) + owed
        return Overview(open_orders, due_soon, overdue, pending)

    # -- changing ---------------------------------------------------------------
    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """One process-locked change, saved once and durably when the block ends."""
        with self.storage.transaction():
            yield

    def _change(
        self,
        description: str,
        change: Callable[[], dict[int, Order | None]],
        record: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Run `change` (which returns {id: new order or None to delete}) as one undoable write;
        `record` (table, document) is added in the same write and undone with it."""
        with self._transaction():
            self._by_id()  # refresh from disk inside the lock
            after = change()
            known = self._orders or {}
            before = {str(i): known.get(i) for i in after}
            self._write_orders(after)
            added = {record[0]: self._add_record(*record)} if record else None
            self._push_undo(description, before, added)
            self._drop_redo()
        self._announce(BookChange(frozenset(after), description))

    def _add_record(self, table: str, doc: dict[str, Any]) -> str:
        if table in (ORDERS, UNDO, REDO):
            raise ModelError(f"the table {table!r} is the book's own")
        data = self.storage.read() or {}
        docs = data.setdefault(table, {})
        key = str(max((int(k) for k in docs), default=0) + 1)
        docs[key] = doc
        self.storage.write(data)
        return key

    def add_record(self, table: str, doc: dict[str, Any]) -> None:
        """Keep a document in a side table (not an order change: no undo entry)."""
        with self._transaction():
            self._add_record(table, doc)

    def records(self, table: str) -> list[dict[str, Any]]:
        """The documents of a side table, oldest first."""
        raw = (self.storage.read() or {}).get(table, {})
        return [raw[k] for k in sorted(raw, key=int)]

    def _write_orders(self, changes: dict[int, Order | None]) -> None:
        """Apply {id: order, or None to delete} to the stored orders table, in place.

        The storage saves only the documents set or deleted (the table logs them), and the
        cache of parsed orders is updated rather than rebuilt. (TinyDB's per-document upsert
        copied the whole table on each call, which made a 10k-order import quadratic.) If
        the write fails, the storage drops its memory and the next read rebuilds the cache.
        """
        data = self.storage.read()
        if data is None:
            data = {}
        table = data.setdefault(ORDERS, {})
        cache = self._orders if self._orders is not None else {}
        last = max(cache, default=0)
        in_order = True
        for order_id, order in changes.items():
            if order is None:
                table.pop(str(order_id), None)
                cache.pop(order_id, None)
            else:
                if order.id != order_id:
                    order = replace(order, id=order_id)
                table[str(order_id)] = order
                in_order = in_order and (order_id in cache or order_id > last)
                last = max(last, order_id)
                cache[order_id] = order
        self.storage.write(data)
        self._orders = cache if in_order else dict(sorted(cache.items()))
        self._source = self._raw_orders()

    def _drop_redo(self) -> None:
        data = self.storage.read() or {}
        if data.get(REDO):
            data[REDO] = {}
            self.storage.write(data)

    def _now_of(self, before: dict[str, Order | None]) -> dict[str, Order | None]:
        """The orders an undo entry names, as they are now."""
        known = self._orders or {}
        return {i: known.get(int(i)) for i in before}

    def _restore(self, before: dict[str, Order | None]) -> None:
        self._write_orders({int(i): order for i, order in before.items()})

    def _push_undo(
        self,
        description: str,
        before: dict[str, Order | None],
        added: dict[str, str] | None = None,
        table: str = UNDO,
    ) -> None:
        data = self.storage.read() or {}
        entries = data.setdefault(table, {})
        ids = sorted(map(int, entries))
        entries[str(ids[-1] + 1 if ids else 1)] = UndoEntry(
            description, datetime.now().isoformat(timespec="seconds"), before, added or {}
        )
        for old in ids[: max(0, len(ids) + 1 - UNDO_KEEP)]:
            del entries[str(old)]
        self.storage.write(data)

    def _next_order_id(self) -> int:
        raw = self._raw_orders()
        return max((int(k) for k in raw), default=0) + 1

    def add(self, order: Order, *, allow_duplicate: bool = False) -> Order:
        """Store a new order; refuses the same order number at the same retailer twice."""
        saved: list[Order] = []

        def change() -> dict[int, Order | None]:
            if not allow_duplicate:
                existing = self.find_duplicate(order.retailer, order.order_number)
                if existing is not None:
                    raise DuplicateOrderError(existing)
            new = replace(
                order, id=self._next_order_id(), retailer=self.retailer_name(order.retailer)
            )
            saved.append(new)
            return {new.id: new}

        self._change(f"add {self.retailer_name(order.retailer)} order {order.order_number}", change)
        return saved[0]

    def record(
        self,
        ref: str | int,
        event: Event | str,
        on: date | None = None,
        *,
        items: list[int] | None = None,
        note: str = "",
        refunded: int | None = None,
        return_tracking: str = "",
    ) -> Order:
        """Record that `event` happened (on `on`, default today) and move the items on.

        refunded: the amount refunded (minor units), with `refunded`; less than the items cost
        makes the refund short, a problem to chase until the rest comes or it is accepted.
        return_tracking: the return parcel's tracking number, with `return-shipped`.
        `unkept` is refused unless every item it is for is kept with its return window open."""

        def moved(order: Order) -> Order:
            chosen = self._unkeep_items(order, items) if Event(event) is Event.UNKEPT else items
            return lifecycle.record(
                order,
                event,
                on or self.today,
                items=chosen,
                note=note,
                today=self.today,
                refunded=refunded,
                return_tracking=return_tracking,
            )

        return self._mark(ref, Event(event).value, moved)

    def picked_up(self, ref: str | int, on: date | None = None, *, note: str = "") -> Order:
        """Record that the parcel waiting at a pickup point was collected (on `on`, default
        today): the 'pick it up by' reminder ends (`lifecycle.picked_up`)."""
        return self._mark(
            ref,
            "picked up",
            lambda order: lifecycle.picked_up(order, on or self.today, note=note, today=self.today),
        )

    def _mark(self, ref: str | int, what: str, moved: Callable[[Order], Order]) -> Order:
        """One order changed by `moved` (given the order as it is inside the change), as one
        undoable change: 'mark 113-... picked up'."""
        saved: list[Order] = []

        def change() -> dict[int, Order | None]:
            order = self.find(ref)
            new = moved(order)
            saved.append(new)
            return {order.id: new}

        order = self.find(ref)
        self._change(f"mark {order.order_number} {what}", change)
        return saved[0]

    def _unkeep_items(self, order: Order, items: list[int] | None) -> list[int]:
        """The items `unkept` is for (named, or every one it can be), refused with the reason
        when one of them is not kept or its return window is closed."""
        from . import advice

        if items is None:
            items = self.unkeepable(order)
            if not items:  # say why for the first kept item (or the first item)
                kept = [i for i, item in enumerate(order.items) if item.state is State.KEPT]
                items = kept[:1] or [0]
        for index in items:
            if not 0 <= index < len(order.items):
                continue  # lifecycle.record names the missing item
            why = advice.unkeep_refusal(order, index, self.policies, self.today)
            if why:
                raise lifecycle.TransitionError(why)
        return items

    def unkeepable(self, order: Order) -> list[int]:
        """The items whose "kept" can be taken back now: kept, with the return window open."""
        from . import advice

        return [
            i
            for i in range(len(order.items))
            if not advice.unkeep_refusal(order, i, self.policies, self.today)
        ]

    def unkeep(
        self, ref: str | int, on: date | None = None, *, items: list[int] | None = None
    ) -> Order:
        """Take "kept" back while the return window is open: the items are delivered again.
        Without items: every kept item whose window is open."""
        return self.record(ref, Event.UNKEPT, on, items=items)

    def accept_refund(
        self, ref: str | int, on: date | None = None, *, items: list[int] | None = None
    ) -> Order:
        """Accept a short refund as it is: the items are closed, nothing is owed any more."""
        return self.record(ref, Event.REFUND_ACCEPTED, on, items=items)

    def record_many(
        self, ids: list[int], event: Event | str, on: date | None = None, *, note: str = ""
    ) -> tuple[list[Order], dict[int, str]]:
        """Record `event` for several orders in one undoable change (every item it applies to).
        Returns the orders changed and, for those it could not apply to, why not (by id)."""
        event = Event(event)
        changed: list[Order] = []
        refused: dict[int, str] = {}

        def change() -> dict[int, Order | None]:
            changed.clear()
            refused.clear()
            for order_id in dict.fromkeys(ids):
                order = self.get(order_id)
                try:
                    chosen = self._unkeep_items(order, None) if event is Event.UNKEPT else None
                    new = lifecycle.record(
                        order, event, on or self.today, items=chosen, note=note, today=self.today
                    )
                except ModelError as error:
                    refused[order_id] = str(error)
                    continue
                changed.append(new)
            return {order.id: order for order in changed}

        change()  # a first pass says how many it applies to (again below, inside the lock)
        if not changed:
            raise lifecycle.TransitionError(
                next(iter(refused.values()), "")
                if len(refused) == 1
                else f"none of the {len(refused)} orders can be marked {event.value}"
            )
        count = len(changed)
        words = f"{count} orders" if count > 1 else f"{changed[0].order_number}"
        self._change(f"mark {words} {event.value}", change)
        return changed, refused

    def update(self, order: Order, description: str = "") -> Order:
        """Replace an order's editable fields (notes, tracking, ...)."""
        if not order.id:
            raise ModelError("the order has not been saved yet")

        def change() -> dict[int, Order | None]:
            self.get(order.id)  # still there?
            return {order.id: order}

        self._change(description or f"edit {order.order_number}", change)
        return order

    def delete(self, ref: str | int) -> Order:
        return self.delete_many([ref])[0]

    def delete_many(self, refs: list[str | int]) -> list[Order]:
        """Delete orders (ids or order numbers) in one undoable change; all or none: an unknown
        reference deletes nothing. A reference named twice deletes its order once."""
        found: dict[int, Order] = {}
        for ref in refs:
            order = self.find(ref)
            found.setdefault(order.id, order)
        orders = list(found.values())
        if not orders:
            return []

        def change() -> dict[int, Order | None]:
            for order in orders:
                self.get(order.id)  # still there?
            return dict.fromkeys(found)

        self._change(delete_description(orders), change)
        return orders

    def replace_all(
        self,
        changes: dict[int, Order | None],
        description: str,
        *,
        record: tuple[str, dict[str, Any]] | None = None,
    ) -> None:
        """Several orders in one undoable write (imports); id 0 means a new order.
        `record`: (table, document) kept in a side table by the same write, and undone with it."""

        def change() -> dict[int, Order | None]:
            out: dict[int, Order | None] = {}
            next_id = self._next_order_id()
            for order_id, order in sorted(changes.items(), key=lambda kv: -kv[0]):
                if order_id <= 0 and order is not None:
                    order = replace(order, id=next_id)
                    order_id, next_id = next_id, next_id + 1
                out[order_id] = order
            return out

        self._change(description, change, record)

    # -- undo -------------------------------------------------------------------
    def undo_entries(self) -> list[UndoEntry]:
        raw = (self.storage.read() or {}).get(UNDO, {})
        return [raw[k] for k in sorted(raw, key=int, reverse=True)]

    def undo(self) -> str:
        """Undo the last change; returns what was undone."""
        with self._transaction():
            self.orders()
            raw = (self.storage.read() or {}).get(UNDO, {})
            if not raw:
                raise NothingToUndoError("nothing to undo")
            last = max(raw, key=int)
            entry: UndoEntry = raw[last]
            now = self._now_of(entry.before)
            self._restore(entry.before)
            data = self.storage.read() or {}
            for table, key in entry.added.items():
                if table not in (ORDERS, UNDO, REDO) and key in data.get(table, {}):
                    del data[table][key]
            del data[UNDO][last]
            self.storage.write(data)
            self._push_undo(entry.description, now, table=REDO)
        self._announce(BookChange(frozenset(map(int, entry.before)), f"undo {entry.description}"))
        return entry.description

    def redo_entries(self) -> list[UndoEntry]:
        raw = (self.storage.read() or {}).get(REDO, {})
        return [raw[k] for k in sorted(raw, key=int, reverse=True)]

    def redo(self) -> str:
        """Make the change the last undo took back again; returns what was redone. (A side
        record an import kept is not made again: only the orders.)"""
        with self._transaction():
            self.orders()
            raw = (self.storage.read() or {}).get(REDO, {})
            if not raw:
                raise NothingToRedoError("nothing to redo")
            last = max(raw, key=int)
            entry: UndoEntry = raw[last]
            now = self._now_of(entry.before)
            self._restore(entry.before)
            data = self.storage.read() or {}
            del data[REDO][last]
            self.storage.write(data)
            self._push_undo(entry.description, now)
        self._announce(BookChange(frozenset(map(int, entry.before)), f"redo {entry.description}"))
        return entry.description

    def clear_undo(self) -> None:
        with self._transaction():
            data = self.storage.read() or {}
            if data.pop(UNDO, None) is not None or data.pop(REDO, None) is not None:
                data.pop(REDO, None)
                self.storage.write(data)

    def close(self) -> None:
        with contextlib.suppress(StoreError):  # kept facts are a cache: never a reason to fail
            self._facts.save(self)  # for the next run (facts.py)
        self.storage.close()

    def __enter__(self) -> OrderBook:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _saved_memberships() -> list[str]:
    """The person's memberships from settings.json; none when it can't be read (the app
    and `unship config` say why)."""
    from . import settings

    try:
        return settings.get_memberships()
    except settings.SettingsError:
        return []


def _saved_day_first() -> bool:
    from . import settings

    try:
        return settings.get_day_first()
    except settings.SettingsError:
        return False


def delete_description(orders: list[Order]) -> str:
    if len(orders) == 1:
        return f"delete {orders[0].retailer} order {orders[0].order_number}"
    return f"delete {len(orders)} orders"
