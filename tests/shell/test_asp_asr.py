"""asp, asr, asso_prompt_info and the prompt variables, in real zsh and bash processes."""

from __future__ import annotations

import time

import pytest

from ..conftest import START_URL, AwsHome, run_shell
from ..support.samples import KEYS, config, legacy_profile, profile, section, session, sso_profile

CONFIG = config(
    section("default", region="eu-west-1"),
    session("my-sso", scopes=True),
    sso_profile("prod-admin", "111122223333", "AdministratorAccess", "my-sso", region="eu-west-1"),
    sso_profile("prod-readonly", "111122223333", "ReadOnly", "my-sso"),
    legacy_profile("legacy", "222233334444", "ReadOnly", sso_account_name="Legacy Account"),
    profile(
        "deployer",
        role_arn="arn:aws:iam::999988887777:role/deploy/Deployer",
        source_profile="prod-admin",
    ),
    KEYS,
    profile(
        "broken-chain",
        role_arn="arn:aws:iam::999988887777:role/X",
        source_profile="nowhere",
    ),
)

SHOW = 'printf "%s|%s|%s|%s|%s|%s\\n" "${AWS_PROFILE-}" "${AWS_DEFAULT_PROFILE-}" "$ASSO_PROMPT" "$ASSO_ACCOUNT_ID" "$ASSO_ROLE" "$ASSO_TOKEN_STATE"'


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    return aws_home


def lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    assert "Traceback" not in result.stderr
    return result.stdout.splitlines()


def test_asp_switches_and_renders_each_kind(shell: str, home: AwsHome) -> None:
    home.write_token("my-sso", expires_in=7 * 3600 + 12 * 60 + 30)
    script = "\n".join(
        f"asp {name} && {SHOW}" for name in ("prod-admin", "legacy", "deployer", "keys")
    )
    out = lines(run_shell(shell, script, home.env))
    assert (
        out[0]
        == "prod-admin|prod-admin|111122223333/AdministratorAccess 7h12m|111122223333|AdministratorAccess|valid"
    )
    # Legacy profile: no token for the start URL; the account name comes from the profile key.
    assert out[1] == "legacy|legacy|Legacy Account/ReadOnly no token|222233334444|ReadOnly|missing"
    # A role profile shows its own account and role, and the token of the SSO profile it sources.
    assert out[2] == "deployer|deployer|999988887777/Deployer 7h12m|999988887777|Deployer|valid"
    assert out[3] == "keys|keys|keys|||"


def test_unknown_profile_changes_nothing(shell: str, home: AwsHome) -> None:
    result = run_shell(shell, f"asp prod-admin; asp prod-admni; echo rc=$?; {SHOW}", home.env)
    out = lines(result)
    assert out[0] == "rc=4"
    assert out[1].startswith("prod-admin|prod-admin|111122223333/AdministratorAccess")
    err = result.stderr.strip().splitlines()
    assert len(err) == 1
    assert "prod-admni" in err[0] and str(home.config) in err[0] and "prod-admin" in err[0]


def test_broken_profile_is_refused(shell: str, home: AwsHome) -> None:
    result = run_shell(shell, f"asp broken-chain; echo rc=$?; {SHOW}", home.env)
    out = lines(result)
    assert out[0] == "rc=3"
    assert out[1].startswith("||")
    assert 'source_profile "nowhere"' in result.stderr


def test_clear_and_previous(shell: str, home: AwsHome) -> None:
    script = f"""
asp prod-admin
asp legacy
asp -
{SHOW}
asp
echo "cleared=${{AWS_PROFILE-unset}}/${{AWS_DEFAULT_PROFILE-unset}}"
asp -
{SHOW}
"""
    out = lines(run_shell(shell, script, home.env))
    assert out[0].startswith("prod-admin|prod-admin|")
    assert out[1] == "AWS profile cleared."
    assert out[2] == "cleared=unset/unset"
    assert out[3].startswith("prod-admin|")


def test_asp_dash_without_previous(shell: str, home: AwsHome) -> None:
    result = run_shell(shell, "asp -; echo rc=$?", home.env)
    assert lines(result) == ["rc=1"]
    assert "no previous profile" in result.stderr


def test_asp_login_action_is_accepted_and_bad_action_refused(shell: str, home: AwsHome) -> None:
    result = run_shell(
        shell, "asp prod-admin frobnicate; echo rc=$?; echo ${AWS_PROFILE-unset}", home.env
    )
    assert lines(result) == ["rc=2", "unset"]
    assert "frobnicate" in result.stderr


def test_hand_export_is_followed(shell: str, home: AwsHome) -> None:
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    script = f"""
export AWS_PROFILE=prod-readonly
{hook}
echo "$ASSO_PROMPT"
export AWS_PROFILE=legacy
{hook}
echo "$ASSO_PROMPT"
export AWS_PROFILE=not-there
{hook}
echo "$ASSO_PROMPT"
unset AWS_PROFILE
{hook}
echo "$ASSO_PROMPT"
"""
    out = lines(run_shell(shell, script, home.env))
    assert out == [
        "111122223333/ReadOnly no token",
        "Legacy Account/ReadOnly no token",
        "not-there (unknown profile)",
        "default",  # the default profile exists: the next command uses it
    ]


