"""asso.sso.target: which SSO session a profile (or an [sso-session]) logs in to, its token
file, its label, its status, and the lock that guards it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from asso.aws import tokens
from asso.aws.config import AwsConfig, load_config
from asso.errors import ConfigError, ProfileNotFoundError
from asso.sso.target import lock_path, resolve_session_target, resolve_target

from ..conftest import AwsHome, sha1_hex
from ..support.samples import (
    LEGACY_URL,
    START_URL,
    config,
    keys_profile,
    legacy_profile,
    profile,
    section,
    session,
    sso_profile,
)

CONFIG = config(
    session("corp", scopes=True),
    session('"日本 $(x) 100%"', start_url=LEGACY_URL, sso_region="eu-west-1"),
    section("sso-session half", sso_start_url=START_URL),  # no sso_region
    sso_profile("prod", "111122223333", "Admin"),
    sso_profile('"sand box"', "555566667777", "Dev", session="日本 $(x) 100%"),
    legacy_profile("legacy", "777788889999", "Legacy", start_url=LEGACY_URL),
    profile("deployer", role_arn="arn:aws:iam::999999999999:role/Deployer", source_profile="prod"),
    profile("hop", role_arn="arn:aws:iam::999999999999:role/Hop", source_profile="deployer"),
    keys_profile("keys"),
    profile("on-keys", role_arn="arn:aws:iam::999999999999:role/K", source_profile="keys"),
    profile("lost", sso_session="nowhere", sso_account_id="111122223333", sso_role_name="A"),
    profile(
        "granted",
        credential_process="granted credential-process --profile granted",
        granted_sso_start_url=START_URL,
        granted_sso_region="us-east-1",
        granted_sso_account_id="111122223333",
        granted_sso_role_name="Admin",
    ),
)


@pytest.fixture
def cfg(aws_home: AwsHome, monkeypatch: pytest.MonkeyPatch) -> AwsConfig:
    for name, value in aws_home.env.items():
        monkeypatch.setenv(name, value)
    aws_home.write_config(CONFIG)
    return load_config(aws_home.env)


def test_sso_session_profile(cfg: AwsConfig, aws_home: AwsHome) -> None:
    target = resolve_target(cfg, "prod")
    assert (target.profile, target.sso_profile) == ("prod", "prod")
    assert target.session.name == "corp" and target.session.start_url == START_URL
    assert target.session.scopes == "sso:account:access"
    assert target.path == str(aws_home.token_file("corp"))  # botocore's file name
    assert target.refresh_allowed
    assert target.label == "sso-session corp"


def test_legacy_profile_is_keyed_by_its_start_url_and_never_refreshed(
    cfg: AwsConfig, aws_home: AwsHome
) -> None:
    target = resolve_target(cfg, "legacy")
    assert target.session.name is None
    assert target.path == str(aws_home.token_file(LEGACY_URL))
    assert not target.refresh_allowed
    assert target.label == f"start URL {LEGACY_URL}"


def test_awkward_session_name(cfg: AwsConfig, aws_home: AwsHome) -> None:
    target = resolve_target(cfg, "sand box")
    assert target.session.name == "日本 $(x) 100%"
    assert target.path == str(aws_home.token_file("日本 $(x) 100%"))
    assert target.label == "sso-session 日本 $(x) 100%"


def test_role_chain_logs_in_to_the_end_of_the_chain(cfg: AwsConfig) -> None:
    for name in ("deployer", "hop"):
        target = resolve_target(cfg, name)
        assert (target.profile, target.sso_profile) == (name, "prod")
        assert target.session.name == "corp"


def test_profiles_without_identity_center(cfg: AwsConfig) -> None:
    with pytest.raises(ConfigError) as keys:
        resolve_target(cfg, "keys")
    assert str(keys.value) == (
        "profile 'keys' does not use IAM Identity Center: nothing to log in to"
    )
    with pytest.raises(ConfigError) as chained:
        resolve_target(cfg, "on-keys", action="log out of")
    assert str(chained.value) == (
        "profile 'on-keys' does not use IAM Identity Center "
        "(its credentials come from profile 'keys'): nothing to log out of"
    )


def test_granted_profile_is_granted_s_to_log_in(cfg: AwsConfig) -> None:
    with pytest.raises(ConfigError, match="log in with granted"):
        resolve_target(cfg, "granted")


def test_misconfigured_and_missing_profiles(cfg: AwsConfig) -> None:
    with pytest.raises(ConfigError) as lost:
        resolve_target(cfg, "lost")
    assert str(lost.value).startswith("profile 'lost': ")
    assert "nowhere" in str(lost.value)
    with pytest.raises(ProfileNotFoundError):
        resolve_target(cfg, "prd")


def test_status_follows_the_token_file(cfg: AwsConfig, aws_home: AwsHome) -> None:
    session_target = resolve_target(cfg, "prod")
    legacy_target = resolve_target(cfg, "legacy")
    assert session_target.status().state == tokens.MISSING
    aws_home.write_token("corp")
    status = session_target.status()
    assert status.state == tokens.VALID and status.path == session_target.path
    # Expired but refreshable: an sso-session token can be refreshed, a legacy one cannot.
    aws_home.write_token("corp", expires_in=-60, refreshable=True)
    aws_home.write_token(LEGACY_URL, expires_in=-60, refreshable=True)
    assert session_target.status().state == tokens.REFRESHABLE
    assert legacy_target.status().state == tokens.EXPIRED


def test_session_target_on_its_own(cfg: AwsConfig, aws_home: AwsHome) -> None:
    target = resolve_session_target(cfg, "corp")
    assert target.profile == target.sso_profile == target.label == "sso-session corp"
    assert target.path == str(aws_home.token_file("corp"))
    assert target.refresh_allowed
    odd = resolve_session_target(cfg, "日本 $(x) 100%")
    assert odd.session.region == "eu-west-1" and odd.session.start_url == LEGACY_URL


def test_session_target_errors(cfg: AwsConfig) -> None:
    with pytest.raises(ConfigError) as missing:
        resolve_session_target(cfg, "crop")
    assert str(missing.value) == (
        'The specified sso-session does not exist: "crop" (did you mean: corp?)'
    )
    with pytest.raises(ConfigError) as unlike:
        resolve_session_target(cfg, "zzzzzzzz")
    assert "did you mean" not in str(unlike.value)
    with pytest.raises(ConfigError, match="sso-session 'half' is missing sso_region"):
        resolve_session_target(cfg, "half")


def test_lock_path_is_in_asso_cache_one_per_token_file(cfg: AwsConfig, aws_home: AwsHome) -> None:
    prod, deployer, legacy = (resolve_target(cfg, n) for n in ("prod", "deployer", "legacy"))
    path = lock_path(prod)
    assert path == os.path.join(
        str(aws_home.cache_dir), "locks", sha1_hex(str(aws_home.token_file("corp"))) + ".lock"
    )
    assert lock_path(deployer) == path  # same session, same lock
    assert lock_path(resolve_session_target(cfg, "corp")) == path
    assert lock_path(legacy) != path
    assert Path(path).name.isascii() and " " not in Path(path).name
