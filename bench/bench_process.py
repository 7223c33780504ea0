"""What a person waits for, as whole processes: from exec to the first order title painted on a
real pty, and `unship due` / `unship list --json` to their exit, each beside a yardstick run in
the same rounds (a bare Textual app that paints one line; a plain msgspec decode of the same
data file into dicts), as ratios of medians; and the app's peak resident memory (VmHWM).

    .venv/bin/python bench/bench_process.py [--sizes 10000,50000] [--rounds 5]

Prints figures; not a test. Data files are the varied demo orders of bench/bench_tui.py
(cached in the temp folder). Every round runs each command once, interleaved, so a slow
minute on this 2-core machine hits unship and its yardstick alike. Each figure is given twice:
wall time, and the CPU time the process used (user + system; for the app, up to the moment
its title is seen). On a quiet machine they differ by about 10% at most; when other work
shares the cores, wall times stretch and the CPU ratios still say what changed.

`due` and `list --json` are timed three ways: as on a later run of the day (each order's
facts kept from the run before, store/facts.py), as on the day's first run (facts kept the
day before: the done orders' still hold), and with nothing kept (the first run ever, or
after an upgrade or a change of settings).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import pty
import re
import resource
import select
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_tui import TODAY, orders_file  # noqa: E402

UNSHIP = str(Path(sys.executable).with_name("unship"))
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[@-Z\\-_])")
BARE = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("BARE-TITLE-PAINTED")

Bare().run()
"""
DECODE = "import msgspec,sys; msgspec.json.decode(open(sys.argv[1],'rb').read())"
FACTS = Path(tempfile.mkdtemp(prefix="unship-bench-facts-"))
# As an installed unship runs: with its bytecode cached (pip compiles at install; a
# PYTHONDONTWRITEBYTECODE in this shell would make every start compile unship's sources),
# and its cache of each order's facts in a folder of its own (kept from run to run, as a
# person's is between two prompts of the same day).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CHILD_ENV["UNSHIP_CACHE_DIR"] = str(FACTS / "kept")


def nothing_kept() -> dict[str, str]:
    """The environment of a command's first run ever (or after unship or the rules changed):
    no facts kept, every order's worked out and then kept."""
    shutil.rmtree(FACTS / "cold", ignore_errors=True)
    return {**CHILD_ENV, "UNSHIP_CACHE_DIR": str(FACTS / "cold")}


def kept_yesterday(argv: list[str]) -> dict[str, str]:
    """The environment of a command's first run of the day: the facts kept by the same
    command the day before (run here, untimed), of which only the done orders' still hold."""
    env = nothing_kept()
    day = argv.index("--today") + 1
    before = [*argv[:day], (TODAY - timedelta(days=1)).isoformat(), *argv[day + 1 :]]
    timed(before, env)
    return env


def first_title(path: Path) -> str:
    """The title the list shows first (newest order): the words a person looks for."""
    data = json.loads(path.read_text())
    orders = data["orders"]
    key = max(orders, key=lambda k: (orders[k]["ordered_on"], int(k)))
    return orders[key]["items"][0]["title"][:10]


