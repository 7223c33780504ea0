"""Two versions of unship side by side, as whole processes: this checkout and an earlier
revision, run in turn with the decode floor of bench_process.py in the same rounds, so that
a machine whose speed drifts by a third within the hour (this one) slows all three alike.

    .venv/bin/python bench/bench_ab.py REV [--sizes 10000,50000] [--rounds 9] [--cold]
    .venv/bin/python bench/bench_ab.py REV --book FILE --today YYYY-MM-DD [--app]

Times `due` and `list --json` on the demo orders of bench_tui.py (or on a book of your own,
`--book`): with each version's facts kept from the run before (a later run of the day), or
with `--cold` nothing kept. `--app` also times the app on a pty, from exec to its header's
figures painted (the first frame for a book of up to 600 orders to work out; a bigger one
shows its list first; with `--title`, to the first order title painted, as
bench_process.py times it), beside the bare Textual app of bench_process.py. REV is checked out
in a temporary worktree and imported from there (its own store/ and tui/, this
environment's libraries). Prints medians and their ratios to the yardstick; not a test.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_process import BARE, DECODE, first_title, on_pty  # noqa: E402
from bench_tui import TODAY, orders_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = {"unship": "unship", "store": "unship/store", "tui": "unship/tui"}  # as installed


def importable(tree: Path, into: Path) -> Path:
    """A folder to put on PYTHONPATH that imports `tree`'s unship as the installed one does
    (the repository's unship/, store/ and tui/ as unship, unship.store and unship.tui)."""
    top = into / "unship"
    top.mkdir(parents=True)
    for entry in (tree / "unship").iterdir():
        (top / entry.name).symlink_to(entry)
    for source, target in PACKAGES.items():
        if source != "unship":
            (into / target).symlink_to(tree / source)
    return into


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("rev", help="the earlier revision (a commit, tag or branch)")
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--cold", action="store_true", help="nothing kept: every order worked out")
    parser.add_argument("--book", type=Path, help="a data file of your own, not the demo orders")
    parser.add_argument("--today", default=TODAY.isoformat(), help="with --book: its day")
    parser.add_argument("--app", action="store_true", help="also the app, exec to its figures")
    parser.add_argument(
        "--title", action="store_true", help="with --app: to the first order title painted instead"
    )
    args = parser.parse_args()
    if args.book:
        books = {args.book.name: args.book.resolve()}
    else:
        books = {f"{n} orders": orders_file(n) for n in map(int, args.sizes.split(","))}
    work = Path(tempfile.mkdtemp(prefix="unship-ab-"))
    tree = work / "tree"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "-q", "--detach", str(tree), args.rev],
        check=True,
    )
    try:
        old_path = importable(tree, work / "path")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        versions = {
            args.rev: {**env, "PYTHONPATH": str(old_path), "UNSHIP_CACHE_DIR": str(work / "old")},
            "this checkout": {**env, "UNSHIP_CACHE_DIR": str(work / "new")},
        }
        where = subprocess.run(
            [sys.executable, "-c", "import unship.store.storage as m; print(m.__file__)"],
            env=versions[args.rev],
            cwd=work,
            capture_output=True,
            text=True,
        ).stdout.strip()
        if not where.startswith(str(old_path)):  # the installed unship would be timed twice
            raise SystemExit(f"{args.rev} imports from {where or 'nowhere'}, not its worktree")
        if args.app:
            app_figures(books, versions, args, work)
        # `list` lists every order with --all (the archive too); a revision from before the
        # archive was left out lists them all without it.
        every = {
            name: "--all"
            in subprocess.run(
                [sys.executable, "-m", "unship", "list", "--help"],
                env=version,
                cwd=work,
                capture_output=True,
                text=True,
            ).stdout
            for name, version in versions.items()
        }
        for n, path in books.items():
            floor = [sys.executable, "-c", DECODE, str(path)]
            for cmd in (["due"], ["list", "--json"]):
                head = [sys.executable, "-m", "unship", "--db", str(path), "--today", args.today]
                argvs = {
                    name: [*head, *cmd, *(["--all"] if cmd[0] == "list" and every[name] else [])]
                    for name in versions
                }
                argvs["floor"] = floor
                runs: dict[str, list[float]] = {}
                for name, version in [*versions.items(), ("floor", env)]:  # bytecode, kept facts
                    subprocess.run(
                        argvs[name],
                        env=version,
                        cwd=work,
                        capture_output=True,
                    )
                for _ in range(args.rounds):
                    for name, version in [*versions.items(), ("floor", env)]:
                        if args.cold:
                            shutil.rmtree(
                                version.get("UNSHIP_CACHE_DIR", work / "none"), ignore_errors=True
                            )
                        start = time.perf_counter()
                        done = subprocess.run(
                            argvs[name],
                            env=version,
                            cwd=work,
                            capture_output=True,
                        )
                        runs.setdefault(name, []).append(time.perf_counter() - start)
                        if done.returncode not in (0, 1):
                            raise SystemExit(
                                f"{name}: {' '.join(cmd)} failed: {done.stderr[-500:]!r}"
                            )
                med = {name: statistics.median(times) for name, times in runs.items()}
                shown = "  ".join(
                    f"{name} {med[name] * 1000:.0f} ms ({med[name] / med['floor']:.2f}x)"
                    for name in versions
                )
                print(
                    f"{n}, {' '.join(cmd)}{' (cold)' if args.cold else ''}: {shown}  floor {med['floor'] * 1000:.0f} ms"
                )
    finally:
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)], check=False
        )
        shutil.rmtree(work, ignore_errors=True)


def app_figures(books: dict[str, Path], versions: dict, args, work: Path) -> None:
    """Each version's app on a pty, from exec to its header's figures ("N open · "), beside
    the bare Textual app, in turn in each round."""
    os.chdir(work)  # the children run here: not where a folder called unship/ shadows either
    bare = work / "bare.py"
    bare.write_text(BARE)

    def argv(version: dict[str, str], path: Path) -> list[str]:
        # through env: on_pty gives every child the same environment
        return [
            "/usr/bin/env",
            f"PYTHONPATH={version.get('PYTHONPATH', '')}",
            f"UNSHIP_CACHE_DIR={version['UNSHIP_CACHE_DIR']}",
            *(sys.executable, "-m", "unship", "--db", str(path), "--today", args.today),
        ]

    for n, path in books.items():
        runs: dict[str, list[float]] = {}
        plan = [("bare", ["/usr/bin/env", "PYTHONPATH=", sys.executable, str(bare)], "BARE-TITLE")]
        needle = first_title(path) if args.title else " open · "
        plan += [(name, argv(version, path), needle) for name, version in versions.items()]
        for _, cmd, needle in plan:  # bytecode
            on_pty(cmd, needle)
        for _ in range(args.rounds):
            for name, cmd, needle in plan:
                took = on_pty(cmd, needle)[0]
                if took is None:
                    raise SystemExit(f"{name}: {needle!r} never painted on {path}")
                runs.setdefault(name, []).append(took)
        med = {name: statistics.median(times) for name, times in runs.items()}
        shown = "  ".join(
            f"{name} {med[name] * 1000:.0f} ms ({med[name] / med['bare']:.2f}x)"
            for name in versions
        )
        what = "its first title" if args.title else "its figures"
        print(f"{n}, the app to {what}: {shown}  bare app {med['bare'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
