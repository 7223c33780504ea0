"""Tick boxes show whether they are ticked without colour (NO_COLOR): an X or a blank."""

from __future__ import annotations

from textual.app import App
from textual.widgets.selection_list import Selection
from tui_support import sync
from unship.tui.widgets.ticks import TickBox, TickList


class Ticks(App):
    def compose(self):
        yield TickBox("partial", id="off")
        yield TickBox("on", value=True, id="on")
        yield TickList(Selection("one", 1, True), Selection("two", 2, False), id="items")


def _button(strip) -> str:
    return "".join(segment.text for segment in list(strip)[:3])


@sync
async def test_ticked_shows_an_x_and_unticked_a_blank(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = Ticks()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        assert app.query_one("#off", TickBox).render().plain.startswith("▐ ▌")
        assert app.query_one("#on", TickBox).render().plain.startswith("▐X▌")
        items = app.query_one("#items", TickList)
        assert [_button(items.render_line(y)) for y in (0, 1)] == ["▐X▌", "▐ ▌"]
        items.toggle(2)
        assert _button(items.render_line(1)) == "▐X▌"
        app.query_one("#off", TickBox).toggle()
        assert app.query_one("#off", TickBox).render().plain.startswith("▐X▌")
