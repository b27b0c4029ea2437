"""asso.sso.awscli: what an ``aws`` reports as its version, and ``aws sso login`` run inside
asso's time limit.

The successful login runs the real AWS CLI v2 against the emulator. The versions no machine here
has (v1, v2 before sso-session or --use-device-code) and the ways a CLI can fail are small
programs named ``aws`` that answer ``--version`` as those CLIs do and write down how they were
started.
"""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Optional

import pytest

from asso.aws import tokens
from asso.aws.config import load_config
from asso.errors import LoginError
from asso.sso.awscli import aws_cli_version, cli_login, probe_version
from asso.sso.oidc import Deadline
from asso.sso.settings import LoginOptions
from asso.sso.target import Target, resolve_target

from ..support.awscli import aws_only_bin
from ..support.env import SYSTEM_BIN
from .loginkit import LoginHome, count

# A stand-in: ``--version`` prints $VERSION_TEXT on fd $VERSION_FD; anything else writes its
# arguments and AWS_PROFILE (one JSON list) to $AWS_LOG, prints a line on stdout and runs $THEN.
STAND_IN = """#!/bin/sh
if [ "$1" = --version ]; then
  printf '%s\\n' "$VERSION_TEXT" >&"${VERSION_FD:-1}"
  exit "${VERSION_EXIT:-0}"
fi
python3 -c 'import json, os, sys; json.dump([sys.argv[1:], os.environ.get("AWS_PROFILE"), "AWS_DEFAULT_PROFILE" in os.environ], open(os.environ["AWS_LOG"], "w"))' "$@"
echo "the CLI talks on stdout"
eval "${THEN:-exit 0}"
"""


def stand_in(directory: Path, text: str = STAND_IN) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "aws"
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def env_for(directory: Path, **more: str) -> dict[str, str]:
    python_dir = str(Path(os.environ["PATH"].split(os.pathsep)[0]))  # this venv: python3
    return {"PATH": os.pathsep.join([str(directory), python_dir, str(SYSTEM_BIN)]), **more}


@pytest.mark.parametrize(
    ("text", "fd", "version", "word"),
    [
        (
            "aws-cli/2.36.7 Python/3.11.9 Linux/6.1 exe/x86_64.debian.12",
            "1",
            (2, 36, 7),
            "aws-cli/2.36.7",
        ),
        # v1 says it on stderr.
        ("aws-cli/1.18.69 Python/2.7.18 Linux/5.4 botocore/1.16.19", "2", (1, 18, 69), None),
        ("some banner\naws-cli/2.9.0dev1 Python/3.9", "1", (2, 9, 0), "aws-cli/2.9.0dev1"),
    ],
)
def test_probe_version_reads_the_aws_cli_word(
    tmp_path: Path, text: str, fd: str, version: tuple[int, int, int], word: Optional[str]
) -> None:
    aws = stand_in(tmp_path / "dir with spaces 'and quotes' $(x)")
    env = env_for(aws.parent, VERSION_TEXT=text, VERSION_FD=fd)
    assert probe_version(str(aws), env) == (version, word or "aws-cli/1.18.69")


def test_probe_version_without_a_version(tmp_path: Path) -> None:
    aws = stand_in(tmp_path / "bin")
    env = env_for(aws.parent, VERSION_TEXT="aws-cli/two.x", VERSION_FD="1")
    assert probe_version(str(aws), env) == (None, "aws-cli/two.x")
    env = env_for(aws.parent, VERSION_TEXT="", VERSION_EXIT="3")
    assert probe_version(str(aws), env) == (
        None,
        f"`{aws} --version` said no version (exit 3)",
    )


def test_probe_version_of_something_that_cannot_run(tmp_path: Path) -> None:
    plain = tmp_path / "aws"
    plain.write_text("not a program")
    assert probe_version(str(plain), {}) == (
        None,
        f"cannot run `{plain} --version`: PermissionError",
    )
    missing = tmp_path / "gone"
    assert (
        probe_version(str(missing), {})[1] == f"cannot run `{missing} --version`: FileNotFoundError"
    )


def test_aws_cli_version_uses_the_path_it_is_given(tmp_path: Path) -> None:
    assert aws_cli_version({"PATH": str(SYSTEM_BIN)}) == (None, "no `aws` command on PATH")
    first = stand_in(tmp_path / "first")
    stand_in(tmp_path / "second")
    env = env_for(first.parent, VERSION_TEXT="aws-cli/1.2.3 Python/3")
    env["PATH"] += os.pathsep + str(tmp_path / "second")
    assert aws_cli_version(env) == ((1, 2, 3), "aws-cli/1.2.3")


# cli_login


@pytest.fixture
def target(home: LoginHome, monkeypatch: pytest.MonkeyPatch) -> Target:
    """prod, on sso-session my-sso, with this process's HOME the login home (the token path)."""
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)
    return resolve_target(load_config(home.env), "prod")


