"""The order form and quick add, driven with the keyboard alone through the pilot."""

from __future__ import annotations

from datetime import date

import pytest
from textual.app import App
from textual.widgets import Input, Static, TextArea
from tui_support import sync
from unship.store.model import State, new_item, new_order
from unship.tui.screens.confirm_dialog import ConfirmDialog
from unship.tui.screens.order_form import OrderForm
from unship.tui.screens.quick_add import QuickAdd

PENDING = object()
TODAY = date(2026, 11, 28)  # the `book` fixture's today (conftest.py)


class FormApp(App):
    """A stand-in for the unship app: it has a `book`, pushes one screen, keeps the result."""

    def __init__(self, book, make_screen):
        super().__init__()
        self.book = book
        self.make_screen = make_screen
        self.result = PENDING
        self.form = None

    def on_mount(self) -> None:
        self.form = self.make_screen(self.book)
        self.push_screen(self.form, self._done)

    def _done(self, result) -> None:
        self.result = result


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)


def message(screen, key: str) -> str:
    widget = screen.query_one(f"#{key}-msg", Static)
    return str(widget.render()) if widget.display else ""


def summary(screen) -> str:
    return str(screen.query_one("#form-summary", Static).render())


def stored(book):
    return book.orders()


def amazon_order(book, number="113-0000000-0000001", shipped=False):
    order = new_order(
        "Amazon",
        number,
        date(2026, 11, 20),
        [new_item("Kettle", 3999, category="general"), new_item("Tea", 850, quantity=2)],
        today=TODAY,
    )
    saved = book.add(order)
    if shipped:
        saved = book.record(saved.id, "shipped", date(2026, 11, 22), items=[0])
    return saved


async def fill_order(pilot, *, retailer="amazon", number="113-1234567-1234567", day="yesterday"):
    """Retailer, order number, date; leaves the focus on the first item's title."""
    await type_text(pilot, retailer)
    await pilot.press("tab")
    await type_text(pilot, number)
    await pilot.press("tab")
    await type_text(pilot, day)
    await pilot.press("tab", "tab")  # currency left as it is


async def fill_item(pilot, title, quantity="", price="12.99", category=""):
    await type_text(pilot, title)
    await pilot.press("tab")
    if quantity:
        await type_text(pilot, quantity)
    await pilot.press("tab")
    await type_text(pilot, price)
    await pilot.press("tab")
    if category:
        await type_text(pilot, category)


# -- adding --------------------------------------------------------------------------------


