"""Each order's facts are kept between runs (store/facts.py) and are never stale: whatever
the cache holds, a book reports exactly what the advice engine works out now."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
from unship.store import facts
from unship.store.changes import record_event
from unship.store.paths import cache_dir
from unship.store.policies import default_book
from unship.store.repository import OrderBook

TODAY = date(2026, 11, 28)
WORK_OUT = facts.compute  # the engine itself, uncounted


@pytest.fixture
def path(demo_file):
    return demo_file


@pytest.fixture
def computed(monkeypatch):
    """The orders whose facts were worked out (not taken from the cache), by id."""
    seen: list[int] = []
    real = facts.compute

    def counting(order, policies, today):
        seen.append(order.id)
        return real(order, policies, today)

    monkeypatch.setattr(facts, "compute", counting)
    return seen


def truth(book: OrderBook) -> list[facts.Facts]:
    return [WORK_OUT(o, book.policies, book.today) for o in book.orders()]


def done_ids(book: OrderBook, found: list[facts.Facts]) -> set[int]:
    return {o.id for o, f in zip(book.orders(), found, strict=True) if f.done}


def cached_files() -> list:
    return sorted(cache_dir().glob("facts-*.msgpack"))


def test_a_second_run_takes_every_order_from_the_cache(path, computed):
    with OrderBook(path, today=TODAY) as book:
        first = book.facts_of(book.orders())
        assert sorted(computed) == sorted(o.id for o in book.orders())
    assert len(cached_files()) == 1
    computed.clear()
    with OrderBook(path, today=TODAY) as book:
        again = book.facts_of(book.orders())
        assert computed == []
        assert again == first == truth(book)
        assert any(f.deadlines for f in again)  # the demo has deadlines to keep


def test_an_order_changed_by_another_process_is_worked_out_again(path, computed):
    with OrderBook(path, today=TODAY) as book:
        book.overview()
        target = next(o for o in book.orders() if o.items[0].state.value == "delivered")
    with OrderBook(path, today=TODAY) as other:  # another process, between two prompts
        record_event(other, target.id, "return-requested", TODAY)
    computed.clear()
    with OrderBook(path, today=TODAY) as book:
        rows = book.facts_of(book.orders())
        assert computed == [target.id]
        assert rows == truth(book)
        changed = book.facts(book.get(target.id))
        assert changed.deadlines[0].action == "return-shipped"


def test_a_change_made_here_is_never_answered_from_memory(path):
    with OrderBook(path, today=TODAY) as book:
        target = next(o for o in book.orders() if o.items[0].state.value == "delivered")
        before = book.facts(target)
        assert before.deadlines[0].action == "return"
        record_event(book, target.id, "kept", TODAY)
        after = book.facts(book.get(target.id))
        assert after.deadlines == () and after.done
        assert book.facts_of(book.orders()) == truth(book)


def test_on_a_later_day_only_open_orders_are_worked_out_again(path, computed):
    with OrderBook(path, today=TODAY) as book:
        done = done_ids(book, book.facts_of(book.orders()))
        assert done and len(done) < len(book.orders())
    for later in (TODAY + timedelta(days=1), TODAY + timedelta(days=40)):
        computed.clear()
        with OrderBook(path, today=later) as book:
            assert book.facts_of(book.orders()) == truth(book)
            assert sorted(computed) == sorted(o.id for o in book.orders() if o.id not in done)
            done = done_ids(book, truth(book))


def test_an_earlier_day_works_every_order_out_again(path, computed):
    with OrderBook(path, today=TODAY) as book:
        book.due()
    computed.clear()
    with OrderBook(path, today=TODAY - timedelta(days=1)) as book:  # --today in the past
        assert book.facts_of(book.orders()) == truth(book)
        assert len(computed) == len(book.orders())


def test_the_days_change_in_a_running_app(path):
    with OrderBook(path, today=TODAY) as book:
        book.overview()
        book._today = TODAY + timedelta(days=30)  # past midnight, a month on
        assert book.facts_of(book.orders()) == truth(book)


def test_other_rules_are_not_taken_from_the_cache(path, computed):
    with OrderBook(path, today=TODAY) as book:
        book.due()
    settings = cache_dir().parent / "config" / "settings.json"
    settings.parent.mkdir(exist_ok=True)
    settings.write_text(json.dumps({"memberships": ["amazon-prime"]}))
    computed.clear()
    with OrderBook(path, today=TODAY) as book:
        assert book.facts_of(book.orders()) == truth(book)
        assert len(computed) == len(book.orders())


def test_an_edited_unship_module_is_a_new_rule(path, computed, monkeypatch, tmp_path):
    with OrderBook(path, today=TODAY) as book:
        book.due()
    real = facts.fingerprint
    monkeypatch.setattr(facts, "fingerprint", lambda config: real(config) + "x")
    computed.clear()
    with OrderBook(path, today=TODAY) as book:
        book.due()
        assert len(computed) == len(book.orders())


@pytest.mark.parametrize("damage", [b"", b"\x00" * 64, b"not msgpack at all", b"\x93\x01\xa1x\x90"])
def test_a_damaged_cache_is_ignored_and_made_again(path, damage):
    with OrderBook(path, today=TODAY) as book:
        book.due()
    (cached,) = cached_files()
    cached.write_bytes(damage)
    with OrderBook(path, today=TODAY) as book:
        assert book.facts_of(book.orders()) == truth(book)
    assert cached.read_bytes() != damage
    with OrderBook(path, today=TODAY) as book:
        assert book.facts_of(book.orders()) == truth(book)


def test_a_cache_that_cannot_be_written_is_no_error(path, monkeypatch, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("UNSHIP_CACHE_DIR", str(blocked / "cache"))
    with OrderBook(path, today=TODAY) as book:
        assert [len(f.states) for f in book.facts_of(book.orders())]
    assert blocked.read_text().startswith("a file")


def test_policies_handed_in_are_never_kept(path):
    with OrderBook(path, today=TODAY, policies=default_book()) as book:
        book.due()
    assert cached_files() == []
    with OrderBook(path, today=TODAY) as book:
        book.policies = default_book().with_memberships(["amazon-prime"])
        book.due()
    assert cached_files() == []
    with OrderBook(path, today=TODAY, keep_facts=False) as book:  # as the app opens it
        book.due()
    assert cached_files() == []


def test_the_cache_is_private(path):
    with OrderBook(path, today=TODAY) as book:
        book.due()
    (cached,) = cached_files()
    assert cached.stat().st_mode & 0o777 == 0o600
    assert os.stat(cache_dir()).st_mode & 0o777 == 0o700


def test_threads_asking_at_once_all_get_the_truth(path):
    from concurrent.futures import ThreadPoolExecutor

    with OrderBook(path, today=TODAY) as book:
        book.due()
    with OrderBook(path, today=TODAY + timedelta(days=2)) as book:
        orders = book.orders()
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: book.facts_of(orders), range(8)))
        assert all(answer == truth(book) for answer in answers)


def test_facts_of_a_data_file_long_gone_are_deleted_when_others_are_saved(path, tmp_path):
    with OrderBook(path, today=TODAY) as book:
        book.facts_of(book.orders())
    [mine] = cached_files()
    folder = mine.parent
    gone = folder / "facts-0badf00d-moved.json.msgpack"
    recent = folder / "facts-00c0ffee-other.json.msgpack"
    unrelated = folder / "notes.txt"
    for file in (gone, recent, unrelated):
        file.write_bytes(b"x")
    old = os.stat(mine).st_mtime - facts.FORGET_AFTER - 60
    os.utime(gone, (old, old))
    os.utime(unrelated, (old, old))
    with OrderBook(path, today=TODAY + timedelta(days=1)) as book:  # a new day: saved again
        book.facts_of(book.orders())
    assert not gone.exists()
    assert recent.exists() and unrelated.exists() and mine.exists()
