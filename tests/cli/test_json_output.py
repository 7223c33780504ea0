"""JSON output: written as bytes straight to a UTF-8 standard output when nothing in it needs
escaping, and in every case exactly the text json.dumps gives, escaped for a terminal."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from unship.store.text import terminal_safe

from unship import cli_output
from unship.cli_output import json_text, print_json
from unship.terminal import safe_output


def expected(value) -> bytes:
    text = json_text(json.dumps(value, indent=2, ensure_ascii=False)) + "\n"
    return terminal_safe(text).encode("utf-8", "surrogatepass")


def printed(value, monkeypatch, encoding: str = "utf-8") -> bytes:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="surrogatepass", newline="\n")
    monkeypatch.setattr(sys, "stdout", stream)
    with safe_output():
        print("before")
        print_json(value)
        print("after")
    stream.flush()
    return raw.getvalue()


DANGEROUS = ["\x7f", "\x85", "\x9b31m", "\u202e", "\u2067", "\x1b[2J", "\r", "\x00", "\ud800"]


@pytest.mark.parametrize("bad", DANGEROUS)
def test_what_a_terminal_may_act_on_is_escaped(bad, monkeypatch) -> None:
    value = [{"title": f"a{bad}b · £ 中", "n": 1}]
    out = printed(value, monkeypatch)
    assert out == b"before\n" + expected(value) + b"after\n"
    assert bad.encode("utf-8", "surrogatepass") not in out


def test_plain_json_is_written_as_bytes(monkeypatch) -> None:
    value = [{"title": "Moleskine · £ é 中 \u2028", "deadline": None}] * 3
    calls = []
    real = cli_output._plain_utf8
    monkeypatch.setattr(cli_output, "_plain_utf8", lambda data: calls.append(1) or real(data))
    out = printed(value, monkeypatch)
    assert calls and real(json.dumps(value, ensure_ascii=False).encode())
    assert out == b"before\n" + expected(value) + b"after\n"


def test_another_encoding_goes_through_the_text_stream(monkeypatch) -> None:
    value = {"title": "caf\u00e9"}
    out = printed(value, monkeypatch, encoding="latin-1")
    assert out == b"before\n" + expected(value).decode().encode("latin-1") + b"after\n"


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(max_size=12), max_size=4))
def test_any_text_prints_as_the_reference_does(titles) -> None:
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="utf-8", errors="surrogatepass", newline="\n")
    real = sys.stdout
    sys.stdout = stream
    try:
        with safe_output():
            print_json([{"title": t} for t in titles])
        stream.flush()
    finally:
        sys.stdout = real
    assert raw.getvalue() == expected([{"title": t} for t in titles])


# Around every range the byte check looks for: the characters just inside and just outside.
NEAR_UNSAFE = st.sampled_from(
    "\x7e\x7f\x80\x9f\xa0\xb7\u2029\u202a\u202e\u202f\u2065\u2066\u2069\u206a\u0100a中·"
)


@settings(max_examples=300, deadline=None)
@given(st.text(NEAR_UNSAFE, max_size=6) | st.text(max_size=8).filter(lambda t: t.isprintable()))
def test_the_byte_check_finds_exactly_what_json_text_would_escape(text) -> None:
    text = text.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # no surrogates
    assert cli_output._plain_utf8(text.encode()) == (json_text(text) == text)