def cpu_of(pid: int) -> float:
    """Seconds of CPU (user + system) the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def on_pty(argv: list[str], needle: str, *, limit: float = 60.0, hold: float = 0.0):
    """Seconds from exec until `needle` is on the screen; with `hold`, also the peak RSS (kB)
    after `hold` more seconds. `on_pty.cpu` is the CPU the process had used by then."""
    on_pty.cpu = None
    env = {**CHILD_ENV, "TERM": "xterm-256color", "COLUMNS": "80", "LINES": "24"}
    env.pop("NO_COLOR", None)
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: the command, with the pty as its terminal
        os.execve(argv[0], argv, env)
    import fcntl
    import struct
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    seen = b""
    found = None
    want = needle.encode()
    try:
        while time.perf_counter() - start < limit:
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                seen += chunk
                if want in ANSI.sub(b"", seen[-200000:]):
                    found = time.perf_counter() - start
                    on_pty.cpu = cpu_of(pid)
                    break
        peak = None
        if found is not None and hold:
            end = time.perf_counter() + hold
            while time.perf_counter() < end:  # keep reading so the app never blocks
                if select.select([fd], [], [], 0.05)[0]:
                    try:
                        os.read(fd, 65536)
                    except OSError:
                        break
            status = Path(f"/proc/{pid}/status").read_text()
            peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))
        return found, peak
    finally:
        os.kill(pid, signal.SIGTERM)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
        os.close(fd)


def timed(argv: list[str], env: dict[str, str] | None = None) -> float:
    """Seconds from exec to exit; `timed.cpu` is the CPU the process used. A command that
    fails stops the benchmark (a failure is quick, and would pass for a fast command); `due`
    exits 1 when nothing is due."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False, env=env or CHILD_ENV
    )
    took = time.perf_counter() - start
    if done.returncode not in (0, 1) or done.stderr.startswith(b"Traceback"):
        raise SystemExit(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-500:]!r}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    timed.cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,50000")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    files = {n: orders_file(n) for n in sizes}
    bare = [sys.executable, "-c", BARE]
    today = ["--today", TODAY.isoformat()]
    runs: dict[str, list[float]] = {}

    def add(key: str, value: float | None, cpu: float | None) -> None:
        if value is not None:
            runs.setdefault(key, []).append(value)
            runs.setdefault(f"cpu {key}", []).append(cpu)

    def pty(argv: list[str], needle: str) -> tuple[float | None, float | None]:
        return on_pty(argv, needle)[0], on_pty.cpu

    def run(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
        return timed(argv, env), timed.cpu

    for path in files.values():  # a first run of each command writes the bytecode caches
        timed([UNSHIP, "--db", str(path), *today, "due"])
        on_pty([UNSHIP, "--db", str(path), *today], first_title(path))
    on_pty(bare, "BARE-TITLE-PAINTED")
    for _ in range(args.rounds):
        add("bare", *pty(bare, "BARE-TITLE-PAINTED"))
        for n, path in files.items():
            app = [UNSHIP, "--db", str(path), *today]
            add(f"app {n}", *pty(app, first_title(path)))
            add(f"decode {n}", *run([sys.executable, "-c", DECODE, str(path)]))
            for cmd in (["due"], ["list", "--all", "--json"]):
                argv = [UNSHIP, "--db", str(path), *today, *cmd]
                add(f"{cmd[0]} {n}", *run(argv))
                add(f"{cmd[0]} day {n}", *run(argv, kept_yesterday(argv)))
                add(f"{cmd[0]} cold {n}", *run(argv, nothing_kept()))
    peaks = {}
    for n, path in files.items():
        app = [UNSHIP, "--db", str(path), *today]
        peaks[n] = on_pty(app, first_title(path), hold=5.0)[1]

    def med(key: str) -> float:
        return statistics.median(runs[key])

    def both(key: str, floor: str, word: str) -> str:
        """'317 ms = 1.70x bare (CPU 300 ms = 1.76x)'."""
        wall, cpu = med(key), med(f"cpu {key}")
        return (
            f"{wall * 1000:.0f} ms = {wall / med(floor):.2f}x {word} "
            f"(CPU {cpu * 1000:.0f} ms = {cpu / med(f'cpu {floor}'):.2f}x)"
        )

    shutil.rmtree(FACTS, ignore_errors=True)
    print(f"rounds: {args.rounds}; medians, whole processes; {os.cpu_count()} cores")
    print(
        f"bare Textual app, exec to its line painted: {med('bare') * 1000:.0f} ms "
        f"(CPU {med('cpu bare') * 1000:.0f} ms)"
    )
    for n in sizes:
        print(f"\n{n} orders ({files[n].stat().st_size / 1e6:.1f} MB):")
        print(f"  app, exec to first title painted: {both(f'app {n}', 'bare', 'bare')}")
        floor = f"decode {n}"
        print(
            f"  msgspec decode into dicts (process): {med(floor) * 1000:.0f} ms "
            f"(CPU {med(f'cpu {floor}') * 1000:.0f} ms)"
        )
        for cmd in ("due", "list"):
            name = f"unship {cmd}{' --all --json' if cmd == 'list' else ''}"
            print(f"  {name}: {both(f'{cmd} {n}', floor, 'decode')}")
            print(f"    first run of the day: {both(f'{cmd} day {n}', floor, 'decode')}")
            print(f"    nothing kept: {both(f'{cmd} cold {n}', floor, 'decode')}")
        if peaks[n]:
            print(f"  app peak RSS (VmHWM, 5 s after the first title): {peaks[n] / 1024:.0f} MB")


if __name__ == "__main__":
    main()
