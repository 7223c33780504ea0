"""The command palette's own commands (ctrl+p): sorts (and reversing one), quick views,
undo, help, quit, and the memberships and payment cards whose longer windows the deadlines
follow."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from unship.tui import rows as R


class UnshipCommands(Provider):
    def _commands(self) -> Iterator[tuple[str, Callable[[], object], str]]:
        app = self.app
        main = getattr(app, "main_screen", None)
        if main is not None and self.screen is main:
            for sort in R.SORTS:
                yield (f"Sort by {sort}", partial(main.set_sort, sort), "order the list")
            yield ("Reverse the sort", main.action_reverse_sort, "the other way round (S)")
            for n, (key, label) in enumerate(R.VIEWS, start=1):
                yield (f"Show {label}", partial(main.set_view, key), f"quick view (key {n})")
            yield ("Filter orders", main.action_filter, "type words to narrow the list (/)")
        yield ("Add an order", app.action_add_order, "the full form (a)")
        yield (
            "Quick add an order in one line",
            app.action_quick_add,
            "retailer, number, title, price, date (A)",
        )
        yield (
            "Import orders from a file",
            app.action_import_file,
            "Amazon exports, unship JSON or CSV (i)",
        )
        yield ("Undo the last change", app.action_undo, "u or ctrl+z")
        yield ("Help: list the keys", app.action_help, "?")
        yield ("Toggle light/dark theme", app.action_toggle_dark, "switch the colour theme")
        book = getattr(app, "book", None)
        if book is not None:
            have = book.policies.memberships
            for key, (policy, membership) in sorted(book.policies.known_memberships().items()):
                verb = "I no longer have" if key in have else "I have"
                yield (
                    f"{verb} {membership.name} ({policy.name})",
                    partial(app.toggle_membership, key),
                    "deadlines follow it (saved in settings.json)",
                )
        yield ("Quit unship", app.action_quit, "q")

    async def discover(self) -> Hits:
        for name, callback, help_text in self._commands():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, callback, help_text in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
