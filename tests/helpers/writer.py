"""Helper process for tests/e2e/test_storage_processes.py (run with sys.executable).

writer.py crash PATH              insert forever; print "ACK <seq>" after each commit
writer.py insert PATH TAG COUNT MODE
                                  COUNT inserts, one transaction each; MODE is
                                  "document" (doc_id = max + 1 computed inside the lock) or
                                  "reset" (a fresh TinyDB table in each transaction: no stale id counter)
writer.py hold PATH               take the lock, print "LOCKED", hold it until stdin closes
"""

from __future__ import annotations

import sys

from tinydb import TinyDB
from tinydb.table import Document
from unship.store.storage import DurableStorage, fresh_table


def next_id(db: TinyDB) -> int:
    table = (db.storage.read() or {}).get("orders", {})
    return max(map(int, table), default=0) + 1


def crash(path: str) -> None:
    db = TinyDB(path, storage=DurableStorage, keep_backups=3)
    orders = db.table("orders", cache_size=0)
    with db.storage.transaction():
        seq = max((doc["seq"] for doc in orders.all()), default=0)
    while True:
        seq += 1
        with db.storage.transaction():
            orders.insert(Document({"seq": seq, "pad": "x" * (seq % 97)}, doc_id=next_id(db)))
        print(f"ACK {seq}", flush=True)


def insert(path: str, tag: str, count: int, mode: str) -> None:
    db = TinyDB(path, storage=DurableStorage, lock_timeout=60)
    orders = db.table("orders")
    for i in range(count):
        with db.storage.transaction():
            if mode == "document":
                orders.insert(Document({"tag": tag, "i": i}, doc_id=next_id(db)))
            else:  # TinyDB's own table would keep an id counter stale after another save
                fresh_table(db, "orders").insert({"tag": tag, "i": i})
    print("DONE", flush=True)


def hold(path: str) -> None:
    storage = DurableStorage(path)
    with storage.transaction():
        print("LOCKED", flush=True)
        sys.stdin.read()


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "crash":
        crash(args[0])
    elif command == "insert":
        insert(args[0], args[1], int(args[2]), args[3])
    elif command == "hold":
        hold(args[0])
    else:
        raise SystemExit(f"unknown command {command}")
