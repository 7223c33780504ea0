"""The app's pilot tests: shorter idle waits.

Textual's pilot, after each key, waits for the process to look idle by sleeping in 20 ms
slices until a slice passes with under 1 ms of CPU (`textual._wait`). The test suite spends
most of its time asleep in those slices: typing one form field costs about a second. The
pilot still waits for every widget's message queue to drain (`Pilot._wait_for_screen`), which
is what makes a key's effects visible; the idle check only guards against work still being
scheduled. Slices of 2 ms with the same ratio of CPU to wall time (25%: a busy process uses
far more) keep that guard. `textual._wait` is private, so the test extra pins textual's exact
version, and this fixture fails loudly if the names go away.
"""

from __future__ import annotations

import pytest
import textual._wait as textual_wait


@pytest.fixture(autouse=True, scope="session")
def _quick_idle_waits():
    saved = textual_wait.SLEEP_GRANULARITY, textual_wait.SLEEP_IDLE
    textual_wait.SLEEP_GRANULARITY, textual_wait.SLEEP_IDLE = 0.002, 0.0005
    yield
    textual_wait.SLEEP_GRANULARITY, textual_wait.SLEEP_IDLE = saved
