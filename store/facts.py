"""What the advice engine says of an order today, reduced to what lists show (each item's
state with estimates applied, closed history, the dated deadlines, whether it needs action),
worked out from the dated actions alone (`compute`), and a cache of it (`FactsCache`).

`due`, `list`, the header's figures and the app's rows need these facts for every order:
about 20 us an order (policies, estimates, windows), 0.2 s at 10,000 orders each time a
shell prompt runs `unship due`. An order's facts change only with the order, the day or the
rules (unship's code and policy data, the person's policies file and settings), so the
commands keep them in the user's cache folder from one run to the next:

- The file is derived data, never the truth: one that is missing, unreadable, from another
  version or about other rules is ignored and made again; writing it may fail silently.
- It says which rules its facts follow (`fingerprint`) and which day they were worked out
  for: with other rules it is not used at all; on a later day only the facts of done orders
  are taken (they stay as they are), the open orders' are worked out again.
- Each order's facts carry a digest of the order's bytes. When the data file is exactly the
  version the facts were saved beside (inode, size, mtime and generation), they are taken
  as they are; otherwise each order's digest is checked, and an order that changed is
  worked out again.
- One file per data file; those not saved for 90 days (a data file deleted, moved or
  renamed) are deleted when another is saved.

The app keeps its rows' facts itself and works them out in a thread after its first frame:
holding the book's kept facts as well would cost about 20 MB at 50,000 orders.
"""

from __future__ import annotations

import os
import threading
import time
import zlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from .days import NOT_RETURNABLE, closed_text, deadline_text, perhaps_text
from .errors import StoreError
from .lifecycle import FINAL_STATES, summary_state
from .model import Order, State

if TYPE_CHECKING:
    from .policies import PolicyBook

# Bump when what is stored changes shape or meaning.
FORMAT = 5


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
    # the first deadline in words (`days.deadline_text`), else how long a closed window may
    # still be open (`days.perhaps_text`), else when the windows closed (`days.closed_text`)
    # or that they never opened (`days.NOT_RETURNABLE`), '' when none (`days.next_text`)
    next_text: str
    # `advice.needs_action`: a problem, something overdue, a deadline in the coming week
    # or no news for too long, on an order still open; urgent: the first two.
    needs_action: bool
    urgent: bool
    # no deadline, but a closed return window may still be open until this day (on an
    # estimate, or a rule not confirmed: `advice.Action.perhaps`): said in lists, never a
    # deadline
    perhaps: date | None = None
    # nothing dated: the day every window of the items that may still be returned surely
    # closed, and whether it is not known ('~'; `advice.Standing.closed_on`), while the
    # order is not yet history
    closed_on: date | None = None
    closed_estimated: bool = False
    # nothing dated, and no item that may still be returned ever could be (groceries;
    # `advice.Standing.not_returnable`)
    not_returnable: bool = False

    @property
    def next(self) -> Deadline | None:
        return self.deadlines[0] if self.deadlines else None


def by_day(due: tuple[Order, Deadline]) -> tuple[date, int]:
    """How `due` lists (order, deadline) pairs: soonest first, then by order id (a sort key;
    an order's deadlines on one day keep the engine's order)."""
    return due[1].day, due[0].id


def compute(order: Order, policies: PolicyBook, today: date) -> Facts:
    """The facts from the advice engine's dated actions alone (`advice.glance`): the
    undated ones are only worked out for the order on screen. A property test checks them
    against the full advice."""
    items = order.items
    if items and all(i.state in FINAL_STATES and not i.refund_short for i in items):
        # cancelled, refunded or kept: as stored, nothing dated follows, and not history
        states = tuple(i.state for i in items)
        return _undated(states, False, True, summary_state(order, states), False, False)
    from . import advice

    actions, where = advice.glance(order, policies, today)
    found = tuple(advice.deadlines(order, policies, today, actions))
    states, closed, done, text = where.states, where.closed, where.done, where.text(order)
    needs = urgent = False
    if not done:  # then some item is not final: the order is open (`lifecycle.is_open`)
        urgent = State.PROBLEM in states or any(d.overdue or d.day < today for d in found)
        needs = urgent or _soon_or_silent(order, found, today + advice.SOON, today)
    if found:
        return Facts(
            states, closed, done, text, found, deadline_text(found[0], today), needs, urgent
        )
    if where.perhaps is not None:
        perhaps = where.perhaps
        return Facts(
            states, closed, done, text, (), perhaps_text(perhaps, today), needs, urgent, perhaps
        )
    if where.closed_on is not None:
        shut, guessed = where.closed_on, where.closed_estimated
        said = closed_text(shut, guessed, today)
        return Facts(states, closed, done, text, (), said, needs, urgent, None, shut, guessed)
    if where.not_returnable:
        said = NOT_RETURNABLE
        return Facts(states, closed, done, text, (), said, needs, urgent, not_returnable=True)
    return _undated(states, closed, done, text, needs, urgent)


