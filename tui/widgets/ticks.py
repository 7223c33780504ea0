"""Tick boxes that show their state without colour: ticked draws an X, unticked a blank.

Textual's Checkbox and SelectionList draw the X in both states and tell them apart by colour
alone, which NO_COLOR (and some palettes) lose.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.strip import Strip
from textual.widgets import Checkbox, SelectionList
from textual.widgets._toggle_button import ToggleButton
from textual.widgets.option_list import OptionDoesNotExist


class TickBox(Checkbox):
    @property
    def _button(self) -> Content:
        button = super()._button
        if self.value:
            return button
        inner = len(self.BUTTON_LEFT)
        spans = button.spans
        plain = button.plain
        return Content(plain[:inner] + " " + plain[inner + 1 :], spans)


class TickList(SelectionList):
    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        segments = list(strip)
        if len(segments) < 2 or segments[1].text != ToggleButton.BUTTON_INNER:
            return strip
        try:
            selection = self.get_option_at_index(self.scroll_offset.y + y)
        except OptionDoesNotExist:
            return strip
        if selection.value not in self.selected:
            segments[1] = Segment(" ", segments[1].style)
        return Strip(segments, strip.cell_length)