@sync
async def test_every_field_typed_then_ctrl_s_saves(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot)
        await fill_item(pilot, "USB-C cable", price="$12.99", category="electronics")
        await pilot.press("ctrl+n")
        await fill_item(pilot, "Mug", quantity="2", price="6.50")
        await pilot.press("tab")  # notes
        await type_text(pilot, "gift for Sam")
        await pilot.press("enter")
        await type_text(pilot, "[b]wrap it[/b]")
        await pilot.press("tab", "tab")  # carrier left empty: found from the tracking number
        await type_text(pilot, "1Z999AA10123456784")
        screen = app.screen
        assert "UPS, from the tracking number" in str(screen.query_one("#carrier-hint").render())
        assert "ups.com" in str(screen.query_one("#tracking-link").render())
        assert summary(screen) == (
            "Will save: Amazon 113-1234567-1234567 · 3 items · $25.99 · ordered 27 Nov"
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert app.result == order and not app.form.opened_existing
    assert order.retailer == "Amazon" and order.order_number == "113-1234567-1234567"
    assert order.ordered_on == date(2026, 11, 27) and order.currency == "USD"
    assert [(i.title, i.quantity, i.price, i.category) for i in order.items] == [
        ("USB-C cable", 1, 1299, "electronics"),
        ("Mug", 2, 650, "general"),
    ]
    assert order.carrier == "ups" and order.tracking == "1Z999AA10123456784"
    assert order.notes == "gift for Sam\n[b]wrap it[/b]"
    # logged with a tracking number: it has shipped (on the order date)
    assert [e.event for e in order.history] == ["placed", "shipped"]
    assert {i.state.value for i in order.items} == {"shipped"}


@sync
async def test_enter_moves_on_and_saves_on_the_last_field(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Best Buy")
        await pilot.press("enter")
        assert app.screen.focused.id == "order_number"
        await type_text(pilot, "BBY01-806")
        await pilot.press("enter", "enter", "enter")  # date (today), currency, to the item
        await type_text(pilot, "HDMI cable")
        await pilot.press("enter", "enter")
        await type_text(pilot, "9.99")
        await pilot.press("enter", "enter")  # category, to the notes
        assert isinstance(app.screen.focused, TextArea)
        await pilot.press("tab", "tab")
        assert app.screen.focused.id == "tracking"
        await pilot.press("enter", "enter")  # tracking, sold by
        assert app.screen.focused.id == "seller_window"  # the last field: Enter saves
        await pilot.press("enter")
        await pilot.pause()
    (order,) = stored(book)
    assert app.result == order
    assert order.retailer == "Best Buy" and order.ordered_on == TODAY
    assert order.items[0].price == 999


@sync
@pytest.mark.parametrize(
    ("retailer", "number", "price", "currency", "minor"),
    [
        ("amazon.de", "302-1234567-1234567", "12,99 EUR", "EUR", 1299),
        # a Canadian types Amazon.ca's "$39.99" (amazon.ca writes CAD so): its own dollars
        ("Amazon.ca", "702-1234567-1234567", "$39.99", "CAD", 3999),
    ],
)
async def test_a_price_typed_with_its_currency_sets_the_untouched_currency(
    book, retailer, number, price, currency, minor
):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, retailer=retailer, number=number)
        await fill_item(pilot, "Tasse", price=price)
        assert app.screen.query_one("#currency", Input).value == currency
        assert message(app.screen, "retailer") == ""
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert order.currency == currency and order.items[0].price == minor


@sync
async def test_a_bare_dollar_leaves_the_currency_to_the_shop_typed_after_it(book):
    # a Canadian's book: "$12" typed before the shop is their dollars, and does not pin
    # the order to US dollars before "Amazon.ca" is typed
    toque = new_item("Toque", 2500)
    book.add(new_order("Amazon.ca", "702-0000000-0000001", TODAY, [toque], currency="CAD"))
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "tab", "tab")  # the price before the shop
        await fill_item(pilot, "Mitts", price="$12")
        assert app.screen.item_rows.rows[0].input("price").value == "$12"
        assert app.screen.query_one("#currency", Input).value == "CAD"  # the book's usual
        app.screen.query_one("#retailer", Input).focus()
        await type_text(pilot, "Amazon.ca")
        await pilot.press("tab")
        assert app.screen.query_one("#currency", Input).value == "CAD"


@sync
async def test_an_edit_to_a_country_site_in_another_currency_is_said(book):
    order = amazon_order(book)
    app = FormApp(book, lambda b: OrderForm(b, order))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "Amazon.ca")
        await pilot.press("tab", "tab", "tab")
        assert app.screen.query_one("#currency", Input).value == "USD"  # an edit keeps it
        said = message(app.screen, "retailer")
        assert "Amazon.ca sells in CAD, and this order is in USD" in said


@sync
async def test_a_country_site_sets_the_untouched_currency_and_a_typed_price_wins(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, retailer="Amazon.ca", number="702-1234567-1234567")
        currency = app.screen.query_one("#currency", Input)
        assert currency.value == "CAD"  # an order on Amazon.ca is in Canadian dollars
        await fill_item(pilot, "Toque", price="25")
        assert currency.value == "CAD"
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert order.currency == "CAD" and order.items[0].price == 2500
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, retailer="Amazon.ca", number="702-7654321-7654321")
        await fill_item(pilot, "Scarf", price="12 GBP")  # what was typed with the price wins
        assert app.screen.query_one("#currency", Input).value == "GBP"
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Amazon.co.uk")
        await pilot.press("tab")
        currency = app.screen.query_one("#currency", Input)
        assert currency.value == "GBP"
        await pilot.press("shift+tab", "end", "ctrl+u")  # typed again: amazon.com's rules
        await type_text(pilot, "amazon")
        await pilot.press("tab")
        assert currency.value == "USD"  # and amazon.com's dollars
        await pilot.press("shift+tab", "end", "ctrl+u")  # a shop unship has no rules for
        await type_text(pilot, "Uniqlo")
        await pilot.press("tab")
        assert currency.value == "CAD"  # as it was: the book's usual currency
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "USD")  # the person's own choice stays
        await pilot.press("shift+tab", "shift+tab", "shift+tab")
        await type_text(pilot, "Amazon.ca")
        await pilot.press("tab")
        assert app.screen.query_one("#currency", Input).value == "USD"


# -- errors --------------------------------------------------------------------------------


async def reach(pilot, field: str) -> None:
    """Focus a field by tabbing from the retailer, like a person would."""
    order = ["retailer", "order_number", "ordered_on", "currency", "title", "quantity", "price"]
    await pilot.press(*["tab"] * order.index(field))


BAD_VALUES = [
    ("ordered_on", "2026-02-30", "2026-02-30 is not a date"),
    ("ordered_on", "next week", "'next week' is not a date"),
    ("ordered_on", "2026-12-25", "is in the future"),
    ("currency", "US1", "is not a currency code"),
    ("quantity", "0", "'0' is not a quantity"),
    ("quantity", "1.5", "'1.5' is not a quantity"),
    ("price", "12.x", "'12.x' is not a price"),
    ("price", "-3", "negative"),
    ("price", "12.999", "too many decimals"),
]


@sync
@pytest.mark.parametrize(("field", "text", "words"), BAD_VALUES)
async def test_a_bad_value_shows_in_words_as_you_leave_and_blocks_saving(book, field, text, words):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        if field in ("quantity", "price"):
            await fill_order(pilot)
            await type_text(pilot, "Lamp")
            await pilot.press(*["tab"] * (1 if field == "quantity" else 2))
            await type_text(pilot, text)
        else:
            await fill_order(pilot)
            await fill_item(pilot, "Lamp")
            await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab")
            if field == "ordered_on":
                await pilot.press("shift+tab")
            await type_text(pilot, text)  # the field's text is selected: typing replaces it
        screen = app.screen
        focused = screen.focused
        row = focused.parent.parent if "item" in (focused.id or "") else None

        def shown():
            return (
                str(row.query_one(".item-message").render())
                if row is not None
                else message(screen, field)
            )

        assert words not in shown()  # not while typing
        await pilot.press("tab")
        assert words in shown()
        assert focused.value == text  # nothing typed is lost
        assert focused.has_class("-has-error")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert stored(book) == [] and app.result is PENDING
        assert screen.focused is focused  # the save attempt goes to the field to fix
        assert focused.value == text
        assert "Still needed" in str(screen.query_one("#form-status").render())


@sync
async def test_an_empty_title_and_missing_fields_are_named_on_save(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "tab", "tab", "tab", "tab")
        await type_text(pilot, "5")  # a price without a title
        await pilot.press("ctrl+s")
        await pilot.pause()
        screen = app.screen
        assert "type the retailer" in message(screen, "retailer")
        assert "type the order number" in message(screen, "order_number")
        row_message = str(screen.query_one(".item-message").render())
        assert "the item needs a title" in row_message
        status = str(screen.query_one("#form-status").render())
        assert status == "Still needed: retailer, order number, title of item 1"
        assert screen.focused.id == "retailer"
        assert stored(book) == []


@sync
async def test_fixing_a_field_clears_its_error(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab")
        await type_text(pilot, "31 Feb 2026")
        await pilot.press("tab", "shift+tab")
        assert "31 Feb 2026 is not a date" in message(app.screen, "ordered_on")
        await type_text(pilot, "21 Nov")
        assert message(app.screen, "ordered_on") == ""
        assert "Sat 21 Nov 2026" in str(app.screen.query_one("#ordered_on-hint").render())


@sync
async def test_warnings_are_said_but_do_not_block(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, number="12345")
        await fill_item(pilot, "Cable")
        await pilot.press("tab", "tab", "tab")
        await type_text(pilot, "1Z999AA10123456785")  # wrong check digit
        await pilot.press("shift+tab")
        screen = app.screen
        assert "doesn't look like an Amazon order number" in message(screen, "order_number")
        assert "fails its check digit" in message(screen, "tracking")
        assert message(screen, "order_number").startswith("!")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert len(stored(book)) == 1 and app.result is not PENDING


@sync
async def test_user_text_is_never_markup(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, retailer="[@click=app.quit]x[/]")
        await fill_item(pilot, "Refund [/] [b]now")
        assert "[@click=app.quit]x[/]" in summary(app.screen)
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert order.items[0].title == "Refund [/] [b]now"


# -- item rows -----------------------------------------------------------------------------


@sync
async def test_add_and_remove_item_rows_by_key(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot)
        await fill_item(pilot, "One")
        await pilot.press("ctrl+n")
        await fill_item(pilot, "Two")
        await pilot.press("ctrl+n")
        await fill_item(pilot, "Three")
        screen = app.screen
        assert len(screen.item_rows.rows) == 3
        await pilot.press("shift+tab", "shift+tab", "shift+tab")  # item 3's title
        await pilot.press("shift+tab", "shift+tab", "shift+tab", "shift+tab")  # item 2's
        assert screen.focused.value == "Two"
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert [r.input("title").value for r in screen.item_rows.rows] == ["One", "Three"]
        assert screen.focused.value == "Three"  # the focus stays in the rows
        assert str(screen.item_rows.rows[1].query_one(".item-number").render()) == "2."
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert [i.title for i in order.items] == ["One", "Three"]


@sync
async def test_ctrl_d_outside_the_rows_edits_text_as_usual(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "amazon")
        await pilot.press("home", "ctrl+d")
        assert app.screen.query_one("#retailer", Input).value == "mazon"
        assert len(app.screen.item_rows.rows) == 1
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "remove_item" not in actions  # nor shown in the footer
        await pilot.press("tab", "tab", "tab", "tab")
        actions = {b.binding.action for b in app.screen.active_bindings.values()}
        assert "remove_item" in actions


@sync
async def test_blank_extra_rows_are_ignored(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot)
        await fill_item(pilot, "Only")
        await pilot.press("ctrl+n", "ctrl+s")
        await pilot.pause()
    assert [i.title for i in stored(book)[0].items] == ["Only"]


# -- cancelling ----------------------------------------------------------------------------


@sync
async def test_escape_with_nothing_typed_closes_without_asking(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab")
        await pilot.press("escape")
        await pilot.pause()
        assert app.result is None
        assert not isinstance(app.screen, ConfirmDialog)


@sync
async def test_escape_with_typed_data_asks_first(book):
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "Target")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, OrderForm) and app.result is PENDING
        assert app.screen.query_one("#retailer", Input).value == "Target"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.result is None and stored(book) == []


# -- duplicates ----------------------------------------------------------------------------


@sync
async def test_the_same_order_twice_is_caught_and_the_existing_one_offered(book):
    existing = amazon_order(book)
    app = FormApp(book, OrderForm)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_order(pilot, retailer="amazon.ca", number=existing.order_number)
        screen = app.screen
        assert "is already in the book (id 1): ctrl+o opens it" in message(screen, "order_number")
        assert "open_existing" in {b.binding.action for b in screen.active_bindings.values()}
        await fill_item(pilot, "Kettle")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert len(stored(book)) == 1 and app.result is PENDING
        await pilot.press("ctrl+o")
        await pilot.pause()
    assert app.result == existing and app.form.opened_existing


# -- editing -------------------------------------------------------------------------------


@sync
async def test_editing_keeps_states_dates_and_history(book):
    order = amazon_order(book, shipped=True)
    app = FormApp(book, lambda b: OrderForm(b, order))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = app.screen
        assert screen.query_one("#retailer", Input).value == "Amazon"
        assert screen.query_one("#ordered_on", Input).value == "2026-11-20"
        rows = screen.item_rows.rows
        assert [r.input("price").value for r in rows] == ["39.99", "8.50"]
        assert "in transit since 22 Nov" in str(rows[0].query_one(".item-state").render())
        assert "Nothing changed" in str(screen.query_one("#form-status").render())
        await pilot.press("tab", "tab", "tab", "tab")  # item 1's title
        await type_text(pilot, "Electric kettle")
        await pilot.press("tab", "tab")
        await type_text(pilot, "35")
        await pilot.press("tab", "tab", "tab", "tab")  # to item 2's price
        await pilot.press("ctrl+n")
        await fill_item(pilot, "Cups", quantity="4", price="3")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = book.get(order.id)
    assert app.result == saved
    kettle, tea, cups = saved.items
    assert (kettle.title, kettle.price, kettle.state) == ("Electric kettle", 3500, State.SHIPPED)
    assert kettle.dates == {"shipped": date(2026, 11, 22)}
    assert tea == order.items[1]
    assert (cups.state, cups.quantity, cups.price, cups.dates) == (State.ORDERED, 4, 300, {})
    assert [e.event for e in saved.history] == ["placed", "shipped", "edited"]
    assert saved.history[1].items == (0,)
    assert "title of item 1" in saved.history[-1].note and "added Cups" in saved.history[-1].note
    assert len(stored(book)) == 1


@sync
async def test_removing_an_item_with_history_asks_first(book):
    order = amazon_order(book, shipped=True)
    app = FormApp(book, lambda b: OrderForm(b, order))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab", "tab", "tab", "tab")  # the shipped kettle
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert len(app.screen.item_rows.rows) == 2
        await pilot.press("ctrl+d")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert [r.input("title").value for r in app.screen.item_rows.rows] == ["Tea"]
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = book.get(order.id)
    assert [i.title for i in saved.items] == ["Tea"]
    shipped = saved.history[1]
    assert shipped.items == () and "removed item: Kettle" in shipped.note


@sync
async def test_editing_to_another_orders_number_is_a_duplicate(book):
    first = amazon_order(book)
    second = amazon_order(book, number="113-0000000-0000002")
    app = FormApp(book, lambda b: OrderForm(b, second))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("tab")
        await type_text(pilot, first.order_number)
        await pilot.press("tab")
        assert "already in the book" in message(app.screen, "order_number")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert book.get(second.id) == second


# -- quick add -----------------------------------------------------------------------------


@sync
async def test_quick_add_a_good_line(book):
    app = FormApp(book, QuickAdd)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, 'amazon 113-1234567-1234567 "USB-C cable" 12.99 yesterday')
        result = str(app.screen.query_one("#quick-result").render())
        assert result == "✓ Amazon 113-1234567-1234567 · 1 item · $12.99 · ordered 27 Nov"
        await pilot.press("enter")
        await pilot.pause()
    (order,) = stored(book)
    assert app.result == order and order.items[0].title == "USB-C cable"
    assert order.ordered_on == date(2026, 11, 27)


@sync
@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("amazon 1-2", "quick add needs at least"),
        ('amazon 113-1234567-1234567 "mug', "a quote is not closed"),
        ('amazon 113-1234567-1234567 "mug" 2026-02-30', "2026-02-30 is not a date"),
        ('amazon 113-1234567-1234567 "mug" yesterday', "no price"),
        ('amazon 113-1234567-1234567 "mug" "cup" 4', "price of item 2"),
        ('amazon 113-1234567-1234567 "mug" 5 2026-12-30', "is in the future"),
    ],
)
async def test_quick_add_a_bad_line_says_why_and_saves_nothing(book, line, words):
    app = FormApp(book, QuickAdd)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, line)
        result = str(app.screen.query_one("#quick-result").render())
        assert result.startswith("✗") and words in result
        await pilot.press("enter")
        await pilot.pause()
        assert app.result is PENDING and stored(book) == []
        assert app.screen.query_one("#quick-line", Input).value == line
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is None


@sync
async def test_quick_add_says_a_number_is_like_another_sites_orders(book):
    book.add(
        new_order("Amazon.ca", "702-4060128-5100216", date(2026, 11, 2), [new_item("Mug", 999)])
    )
    app = FormApp(book, QuickAdd)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "amazon 702-1234567-1234567 kettle 39.99")
        said = str(app.screen.query_one("#quick-warnings").render())
        assert "your Amazon.ca orders' numbers start with 702-" in said
        assert str(app.screen.query_one("#quick-result").render()).endswith(
            "$39.99 · ordered 28 Nov"
        )
        app.screen.query_one(
            "#quick-line", Input
        ).value = "amazon.ca 702-1234567-1234567 kettle 39.99"
        await pilot.pause()
        assert str(app.screen.query_one("#quick-warnings").render()).strip() == ""
        assert "CA$39.99" in str(app.screen.query_one("#quick-result").render())


@sync
async def test_quick_add_finishes_in_the_full_form(book):
    app = FormApp(book, QuickAdd)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, "target 902-1 lamp")  # no price yet
        await pilot.press("ctrl+f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderForm)
        assert form.query_one("#retailer", Input).value == "target"
        assert form.item_rows.rows[0].input("title").value == "lamp"
        form.item_rows.rows[0].input("price").focus()
        await type_text(pilot, "24")
        await pilot.press("ctrl+s")
        await pilot.pause()
    (order,) = stored(book)
    assert app.result == order and order.items[0].price == 2400


@sync
async def test_quick_add_offers_the_existing_order(book):
    existing = amazon_order(book)
    app = FormApp(book, QuickAdd)
    async with app.run_test(size=(80, 24)) as pilot:
        await type_text(pilot, f"amazon {existing.order_number} kettle 39.99")
        assert "ctrl+o opens it" in str(app.screen.query_one("#quick-result").render())
        await pilot.press("enter", "ctrl+o")
        await pilot.pause()
    assert app.result == existing and app.form.opened_existing and len(stored(book)) == 1


@sync
async def test_opening_an_edit_and_saving_untouched_changes_nothing(book):
    order = book.add(
        new_order(
            "Amazon",
            "113-0000000-0000009",
            date(2026, 11, 20),
            [new_item("Kettle", 3999)],
            carrier="UPS",
            tracking="1Z999AA10123456784",
            today=TODAY,
        )
    )
    app = FormApp(book, lambda b: OrderForm(b, order))
    async with app.run_test(size=(80, 24)) as pilot:
        assert "Nothing changed" in str(app.screen.query_one("#form-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert app.result == order and book.get(order.id) == order
    assert len(book.undo_entries()) == 1  # only the add: nothing was written


@sync
async def test_keys_typed_ahead_across_fields_land_in_the_next_field(book):
    """ "Zappos<Tab>ZP-1" arriving at once (a fast typist, keys in one packet over SSH): before,
    the order number went into the retailer field because the focus moved after the keys."""
    from textual import events
    from unship.tui.app import UnshipApp

    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.action_add_order()
        await pilot.pause()
        keys = [*"Zappos", "tab", *"ZP-1", "tab", "tab", "tab", *"Shoes", "tab", "tab", *"12"]
        for key in keys:
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await pilot.pause()
        form = app.screen
        assert isinstance(form, OrderForm)
        assert form.query_one("#retailer", Input).value == "Zappos"
        assert form.query_one("#order_number", Input).value == "ZP-1"
        fields = form.fields()
        assert [(i.title, i.price) for i in fields.items] == [("Shoes", "12")]


def test_a_marketplace_sellers_window_from_the_form(tmp_path):
    """Sold by + Their window: every item is the seller's, and its deadline follows the
    seller's own window (the retailer's minimum for marketplace sellers otherwise)."""
    from datetime import date as D

    from unship.store import advice
    from unship.store.model import SELLER_WINDOW
    from unship.store.order_input import ItemFields, OrderFields, check_order
    from unship.store.repository import OrderBook

    with OrderBook(tmp_path / "o.json", today=D(2026, 6, 1)) as book:
        fields = OrderFields(
            retailer="Walmart",
            order_number="200012345678",
            ordered_on="2026-05-01",
            items=[ItemFields(title="Lamp", price="20.00")],
            seller="Lamps R Us",
            seller_window="60 days",
        )
        checked = check_order(fields, book)
        assert not checked.errors, checked.errors
        item = checked.order.items[0]
        assert item.seller == "Lamps R Us" and item.extra[SELLER_WINDOW] == "60"
        assert OrderFields.from_order(checked.order).seller_window == "60"
        saved = book.add(checked.order)
        saved = book.record(saved.id, "shipped", D(2026, 5, 2))
        saved = book.record(saved.id, "delivered", D(2026, 5, 3))
        ret = next(
            a
            for a in advice.order_actions(saved, book.policies, book.today)
            if a.action == "return"
        )
        assert ret.deadline == D(2026, 7, 2)  # 60 days from delivery
        bad = check_order(OrderFields(**{**fields.__dict__, "seller_window": "soon"}), book)
        assert "days" in bad.errors["seller_window"]
        alone = check_order(OrderFields(**{**fields.__dict__, "seller": ""}), book)
        assert "Sold by" in alone.errors["seller_window"]


@sync
async def test_typing_a_shops_own_window_on_an_existing_order_saves_it(book):
    """Sold by and Their window, typed on an order already in the book (a shop unship
    doesn't know): saved, said in the history, and the deadline is no longer a guess.
    Before, the form saw no change and closed without saving what was typed."""
    from unship.store import advice

    order = book.add(new_order("Uniqlo", "UQ-1", date(2026, 11, 20), [new_item("Coat", 8900)]))
    order = book.record(order.id, "delivered", date(2026, 11, 24))
    app = FormApp(book, lambda b: OrderForm(b, order))
    async with app.run_test(size=(80, 24)) as pilot:
        app.screen.query_one("#seller", Input).focus()
        await type_text(pilot, "Uniqlo")
        await pilot.press("tab")
        await type_text(pilot, "60")
        assert "Nothing changed" not in str(app.screen.query_one("#form-status").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = book.get(order.id)
    assert app.result == saved
    assert saved.items[0].seller == "Uniqlo" and saved.items[0].extra["seller_window_days"] == "60"
    assert saved.history[-1].event == "edited"
    assert saved.history[-1].note == "changed seller, seller's window"
    ret = next(a for a in advice.order_actions(saved, book.policies, TODAY) if a.action == "return")
    assert ret.deadline == date(2027, 1, 23) and "Uniqlo's policy: 60 days" in ret.reason
    assert "~" not in ret.reason


@sync
async def test_e_on_an_order_edits_it_and_the_order_shows_the_change(book):
    """From the order's own screen: e opens the form on it; saved, the screen is the
    order's again, with the deadline the edit gives."""
    from unship.tui.app import UnshipApp
    from unship.tui.screens.order import OrderScreen

    order = book.add(new_order("Uniqlo", "UQ-2", date(2026, 11, 20), [new_item("Coat", 8900)]))
    book.record(order.id, "delivered", date(2026, 11, 24))
    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.push_screen(OrderScreen(book, order.id))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, OrderForm) and app.screen.order.id == order.id
        app.screen.query_one("#seller", Input).focus()
        await type_text(pilot, "Uniqlo")
        await pilot.press("tab")
        await type_text(pilot, "60")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, OrderScreen)
        ret = next(a for a in app.screen.actions if a.action == "return")
        assert "Uniqlo's policy: 60 days" in ret.reason


def test_an_order_from_several_sellers_keeps_each_items_seller_when_edited(tmp_path):
    """The form shows the first item's seller: left as it was, an edit (or none) keeps
    every item's own seller and window; typed anew, it is every item's."""
    from dataclasses import replace as with_fields

    from msgspec.structs import replace
    from unship.store import changes
    from unship.store.model import SELLER_WINDOW
    from unship.store.order_input import ItemFields, OrderFields
    from unship.store.repository import OrderBook

    with OrderBook(tmp_path / "o.json", today=TODAY) as book:
        order = new_order(
            "Amazon",
            "113-0000000-0000042",
            date(2026, 11, 20),
            [new_item("Cable", 999), new_item("Case", 1999)],
        )
        cable, case = order.items
        items = (
            replace(cable, seller="Amazon.com"),
            replace(case, seller="Gadget Hut", extra={SELLER_WINDOW: "60"}),
        )
        order = book.add(replace(order, items=items))
        fields = OrderFields.from_order(order, book.policies)
        assert changes.save_edit(book, order, fields) == (order, [])  # untouched: nothing
        noted, what = changes.save_edit(book, order, with_fields(fields, notes="gift"))
        assert what == ["notes"] and noted.items == order.items
        grown = with_fields(fields, items=[*fields.items, ItemFields(title="Plug", price="5")])
        added, what = changes.save_edit(book, noted, grown)
        assert [i.seller for i in added.items] == ["Amazon.com", "Gadget Hut", "Amazon.com"]
        assert added.items[1].extra[SELLER_WINDOW] == "60"
        one, what = changes.save_edit(book, added, with_fields(grown, seller="Gadget Hut"))
        assert "seller" in what and {i.seller for i in one.items} == {"Gadget Hut"}