def _soon_or_silent(order: Order, found: tuple[Deadline, ...], soon: date, today: date) -> bool:
    """A deadline in the coming week (a refund on its way is the retailer's to do), or an
    item with no news for so long that its status needs checking."""
    from .estimates import no_news

    for d in found:
        if d.day <= soon and d.action != "expect-refund":
            return True
    return any(no_news(order, i, today) is not None for i in order.items if not i.refund_short)


def _undated(
    states: tuple[State, ...], closed: bool, done: bool, text: str, needs: bool, urgent: bool
) -> Facts:
    """Most orders have no deadline and share their few distinct facts (memory at 50k)."""
    key = (states, closed, text, needs, urgent)
    shared = _UNDATED.get(key)
    if shared is None:
        shared = Facts(states, closed, done, text, (), "", needs, urgent)
        if len(_UNDATED) < 4096:
            _UNDATED[key] = shared
    return shared


_UNDATED: dict[tuple, Facts] = {}
DIGEST = 16  # bytes


class _Saved(msgspec.Struct, array_like=True):
    format: int
    fingerprint: str
    day: date  # the day the facts were worked out for
    data_key: tuple[Any, ...] | None  # the data file's stat key and generation
    ids: list[int]
    digests: bytes  # DIGEST bytes per order, in the order of `ids`
    distinct: list[Facts]  # each distinct facts once (most orders share a few)
    which: list[int]  # per order, its facts in `distinct`


_encode_order = msgspec.json.Encoder().encode
_saved = msgspec.msgpack.Decoder(_Saved)
_encode_saved = msgspec.msgpack.Encoder().encode


def digest(order: Order) -> bytes:
    import hashlib  # only when an order is checked: not on a run that finds the file as saved

    return hashlib.blake2b(_encode_order(order), digest_size=DIGEST).digest()


def fingerprint(config: Path) -> str:
    """The rules the facts follow: unship's own modules and data (by size and time, as
    installed or edited), and the person's policies file and settings."""
    also = (str(config / "policies.json"), str(config / "settings.json"))
    return "\n".join([str(FORMAT), *stamps(os.path.dirname(__file__), (".py", ".json"), also)])


def stamps(folder: str, suffixes: tuple[str, ...], also: tuple[str, ...] = ()) -> list[str]:
    """'path:size:mtime_ns' of the folder's files with those suffixes (by name) and of the
    files `also` ('path:-' for one that can't be read): a version of code and data."""
    with os.scandir(folder) as entries:
        files = sorted(e.path for e in entries if e.name.endswith(suffixes))
    out = []
    for name in [*files, *also]:
        try:
            st = os.stat(name)
            out.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
        except OSError:
            out.append(f"{name}:-")
    return out


