"""The person's preferences (the theme, memberships and payment cards, how dates are read), kept in settings.json in the config folder.

Preferences are not orders: a missing file means the defaults, and a file that cannot be read
is reported and left alone (never overwritten), while the app goes on with the defaults.
Writes are atomic (temp file, fsync, rename) under the same kind of lock as the order file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec
from unship.store import fileio
from unship.store.errors import StoreError
from unship.store.paths import config_dir

FILE_NAME = "settings.json"
LOCK_TIMEOUT = 2.0


class SettingsError(Exception):
    """settings.json exists but cannot be read or written; the message says which and why."""


def settings_path() -> Path:
    return config_dir() / FILE_NAME


def load(path: Path | None = None) -> dict[str, Any]:
    """The saved settings; {} when there are none. SettingsError when the file is unreadable."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise SettingsError(f"cannot read {path}: {error.strerror or error}") from error
    try:
        data = msgspec.json.decode(raw)
    except msgspec.DecodeError as error:
        raise SettingsError(
            f"{path} is not valid JSON ({error}); using the defaults and leaving it untouched"
        ) from error
    if not isinstance(data, dict):
        raise SettingsError(f"{path} does not hold settings; using the defaults")
    return data


def update(path: Path | None = None, **changes: Any) -> None:
    """Merge `changes` into the saved settings. Refuses to overwrite a file it cannot read."""
    path = path or settings_path()
    try:
        fileio.ensure_dir(path.parent)
        with fileio.locked(path, LOCK_TIMEOUT):
            data = load(path)
            if all(data.get(key) == value for key, value in changes.items()):
                return
            data.update(changes)
            encoded = msgspec.json.encode(data, order="sorted")
            payload = msgspec.json.format(encoded, indent=2) + b"\n"
            fileio.atomic_write(path, payload)
    except (StoreError, OSError) as error:  # a lock not to be had, a read-only folder, a full disk
        raise SettingsError(f"cannot save {path}: {error}") from error


def get_theme(path: Path | None = None) -> str | None:
    """The last theme the person chose, or None."""
    theme = load(path).get("theme")
    return theme if isinstance(theme, str) and theme else None


def remember_theme(name: str, path: Path | None = None) -> None:
    update(path, theme=name)


def get_memberships(path: Path | None = None) -> list[str]:
    """The memberships and payment cards the person has said they have ('plus',
    'circle-card'), as keys of the policy data; [] when none."""
    found = load(path).get("memberships")
    if not isinstance(found, list):
        return []
    return sorted({m for m in found if isinstance(m, str) and m})


def set_memberships(keys: list[str] | set[str], path: Path | None = None) -> None:
    update(path, memberships=sorted(set(keys)))


def get_day_first(path: Path | None = None) -> bool:
    """Whether 3/4 means 3 April (day first, as outside the US); month first by default."""
    return load(path).get("dates") == "day-first"


def set_day_first(day_first: bool, path: Path | None = None) -> None:
    update(path, dates="day-first" if day_first else "month-first")
