"""asso.paths: its own directories follow platformdirs; ASSO_*_DIR overrides win."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

import platformdirs
import pytest

from asso import paths

KINDS: dict[str, tuple[Callable[[], str], Callable[..., str], str, str]] = {
    # kind: (asso getter, platformdirs getter, XDG variable, override variable)
    "cache": (
        paths.user_cache_dir,
        platformdirs.user_cache_dir,
        "XDG_CACHE_HOME",
        "ASSO_CACHE_DIR",
    ),
    "config": (
        paths.user_config_dir,
        platformdirs.user_config_dir,
        "XDG_CONFIG_HOME",
        "ASSO_CONFIG_DIR",
    ),
    "state": (
        paths.user_state_dir,
        platformdirs.user_state_dir,
        "XDG_STATE_HOME",
        "ASSO_STATE_DIR",
    ),
    "data": (paths.user_data_dir, platformdirs.user_data_dir, "XDG_DATA_HOME", "ASSO_DATA_DIR"),
}


@pytest.fixture
def clean_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    for name in list(os.environ):
        if name.startswith(("XDG_", "ASSO_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(home))
    return home


def platformdirs_value(getter: Callable[..., str]) -> str:
    return str(getter("asso", appauthor=False))


@pytest.mark.parametrize("kind", KINDS)
def test_defaults_match_platformdirs(clean_home: Path, kind: str) -> None:
    ours, theirs, _, _ = KINDS[kind]
    assert ours() == platformdirs_value(theirs)
    assert ours().startswith(str(clean_home) + os.sep)
    assert os.path.basename(ours()) == "asso"
    assert not os.path.exists(ours())  # asking does not create it


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "value", ["{tmp}/xdg", "{tmp}/xdg/", ""], ids=["set", "trailing-slash", "empty"]
)
def test_xdg_variables_match_platformdirs(
    clean_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str, value: str
) -> None:
    ours, theirs, variable, _ = KINDS[kind]
    monkeypatch.setenv(variable, value.format(tmp=tmp_path))
    assert ours() == platformdirs_value(theirs)
    if value and sys.platform.startswith("linux"):
        assert ours() == os.path.join(value.format(tmp=tmp_path), "asso")


@pytest.mark.parametrize("kind", KINDS)
def test_other_xdg_variables_do_not_leak(
    clean_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    ours, theirs, variable, _ = KINDS[kind]
    for _, _, other, _ in KINDS.values():
        if other != variable:
            monkeypatch.setenv(other, str(tmp_path / other))
    assert ours() == platformdirs_value(theirs)


@pytest.mark.parametrize("kind", KINDS)
def test_override_wins(
    clean_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    ours, theirs, variable, override = KINDS[kind]
    monkeypatch.setenv(variable, str(tmp_path / "xdg"))
    monkeypatch.setenv(override, str(tmp_path / "mine"))
    assert ours() == str(tmp_path / "mine")
    # Overrides are used as given (no "asso" appended), with ~ and $VARS expanded.
    monkeypatch.setenv("ASSO_TEST_SUB", "sub")
    monkeypatch.setenv(override, "~/$ASSO_TEST_SUB/dir")
    assert ours() == str(clean_home / "sub" / "dir")
    # An empty override means "not set".
    monkeypatch.setenv(override, "")
    assert ours() == platformdirs_value(theirs)


def test_overrides_are_independent(
    clean_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ASSO_CACHE_DIR", str(tmp_path / "c"))
    assert paths.user_cache_dir() == str(tmp_path / "c")
    assert paths.user_state_dir() == platformdirs_value(platformdirs.user_state_dir)


def test_aws_locations(clean_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_CONFIG_FILE", raising=False)
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE", raising=False)
    assert paths.aws_config_file() == str(clean_home / ".aws" / "config")
    assert paths.aws_credentials_file() == str(clean_home / ".aws" / "credentials")
    assert paths.sso_cache_dir() == str(clean_home / ".aws" / "sso" / "cache")
    assert paths.cli_cache_dir() == str(clean_home / ".aws" / "cli" / "cache")
    env = {"AWS_CONFIG_FILE": "~/elsewhere/config", "AWS_SHARED_CREDENTIALS_FILE": "/abs/creds"}
    assert paths.aws_config_file(env) == str(clean_home / "elsewhere" / "config")
    assert paths.aws_credentials_file(env) == "/abs/creds"
