"""The import screen: choose a file, see what importing it would do, then confirm."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Footer, Input, Label, ProgressBar, Select, Static
from textual.worker import Worker, WorkerState
from unship.store import ModelError, StoreError, changes, importers, terminal_safe
from unship.tui.screens import HELP_KEY, composed
from unship.tui.widgets.path_suggester import PathSuggester
from unship.tui.widgets.text_fields import TextInput
from unship.tui.widgets.ticks import TickBox

FORMAT_CHOICES = [
    ("detect from the file", ""),
    ("Amazon order history (Retail.OrderHistory CSV)", "amazon"),
    ("Amazon Order History Report (old items CSV)", "amazon-report"),
    ("unship JSON", "json"),
    ("unship CSV", "csv"),
    ("Mail: a Maildir folder, an mbox file or an .eml file", "mail"),
]
SHOWN_REJECTS = 8
PREVIEW_MOST = 12  # the preview's rows, when the terminal has room for them


class ImportScreen(ModalScreen[str | None]):
    """Dismisses with the import's description when something was written, else None."""

    CSS_PATH = "../import.tcss"
    BINDINGS = [
        Binding("escape", "cancel", "Back"),
        Binding("ctrl+s", "confirm", "Import", show=True),
        # the same, as its button says (mail that changes no order, store/importers/mail_book.py)
        Binding("ctrl+s", "keep", "Keep for later", show=True),
        Binding("ctrl+s", "mark_read", "Mark as read", show=True),
        HELP_KEY,
    ]

    def __init__(self, book, path: str = "") -> None:
        super().__init__()
        self.book = book
        self.initial_path = path
        self.plan: importers.ImportPlan | None = None
        self._report = ""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog"):
            yield Label("Import orders", id="import-title")
            yield TextInput(
                self.initial_path,
                placeholder="a file or a Maildir: ~/Downloads/Retail.OrderHistory.1.csv (→ completes)",
                id="import-path",
                suggester=PathSuggester(),
                select_on_focus=False,  # shift+tab back into it keeps what was typed
            )
            yield Select(FORMAT_CHOICES, value="", allow_blank=False, id="import-format")
            yield ProgressBar(total=1, show_eta=False, id="import-progress")
            with VerticalScroll(id="import-preview"):
                yield Static(
                    "Enter a path and press Enter to see what the import would do.",
                    id="import-report",
                    markup=False,
                )
            yield TickBox("Import the good rows and skip the rejected ones", id="import-partial")
            yield TickBox("Log the orders confirmed in this mail", id="import-add")
            with Horizontal(id="import-buttons"):
                yield Button("Preview", id="import-preview-button")
                yield Button("Import", id="import-confirm", variant="primary", disabled=True)
                yield Button("Back", id="import-back")
        yield Footer(compact=True)  # this screen's keys, not the list's under it

    def on_mount(self) -> None:
        if not composed(self):  # the app is quitting
            return
        self.query_one("#import-partial", Checkbox).display = False
        self.query_one("#import-add", Checkbox).display = False
        self.query_one("#import-progress", ProgressBar).display = False  # shown while reading
        self.query_one("#import-path", Input).focus()
        self._fit_preview()

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_preview)

    def _fit_preview(self) -> None:
        """The preview gives way (it scrolls), so that the ticks and the buttons below it stay
        on screen in a short terminal (80x24)."""
        dialog = self.query_one("#import-dialog")
        preview = self.query_one("#import-preview")
        # import.tcss: the dialog's max-height (of the screen above the footer), less its border
        room = int((self.size.height - self.query_one(Footer).outer_size.height) * 0.95) - 2
        for child in dialog.children:
            if child is not preview and child.display:
                margin = child.styles.margin
                width = preview.size.width or self.size.width  # before the first layout
                room -= _height(child, width) + margin.top + margin.bottom
        room -= preview.styles.margin.top
        preview.styles.max_height = max(3, min(PREVIEW_MOST, room))

    # -- preview ------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    @on(Button.Pressed, "#import-preview-button")
    def preview(self) -> None:
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            self._say("Enter the path of the file to import.")
            return
        self.plan = None
        self.query_one("#import-confirm", Button).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=1, progress=0)
        bar.display = True
        self._say(f"Reading {raw} …")
        fmt = self.query_one("#import-format", Select).value or None
        self.read_file(Path(raw).expanduser(), fmt, self.query_one("#import-add", Checkbox).value)

    @on(Select.Changed, "#import-format")
    @on(Checkbox.Changed, "#import-add")
    def format_changed(self) -> None:
        if self.query_one("#import-path", Input).value.strip():
            self.preview()

    @work(thread=True, exclusive=True, group="import", name="read_file", exit_on_error=False)
    def read_file(self, path: Path, fmt: str | None, add: bool) -> importers.ImportPlan:
        def progress(done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, done, total)

        return importers.plan(self.book, path, format=fmt, progress=progress, add=add)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total, progress=done)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "import" and worker.name == "read_file":
            if worker.state is WorkerState.SUCCESS:
                self._show_plan(worker.result)
            elif worker.state is WorkerState.ERROR:
                self._say(_problem(worker.error))
            if worker.is_finished:  # its rows went to the preview, with the ticks they need
                self.query_one("#import-progress", ProgressBar).display = False
                self.call_after_refresh(self._fit_preview)
        elif worker.group == "import" and worker.name == "write_plan":
            if worker.state is WorkerState.SUCCESS:
                kept = self._kept_text() if not worker.result else ""
                if kept:
                    self.app.notify(kept[0].upper() + kept[1:], markup=False)
                self.dismiss(worker.result or None)
            elif worker.state is WorkerState.ERROR:
                self.query_one("#import-confirm", Button).disabled = False
                self._say(_problem(worker.error), keep=True)

    def _show_plan(self, plan: importers.ImportPlan) -> None:
        self.plan = plan
        add = self.query_one("#import-add", Checkbox)
        if plan.format == "mail":  # store/importers/mail_book.py: a summary per kind
            self.query_one("#import-partial", Checkbox).display = False
            if plan.addable:  # the confirmations of orders not in the book: log them?
                n = plan.addable
                add.label = f"Log the {n} order{'s' if n != 1 else ''} confirmed in this mail"
            add.display = bool(plan.addable or plan.add)
            self._update_confirm()
            first, *rest = plan.summary_lines()
            button = str(self.query_one("#import-confirm", Button).label)
            if plan.pending:  # as `unship import` does: kept in the book, to count later
                n = plan.kept_orders()
                them = "them" if n != 1 else "it"
                first += (
                    f"\n{n} order{'s' if n != 1 else ''} not in the book: {button} keeps what "
                    f"the mail says of {them}; {plan.kept_counts()}."
                )
            elif self._keeps_only():  # read again, remembered mail is skipped (10x quicker)
                n = len(plan.remember)
                these = f"these {n:,} messages" if n != 1 else "this message"
                first += (
                    f"\nNothing to change in the book. {button} keeps {these} as read: "
                    f"importing this mail again skips {'them' if n != 1 else 'it'}."
                )
            self._say("\n".join([f"{plan.name}: mail", first, *rest]))
            return
        add.display = False
        counts = plan.counts
        lines = [
            f"{plan.name}: {plan.format}, {plan.rows} rows",
            f"{counts['new']} new · {counts['updated']} updated · "
            f"{counts['unchanged']} unchanged · {counts['rejected']} rejected",
        ]
        if plan.has_changes:
            lines.append(plan.outlook(self.book).text())
        elif not plan.rejected:  # said before the details: at 80x24 they scroll
            lines.append("Nothing to import: every order is already in the book as it is.")
        elif plan.unchanged:
            lines.append("Nothing to import: the rows not rejected are in the book as they are.")
        else:
            lines.append("Nothing to import: every row was rejected.")
        if plan.rejected:
            lines.append("")
            lines.append("Rejected:")
            lines.extend(f"  {r}" for r in plan.rejected[:SHOWN_REJECTS])
            if len(plan.rejected) > SHOWN_REJECTS:
                lines.append(f"  … and {len(plan.rejected) - SHOWN_REJECTS} more")
        if plan.unknown_columns:
            lines.append("")
            lines.append("Columns unship does not use: " + ", ".join(plan.unknown_columns))
        if plan.notes:
            lines.append("")
            lines.extend(f"Note: {n}" for n in plan.notes[:SHOWN_REJECTS])
        self._say("\n".join(lines))
        partial = self.query_one("#import-partial", Checkbox)
        partial.display = bool(plan.rejected) and plan.has_changes  # good rows to import
        partial.value = False
        self._update_confirm()

    @on(Checkbox.Changed, "#import-partial")
    def _update_confirm(self) -> None:
        plan = self.plan
        button = self.query_one("#import-confirm", Button)
        self.refresh_bindings()
        if plan is None or not plan.has_changes:
            keep = self._keeps_only()
            button.disabled = not keep
            button.label = (
                "Import" if not keep else "Keep for later" if plan.pending else "Mark as read"
            )
            return
        blocked = bool(plan.rejected) and not self.query_one("#import-partial", Checkbox).value
        button.disabled = blocked
        n = plan.counts["new"] + plan.counts["updated"]
        button.label = f"Import {n} order{'s' if n != 1 else ''}"

    def _kept_text(self) -> str:
        """What writing a mail plan that changes no order kept, for the notice."""
        plan = self.plan
        if plan is None or plan.format != "mail":
            return ""
        n = len(plan.remember)
        if plan.pending or not n:
            return plan.kept_text()
        these = f"{n:,} messages" if n != 1 else "1 message"
        return f"{these} kept as read: importing this mail again skips {'them' if n != 1 else 'it'}"

    # -- confirm ------------------------------------------------------------------------------

    def _keeps_only(self) -> bool:
        """Writing the plan would change no order, only keep what mail says of orders not in
        the book, or which messages were read (as `unship import` keeps them)."""
        plan = self.plan
        return (
            plan is not None
            and plan.format == "mail"
            and not plan.has_changes
            and bool(plan.pending or plan.remember)
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        keeps = self._keeps_only()
        if action == "keep":
            return keeps and bool(self.plan.pending)
        if action == "mark_read":
            return keeps and not self.plan.pending
        if action == "confirm":
            return not keeps
        return True

    def action_keep(self) -> None:
        self.action_confirm()

    def action_mark_read(self) -> None:
        self.action_confirm()

    @on(Button.Pressed, "#import-confirm")
    def action_confirm(self) -> None:
        button = self.query_one("#import-confirm", Button)
        if self.plan is None or button.disabled:
            return
        button.disabled = True
        self.write_plan(self.plan, self.query_one("#import-partial", Checkbox).value)

    @work(
        thread=True,
        exclusive=True,
        group="import",
        name="write_plan",
        description="writing the import",  # the default is a repr of the whole plan
        exit_on_error=False,
    )
    def write_plan(self, plan: importers.ImportPlan, partial: bool) -> str:
        return changes.apply_import(self.book, plan, partial=partial)

    @on(Button.Pressed, "#import-back")
    def action_cancel(self) -> None:
        self.dismiss(None)

    def _say(self, text: str, keep: bool = False) -> None:
        """Show text in the report; with keep, above the preview already shown."""
        if keep and self._report:
            text = f"{text}\n\n{self._report}"
        else:
            self._report = text
        self.query_one("#import-report", Static).update(Content(terminal_safe(text)))


def _height(widget, width: int) -> int:
    """The widget's height in the dialog. One just shown below a tall preview may be out of
    the dialog's view and not laid out (no size): then worked out from its content, as the
    layout will (a tick counted as nothing let the preview push the buttons out of sight)."""
    if widget.outer_size.height:
        return widget.outer_size.height
    size = widget.app.size
    return widget.get_content_height(size, size, width) + widget.styles.gutter.height


def _problem(error: BaseException | None) -> str:
    if isinstance(error, (ModelError, StoreError, OSError)):
        return f"Can't import: {error}"
    return f"Can't import: unexpected error ({type(error).__name__}: {error})"
