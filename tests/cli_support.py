"""Running the installed `unship` command as a real process, for the hostile-input tests."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from hostile_inputs import unsafe

TODAY = "2026-11-28"
UNSHIP = shutil.which("unship") or os.path.join(os.path.dirname(sys.executable), "unship")


def _arg(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class Result:
    def __init__(self, proc: subprocess.CompletedProcess):
        self.returncode = proc.returncode
        self.stdout = proc.stdout.decode("utf-8", "replace")
        self.stderr = proc.stderr.decode("utf-8", "replace")
        self.raw = proc.stdout + proc.stderr


def run_unship(db, *args: str, env: dict | None = None, today: str | None = TODAY) -> Result:
    head = [UNSHIP, "--db", str(db)] + (["--today", today] if today else [])
    proc = subprocess.run(
        [*head, *map(_arg, args)],
        capture_output=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    return Result(proc)


def assert_clean_exit(result: Result, *, crlf_ok: bool = False) -> None:
    """Exit 0, or exit 2 with one line on stderr; never a traceback; no control from data."""
    assert result.returncode in (0, 2), result.stderr
    assert "Traceback" not in result.stderr
    result.raw.decode("utf-8")  # valid UTF-8: no lone surrogate made it out
    out = result.stdout.replace("\r\n", "\n") if crlf_ok else result.stdout
    assert not unsafe(out), unsafe(out)
    assert not unsafe(result.stderr), unsafe(result.stderr)
    if result.returncode == 2:
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("unship: "), result.stderr
