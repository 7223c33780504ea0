"""Shared helpers for the app's pilot tests."""

from __future__ import annotations

import asyncio
import functools


def sync(test):
    """Run an async test without an async pytest plugin."""

    @functools.wraps(test)
    def run_it(*args, **kwargs):
        asyncio.run(test(*args, **kwargs))

    return run_it
