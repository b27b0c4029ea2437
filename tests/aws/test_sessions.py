"""asso.aws.sessions: the SSO sessions of a config, and one session's state."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.aws.config import load_config
from asso.aws.sessions import SessionState, find_session, list_sessions, sso_session_section
from asso.errors import ConfigError, UsageError

from ..support.samples import LEGACY_URL, ORG_CONFIG, START_URL


@pytest.fixture
def config(tmp_path: Path):  # type: ignore[no-untyped-def]
    path = tmp_path / "config"
    path.write_text(ORG_CONFIG + "\n[sso-session broken]\nsso_region = us-east-1\n")
    return load_config({"AWS_CONFIG_FILE": str(path), "HOME": str(tmp_path)})


def test_list_sessions_in_file_order(config) -> None:  # type: ignore[no-untyped-def]
    entries = list_sessions(config)
    assert [(e.kind, e.session.label) for e in entries] == [
        ("sso-session", "corp"),
        ("sso-session", "broken"),
        ("legacy", LEGACY_URL),
    ]
    corp, broken, legacy = entries
    assert corp.profiles == ["prod-admin", "prod-readonly", "dev"]
    assert corp.session.start_url == START_URL and corp.problem is None
    assert broken.problem == "[sso-session broken] lacks sso_start_url"
    assert legacy.profiles == ["old"]


def test_sso_session_section(config) -> None:  # type: ignore[no-untyped-def]
    session, missing = sso_session_section(config, "corp")
    assert (session.name, session.region, session.scopes, missing) == (
        "corp",
        "us-east-1",
        "sso:account:access",
        [],
    )


def test_find_session(config) -> None:  # type: ignore[no-untyped-def]
    assert find_session(config, "corp").session.name == "corp"
    assert find_session(config, LEGACY_URL).kind == "legacy"
    with pytest.raises(UsageError, match="several SSO sessions"):
        find_session(config, None)
    with pytest.raises(UsageError, match="did you mean: corp"):
        find_session(config, "corpp")
    with pytest.raises(ConfigError, match="lacks sso_start_url"):
        find_session(config, "broken")


def test_session_state_without_token_or_directory(
    config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ASSO_CACHE_DIR", str(tmp_path / "cache"))
    state = SessionState(list_sessions(config)[0], now=1_800_000_000.0)
    data = state.to_json()
    assert data["token_state"] == "missing" and data["seconds_left"] is None
    assert data["accounts"] is None and data["profile_count"] == 3