def test_region_display_modes(shell: str, home: AwsHome) -> None:
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    script = f"""
asp prod-readonly
echo "$ASSO_PROMPT|$ASSO_REGION"
asr eu-central-1
echo "$ASSO_PROMPT|$ASSO_REGION|$AWS_REGION|$AWS_DEFAULT_REGION"
ASSO_PROMPT_REGION=never
{hook}
echo "$ASSO_PROMPT"
asr
echo "${{AWS_REGION-unset}}"
asp prod-admin
ASSO_PROMPT_REGION=always
{hook}
echo "$ASSO_PROMPT"
"""
    out = lines(run_shell(shell, script, home.env))
    assert out[0] == "111122223333/ReadOnly no token|"
    assert (
        out[1]
        == "111122223333/ReadOnly eu-central-1 no token|eu-central-1|eu-central-1|eu-central-1"
    )
    assert out[2] == "111122223333/ReadOnly no token"
    assert out[3] == "AWS region cleared."
    assert out[4] == "unset"
    assert out[5] == "111122223333/AdministratorAccess eu-west-1 no token"


def test_asr_validation(shell: str, home: AwsHome) -> None:
    result = run_shell(
        shell,
        'asr moon-base-9; echo "rc=$? $AWS_REGION"; asr "us east 1"; echo "rc=$? $AWS_REGION"',
        home.env,
    )
    assert lines(result) == ["rc=0 moon-base-9", "rc=2 moon-base-9"]
    assert "not known to this botocore" in result.stderr
    assert "not a region name" in result.stderr


def test_custom_format_and_prompt_info(shell: str, home: AwsHome) -> None:
    home.write_token("my-sso", expires_in=30 * 60 + 20)
    script = r"""
ASSO_PROMPT_FORMAT='<{profile}>[ acct={account_name}][ {state}] \[{time_left}\]'
asp prod-admin
echo "$ASSO_PROMPT"
echo "[$(asso_prompt_info)]"
"""
    out = lines(run_shell(shell, script, home.env))
    assert out == ["<prod-admin> valid [30m]", "[<prod-admin> valid [30m]]"]


def test_time_left_and_expiry_states(shell: str, home: AwsHome) -> None:
    home.write_token("my-sso", expires_in=-60)
    home.write_token(START_URL, expires_in=45)
    script = f"asp prod-admin && {SHOW}; asp legacy && {SHOW}"
    out = lines(run_shell(shell, script, home.env))
    assert out[0].split("|")[2:] == [
        "111122223333/AdministratorAccess expired",
        "111122223333",
        "AdministratorAccess",
        "expired",
    ]
    assert out[1].split("|")[2] == "Legacy Account/ReadOnly <1m"


def test_refreshable_token_shows_time_left(shell: str, home: AwsHome) -> None:
    home.write_token("my-sso", expires_in=10 * 60 + 5, refreshable=True)
    out = lines(run_shell(shell, f"asp prod-admin && {SHOW}", home.env))
    assert out[0].endswith(
        "|111122223333/AdministratorAccess 10m|111122223333|AdministratorAccess|refreshable"
    )


def test_expires_at_is_epoch(shell: str, home: AwsHome) -> None:
    token = home.write_token("my-sso", expires_in=3600)
    import json

    from asso.aws.tokens import parse_time

    expected = int(parse_time(json.loads(token.read_text())["expiresAt"]) or 0)
    out = lines(run_shell(shell, 'asp prod-admin; echo "$ASSO_EXPIRES_AT"', home.env))
    assert out == [str(expected)]
    assert abs(expected - (time.time() + 3600)) < 5


def test_missing_helper_never_breaks_the_shell(shell: str, home: AwsHome) -> None:
    env = {**home.env, "ASSO_HELPER": str(home.root / "no-such-helper")}
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    script = f"""
export AWS_PROFILE=prod-admin
{hook}; {hook}; {hook}
echo "prompt=[$ASSO_PROMPT]"
asp prod-admin; echo "rc=$?"
"""
    result = run_shell(shell, script, env)
    assert lines(result) == ["prompt=[]", "rc=1"]
    # One message, from the explicit asp; the hooks stay silent.
    assert result.stderr.count("\n") == 1 and "not installed" in result.stderr


def test_broken_config_keeps_prompt_working(shell: str, home: AwsHome) -> None:
    home.write_config("[profile a]\nx = 1\nx = 2\n")
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    script = f"""
export AWS_PROFILE=a
{hook}; {hook}
echo "prompt=[$ASSO_PROMPT] error=[$ASSO_ERROR]"
asp a; echo "rc=$?"
"""
    result = run_shell(shell, script, home.env)
    out = lines(result)
    assert out[0].startswith("prompt=[a (config error)] error=[Unable to parse config file: ")
    assert out[1] == "rc=3"
    assert result.stderr.count("\n") == 1 and "Unable to parse config file" in result.stderr


def test_empty_argument_clears_like_oh_my_zsh(shell: str, home: AwsHome) -> None:
    out = lines(run_shell(shell, 'asp prod-admin; asp ""; echo "${AWS_PROFILE-unset}"', home.env))
    assert out == ["AWS profile cleared.", "unset"]
