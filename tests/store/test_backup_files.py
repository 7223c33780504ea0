"""Files beside the data file are named after it: `orders.json.backups/` and `orders.json.lock`.

Earlier versions kept every data file's backups in one shared `backups/` folder; the first save
(or restore) moves this file's backups, and only those, into its own folder.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from cli_support import run_unship
from faults import NUMBERS, TODAY, fill
from unship.store import backups
from unship.store.backups import adopt_legacy, list_backups
from unship.store.model import new_item, new_order
from unship.store.repository import OrderBook

ADD = ["add", "--retailer", "amazon", "--order-number", "113-7777777-7777777"]
ADD += ["--item", "after the move", "--price", "5", "--ordered", TODAY.isoformat()]


def old_layout(path: Path) -> dict[str, bytes]:
    """Make path's backups look as an earlier unship left them (in the shared `backups/`);
    return what each backup held, by name."""
    fill(path)  # three saves: backups of generations 1 and 2
    new, old = backups.backup_dir(path), path.parent / "backups"
    old.mkdir(mode=0o700)
    held = {}
    for name in sorted(os.listdir(new)):
        held[name] = (new / name).read_bytes()
        os.rename(new / name, old / name)
    (old / f"{path.name}.v0.bak").write_bytes(b'{"old": "schema"}')
    held[f"{path.name}.v0.bak"] = b'{"old": "schema"}'
    os.rmdir(new)
    return held


def test_a_real_process_moves_this_files_backups_and_only_those(tmp_path):
    path = tmp_path / "orders.json"
    held = old_layout(path)
    old = tmp_path / "backups"
    others = {"wishlist.4.json": b"another book's backup", "notes.txt": b"the person's own file"}
    for name, content in others.items():
        (old / name).write_bytes(content)
    assert {b.generation for b in list_backups(path)} == {1, 2}  # still found before the move

    result = run_unship(path, *ADD)
    assert result.returncode == 0, result.stderr

    new = tmp_path / "orders.json.backups"
    for name, content in held.items():  # every backup of ours, unchanged, in the new folder
        assert (new / name).read_bytes() == content
        assert not (old / name).exists()
    assert sorted(os.listdir(old)) == sorted(others)  # the rest stay where they were
    for name, content in others.items():
        assert (old / name).read_bytes() == content
    assert (new / "orders.3.json").exists()  # the save itself kept its predecessor there
    assert oct(new.stat().st_mode & 0o777) == "0o700"

    listed = json.loads(run_unship(path, "backup", "list", "--json").stdout)
    assert [row["generation"] for row in listed] == [3, 2, 1]
    assert all(Path(row["path"]).parent == new for row in listed)
    restored = run_unship(path, "backup", "restore", "1")
    assert restored.returncode == 0, restored.stderr
    with OrderBook(path, today=TODAY) as book:
        assert [o.order_number for o in book.orders()] == NUMBERS[:1]


def test_the_shared_folder_goes_once_it_is_empty_and_a_second_run_moves_nothing(tmp_path):
    path = tmp_path / "orders.json"
    held = old_layout(path)
    assert run_unship(path, *ADD).returncode == 0
    assert not (tmp_path / "backups").exists()
    assert adopt_legacy(path.resolve()) == []
    assert set(held) <= set(os.listdir(tmp_path / "orders.json.backups"))


def test_two_data_files_in_one_folder_keep_separate_backups(tmp_path):
    first, second = tmp_path / "orders.json", tmp_path / "work.json"
    fill(first)
    with OrderBook(second, today=TODAY) as book:
        for number in ("W-1", "W-2", "W-3", "W-4"):
            book.add(new_order("ikea", number, TODAY, [new_item("desk", 100)], today=TODAY))
    assert sorted(os.listdir(tmp_path)) == [
        "orders.json",
        "orders.json.backups",
        "orders.json.lock",
        "work.json",
        "work.json.backups",
        "work.json.lock",
    ]
    assert [b.generation for b in list_backups(first)] == [2, 1]
    assert [b.generation for b in list_backups(second)] == [3, 2, 1]
    assert sorted(os.listdir(tmp_path / "orders.json.backups")) == [
        "orders.1.json",
        "orders.2.json",
    ]
    restored = run_unship(second, "backup", "restore", "1")
    assert restored.returncode == 0, restored.stderr
    with OrderBook(second, today=TODAY) as book:
        assert [o.order_number for o in book.orders()] == ["W-1"]
    with OrderBook(first, today=TODAY) as book:
        assert [o.order_number for o in book.orders()] == NUMBERS


def test_a_move_cut_short_is_finished_without_losing_or_overwriting_any(tmp_path):
    path = (tmp_path / "orders.json").resolve()
    held = old_layout(path)
    old, new = tmp_path / "backups", backups.backup_dir(path)
    new.mkdir(mode=0o700)
    os.link(old / "orders.1.json", new / "orders.1.json")  # killed after linking, before unlinking
    (new / "orders.2.json").write_bytes(b"a different file under the same name")
    moved = adopt_legacy(path)
    assert sorted(p.name for p in moved) == ["orders.1.json", "orders.json.v0.bak"]
    assert (new / "orders.1.json").read_bytes() == held["orders.1.json"]
    # never written over: the one whose name is taken stays in the shared folder
    assert (old / "orders.2.json").read_bytes() == held["orders.2.json"]
    assert (new / "orders.2.json").read_bytes() == b"a different file under the same name"
    assert os.listdir(old) == ["orders.2.json"]


def test_backups_named_by_a_stem_two_files_share_are_left_alone(tmp_path):
    """`orders.json` and `orders.db` both wrote `backups/orders.N.json`: whose is unknowable."""
    path = (tmp_path / "orders.json").resolve()
    held = old_layout(path)
    (tmp_path / "orders.db").write_bytes(b"{}")
    moved = adopt_legacy(path)
    assert [p.name for p in moved] == ["orders.json.v0.bak"]  # it names the whole file
    assert sorted(os.listdir(tmp_path / "backups")) == ["orders.1.json", "orders.2.json"]
    assert all((tmp_path / "backups" / n).read_bytes() == held[n] for n in ("orders.1.json",))


def test_home_folder_book_keeps_no_backups_folder_of_its_own_name(tmp_path):
    """`--db ~/orders.json` no longer makes `~/backups/`."""
    home = tmp_path / "home"
    home.mkdir()
    result = run_unship("~/orders.json", *ADD, env={"HOME": str(home)})
    assert result.returncode == 0, result.stderr
    again = run_unship("~/orders.json", *ADD[:4], "113-1", *ADD[5:], env={"HOME": str(home)})
    assert again.returncode == 0, again.stderr
    assert sorted(os.listdir(home)) == ["orders.json", "orders.json.backups", "orders.json.lock"]
