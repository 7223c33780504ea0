"""store/__init__.py is the store's face: the app and the command line import from it alone,
every name it lists resolves, and names load with their module only when first used."""

from __future__ import annotations

import re
import subprocess
import sys

import unship.store as store
from io_support import ROOT

DEEP_IMPORT = re.compile(r"^\s*(from unship\.store\.\w|import unship\.store\.)", re.M)


def test_the_app_and_the_cli_import_from_the_face_alone():
    deep = [
        f"{path.relative_to(ROOT)}: {line.strip()}"
        for folder in ("tui", "unship")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for line in DEEP_IMPORT.findall(path.read_text())
    ]
    assert deep == []


def test_every_listed_name_resolves_and_nothing_else_does():
    for name in store.__all__:
        assert getattr(store, name) is not None, name
    assert sorted(store.__all__) == sorted(set(store.__all__))
    try:
        store.no_such_name  # noqa: B018
    except AttributeError as error:
        assert "no_such_name" in str(error)
    else:
        raise AssertionError("an unknown name resolved")


def test_the_app_starts_without_the_advice_engine_the_policies_or_the_importers(tmp_path):
    """The first frame needs none of them (docs/performance.md): importing the app through the
    face must not pull them in."""
    probe = (
        "import sys, unship.tui.app; "
        "print(' '.join(m for m in sys.modules if m.startswith('unship.store')))"
    )
    loaded = subprocess.run(
        # not from the repository's folder, where ./unship is the command line's sources alone
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.split()
    assert "unship.store.repository" in loaded
    for heavy in ("advice", "policies", "importers", "changes", "exporters"):
        assert f"unship.store.{heavy}" not in loaded, heavy
