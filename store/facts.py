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
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from .lifecycle import CLOSED_LABEL, FINAL_STATES, summary_state
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

    @property
    def next(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


def compute(order: Order, policies: PolicyBook, today: date) -> Facts:
    from . import advice

    actions, where = advice.glance(order, policies, today)
    found = advice.deadlines(order, policies, today, actions)
    states = where.states
    done = where.closed or all(s in FINAL_STATES for s in states)
    text = CLOSED_LABEL if where.closed else summary_state(order, states)
    return Facts(states, where.closed, done, text, tuple(found))


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
    one process to the next."""

    def __init__(self, file: Path | None, config: Path) -> None:
        self.file = file
        self._config = config
        self._today: date | None = None
        # id -> (the order object, its facts, its digest when known)
        self._memo: dict[int, tuple[Order, Facts, bytes | None]] = {}
        self._seeded = False
        self._dirty = False
        self._saved_key: tuple[Any, ...] | None = None

    def forget(self, *, keep_file: bool = True) -> None:
        """Drop what is known (the rules changed); `keep_file=False` stops using the file."""
        self._memo.clear()
        self._today = None
        if not keep_file:
            self.file = None

    def get(self, orders: list[Order], today: date, book: Any) -> list[Facts]:
        """The facts of `orders` (the book's own order objects), in their order."""
        if today != self._today:
            self._memo.clear()
            self._today, self._seeded = today, False
        if not self._seeded:
            self._seeded = self._seed(book, today)
        memo = self._memo
        out = []
        for order in orders:
            hit = memo.get(order.id)
            if hit is not None and hit[0] is order:
                out.append(hit[1])
                continue
            facts = compute(order, book.policies, today)
            memo[order.id] = (order, facts, None)
            self._dirty = True
            out.append(facts)
        return out

    def _seed(self, book: Any, today: date) -> bool:
        """Take the saved facts of the orders the book holds now that did not change;
        False when that can't be told now (a change in progress: try again later)."""
        if self.file is None:
            return True
        key = book.storage.version_key()
        if key is None:
            return False
        try:
            saved = _saved.decode(self.file.read_bytes())
        except (OSError, msgspec.DecodeError, msgspec.ValidationError):
            return True
        if saved.format != FORMAT or saved.fingerprint != _fingerprint(today, self._config):
            return True
        self._saved_key = saved.data_key
        current = {order.id: order for order in book.orders()}
        same_file = saved.data_key == key
        memo = self._memo
        for i, known, facts in zip(saved.ids, saved.digests, saved.facts, strict=False):
            order = current.get(i)
            if order is None:
                continue
            if same_file:
                memo[i] = (order, facts, known)
            elif (mine := digest(order)) == known:
                memo[i] = (order, facts, mine)
        return True

    def save(self, book: Any) -> None:
        """Write the facts of the book's orders when something new was worked out, or the
        data file changed since they were saved. Failing to write is not an error."""
        key = book.storage.version_key()
        if self.file is None or self._today is None or key is None:
            return
        if not self._dirty and key == self._saved_key:
            return
        ids: list[int] = []
        digests: list[bytes] = []
        facts: list[Facts] = []
        for order in book.orders():
            hit = self._memo.get(order.id)
            if hit is None or hit[0] is not order:
                continue
            ids.append(order.id)
            digests.append(hit[2] or digest(order))
            facts.append(hit[1])
        payload = _encode_saved(
            _Saved(FORMAT, _fingerprint(self._today, self._config), key, ids, digests, facts)
        )
        tmp = self.file.with_name(f".{self.file.name}.{os.getpid()}.tmp")
        try:
            from .fileio import ensure_dir

            ensure_dir(self.file.parent)
            with open(tmp, "wb", opener=lambda p, f: os.open(p, f, 0o600)) as out:
                out.write(payload)
            os.replace(tmp, self.file)  # no fsync: a cut-short file is only ignored
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            return
        self._dirty, self._saved_key = False, key


def cache_file(data_file: Path, folder: Path) -> Path:
    """Where the facts of `data_file` are kept: named after its full path."""
    name = hashlib.blake2b(str(data_file).encode(), digest_size=8).hexdigest()
    return folder / f"facts-{name}.msgpack"
