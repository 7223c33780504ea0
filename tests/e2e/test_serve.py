"""`unship serve`: the app in a browser through textual-serve, loopback unless told otherwise."""

from __future__ import annotations

import asyncio
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from unship.cli_serve import ServeError, check_address, is_loopback

# -P: the checkout's own unship/ folder must not shadow the installed package
UNSHIP = [sys.executable, "-P", "-m", "unship"]


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_loopback_addresses_are_served_without_a_warning(host):
    assert is_loopback(host)
    assert check_address(host, 8000, allow_remote=False) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])
def test_other_addresses_need_allow_remote_and_get_a_warning(host):
    with pytest.raises(ServeError, match="no password"):
        check_address(host, 8000, allow_remote=False)
    warning = check_address(host, 8000, allow_remote=True)
    assert "NO authentication" in warning and host in warning


@pytest.mark.parametrize("port", [0, -1, 65536])
def test_a_port_out_of_range_is_refused(port):
    with pytest.raises(ServeError, match="port"):
        check_address("127.0.0.1", port, allow_remote=False)


def test_the_cli_refuses_a_public_address_without_the_flag(tmp_path):
    result = subprocess.run(
        [*UNSHIP, "--db", str(tmp_path / "o.json"), "serve", "--host", "0.0.0.0"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--allow-remote" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "o.json").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            pytest.fail(f"serve exited early: {proc.stderr.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail("serve did not start listening")


async def _screen_text(
    port: int, wanted: str, timeout: float = 60, size: tuple[int, int] = (100, 30)
) -> str:
    import aiohttp

    out = ""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(f"http://127.0.0.1:{port}/ws?width={size[0]}&height={size[1]}") as ws,
    ):
        end = time.monotonic() + timeout
        while time.monotonic() < end and wanted not in out:
            try:
                msg = await ws.receive(timeout=1)
            except TimeoutError:
                continue
            if msg.type in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
                data = msg.data
                out += data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            else:
                break
    return out


@pytest.mark.parametrize("allow_remote", [False, True], ids=["loopback", "remote-warned"])
def test_serve_runs_the_app_for_a_browser(tmp_path, allow_remote):
    pytest.importorskip("textual_serve", reason="the serve extra is not installed")
    port = _free_port()
    host = ["--host", "0.0.0.0", "--allow-remote"] if allow_remote else []
    proc = subprocess.Popen(
        [*UNSHIP, "--demo", "--today", "2026-11-28", "serve", "--port", str(port), *host],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COLUMNS": "100"},
    )
    try:
        _wait_for(port, proc)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30) as page:
            assert page.status == 200
            assert "textual" in page.read().decode()
        screen = asyncio.run(_screen_text(port, "Sony"))
        assert "Sony" in screen  # a demo order, drawn by the app in the browser's terminal
    finally:
        proc.terminate()
        try:
            _, err = proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            _, err = proc.communicate()
    assert ("NO authentication" in err) == allow_remote


def test_a_web_driver_keeps_the_browser_size_a_terminal_forgets_a_stale_one():
    from unship.tui.app import forget_stale_size

    terminal = {"COLUMNS": "80", "LINES": "24", "HOME": "/h"}
    forget_stale_size(terminal)
    assert terminal == {"HOME": "/h"}
    web = {"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver", "COLUMNS": "142", "ROWS": "34"}
    forget_stale_size(web)
    assert web["COLUMNS"] == "142" and web["ROWS"] == "34"


def test_serve_draws_at_the_browser_tab_width(tmp_path):
    """A 142x34 tab gets a 142-column app (it drew 80 when the app dropped COLUMNS)."""
    pytest.importorskip("textual_serve", reason="the serve extra is not installed")
    port = _free_port()
    proc = subprocess.Popen(
        [*UNSHIP, "--demo", "--today", "2026-11-28", "serve", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(port, proc)
        screen = asyncio.run(_screen_text(port, "Sony", size=(142, 34)))
    finally:
        proc.terminate()
        try:
            proc.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()
    # Textual starts each line of a frame with a cursor move: the widest line is the app's width
    # (the header's and footer's backgrounds fill it).
    lines = re.split(r"\x1b\[\d+;\d+H", screen)
    escape = re.compile(r"\x1b(\[[0-9;?]*[A-Za-z]|\][^\x07\x1b]*(\x07|\x1b\\)?)")
    plain = [escape.sub("", line) for line in lines]
    widest = max(len(line.rstrip("\r\n")) for line in plain)
    assert widest == 142, widest
