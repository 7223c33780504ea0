"""The README's screenshots can't go stale: CI regenerates them and fails if they differ.

When the look changes on purpose: `python -m unship.tui.screenshots`, look at the SVGs, commit.
"""

from __future__ import annotations

import subprocess
import sys

from io_support import ROOT
from unship.tui.screenshots import SHOTS

COMMITTED = ROOT / "screenshots"


def test_screenshots_are_regenerated_identical_to_the_committed_ones(tmp_path):
    result = subprocess.run(
        [sys.executable, "-P", "-m", "unship.tui.screenshots", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    names = [shot[0] for shot in SHOTS]
    assert sorted(p.name for p in tmp_path.glob("*.svg")) == sorted(names)
    stale = [
        name
        for name in names
        if not (COMMITTED / name).exists()
        or (COMMITTED / name).read_bytes() != (tmp_path / name).read_bytes()
    ]
    assert not stale, (
        f"screenshots/ is stale for {stale}: run `python -m unship.tui.screenshots`, "
        "look at the pictures and commit them"
    )


def test_the_readme_shows_the_screenshots():
    readme = (COMMITTED.parent / "README.md").read_text()
    for name in ("main.svg", "order-actions.svg", "add-form.svg", "help.svg", "empty.svg"):
        assert f"screenshots/{name}" in readme, name
