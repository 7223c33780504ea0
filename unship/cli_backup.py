"""`unship backup list|restore`: the rotation of recent copies kept beside the data file.

These commands never open the order book itself, so they work when the data file is
corrupt: that is when they are needed.
"""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(sub) -> None:
    backup = sub.add_parser("backup", help="list or restore the recent copies of the data file")
    actions = backup.add_subparsers(dest="backup_command", metavar="list|restore", required=True)
    listing = actions.add_parser("list", help="the backups, newest first")
    listing.add_argument("--json", action="store_true")
    restore = actions.add_parser(
        "restore", help="make a backup the current data file (the current one is kept as a backup)"
    )
    restore.add_argument(
        "backup",
        metavar="BACKUP",
        help="a generation number from `backup list`, or a backup file's path",
    )


def run(path: Path, args: argparse.Namespace, print_json, print_table) -> int:
    from unship.store import list_backups, restore_backup

    if args.backup_command == "list":
        found = list_backups(path)
        rows = [
            {
                "generation": b.generation,
                "saved_at": b.saved_at.isoformat(timespec="seconds"),
                "orders": b.orders,
                "size": b.size,
                "path": str(b.path),
            }
            for b in found
        ]
        if args.json:
            print_json(rows)
        elif not rows:
            print(f"No backups of {path} yet (one is kept before each change).")
        else:
            print_table(
                ["GEN", "SAVED", "ORDERS", "SIZE", "PATH"],
                [
                    [
                        str(r["generation"]),
                        r["saved_at"].replace("T", " ")[:19],
                        "unreadable" if r["orders"] is None else str(r["orders"]),
                        _size(r["size"]),
                        r["path"],
                    ]
                    for r in rows
                ],
                right={0, 2, 3},
            )
        return 0
    chosen: int | str = int(args.backup) if args.backup.isdigit() else args.backup
    restore_backup(path, chosen)
    print(f"restored {args.backup} as {path} (the previous file is kept in the backups)")
    return 0


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)
