"""Two people (two terminals running the app) and a script (the CLI) change one order file at
the same time. Every change that was acknowledged (a row that appeared after a save, a CLI
command that exited 0) is in the file afterwards, and each app shows the others' changes (it
looks at the file every second).
"""

from __future__ import annotations

import threading

import pytest
from tally import count, count_loss
from terminal_support import Terminal, cli, demo_db, orders_json, skip_reason

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))

ROUNDS = 3  # orders each app adds
CLI_ADDS = 5


@pytest.fixture
def db(tmp_path):
    """A data file holding the demo orders."""
    return demo_db(tmp_path)


def quick_add(term: Terminal, line: str, shows: str) -> None:
    term.keys("A")
    term.wait_text("Quick add")
    term.type(line)
    term.keys("Enter")
    term.wait_gone("Quick add")
    term.wait_text(shows)  # acknowledged: the saved order is in the list


def run_cli(db, acknowledged: list[str], failures: list[str]) -> None:
    """The script's writes: adds, and a mark on every demo order still waiting to ship."""
    waiting = [o["id"] for o in orders_json(db) if o["state"] == "ordered"]
    for n in range(1, CLI_ADDS + 1):
        done = cli(
            "add", "--retailer", "Clishop", "--order-number", f"CL-{n}",
            "--item", f"Script item {n}", "--price", "5.00", db=db,
        )  # fmt: skip
        (acknowledged if done.returncode == 0 else failures).append(f"add CL-{n}: {done.stderr}")
        if waiting:
            order_id = waiting.pop()
            done = cli("mark", str(order_id), "shipped", db=db)
            entry = f"mark {order_id}"
            (acknowledged if done.returncode == 0 else failures).append(entry)


def test_two_apps_and_the_cli_write_at_once(tmp_path, db):
    count("faults: concurrent writers (2 TUIs + CLI)")
    alpha, beta = Terminal(tmp_path, 160, 50), Terminal(tmp_path, 160, 50)
    try:
        for term in (alpha, beta):
            term.start_unship("--db", str(db))
        for term in (alpha, beta):
            term.wait_text("open ·", "next deadline")
        acknowledged: list[str] = []
        failures: list[str] = []
        script = threading.Thread(target=run_cli, args=(db, acknowledged, failures))
        script.start()
        try:
            for n in range(1, ROUNDS + 1):
                quick_add(alpha, f"Alphashop AL-{n} Alpha thing {n} $10", f"Alpha thing {n}")
                quick_add(beta, f"Betashop BE-{n} Beta thing {n} $20", f"Beta thing {n}")
        finally:
            script.join(timeout=300)
        assert not failures, failures  # the lock waits its turn: no command is refused

        stored = orders_json(db)
        numbers = {o["order_number"] for o in stored}
        expected = {f"AL-{n}" for n in range(1, ROUNDS + 1)}
        expected |= {f"BE-{n}" for n in range(1, ROUNDS + 1)}
        expected |= {f"CL-{n}" for n in range(1, CLI_ADDS + 1)}
        missing = expected - numbers
        if missing:
            count_loss("concurrent writers", len(missing))
        assert not missing
        assert len(stored) == 17 + len(expected)
        marked = [int(a.split()[1]) for a in acknowledged if a.startswith("mark")]
        by_id = {o["id"]: o for o in stored}
        assert marked and all(by_id[i]["state"] == "in transit" for i in marked)

        # each app shows what the other app and the script did
        for term, other in ((alpha, "Beta thing"), (beta, "Alpha thing")):
            term.wait(
                lambda s, other=other: (
                    s.count(other) == ROUNDS and s.count("Script item") == CLI_ADDS
                ),
                f"{other} and the script's orders",
            )
            term.wait(
                lambda s: s.count("in transit") >= 1 + len(marked),  # the demo's own + marks
                "the script's marks",
            )
        for term in (alpha, beta):
            term.keys("q")
            assert term.wait_exit() == 0
    finally:
        alpha.close()
        beta.close()
