"""asso.cli.profilearg: the profile a credentials command acts on, and that profile's region."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.cli.profilearg import profile_and_region
from asso.errors import (
    AmbiguousProfileError,
    ConfigError,
    ExitCode,
    ProfileNotFoundError,
    UsageError,
)

from ..support.samples import ORG_CONFIG, config, profile, section

# Names with blanks are quoted in the header, as botocore needs them.
ODD = config(
    profile('"sand box"', region="ap-south-1"),
    profile("日本-prod", region="ap-northeast-1"),
    profile('"$(touch pwned)"', region="eu-north-1"),
    profile("100%", region="sa-east-1"),
)


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    path = tmp_path / "aws config"
    path.write_text(ORG_CONFIG + "\n" + ODD, encoding="utf-8")
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(tmp_path / "asso"))
    return {"AWS_CONFIG_FILE": str(path), "HOME": str(tmp_path), "AWS_REGION": "us-east-2"}


@pytest.mark.parametrize(
    ("typed", "name", "region"),
    [
        ("prod-admin", "prod-admin", "eu-west-1"),
        ("depl", "deployer", None),  # a unique prefix; deployer has no region of its own
        ("READONLY", "prod-readonly", None),  # a substring, any case
        ("dev", "dev", "eu-central-1"),
        ("sand box", "sand box", "ap-south-1"),
        ("日本", "日本-prod", "ap-northeast-1"),
        ("$(touch pwned)", "$(touch pwned)", "eu-north-1"),
        ("100%", "100%", "sa-east-1"),
    ],
)
def test_typed_name_gives_canonical_profile_and_its_own_region(
    env: dict[str, str], typed: str, name: str, region: str, tmp_path: Path
) -> None:
    # AWS_REGION is set: the answer is still the profile's own region.
    assert profile_and_region(typed, env) == (name, region)
    assert not (tmp_path / "pwned").exists()


def test_alias(env: dict[str, str], tmp_path: Path) -> None:
    aliases = tmp_path / "asso" / "aliases"
    aliases.parent.mkdir()
    aliases.write_text("p = prod-admin\n")
    assert profile_and_region("p", env) == ("prod-admin", "eu-west-1")


def test_no_name_means_the_active_profile(env: dict[str, str]) -> None:
    assert profile_and_region(None, {**env, "AWS_PROFILE": "dev"}) == ("dev", "eu-central-1")
    both = {**env, "AWS_PROFILE": "dev", "AWS_DEFAULT_PROFILE": "prod-admin"}
    assert profile_and_region(None, both) == ("dev", "eu-central-1")
    fallback = {**env, "AWS_PROFILE": "", "AWS_DEFAULT_PROFILE": "prod-admin"}
    assert profile_and_region(None, fallback) == ("prod-admin", "eu-west-1")
    # Nothing set: [default], whose region is us-west-1.
    assert profile_and_region(None, env) == ("default", "us-west-1")


def test_active_profile_is_taken_exactly_not_matched(env: dict[str, str]) -> None:
    # AWS_PROFILE is a name the CLI uses as it is: no prefix matching on it.
    with pytest.raises(ProfileNotFoundError):
        profile_and_region(None, {**env, "AWS_PROFILE": "depl"})


def test_empty_name_is_a_usage_error(env: dict[str, str]) -> None:
    with pytest.raises(UsageError) as raised:
        profile_and_region("", env)
    assert raised.value.exit_code == ExitCode.USAGE
    assert "empty" in str(raised.value)


def test_unknown_and_ambiguous(env: dict[str, str]) -> None:
    with pytest.raises(ProfileNotFoundError) as missing:
        profile_and_region("nope\n$(x)", env)
    assert missing.value.exit_code == ExitCode.PROFILE_NOT_FOUND
    with pytest.raises(AmbiguousProfileError):
        profile_and_region("prod", env)


def test_broken_config_is_a_config_error(env: dict[str, str], tmp_path: Path) -> None:
    Path(env["AWS_CONFIG_FILE"]).write_text(section("profile ok") + "not a key line\n")
    with pytest.raises(ConfigError):
        profile_and_region("ok", env)
