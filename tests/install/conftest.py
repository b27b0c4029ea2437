"""Fixtures for installing asso as a user would: a wheelhouse for offline pip, a fresh HOME."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..packaging import bin_dir, build_wheelhouse, offline_pip, path_with


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """asso's wheel and its dependencies, built once (the only step that reaches the index)."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


def user_env(root: Path, wheelhouse: Path) -> dict[str, str]:
    """A new user: HOME under ``root``, PATH from a fixed list plus python3, offline pip."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "PATH": path_with(bin_dir(root)),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        **offline_pip(wheelhouse),
    }


PYTHON = sys.executable
