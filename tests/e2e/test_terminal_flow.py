"""The installed `unship` command in a real terminal (tmux), driven by keyboard as a person would.

The full flow: open the order book, add an order with the form, find it with the filter, record
"shipped" then "delivered", start a return from its actions, quit, start again and see it there.
It runs at 80x24 and 200x50 (with a resize in the middle); the terminal variants (TERM, NO_COLOR)
run a shorter flow. After every exit the terminal must be as tidy as before the app started.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from terminal_support import (
    Terminal,
    action_index,
    clean_modes,
    demo_db,
    orders_json,
    skip_reason,
)

pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=str(skip_reason()))

RETAILER, NUMBER, TITLE, PRICE = "Zappos", "ZP-4471902", "Trail runner shoes", "89.50"


@pytest.fixture
def db(tmp_path):
    """A data file holding the demo orders."""
    return demo_db(tmp_path)


@pytest.fixture
def terminals(tmp_path):
    made: list[Terminal] = []

    def make(width: int = 80, height: int = 24) -> Terminal:
        term = Terminal(tmp_path, width, height)
        made.append(term)
        return term

    yield make
    for term in made:
        term.close()


@pytest.fixture(scope="module")
def tidy(tmp_path_factory):
    """The mode flags of a terminal no app has touched."""
    return clean_modes(tmp_path_factory.mktemp("clean"))


# -- the steps a person takes -------------------------------------------------------------
def wait_for_list(term: Terminal) -> None:
    term.wait_text("open ·", "retailer", "next deadline")


def add_order(term: Terminal) -> None:
    term.keys("a")
    term.wait_text("New order", "Still needed")
    term.type(RETAILER)
    term.wait_line(rf"Retailer\s+{RETAILER}")
    term.press_moving_cursor("Tab")
    term.type(NUMBER)
    term.wait_line(rf"Order number\s+{NUMBER}")
    for _ in ("order date", "currency", "item title"):
        term.press_moving_cursor("Tab")
    term.type(TITLE)
    term.wait_line(rf"1\. {TITLE}")
    for _ in ("quantity", "price"):
        term.press_moving_cursor("Tab")
    term.type(PRICE)
    term.wait_line(rf"1\. {TITLE}\s+1\s+{PRICE}")
    term.wait_gone("Still needed")
    term.keys("C-s")
    term.wait_gone("New order")
    wait_for_list(term)


def filter_to(term: Terminal, words: str, gone: str) -> None:
    """Filter the list with `/` to the rows matching words (`gone` names a row that goes)."""
    term.open_filter()
    term.type(words)
    term.wait(lambda s: RETAILER in s and gone not in s, f"the list filtered to {words!r}")


def open_filtered_order(term: Terminal) -> None:
    term.keys("Enter")  # from the filter to the list
    term.wait_text("⏎ open")
    term.keys("Enter")
    term.wait_text(f"order {NUMBER}", "Actions")


def choose_action(term: Terminal, db, order_id: int, label: str, dialog: str) -> None:
    """Highlight `label` in the actions panel with the arrow keys and press Enter."""
    term.keys("Home")
    for _ in range(action_index(db, order_id, label)):
        term.keys("Down")
    term.keys("Enter")
    term.wait_text(dialog)


def record(term: Terminal, db, order_id: int, label: str, state: str) -> None:
    choose_action(term, db, order_id, label, f"{label}  ·")
    term.wait_text("Enter records it")
    term.keys("Enter")
    term.wait_text(f"[{state}]")
    term.wait_gone("Enter records it")


def quit_app(term: Terminal, key: str = "q") -> int:
    term.keys(key)
    return term.wait_exit()


def row_of(term: Terminal, text: str) -> str:
    return term.wait_line(text)


def the_order(db) -> dict:
    [order] = [o for o in orders_json(db) if o["order_number"] == NUMBER]
    return order


def full_flow(
    term: Terminal,
    db,
    tidy,
    resize_to: tuple[int, int] | None,
    launch: Callable[[Terminal], None] | None = None,
) -> None:
    """The whole flow; launch starts unship on db in a terminal (default: right there)."""
    launch = launch or (lambda t: t.start_unship("--db", str(db)))
    launch(term)
    wait_for_list(term)
    add_order(term)
    order_id = the_order(db)["id"]
    filter_to(term, "zappos", "Merino")
    open_filtered_order(term)
    term.wait_text("[ordered]")
    record(term, db, order_id, "Mark shipped", "in transit")
    if resize_to:
        term.resize(*resize_to)  # the window changes size in the middle of the work
        # a person looks at the new layout before going on: wide, the actions are at the side
        # (beside the header); narrow, they follow the items (at 80x24 the page scrolls to them)
        if resize_to[0] >= 120:
            term.wait_line(rf"order {NUMBER}\s+\[in transit\].*▔Actions▔")
        else:
            term.wait(
                lambda s: f"order {NUMBER}" not in s or "▔Actions▔" not in s.splitlines()[0],
                "the narrow layout",
            )
            term.wait_line(r"^ ▔Actions▔")
        term.wait_text(TITLE, "[in transit]", "⏎ Do it")
    record(term, db, order_id, "Mark delivered", "delivered")
    choose_action(term, db, order_id, "Return", "Return")
    term.wait_text("Enter records it")
    term.keys("Enter")
    term.wait_text("[return started]")
    assert the_order(db)["state"] == "return started"
    term.keys("Escape")
    wait_for_list(term)
    assert quit_app(term) == 0
    assert term.modes() == tidy

    again = Terminal(term.tmp, term.width, term.height)
    try:
        launch(again)
        wait_for_list(again)
        row = row_of(again, rf"{RETAILER}.*return started")
        # The state shows whole; an unknown retailer states no ship-back date, so no deadline.
        assert row.rstrip().endswith("return started"), row
        assert quit_app(again) == 0
        assert again.modes() == tidy
    finally:
        again.close()


def test_full_flow_80x24_then_wider(terminals, db, tidy):
    full_flow(terminals(80, 24), db, tidy, resize_to=(120, 40))


def test_full_flow_200x50_then_80x24(terminals, db, tidy):
    full_flow(terminals(200, 50), db, tidy, resize_to=(80, 24))
