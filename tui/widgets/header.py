"""The summary line at the top of the main screen: what matters now."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static
from unship.tui.rows import Summary


def summary_content(summary: Summary | None, demo: bool = False) -> Content:
    """'unship  12 open · 3 due in 7 days · $120.00 awaiting refund · 2 OVERDUE'.

    Overdue is both coloured and spelled in capitals, so it reads without colour.
    """
    parts: list[Content] = [Content.styled("unship", "bold $accent")]
    if demo:
        parts.append(Content.styled(" demo", "italic $text-muted"))
    if summary is None:
        return Content("").join(parts)
    facts: list[Content] = [Content(f"{summary.open_orders} open")]
    if summary.due_soon is None:
        facts.append(Content.styled("checking deadlines…", "$text-muted"))
    else:
        style = "bold $warning" if summary.due_soon else ""
        facts.append(Content.styled(f"{summary.due_soon} due in 7 days", style))
    refund = summary.refund_text()
    if refund:
        facts.append(Content(f"{refund} awaiting refund"))
    if summary.overdue:
        facts.append(Content.styled(f"{summary.overdue} OVERDUE", "bold $text-error"))
    return Content("").join([*parts, Content("  "), Content(" · ").join(facts)])


class SummaryBar(Static):
    """One line of figures; set `summary` through `show()`."""

    DEFAULT_CSS = """
    SummaryBar { height: 1; padding: 0 1; }
    """

    def __init__(self, *, demo: bool = False, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.demo = demo

    def show(self, summary: Summary | None) -> None:
        self.update(summary_content(summary, self.demo))