class FactsCache:
    """Each order's facts for one book, worked out once per order, rules and day: in memory
    for the order objects the book holds now, and on disk (`file`; None: memory only) from
    one process to the next. Safe to use from several threads; the storage is never asked
    for anything while this cache's lock is held."""

    def __init__(self, file: Path | None, config: Path) -> None:
        self.file = file
        self._config = config
        self._lock = threading.Lock()
        self._saving = threading.Lock()
        self._today: date | None = None
        self._generation = 0  # goes up whenever what is known is dropped
        self._memo: dict[int, tuple[Order, Facts]] = {}  # id -> (the order object, facts)
        self._digests: dict[int, bytes] = {}  # of the memo's orders, where worked out
        self._seeded = False
        self._dirty = False
        self._saved_key: tuple[Any, ...] | None = None

    def forget(self) -> None:
        """Drop what is known and keep no file from now on (other rules were handed in)."""
        with self._lock:
            self._drop()
            self._today, self.file = None, None

    def _drop(self) -> None:
        self._memo.clear()
        self._digests.clear()
        self._generation += 1

    def get(self, orders: list[Order], today: date, book: Any) -> list[Facts]:
        """The facts of `orders` (the book's own order objects), in their order."""
        with self._lock:
            if today != self._today:
                self._drop()
                self._today, self._seeded = today, False
            seeded, generation = self._seeded, self._generation
        if not seeded:
            saved = self._saved_facts(book, today)
            with self._lock:
                if saved is not None and generation == self._generation and not self._seeded:
                    self._saved_key, self._memo, self._digests = saved
                    self._seeded = True
        with self._lock:
            memo, generation = self._memo, self._generation
            out: list[Any] = [
                hit[1] if (hit := memo.get(order.id)) is not None and hit[0] is order else None
                for order in orders
            ]
        missing = [n for n, facts in enumerate(out) if facts is None]
        if missing:
            policies = book.policies
            for n in missing:
                out[n] = compute(orders[n], policies, today)
            with self._lock:
                if generation == self._generation:
                    for n in missing:
                        self._memo[orders[n].id] = (orders[n], out[n])
                        self._digests.pop(orders[n].id, None)  # it was another object's
                    self._dirty = True
        return out

    def _saved_facts(self, book: Any, today: date) -> tuple[Any, dict, dict] | None:
        """(the data file version they were saved beside, {id: (order, facts)}, {id: digest
        worked out}) for the book's orders whose saved facts hold now; None when that can't
        be told now (a change in progress: ask again later)."""
        if self.file is None:
            return None, {}, {}
        try:
            key, current = book.orders_at_rest()
        except StoreError:  # the file can't be read now: the book says so where it is used
            return None
        if key is None:
            return None
        saved = read_saved(self.file, self._config, today)
        if saved is None:
            return None, {}, {}
        # A done order's facts hold on every later day (closed history stays closed, and a
        # cancelled, refunded or kept order has nothing dated); the others' only on the day
        # they were worked out for. A property test checks it.
        any_facts = today == saved.day
        memo: dict[int, tuple[Order, Facts]] = {}
        digests: dict[int, bytes] = {}
        blob, distinct, same_file = saved.digests, saved.distinct, saved.data_key == key
        ids, which = saved.ids, saved.which
        try:
            if any_facts and same_file:  # every order as saved: nothing to check
                memo = {i: (current[i], distinct[w]) for i, w in zip(ids, which, strict=True)}
                digests = {
                    i: blob[n : n + DIGEST]
                    for i, n in zip(ids, range(0, len(blob), DIGEST), strict=True)
                }
                return saved.data_key, memo, digests
            for n, (i, w) in enumerate(zip(ids, which, strict=True)):
                order = current.get(i)
                if order is None:
                    continue
                facts = distinct[w]
                if not (any_facts or facts.done):
                    continue
                kept = blob[n * DIGEST : (n + 1) * DIGEST]
                if not same_file and digest(order) != kept:
                    continue
                memo[i], digests[i] = (order, facts), kept
        except (ValueError, IndexError, KeyError):  # not a file this version wrote
            return None, {}, {}
        return saved.data_key, memo, digests

    def save(self, book: Any) -> None:
        """Write the facts of the book's orders when something new was worked out, or the
        data file changed since they were saved. Failing to write is not an error."""
        with self._saving:
            if self.file is None or self._today is None:
                return
            key, orders = book.orders_at_rest()
            with self._lock:
                today = self._today
                if key is None or today is None or (not self._dirty and key == self._saved_key):
                    return
                memo, known = dict(self._memo), dict(self._digests)
                self._dirty = False
            ids: list[int] = []
            digests: list[bytes] = []
            index: dict[Facts, int] = {}
            which: list[int] = []
            for order in orders.values():
                hit = memo.get(order.id)
                if hit is None or hit[0] is not order:
                    continue
                ids.append(order.id)
                digests.append(known.get(order.id) or digest(order))
                which.append(index.setdefault(hit[1], len(index)))
            saved = _Saved(
                FORMAT,
                fingerprint(self._config),
                today,
                key,
                ids,
                b"".join(digests),
                list(index),
                which,
            )
            if write_kept(self.file, _encode_saved(saved)):
                forget_old(self.file)
                self._saved_key = key
                with self._lock:
                    self._digests.clear()
            else:
                self._dirty = True


def read_saved(file: Path, config: Path, today: date) -> _Saved | None:
    """The facts saved in `file`, when they follow the rules of now (`config`: the person's
    policies and settings) and were worked out for `today` or a day before it."""
    try:
        saved = _saved.decode(file.read_bytes())
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if (
        saved.format != FORMAT
        or saved.fingerprint != fingerprint(config)
        or today < saved.day
        or len(saved.ids) != len(saved.which)
        or len(saved.digests) != DIGEST * len(saved.ids)  # not a file this version wrote
    ):
        return None
    return saved


def write_kept(file: Path, payload: bytes) -> bool:
    """Replace `file` with `payload`; False when that failed."""
    from .fileio import atomic_write, ensure_dir

    try:
        ensure_dir(file.parent)
        atomic_write(file, payload, durable=False)  # a file cut short is only ignored
    except OSError:
        return False
    return True


# A facts file not saved for this long is deleted when another is saved: its data file was
# most likely deleted, moved or renamed (if not, its facts are only worked out again).
FORGET_AFTER = 90 * 24 * 3600  # seconds


def forget_old(kept: Path) -> None:
    """Delete the other files kept like `kept` (facts-*, list-*: kept_list.py) in its folder
    that are older than FORGET_AFTER: nothing else would, one per data path ever opened."""
    cutoff = time.time() - FORGET_AFTER
    kind = kept.name.partition("-")[0] + "-"
    try:
        with os.scandir(kept.parent) as entries:
            for entry in entries:
                if not (entry.name.startswith(kind) and entry.name.endswith(".msgpack")):
                    continue
                if entry.name != kept.name and entry.stat(follow_symlinks=False).st_mtime < cutoff:
                    os.unlink(entry.path)
    except OSError:  # derived data: what can't be tidied now is tidied another time
        pass


def cache_file(data_file: Path, folder: Path, kind: str = "facts") -> Path:
    """Where what is kept of `data_file` (its facts, or another `kind`) is: named after its
    full path (two data files whose names share a checksum take turns with it: each order's
    facts are checked by digest on a file they were not saved beside)."""
    crc = zlib.crc32(os.fsencode(data_file))
    return folder / f"{kind}-{crc:08x}-{data_file.name}.msgpack"
