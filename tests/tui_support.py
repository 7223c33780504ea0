"""Shared helpers for the app's pilot tests."""

from __future__ import annotations

import asyncio
import functools
import io

from rich.console import Console


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


async def settle(pilot, done, *, seconds: float = 10.0) -> None:
    """Pause until `done()` holds. A worker's result, a debounced resize or a timer lands
    later than the pilot's next idle moment; waiting for the effect itself is what makes such a
    test hold on a busy machine."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not done() and loop.time() < deadline:
        await pilot.pause(0.01)
    assert done(), "the app did not settle"


# -- the main screen, as a test reads it --------------------------------------------------


def listed(app):
    """The main screen's order list."""
    from unship.tui.widgets.order_list import OrderList

    return app.main_screen.query_one(OrderList)


def ids(app) -> list[int]:
    return [row.id for row in listed(app).rows]


def screen_text(app) -> str:
    """What the terminal shows, as plain text (the same render as export_screenshot)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text(styles=False)
