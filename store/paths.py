"""Where unship keeps things. Nothing is resolved at import time."""

from __future__ import annotations

import os
from pathlib import Path

APP = "unship"


def default_db_path() -> Path:
    """`UNSHIP_DB` if set, else orders.json in the user's data folder."""
    env = os.environ.get("UNSHIP_DB")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False) / "orders.json"


def config_dir() -> Path:
    """`UNSHIP_CONFIG_DIR` if set, else the user's config folder for unship."""
    env = os.environ.get("UNSHIP_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP, appauthor=False)


def cache_dir() -> Path:
    """`UNSHIP_CACHE_DIR` if set, else the user's cache folder for unship (derived data only:
    deleting it loses nothing)."""
    env = os.environ.get("UNSHIP_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_path

    return user_cache_path(APP, appauthor=False)


def own_policies() -> bool:
    """The person may have a policies file of their own (then the book reads it at once)."""
    try:
        return (config_dir() / "policies.json").exists()
    except OSError:  # can't tell: as if there were one
        return True
