"""The summary line at the top of the main screen: what matters now."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static
from unship.store import Overview


def summary_content(
    summary: Overview | None, demo: bool = False, width: int | None = None
) -> Content:
    """'unship  12 open · 3 due in 7 days · $120.00 awaiting refund · 2 OVERDUE · 1,234
    archived', in shorter words when that is wider than `width` ('3 due 7d', '$120.00 to
    refund'), and at the narrowest without the archived count (the tab line has it too);
    no summary: 'unship  checking deadlines…' (a big book's deadlines are worked out after
    its first frame, and no figure is known before them).

    Overdue is both coloured and spelled in capitals, so it reads without colour.
    """
    forms = (False, True, True) if width is not None else (False,)
    for n, short in enumerate(forms):
        line = _line(summary, demo, short, archived=n < 2)
        if width is None or line.cell_length <= width:
            break
    return line


def _line(summary: Overview | None, demo: bool, short: bool, archived: bool) -> Content:
    parts: list[Content] = [Content.styled("unship", "bold $accent")]
    if demo:
        parts.append(Content.styled(" demo", "italic $text-muted"))
    if summary is None or summary.due_soon is None:
        checking = Content.styled("checking deadlines…", "$text-muted")
        return Content("").join([*parts, Content("  "), checking])
    facts: list[Content] = [Content(f"{summary.open_orders:,} open")]
    style = "bold $warning" if summary.due_soon else ""
    due = "due 7d" if short else "due in 7 days"
    facts.append(Content.styled(f"{summary.due_soon:,} {due}", style))
    refund = summary.refund_text()
    if refund:
        facts.append(Content(f"{refund} {'to refund' if short else 'awaiting refund'}"))
    if summary.overdue:
        facts.append(Content.styled(f"{summary.overdue:,} OVERDUE", "bold $text-error"))
    if summary.archived and archived:  # out of the "all" view: the list does not show them
        facts.append(Content.styled(f"{summary.archived:,} archived", "$text-muted"))
    return Content("").join([*parts, Content("  "), Content(" · ").join(facts)])


class SummaryBar(Static):
    """One line of figures; set `summary` through `show()`."""

    DEFAULT_CSS = """
    SummaryBar { height: 1; padding: 0 1; }
    """

    def __init__(self, *, demo: bool = False, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.demo = demo
        self._summary: Overview | None = None

    def show(self, summary: Overview | None) -> None:
        self._summary = summary
        width = self.content_size.width or None
        self.update(summary_content(summary, self.demo, width))

    def on_resize(self) -> None:
        self.show(self._summary)
