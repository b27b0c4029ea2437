"""The real AWS CLI v2 (2.36.7, from the vendored wheel) against the Identity Center emulator.

What the CLI writes, asso reads; what asso writes, the CLI uses; each logs out the other's
sessions. The CLI reaches the emulator through AWS_ENDPOINT_URL_SSO_OIDC/AWS_ENDPOINT_URL_SSO;
its device-code login is approved at once by the emulator, so no browser is involved.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from asso.emulator.idc import GRANT_DEVICE_CODE

from ..support.awscli import aws_only_bin
from ..support.env import SYSTEM_BIN, VENV_BIN
from .loginkit import LoginHome, assert_no_secrets, count


@pytest.fixture
def cli(home: LoginHome, tmp_path: Path) -> LoginHome:
    """home, with the real CLI v2 first on PATH and the device code approved at once."""
    home.emu.device_auto_approve = True
    home.env["PATH"] = os.pathsep.join([str(aws_only_bin(tmp_path)), home.env["PATH"]])
    return home


def aws(home: LoginHome, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        ["aws", *args],
        env={**home.env, **env},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    home.outputs += [result.stdout, result.stderr]
    return result


def resolve(home: LoginHome, profile: str) -> dict[str, object]:
    result = home.asso("resolve", "--profile", profile, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def test_the_cli_is_version_2(cli: LoginHome) -> None:
    result = aws(cli, "--version")
    assert result.stdout.startswith("aws-cli/2.36.7 "), result.stdout + result.stderr


def test_aws_sso_login_writes_a_token_asso_reads(cli: LoginHome) -> None:
    assert resolve(cli, "prod")["token_state"] == "missing"
    result = aws(cli, "sso", "login", "--profile", "prod", "--use-device-code", "--no-browser")
    assert result.returncode == 0, result.stderr
    assert count(cli.emu, "CreateToken", GRANT_DEVICE_CODE) >= 1
    token = cli.token()
    assert token["accessToken"] in cli.emu.issued_access_tokens
    state = resolve(cli, "prod")
    assert state["token_state"] == "valid"
    assert state["expires_at"] == token["expiresAt"]
    # asso needs no login of its own: there is nothing to do.
    again = cli.asso("login", "prod")
    assert again.returncode == 0 and "already logged in" in again.stderr
    assert count(cli.emu, "StartDeviceAuthorization") == 1
    assert_no_secrets(cli.emu, cli.outputs)


def test_the_cli_exports_role_credentials_after_asso_login(cli: LoginHome) -> None:
    assert cli.asso("login", "prod", "--use-device-code", "--no-browser").returncode == 0
    cli.emu.reset_log()
    result = aws(cli, "configure", "export-credentials", "--profile", "prod", "--format", "process")
    assert result.returncode == 0, result.stderr
    creds = json.loads(result.stdout)
    assert creds["AccessKeyId"].startswith("ASIA") and creds["SessionToken"]
    # Fetched through the emulator with the token asso wrote, for prod's account and role.
    calls = [r for r in cli.emu.requests if r.operation == "GetRoleCredentials"]
    assert len(calls) == 1
    assert cli.token()["accessToken"] in cli.emu.issued_access_tokens
    assert count(cli.emu, "StartDeviceAuthorization") == 0  # no login of its own


def test_cli_backend_end_to_end(cli: LoginHome) -> None:
    """ASSO_LOGIN_BACKEND=cli: asso runs the real `aws sso login` inside its lock."""
    result = cli.asso(
        "login", "prod", "--use-device-code", "--no-browser", ASSO_LOGIN_BACKEND="cli"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # the CLI's words went to stderr
    assert "Successfully logged into Start URL" in result.stderr
    assert count(cli.emu, "CreateToken", GRANT_DEVICE_CODE) >= 1
    assert resolve(cli, "prod")["token_state"] == "valid"
    assert cli.token()["accessToken"] in cli.emu.issued_access_tokens


def test_aws_sso_logout_after_asso_login(cli: LoginHome) -> None:
    assert cli.asso("login", "prod", "--use-device-code", "--no-browser").returncode == 0
    assert cli.asso("login", "legacy", "--use-device-code", "--no-browser").returncode == 0
    issued = [cli.token()["accessToken"], cli.token(cli.legacy_token)["accessToken"]]
    result = aws(cli, "sso", "logout")
    assert result.returncode == 0, result.stderr
    assert count(cli.emu, "Logout") == 2
    assert not any(cli.emu.is_access_token_valid(t) for t in issued)
    assert not cli.session_token.exists() and not cli.legacy_token.exists()
    assert resolve(cli, "prod")["token_state"] == "missing"
    assert resolve(cli, "legacy")["token_state"] == "missing"


def test_asso_logout_all_after_aws_sso_login(cli: LoginHome) -> None:
    assert (
        aws(
            cli, "sso", "login", "--profile", "prod", "--use-device-code", "--no-browser"
        ).returncode
        == 0
    )
    issued = cli.token()["accessToken"]
    # The CLI caches the role credentials it fetched; asso's logout removes them too.
    assert aws(cli, "configure", "export-credentials", "--profile", "prod").returncode == 0
    cached = list((cli.aws / "cli" / "cache").glob("*.json"))
    assert cached
    result = cli.asso("logout", "--all")
    assert result.returncode == 0, result.stderr
    assert count(cli.emu, "Logout") == 1
    assert not cli.emu.is_access_token_valid(issued)
    assert not cli.session_token.exists()
    assert not any(p.exists() for p in cached)
    # And the CLI agrees it is logged out.
    after = aws(cli, "configure", "export-credentials", "--profile", "prod")
    assert after.returncode != 0


def blocked_botocore(tmp_path: Path, cli: LoginHome) -> dict[str, str]:
    """An environment where asso's interpreter cannot import botocore, and `aws` is the real
    CLI v2. The block is a ``botocore`` package first on PYTHONPATH that raises ImportError;
    the CLI is a separate install, so the `aws` on PATH is a wrapper that drops PYTHONPATH
    before running it (otherwise the block would hit the CLI's own botocore too)."""
    block = tmp_path / "block"
    (block / "botocore").mkdir(parents=True)
    (block / "botocore" / "__init__.py").write_text(
        "raise ImportError('botocore is blocked by the test')\n"
    )
    wrapper_dir = tmp_path / "wrapped-aws"
    wrapper_dir.mkdir()
    real = aws_only_bin(tmp_path) / "aws"
    wrapper = wrapper_dir / "aws"
    wrapper.write_text(f'#!/bin/sh\nunset PYTHONPATH\nexec "{real}" "$@"\n')
    wrapper.chmod(0o755)
    path = os.pathsep.join([str(wrapper_dir), cli.env["PATH"]])
    return {"PYTHONPATH": str(block), "PATH": path}


def test_auto_backend_falls_back_to_the_cli_without_botocore(
    cli: LoginHome, tmp_path: Path
) -> None:
    env = blocked_botocore(tmp_path, cli)
    # The block works: native is refused, for the reason given.
    native = cli.asso("login", "prod", ASSO_LOGIN_BACKEND="native", **env)
    assert native.returncode == 5
    assert "the native login needs botocore, which cannot be imported here" in native.stderr
    assert cli.emu.requests == []
    # auto: the real CLI v2 logs in.
    result = cli.asso("login", "prod", "--use-device-code", "--no-browser", **env)
    assert result.returncode == 0, result.stderr
    assert "Successfully logged into Start URL" in result.stderr
    assert count(cli.emu, "CreateToken", GRANT_DEVICE_CODE) >= 1
    assert resolve(cli, "prod")["token_state"] == "valid"


def test_auto_backend_without_botocore_or_cli_v2_says_so(cli: LoginHome, tmp_path: Path) -> None:
    env = blocked_botocore(tmp_path, cli)
    env["PATH"] = os.pathsep.join([str(VENV_BIN), str(SYSTEM_BIN)])  # no aws at all
    result = cli.asso("login", "prod", **env)
    assert result.returncode == 5
    assert "botocore cannot be imported and no AWS CLI v2 is installed" in result.stderr
    assert cli.emu.requests == []
