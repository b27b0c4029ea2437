"""asso.aws.resolve: the active profile, its region and where it comes from, a resolution."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.aws.config import load_config
from asso.aws.resolve import active_profile, resolve_profile, session_profiles
from asso.errors import ProfileNotFoundError

from ..support.samples import ORG_CONFIG, START_URL


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("ASSO_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path / "asso"))
    path = tmp_path / "config"
    path.write_text(ORG_CONFIG)
    return load_config({"AWS_CONFIG_FILE": str(path), "HOME": str(tmp_path)})


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ("default", "default")),
        ({"AWS_DEFAULT_PROFILE": "b"}, ("b", "AWS_DEFAULT_PROFILE")),
        ({"AWS_PROFILE": "a", "AWS_DEFAULT_PROFILE": "b"}, ("a", "AWS_PROFILE")),
    ],
)
def test_active_profile(env: dict[str, str], expected: tuple[str, str]) -> None:
    assert active_profile(env) == expected


@pytest.mark.parametrize(
    ("env", "region", "source"),
    [
        ({}, "eu-west-1", "profile"),
        ({"AWS_DEFAULT_REGION": "ap-south-1"}, "ap-south-1", "env"),
        ({"AWS_REGION": "us-east-2", "AWS_DEFAULT_REGION": "ap-south-1"}, "us-east-2", "env"),
    ],
)
def test_region_and_its_source(config, env: dict[str, str], region: str, source: str) -> None:  # type: ignore[no-untyped-def]
    res = resolve_profile(config, "prod-admin", env)
    assert (res.region, res.region_source) == (region, source)


def test_an_sso_profile(config) -> None:  # type: ignore[no-untyped-def]
    res = resolve_profile(config, "dev", {})
    assert (res.kind, res.account_id, res.role) == ("sso", "444455556666", "Developer")
    assert (res.sso_session, res.start_url, res.token_state) == ("corp", START_URL, "missing")
    assert res.error is None


def test_unknown_profile_raises(config) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ProfileNotFoundError):
        resolve_profile(config, "nope", {})


def test_session_profiles(config) -> None:  # type: ignore[no-untyped-def]
    names = [r.profile for r in session_profiles(config, "corp")]
    assert names == ["prod-admin", "prod-readonly", "dev", "deployer"]  # deployer: via dev
    assert len(session_profiles(config, None)) == len(config.profiles)
