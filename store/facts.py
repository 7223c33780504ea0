"""What the advice engine says of an order today, reduced to what lists show (each item's
state with estimates applied, closed history, the dated deadlines), and a cache of it.

`due`, `list`, the header's figures and the app's rows need these facts for every order, and
working them out costs about 30 us an order (policies, estimates, windows): 0.3 s at 10,000
orders, each time a shell prompt runs `unship due`. The facts of an order change only when
the order, today's date, the rules (unship's code, its policy data, the person's policies
file and settings) or nothing else change, so they are kept in the user's cache folder:

- The file is derived data, never the truth: one that is missing, unreadable, from another
  version or about other rules is ignored and made again; writing it may fail silently.
- It says which rules and which day its facts hold for (`fingerprint`); any other day or
  rule and it is not used at all.
- Each order's facts carry a digest of the order's bytes. When the data file is exactly the
  one the facts were saved beside (same inode, size, mtime and generation), they are taken
  as they are; otherwise each order's digest is checked, and an order that changed is
  worked out again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from .errors import StoreError
from .lifecycle import CLOSED_LABEL, FINAL_STATES, is_open, summary_state
from .model import Order, State

if TYPE_CHECKING:
    from .policies import PolicyBook

# Bump when what is stored changes shape or meaning.
FORMAT = 1


class Deadline(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """A dated, still-actionable deadline of an order."""

    order_id: int
    day: date
    action: str
    label: str
    reason: str
    items: tuple[int, ...]
    overdue: bool
    estimated: bool = False  # counts from an estimated delivery

    def days_left(self, today: date) -> int:
        return (self.day - today).days


class Facts(msgspec.Struct, frozen=True, gc=False, array_like=True):
    """An order as the advice engine sees it today."""

    states: tuple[State, ...]  # each item's state, estimates applied
    closed: bool  # closed history (`advice.is_history`)
    done: bool  # closed history, or every item final
    state_text: str  # the state in words: 'delivered', '1 shipped, 1 ordered', 'window closed'
    deadlines: tuple[Deadline, ...]  # soonest first
    # `advice.needs_action`: a problem, something overdue, a deadline in the coming week
    # or no news for too long, on an order still open; urgent: the first two.
    needs_action: bool
    urgent: bool

    @property
    def next(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


def compute(order: Order, policies: PolicyBook, today: date) -> Facts:
    """The facts from the advice engine's dated actions alone (`advice.glance`): the
    undated ones are only worked out for the order on screen. A property test checks them
    against the full advice."""
    from . import advice
    from .estimates import no_news

    actions, where = advice.glance(order, policies, today)
    found = tuple(advice.deadlines(order, policies, today, actions))
    states = where.states
    done = where.closed or all(s in FINAL_STATES for s in states)
    text = CLOSED_LABEL if where.closed else summary_state(order, states)
    urgent = State.PROBLEM in states or any(d.overdue or d.day < today for d in found)
    soon = today + advice.SOON
    needs = (
        not done
        and is_open(order)
        and (
            urgent
            or any(d.day <= soon and d.action != "expect-refund" for d in found)
            # "check its status", offered for an item with no news for too long
            or any(no_news(order, i, today) is not None for i in order.items if not i.refund_short)
        )
    )
    return Facts(states, where.closed, done, text, found, needs, needs and urgent)


class _Saved(msgspec.Struct, array_like=True):
    format: int
    fingerprint: str
    data_key: tuple[Any, ...] | None  # the data file's stat key and generation
    ids: list[int]
    digests: list[bytes]
    facts: list[Facts]


_encode_order = msgspec.json.Encoder().encode
_saved = msgspec.msgpack.Decoder(_Saved)
_encode_saved = msgspec.msgpack.Encoder().encode


def digest(order: Order) -> bytes:
    return hashlib.blake2b(_encode_order(order), digest_size=16).digest()


def _fingerprint(today: date, config: Path) -> str:
    """The rules the facts follow: unship's own modules and data (by size and time, as
    installed or edited), the person's policies file and settings, and the day."""
    parts = [str(FORMAT), today.isoformat()]
    here = os.path.dirname(__file__)
    with os.scandir(here) as entries:
        files = sorted(e.path for e in entries if e.name.endswith((".py", ".json")))
    files += [str(config / "policies.json"), str(config / "settings.json")]
    for name in files:
        try:
            st = os.stat(name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            parts.append(f"{name}:-")
    return hashlib.blake2b("\n".join(parts).encode(), digest_size=16).hexdigest()


class FactsCache:
    """Each order's facts for one book, worked out once per order, rules and day: in memory
    for the order objects the book holds now, and on disk (`file`; None: memory only) from
    one process to the next. Safe to use from several threads (the app works facts out in
    one); the storage is never asked for anything while this cache's lock is held."""

    def __init__(self, file: Path | None, config: Path) -> None:
        self.file = file
        self._config = config
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self._today: date | None = None
        self._generation = 0  # goes up whenever what is known is dropped
        # id -> (the order object, its facts, its digest when known)
        self._memo: dict[int, tuple[Order, Facts, bytes | None]] = {}
        self._seeded = False
        self._dirty = False
        self._saved_key: tuple[Any, ...] | None = None

    def forget(self, *, keep_file: bool = True) -> None:
        """Drop what is known (the rules changed); `keep_file=False` stops using the file."""
        with self._lock:
            self._memo.clear()
            self._today = None
            self._generation += 1
            if not keep_file:
                self.file = None

    def get(self, orders: list[Order], today: date, book: Any) -> list[Facts]:
        """The facts of `orders` (the book's own order objects), in their order."""
        with self._lock:
            if today != self._today:
                self._memo.clear()
                self._today, self._seeded = today, False
                self._generation += 1
            seeded, generation = self._seeded, self._generation
        if not seeded:
            saved = self._saved_facts(book, today)
            with self._lock:
                if saved is not None and generation == self._generation and not self._seeded:
                    self._memo.update(saved[1])
                    self._seeded, self._saved_key = True, saved[0]
        out: list[Any] = []
        missing: list[int] = []
        with self._lock:
            memo, generation = self._memo, self._generation
            for n, order in enumerate(orders):
                hit = memo.get(order.id)
                if hit is not None and hit[0] is order:
                    out.append(hit[1])
                else:
                    out.append(None)
                    missing.append(n)
        if missing:
            policies = book.policies
            for n in missing:
                out[n] = compute(orders[n], policies, today)
            with self._lock:
                if generation == self._generation:
                    for n in missing:
                        memo[orders[n].id] = (orders[n], out[n], None)
                    self._dirty = True
        return out

    def _saved_facts(self, book: Any, today: date) -> tuple[Any, dict] | None:
        """(the data file version they were saved beside, {id: memo entry}) for the book's
        orders whose saved facts hold now; None when that can't be told now (a change in
        progress: ask again later)."""
        if self.file is None:
            return None, {}
        try:
            key, orders = book.orders_at_rest()
        except StoreError:  # the file can't be read now: the book says so where it is used
            return None
        if key is None:
            return None
        try:
            saved = _saved.decode(self.file.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return None, {}
        if saved.format != FORMAT or saved.fingerprint != _fingerprint(today, self._config):
            return None, {}
        current = {order.id: order for order in orders}
        same_file = saved.data_key == key
        found: dict[int, tuple[Order, Facts, bytes | None]] = {}
        for i, known, facts in zip(saved.ids, saved.digests, saved.facts, strict=False):
            order = current.get(i)
            if order is None:
                continue
            if same_file:
                found[i] = (order, facts, known)
            elif (mine := digest(order)) == known:
                found[i] = (order, facts, mine)
        return saved.data_key, found

    def save(self, book: Any) -> None:
        """Write the facts of the book's orders when something new was worked out, or the
        data file changed since they were saved. Failing to write is not an error."""
        with self._saving:
            if self.file is None or self._today is None:
                return
            key, orders = book.orders_at_rest()
            with self._lock:
                today, memo = self._today, dict(self._memo)
                if key is None or today is None or (not self._dirty and key == self._saved_key):
                    return
                self._dirty = False
            ids: list[int] = []
            digests: list[bytes] = []
            facts: list[Facts] = []
            for order in orders:
                hit = memo.get(order.id)
                if hit is None or hit[0] is not order:
                    continue
                ids.append(order.id)
                digests.append(hit[2] or digest(order))
                facts.append(hit[1])
            payload = _encode_saved(
                _Saved(FORMAT, _fingerprint(today, self._config), key, ids, digests, facts)
            )
            if _write(self.file, payload):
                self._saved_key = key
            else:
                self._dirty = True


def _write(file: Path, payload: bytes) -> bool:
    """Replace `file` (0600) with `payload`; False when that failed. No fsync: a file cut
    short is only ignored."""
    from .fileio import ensure_dir

    tmp = file.with_name(f".{file.name}.{os.getpid()}.tmp")
    try:
        ensure_dir(file.parent)
        with open(tmp, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as out:
            out.write(payload)
        os.replace(tmp, file)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        return False
    return True


def cache_file(data_file: Path, folder: Path) -> Path:
    """Where the facts of `data_file` are kept: named after its full path."""
    name = hashlib.blake2b(str(data_file).encode(), digest_size=8).hexdigest()
    return folder / f"facts-{name}.msgpack"