def test_real_cli_v2_logs_in_and_the_new_expiry_is_returned(
    home: LoginHome, target: Target, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    home.emu.device_auto_approve = True
    env = {**home.env, "PATH": os.pathsep.join([str(aws_only_bin(tmp_path)), home.env["PATH"]])}
    options = LoginOptions(use_device_code=True, no_browser=True, backend="cli")
    expires = cli_login(target, options, env, Deadline(120))
    status = target.status()
    assert status.state == tokens.VALID
    assert expires == status.expires_at and expires > time.time()
    assert home.token()["accessToken"] in home.emu.issued_access_tokens
    assert count(home.emu, "StartDeviceAuthorization") == 1
    out, err = capfd.readouterr()
    assert out == ""  # the CLI's words went to stderr
    assert "Successfully logged into Start URL" in err


def login_with(
    target: Target, tmp_path: Path, version: str, options: LoginOptions, **more: str
) -> tuple[list[str], str, bool]:
    aws = stand_in(tmp_path / "cli bin")
    log = tmp_path / "argv.json"
    env = env_for(aws.parent, VERSION_TEXT=f"aws-cli/{version} Python/3.11", AWS_LOG=str(log))
    env.update(more)
    try:
        cli_login(target, options, env, Deadline(60))
    except LoginError:
        pass  # the stand-in writes no token: looked at by the tests that need it
    argv, profile, default_kept = json.loads(log.read_text())
    return argv, profile, default_kept


def test_sso_session_and_device_code_flags_follow_the_cli_version(
    target: Target, tmp_path: Path
) -> None:
    device = LoginOptions(use_device_code=True, no_browser=True)
    new = login_with(target, tmp_path, "2.22.0", device, AWS_DEFAULT_PROFILE="other")
    assert new == (
        ["sso", "login", "--sso-session", "my-sso", "--no-browser", "--use-device-code"],
        "prod",
        False,  # AWS_DEFAULT_PROFILE is not passed on: AWS_PROFILE names the profile
    )
    # 2.21: no --use-device-code yet; 2.8: no --sso-session yet, the profile instead.
    assert login_with(target, tmp_path, "2.21.9", device)[0] == [
        "sso",
        "login",
        "--sso-session",
        "my-sso",
        "--no-browser",
    ]
    assert login_with(target, tmp_path, "2.8.12", LoginOptions())[0] == [
        "sso",
        "login",
        "--profile",
        "prod",
    ]


def test_legacy_and_chained_profiles_log_in_through_the_sso_profile(
    home: LoginHome, target: Target, tmp_path: Path
) -> None:
    config = load_config(home.env)
    legacy = resolve_target(config, "legacy")
    assert login_with(legacy, tmp_path, "2.36.7", LoginOptions())[:2] == (
        ["sso", "login", "--profile", "legacy"],
        "legacy",
    )
    chained = resolve_target(config, "deployer")
    assert login_with(chained, tmp_path, "2.8.0", LoginOptions())[:2] == (
        ["sso", "login", "--profile", "prod"],
        "prod",
    )


@pytest.mark.parametrize(
    ("version_text", "said"),
    [
        ("aws-cli/1.18.69 Python/2.7", "but `aws` is aws-cli/1.18.69 (v1)"),
        ("aws-cli/3.0.0 Python/3.13", "but `aws` is aws-cli/3.0.0 (v3)"),
        ("nothing useful", "--version` said no version (exit 0)"),
    ],
)
def test_anything_but_v2_is_refused_before_running(
    target: Target, tmp_path: Path, version_text: str, said: str
) -> None:
    aws = stand_in(tmp_path / "bin")
    log = tmp_path / "argv.json"
    env = env_for(aws.parent, VERSION_TEXT=version_text, AWS_LOG=str(log))
    with pytest.raises(LoginError) as raised:
        cli_login(target, LoginOptions(), env, Deadline(60))
    assert said in str(raised.value)
    assert "ASSO_LOGIN_BACKEND=native" in str(raised.value)
    assert not log.exists()  # `aws sso login` never started


def test_no_aws_at_all(target: Target) -> None:
    with pytest.raises(LoginError, match="but no `aws` command on PATH"):
        cli_login(target, LoginOptions(), {"PATH": str(SYSTEM_BIN)}, Deadline(60))


def test_failure_and_a_success_that_wrote_no_token(target: Target, tmp_path: Path) -> None:
    aws = stand_in(tmp_path / "bin")
    env = env_for(aws.parent, VERSION_TEXT="aws-cli/2.36.7", AWS_LOG=str(tmp_path / "log"))
    with pytest.raises(LoginError) as failed:
        cli_login(target, LoginOptions(), {**env, "THEN": "exit 7"}, Deadline(60))
    assert str(failed.value) == "`aws sso login` failed (exit status 7)"
    with pytest.raises(LoginError) as empty:
        cli_login(target, LoginOptions(), env, Deadline(60))
    assert str(empty.value) == f"`aws sso login` succeeded but left no valid token in {target.path}"


def test_expired_token_left_behind_is_not_a_success(
    home: LoginHome, target: Target, tmp_path: Path
) -> None:
    home.write_token("my-sso", expires_in=-60)
    aws = stand_in(tmp_path / "bin")
    env = env_for(aws.parent, VERSION_TEXT="aws-cli/2.36.7", AWS_LOG=str(tmp_path / "log"))
    with pytest.raises(LoginError, match="left no valid token"):
        cli_login(target, LoginOptions(), env, Deadline(60))


def test_a_cli_that_hangs_is_killed_at_the_deadline(target: Target, tmp_path: Path) -> None:
    aws = stand_in(tmp_path / "bin")
    pid_file = tmp_path / "pid"
    env = env_for(
        aws.parent,
        VERSION_TEXT="aws-cli/2.36.7",
        AWS_LOG=str(tmp_path / "log"),
        THEN=f"echo $$ > '{pid_file}'; exec sleep 60",
    )
    started = time.monotonic()
    with pytest.raises(LoginError) as raised:
        cli_login(target, LoginOptions(), env, Deadline(2))
    assert time.monotonic() - started < 30
    assert str(raised.value) == "`aws sso login` did not finish within 2s"
    pid = int(pid_file.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped
