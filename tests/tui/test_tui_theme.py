"""Themes: --theme picks one (high-contrast included), the last choice is remembered in
settings.json, and a settings file that cannot be read is reported and never overwritten."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from tui_support import sync
from unship.store import demo, settings
from unship.store.repository import OrderBook
from unship.tui.app import UnshipApp
from unship.tui.themes import DEFAULT_THEME, check_theme, theme_names

TODAY = date(2026, 11, 28)


@pytest.fixture
def book(tmp_path):
    with OrderBook(tmp_path / "orders.json", today=TODAY) as b:
        demo.fill(b, TODAY)
        yield b


def test_theme_names_include_high_contrast_and_textuals_own():
    names = theme_names()
    assert names[0] == "high-contrast"
    assert {"textual-dark", "ansi-dark", "nord"} <= set(names)
    assert check_theme("nord") == "nord"
    with pytest.raises(ValueError, match="high-contrast"):
        check_theme("nope")


def test_settings_round_trip_and_missing_file(tmp_path):
    path = tmp_path / "cfg" / "settings.json"
    assert settings.get_theme(path) is None
    settings.remember_theme("nord", path)
    assert settings.get_theme(path) == "nord"
    assert path.stat().st_mode & 0o077 == 0  # private, like the order file
    settings.update(path, other=1)
    assert json.loads(path.read_text()) == {"other": 1, "theme": "nord"}


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b"[1, 2]"])
def test_an_unreadable_settings_file_is_reported_and_left_alone(tmp_path, content):
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    with pytest.raises(settings.SettingsError, match="settings.json"):
        settings.get_theme(path)
    with pytest.raises(settings.SettingsError):
        settings.remember_theme("nord", path)
    assert path.read_bytes() == content


@sync
async def test_theme_given_is_used_and_remembered(book):
    app = UnshipApp(book, theme="high-contrast", remember_theme=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == "high-contrast"
    assert settings.get_theme() == "high-contrast"

    again = UnshipApp(book, remember_theme=True)
    async with again.run_test() as pilot:
        await pilot.pause()
        assert again.theme == "high-contrast"


@sync
async def test_a_theme_chosen_in_the_app_is_remembered(book):
    app = UnshipApp(book, remember_theme=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        app.theme = "nord"  # what ctrl+p "Theme" does
        await pilot.pause()
    assert settings.get_theme() == "nord"


@sync
async def test_without_remembering_nothing_is_read_or_written(book):
    settings.remember_theme("nord")
    app = UnshipApp(book)  # tests and screenshots: always the default look
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        app.theme = "gruvbox"
        await pilot.pause()
    assert settings.get_theme() == "nord"


@sync
async def test_a_corrupt_settings_file_is_reported_in_the_app_and_kept(book):
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"{oops")
    app = UnshipApp(book, remember_theme=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.theme == DEFAULT_THEME
        app.theme = "nord"
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert any("settings.json" in m and "not valid JSON" in m for m in messages)
    assert any("cannot save" in m or "not valid JSON" in m for m in messages)
    assert path.read_bytes() == b"{oops"


def test_the_cli_refuses_an_unknown_theme(tmp_path):
    result = subprocess.run(
        [sys.executable, "-P", "-m", "unship", "--db", str(tmp_path / "o.json"), "--theme", "nope"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "high-contrast" in result.stderr and "Traceback" not in result.stderr


def test_high_contrast_main_screen(snap_compare, book):
    assert snap_compare(UnshipApp(book, theme="high-contrast"), terminal_size=(80, 24))


@sync
async def test_with_no_color_the_cursors_show_by_their_style(book, monkeypatch):
    from unship.tui.widgets.actions import ActionsPanel
    from unship.tui.widgets.order_list import OrderList

    monkeypatch.setenv("NO_COLOR", "1")
    app = UnshipApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        cursor = app.screen.query_one(OrderList).get_component_rich_style("order-list--cursor")
        assert cursor.reverse
        await pilot.press("enter")
        await pilot.pause()
        panel = app.screen.query_one(ActionsPanel)
        assert app.focused is panel
        row = panel.query_one(".action-row.-highlight")
        assert row.styles.text_style.reverse
