"""The help screen: every key of the app and of the screen underneath, read from the bindings."""

from __future__ import annotations

from textual.actions import parse
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

# What every Textual screen binds (tab moves the focus, ctrl+c copies a selection): not
# the app's keys, and listed they made ctrl+c look like both copy and quit.
_BASE_SCREEN_ACTIONS = {b.action for b in Screen.BINDINGS if isinstance(b, Binding)}


def binding_rows(
    app, nodes: list[DOMNode], *, priority_only: bool = False
) -> list[tuple[str, str]]:
    """(keys, description) for each action of `nodes`, keys of one action joined.

    A key bound in an earlier node (closer to the focus) hides the same key further out,
    as Textual's own dispatch does. Scroll bindings a list inherits are left out. A node's
    `HELP_MERGE` ({action name: description}) puts the variants of an action on one line.
    Where a node binds one key to two actions (the import screen's ctrl+s: Import, or Keep
    for later), only the one its check_action allows just now is listed, as in the footer.
    """
    seen_keys: set[str] = set()
    out: dict[tuple[int, str], tuple[list[str], str]] = {}
    for n, node in enumerate(nodes):
        merged: dict[str, str] = getattr(node, "HELP_MERGE", {})
        own = node._bindings
        if getattr(node, "SHOW_IN_HELP", False):  # a widget: its own keys, not inherited ones
            own = BindingsMap(type(node).BINDINGS)
        for key, bindings in own.key_to_bindings.items():
            if len(bindings) > 1:
                bindings = [b for b in bindings if _allowed(node, b.action)] or bindings
            for binding in bindings:
                if binding.action.startswith("scroll_") or key in seen_keys:
                    continue
                if priority_only and not binding.priority:
                    continue
                if binding.system or binding.action in {"help_quit"} | _BASE_SCREEN_ACTIONS:
                    continue
                if binding.action == "app.help" and node is not app:  # listed as the app's
                    continue
                description = binding.tooltip or binding.description or binding.action
                action = binding.action
                name = action.partition("(")[0]
                if name in merged:  # one line for an action's variants (view(0)..view(4))
                    action, description = name, merged[name]
                slot = out.setdefault((n, action), ([], description))
                display = app.get_key_display(Binding(key, binding.action))
                if display not in slot[0]:
                    slot[0].append(display)
        seen_keys.update(node._bindings.key_to_bindings)
    return [(", ".join(keys), description) for keys, description in out.values()]


def _allowed(node: DOMNode, action: str) -> bool:
    namespace, name, params = parse(action)
    return bool(namespace) or node.check_action(name, params) is not False


class HelpScreen(ModalScreen[None]):
    """Lists the keys; any of escape, q, ? or a click outside closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "close", show=True),
    ]

    def __init__(self, sections: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.sections = sections

    @classmethod
    def for_screen(cls, app, screen) -> HelpScreen:
        """Help for `screen`: its own keys and its widgets' (those with HELP = True),
        then the app's keys that work everywhere."""
        widgets = [w for w in screen.query("*") if getattr(w, "SHOW_IN_HELP", False)]
        title = getattr(screen, "HELP_TITLE", "This screen")
        sections = [
            (title, binding_rows(app, [*widgets, screen])),
            # over a dialog only the app's priority keys work (Textual gives a modal screen
            # its own keys alone): listing q or u there would promise what they don't do
            ("Everywhere", binding_rows(app, [app], priority_only=screen.is_modal)),
        ]
        return cls(sections)

    def compose(self) -> ComposeResult:
        lines: list[Content] = []
        width = max((len(keys) for _title, rows in self.sections for keys, _d in rows), default=8)
        for title, rows in self.sections:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(title, "bold $accent"))
            for keys, description in rows:
                lines.append(Content.assemble((keys.rjust(width), "bold"), "  ", description))
        # The title and the hint stay in sight; the keys scroll when the terminal is short.
        with Vertical(id="help-body"):
            yield Static(Content.styled("Keys", "bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Content("\n").join(lines), id="help-keys")
            yield Static(id="help-hint")

    def on_resize(self) -> None:
        """Fit the keys in the screen (less the box, title and hint); say when they scroll."""
        scroll = self.query_one("#help-scroll", VerticalScroll)
        room = max(3, self.size.height - 8)
        scroll.styles.max_height = room
        lines = sum(len(rows) + 2 for _title, rows in self.sections) - 1
        hint = "escape, q, ? or f1 closes this · ctrl+p finds any command"
        if lines > room:
            hint = "↑ ↓ pgup pgdn scroll · esc, q, ? or f1 close · ^p any command"
        self.query_one("#help-hint", Static).update(Content.styled(hint, "$text-muted"))

    def on_click(self, event) -> None:
        if event.widget is self:
            self.dismiss()
