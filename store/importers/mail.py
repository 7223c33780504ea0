"""Reading mail, read-only and offline: a Maildir folder, an mbox file, or .eml files.

`find_messages(paths)` says what the paths hold (or raises ImportFileError) and
`read_messages(source)` yields each message as a `Letter`: its headers decoded and its
text (plain text, else HTML turned into text), capped, with every part that could hurt
(attachments, scripts, deep nesting, unknown charsets) left out. Nothing is ever written
to the mailbox and no link in a message is followed.

Mail that is not from a shop or a carrier is recognised from its headers alone, so a
big mailbox costs one header parse per message; only the rest have their bodies read.
"""

from __future__ import annotations

import hashlib
import os
import quopri
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from email import policy as email_policy
from email.header import decode_header, make_header
from email.message import Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from html.parser import HTMLParser
from pathlib import Path

from ..fileio import NotRegularFile, open_regular
from ..text import clean_line, terminal_safe
from .common import ImportFileError

MAX_MESSAGE_BYTES = 4 * 1024 * 1024  # a message is read up to here (images come last)
MAX_TEXT_CHARS = 200_000  # text kept from one message's parts
MAX_PARTS = 200
MAX_DEPTH = 12  # multipart nesting followed
MAX_HTML_CHARS = 1_000_000
MAX_MAILDIR_DEPTH = 4  # folders searched below a path for Maildirs (mbsync: Mail/acct/INBOX)

# compat32 leaves headers as text until asked (policy.default parsed every header it was asked
# for into objects: half the time of a 10,000-message Maildir); the few we use are decoded here.
_PARSER = BytesParser(policy=email_policy.compat32)


@dataclass
class Source:
    kind: str  # "maildir", "mbox", "eml"
    paths: list[Path]  # Maildir folders, one mbox file, or .eml files
    name: str  # for the summary
    size: int = 0  # messages (maildir, eml) or bytes (mbox): the progress total


@dataclass
class Letter:
    """One message as unship reads it. Only what the classifier needs; no body is stored."""

    key: str  # Message-ID (hashed) or a hash of the message: remembers it was read
    subject: str = ""
    sender: str = ""  # the address, lower case
    sender_name: str = ""
    date: datetime | None = None
    text: str = ""
    where: str = ""  # "file name" or "message 12": for the summary
    problem: str = ""  # why it could not be read
    forwarded: bool = False
    body_read: bool = False
    extra_senders: list[str] = field(default_factory=list)  # From: lines quoted in a forward


# -- what the paths hold --------------------------------------------------------------------


def is_maildir(path: Path) -> bool:
    return (path / "cur").is_dir() and (path / "new").is_dir()


def looks_like_message(head: bytes) -> bool:
    """The first bytes of an RFC 822 message: header lines, with a From, Subject or Date."""
    text = head[:8192].decode("latin-1")
    first = text.lstrip("\r\n").split("\n", 1)[0]
    if not re.match(r"^[!-9;-~]+:", first):
        return False
    headers = text.split("\n\n", 1)[0].split("\r\n\r\n", 1)[0]
    return bool(re.search(r"^(from|subject|date|message-id):", headers, re.I | re.M))


def looks_like_mbox(head: bytes) -> bool:
    return head.startswith(b"From ") and looks_like_message(head.split(b"\n", 1)[-1])


def _head(path: Path) -> bytes:
    try:
        fd, _info = open_regular(path)
    except (NotRegularFile, OSError):
        return b""
    with os.fdopen(fd, "rb") as file:
        return file.read(8192)


def is_mail(path: Path) -> bool:
    """Whether `path` holds mail (for detecting the format without --format)."""
    try:
        if path.is_dir():
            return is_maildir(path) or bool(_maildirs(path)) or bool(_eml_files(path))
        head = _head(path)
    except OSError:
        return False
    return looks_like_mbox(head) or looks_like_message(head)


