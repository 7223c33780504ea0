"""Regenerate the README's screenshots: `python -m unship.tui.screenshots [--out screenshots]`.

Demo data on a fixed day, so the pictures only change when the app does.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from datetime import date
from pathlib import Path

from unship.store import OrderBook, demo
from unship.tui.app import UnshipApp

TODAY = date(2026, 11, 28)

# (file name, terminal size, keys to press, demo data?[, theme])
SHOTS = [
    ("main.svg", (100, 30), [], True),
    ("main-80x24.svg", (80, 24), [], True),
    ("filter.svg", (100, 30), ["slash", *"amazon", "enter"], True),
    ("returns-open.svg", (100, 30), ["4"], True),
    ("order-actions.svg", (120, 36), ["slash", *"sony", "enter", "enter"], True),
    ("order-80x24.svg", (80, 24), ["slash", *"monitor", "enter", "enter"], True),
    ("add-form.svg", (100, 30), ["a", *"Amazon", "tab", *"113-1234567-1234567"], True),
    ("help.svg", (100, 30), ["question_mark"], True),
    ("empty.svg", (100, 30), [], False),
    ("main-high-contrast.svg", (80, 24), [], True, "high-contrast"),
]


class ShotApp(UnshipApp):
    """The app as a person sees it, with the text cursor held on (a blink would make two
    runs of this command differ)."""

    async def on_event(self, event) -> None:
        await super().on_event(event)
        if self.screen_stack:
            for widget in self.screen.query("Input, TextArea"):
                widget.cursor_blink = False


async def shoot(
    out: Path, name: str, size, keys, with_demo: bool, today: date, theme: str | None = None
) -> Path:
    with (
        tempfile.TemporaryDirectory(prefix="unship-shots-") as folder,
        OrderBook(Path(folder) / "orders.json", today=today, keep_facts=False) as book,
    ):
        if with_demo:
            demo.fill(book, today)
        app = ShotApp(book, demo=with_demo, theme=theme)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            for key in keys:
                await pilot.press(key)
            await pilot.pause()
            app.save_screenshot(filename=name, path=str(out))
    return out / name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m unship.tui.screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--today", type=date.fromisoformat, default=TODAY)
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, size, keys, with_demo, *theme in SHOTS:
        path = asyncio.run(shoot(args.out, name, size, keys, with_demo, args.today, *theme))
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
