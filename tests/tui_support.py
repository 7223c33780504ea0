"""Shared helpers for the app's pilot tests."""

from __future__ import annotations

import asyncio
import functools


def sync(test):
    """Run an async test without an async pytest plugin."""

    @functools.wraps(test)
    def run_it(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run_it


class SteadyCursor:
    """Mix into a snapshot test's App (`class SnapApp(SteadyCursor, App)`): text cursors of
    Inputs and TextAreas stay steadily on. A blinking cursor is caught on or off depending
    on timing, and the picture then differs from one run (or machine) to the next."""

    async def on_event(self, event) -> None:
        await super().on_event(event)
        if not self.screen_stack:
            return
        for widget in self.screen.query("Input, TextArea"):
            if widget.cursor_blink:
                widget.cursor_blink = False