def _maildirs(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, dirnames, _files in os.walk(root):
        here = Path(dirpath)
        depth = len(here.relative_to(root).parts)
        if is_maildir(here):
            found.append(here)
            dirnames[:] = [d for d in dirnames if d not in ("cur", "new", "tmp")]
        if depth >= MAX_MAILDIR_DEPTH:
            dirnames[:] = []
        dirnames.sort()
    return found


def _eml_files(folder: Path) -> list[Path]:
    try:
        return sorted(p for p in folder.iterdir() if p.suffix.lower() == ".eml" and p.is_file())
    except OSError:
        return []


def find_messages(paths: list[Path]) -> Source:
    """What `paths` hold: ImportFileError when it is not mail unship can read."""
    if not paths:
        raise ImportFileError("no mail given")
    shown = terminal_safe(paths[0])
    if len(paths) == 1 and paths[0].is_dir():
        folder = paths[0]
        boxes = [folder] if is_maildir(folder) else _maildirs(folder)
        if boxes:
            count = sum(len(_maildir_names(box)) for box in boxes)
            return Source("maildir", boxes, terminal_safe(folder.name or folder), count)
        emls = _eml_files(folder)
        if emls:
            return Source("eml", emls, terminal_safe(folder.name or folder), len(emls))
        raise ImportFileError(
            f"{shown} is a folder without mail: a Maildir has cur/ and new/ folders"
        )
    if len(paths) == 1:
        head = _head(paths[0])
        if not paths[0].exists():
            raise ImportFileError(f"can't read {shown}: no such file")
        if looks_like_mbox(head):
            size = paths[0].stat().st_size
            return Source("mbox", paths, terminal_safe(paths[0].name), size)
    for path in paths:
        if path.is_dir():
            raise ImportFileError(f"{terminal_safe(path)} is a folder: give it on its own")
        if not looks_like_message(_head(path)):
            raise ImportFileError(f"{terminal_safe(path)} is not an email (.eml) file")
    name = terminal_safe(paths[0].name) if len(paths) == 1 else f"{len(paths)} .eml files"
    return Source("eml", list(paths), name, len(paths))


def _maildir_names(box: Path) -> list[Path]:
    out: list[Path] = []
    for sub in ("new", "cur"):  # tmp/ holds messages still being written: never read
        try:
            names = sorted(n for n in os.listdir(box / sub) if not n.startswith("."))
        except OSError:
            continue
        out.extend(box / sub / n for n in names)
    return out


# -- reading raw messages ---------------------------------------------------------------------


def _read_file(path: Path) -> bytes:
    fd, _info = open_regular(path)
    with os.fdopen(fd, "rb") as file:
        return file.read(MAX_MESSAGE_BYTES)


Raw = tuple[str, bytes | None, str, datetime | None]


def raw_messages(source: Source, progress: Callable[[int], None] | None = None) -> Iterator[Raw]:
    """(where, bytes or None, problem, when received) per message; `progress(done)` counts
    messages, or bytes for an mbox. When received: from a Maildir file's name or an mbox
    'From ' line, for messages without a Date header."""
    if source.kind == "mbox":
        yield from _mbox_messages(source.paths[0], progress)
        return
    files = (
        [p for box in source.paths for p in _maildir_names(box)]
        if source.kind == "maildir"
        else source.paths
    )
    for n, path in enumerate(files, 1):
        where = terminal_safe(path.name)
        try:
            yield where, _read_file(path), "", _maildir_time(path.name)
        except NotRegularFile:
            yield where, None, "not a regular file", None
        except OSError as error:
            yield where, None, f"can't read it: {error.strerror or error}", None
        if progress is not None:
            progress(n)


def _maildir_time(name: str) -> datetime | None:
    m = re.match(r"(\d{9,10})\.", name)
    return datetime.fromtimestamp(int(m.group(1)), UTC) if m else None


def _from_line_time(line: bytes) -> datetime | None:
    """'From sender Thu Sep 10 13:14:54 2020' (asctime, UTC by custom)."""
    m = re.search(rb"(\w{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\d{4})", line)
    if not m:
        return None
    try:
        text = b" ".join(m.groups()).decode("ascii")
        return datetime.strptime(text, "%b %d %H %M %S %Y").replace(tzinfo=UTC)
    except ValueError:
        return None


def _mbox_messages(path: Path, progress: Callable[[int], None] | None) -> Iterator[Raw]:
    """Split an mbox on its 'From ' lines, streaming (a Takeout mbox can be gigabytes);
    '>From ' lines are unquoted (mboxrd), a message over the cap is cut there."""
    try:
        fd, _info = open_regular(path)
    except (NotRegularFile, OSError) as error:
        raise ImportFileError(f"can't read {terminal_safe(path)}: {error}") from None
    number, lines, size, done, previous_blank = 0, [], 0, 0, True
    received: datetime | None = None
    with os.fdopen(fd, "rb") as file:
        for line in file:
            done += len(line)
            if line.startswith(b"From ") and (previous_blank or _from_line_time(line)):
                if number:
                    yield f"message {number}", b"".join(lines), "", received
                    if progress is not None:
                        progress(done)
                number, lines, size = number + 1, [], 0
                received = _from_line_time(line)
                previous_blank = False
                continue
            previous_blank = line in (b"\n", b"\r\n")
            if size < MAX_MESSAGE_BYTES:
                if line.startswith(b">") and line.lstrip(b">").startswith(b"From "):
                    line = line[1:]
                lines.append(line)
                size += len(line)
        if number:
            yield f"message {number}", b"".join(lines), "", received
    if progress is not None:
        progress(done)


# -- one message -----------------------------------------------------------------------------


def message_key(message_id: str, data: bytes) -> str:
    """What is remembered of a message: a short hash of its Message-ID, else of its bytes."""
    basis = message_id.strip().encode("utf-8", "replace") if message_id else data
    prefix = "m" if message_id else "b"
    return prefix + hashlib.sha256(basis).hexdigest()[:24]


def _header(message: Message, name: str) -> str:
    """A header's text, RFC 2047 encoded words decoded; its raw text if they are broken."""
    raw = message.get(name)
    if raw is None:
        return ""
    raw = str(raw)
    if "=?" not in raw:
        return raw
    try:
        return str(make_header(decode_header(raw)))
    except Exception:  # a wrong charset or broken encoding in an encoded word
        return raw


def _address(from_header: str) -> tuple[str, str]:
    m = re.search(r"<\s*([^<>\s]+@[^<>\s]+)\s*>", from_header)
    if m:
        name = from_header[: m.start()].strip().strip('"').strip()
        return m.group(1).lower(), name
    # from a word's start only: from inside one, a long word with no @ was rescanned
    m = re.search(r"(?<![^\s<>\"])[^\s<>\"]+@[^\s<>\"]+", from_header)
    return (m.group(0).lower() if m else ""), ""


def _parse_date(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment


def read_letter(
    where: str, data: bytes, wants_body: Callable[[Letter], bool], tz: tzinfo | None = None
) -> Letter:
    """A message's headers, and its text when `wants_body(letter)` says so. Never raises."""
    end = data.find(b"\n\n", 0, 256 * 1024)
    head = data[: end + 2] if end >= 0 else data[: 256 * 1024]
    try:
        message = _PARSER.parsebytes(head, headersonly=True)
    except Exception as error:  # the parser is lenient; anything else is a line in the summary
        return Letter(key=message_key("", data), where=where, problem=_why(error))
    message_id = clean_line(_header(message, "Message-ID"), limit=300)
    sender, name = _address(_header(message, "From"))
    letter = Letter(
        key=message_key(message_id, data),
        subject=clean_line(_header(message, "Subject"), limit=200),
        sender=clean_line(sender, limit=200),
        sender_name=clean_line(name, limit=100),
        date=_parse_date(_header(message, "Date")),
        where=where,
    )
    if not wants_body(letter):
        return letter
    try:
        full = _PARSER.parsebytes(data)
        letter.text = message_text(full)
        letter.body_read = True
    except RecursionError:
        letter.problem = "nested too deeply to read"
    except Exception as error:
        letter.problem = _why(error)
    return letter


def _why(error: BaseException) -> str:
    return clean_line(f"can't read it ({type(error).__name__})", limit=120)


def message_text(message: Message) -> str:
    """The readable text of a message: text/plain parts, and HTML parts as text, in order;
    message/rfc822 parts (a forward as an attachment) too. Capped and depth-limited."""
    texts: list[str] = []
    total = 0
    stack: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while stack and seen < MAX_PARTS and total < MAX_TEXT_CHARS:
        part, depth = stack.pop()
        seen += 1
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                continue
            children = part.get_payload()
            if not isinstance(children, list):
                continue
            if part.get_content_subtype() == "alternative":  # one rendering: plain first
                plain = [c for c in children if c.get_content_type() == "text/plain"]
                children = plain[:1] or children[-1:]
            stack.extend((child, depth + 1) for child in reversed(children[:MAX_PARTS]))
            continue
        kind = part.get_content_type()
        if kind not in ("text/plain", "text/html"):
            continue
        if (part.get_content_disposition() or "") == "attachment":
            continue
        text = _part_text(part)
        if kind == "text/plain" and part.get("Content-Transfer-Encoding") is None:
            text = _bare_quoted_printable(text)
        if kind == "text/html" or _is_html(text):
            text = html_to_text(text)
        text = text[: MAX_TEXT_CHARS - total]
        texts.append(text)
        total += len(text)
    return "\n".join(texts)


def _part_text(part: Message) -> str:
    """A text part decoded: its charset, else UTF-8, else Windows-1252 (a wrong or unknown
    charset never fails); broken base64 gives what could be decoded."""
    try:
        payload = part.get_payload(decode=True) or b""
    except Exception:
        return ""
    if isinstance(payload, str):
        return payload
    charsets = [part.get_content_charset() or "utf-8", "utf-8"]
    for charset in charsets:
        try:
            return payload.decode(charset)
        except (LookupError, UnicodeDecodeError, ValueError):
            continue
    return payload.decode("cp1252", errors="replace")


def _bare_quoted_printable(text: str) -> str:
    """A body sent without its Content-Transfer-Encoding header but written in
    quoted-printable (seen from Walmart): decoded, so '=3D' and soft breaks go."""
    if text.count("=3D") < 3 and "=\n" not in text:
        return text
    try:
        return quopri.decodestring(text.encode("utf-8", "replace")).decode("utf-8", "replace")
    except (ValueError, UnicodeError):
        return text


def _is_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<html" in head or "<table" in head or "<div" in head or "<body" in head


_BLOCK = frozenset(
    [
        "br",
        "p",
        "div",
        "tr",
        "li",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "tbody",
        "thead",
        "tfoot",
        "ul",
        "ol",
        "section",
        "article",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
    ]
)
_CELL = frozenset({"td", "th"})
_HIDDEN = frozenset({"script", "style", "head", "title", "template", "noscript", "svg"})


class _TextOf(HTMLParser):
    """HTML to lines of text: block elements break lines, scripts and styles are dropped,
    links are kept as their text only (never fetched, never shown as URLs)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag in _BLOCK:
            self.out.append("\n")
        elif tag in _CELL:
            self.out.append(" \n")

    def handle_startendtag(self, tag: str, attrs) -> None:
        if tag in _BLOCK:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCK or tag in _CELL:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.out.append(data)


_SPACES = re.compile(r"[ \t\u00a0\u200b\u200c\u200d\u2007\u034f\ufeff]+")
_BLANKS = re.compile(r"\n\s*\n+")


def html_to_text(html: str) -> str:
    parser = _TextOf()
    try:
        parser.feed(html[:MAX_HTML_CHARS])
        parser.close()
    except Exception:  # html.parser is lenient; keep what was read
        pass
    text = _SPACES.sub(" ", "".join(parser.out))
    return _BLANKS.sub("\n", text).strip()


def local_date(moment: datetime | None, tz: tzinfo | None):
    """A message's date in the person's time zone (the local one unless `tz`)."""
    if moment is None:
        return None
    try:
        return moment.astimezone(tz).date()
    except (OverflowError, ValueError, OSError):
        return None
