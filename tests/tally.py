"""A tally of what the hostile-input and fault suites tried, printed at the end of the run.

Tests call ``count("inputs: form", 3)`` or ``count("faults: corrupt file")``; a loss found
by a fault test is counted with ``count_loss(...)`` (it should stay at 0: the test fails too).
conftest.py prints the tally in the terminal summary, so every CI log shows it.
"""

from __future__ import annotations

from collections import Counter

TALLY: Counter[str] = Counter()


def count(category: str, n: int = 1) -> None:
    TALLY[category] += n


def count_loss(category: str, n: int = 1) -> None:
    TALLY[f"losses: {category}"] += n


def summary_lines() -> list[str]:
    if not TALLY:
        return []
    groups: dict[str, list[tuple[str, int]]] = {}
    for key, n in sorted(TALLY.items()):
        head, _, rest = key.partition(": ")
        groups.setdefault(head if rest else "other", []).append((rest or head, n))
    lines = []
    for head, items in groups.items():
        total = sum(n for _, n in items)
        detail = ", ".join(f"{name} {n}" for name, n in items)
        lines.append(f"{head}: {total} ({detail})")
    losses = sum(n for k, n in TALLY.items() if k.startswith("losses: "))
    if not any(k.startswith("losses: ") for k in TALLY):
        lines.append(f"losses: {losses}")
    return lines
