"""The AWS CLI v2 and asso share role credentials (~/.aws/cli/cache) and read asso's endpoint.

Needs a CLI v2 (>= 2.13, for `configure export-credentials` and AWS_ENDPOINT_URL_*): the one
``ASSO_TEST_AWS_CLI_V2`` names, else the venv the vendor wheel was installed into under
``~/.cache/asso-tests``; skipped otherwise (tests install nothing from the network).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pytest
from loginkit import LoginHome, count

from tests.conftest import HELPER

_CACHED = Path.home() / ".cache" / "asso-tests" / "venv-awscli-2.36.7-py3-none-any" / "bin" / "aws"


@pytest.fixture(scope="module")
def aws_v2() -> str:
    candidate = os.environ.get("ASSO_TEST_AWS_CLI_V2") or str(_CACHED)
    if not os.access(candidate, os.X_OK):
        pytest.skip(f"no AWS CLI v2: set ASSO_TEST_AWS_CLI_V2 (not found at {candidate})")
    return candidate


def cli(home: LoginHome, aws: str, *args: str, **env: str) -> dict[str, str]:
    proc = subprocess.run(
        [aws, *args], env={**home.env, **env}, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    data: dict[str, str] = json.loads(proc.stdout)
    return data


def test_the_cli_reuses_what_asso_fetched(home: LoginHome, aws_v2: str) -> None:
    assert home.asso("login", "prod").returncode == 0
    ours = json.loads(home.asso("export", "prod").stdout)
    theirs = cli(home, aws_v2, "configure", "export-credentials", "--profile", "prod")
    assert theirs["AccessKeyId"] == ours["AccessKeyId"]
    assert theirs["Expiration"] == ours["Expiration"]  # the same format, too
    assert count(home.emu, "GetRoleCredentials") == 1


def test_asso_reuses_what_the_cli_fetched_for_sso_and_role_chains(
    home: LoginHome, aws_v2: str
) -> None:
    assert home.asso("login", "prod").returncode == 0
    for profile in ("prod", "deployer"):
        # The CLI needs a region for STS in a chain without one (asso takes the chain's).
        theirs = cli(
            home,
            aws_v2,
            "configure",
            "export-credentials",
            "--profile",
            profile,
            AWS_REGION="eu-west-1",
        )
        calls = count(home.emu, "GetRoleCredentials") + count(home.emu, "AssumeRole")
        result = home.asso("credential-process", "--profile", profile)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["AccessKeyId"] == theirs["AccessKeyId"]
        assert count(home.emu, "GetRoleCredentials") + count(home.emu, "AssumeRole") == calls
    assert len(home.emu.assumed_roles) == 1


def test_the_cli_calls_aws_through_asso_serve(home: LoginHome, aws_v2: str) -> None:
    assert home.asso("login", "prod").returncode == 0
    proc = home.spawn("serve", "prod")
    try:
        assert proc.stdout is not None
        variables = {}
        for _ in range(2):
            name, _, value = proc.stdout.readline()[len("export ") :].strip().partition("=")
            variables[name] = value
        env = {k: v for k, v in home.env.items() if k != "AWS_PROFILE"}
        who = subprocess.run(
            [aws_v2, "sts", "get-caller-identity", "--region", "us-east-1"],
            env={**env, **variables},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert who.returncode == 0, who.stderr[-2000:]
        assert json.loads(who.stdout)["Account"] == "222222222222"
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)


def test_the_cli_uses_a_populated_credential_process_profile(home: LoginHome, aws_v2: str) -> None:
    assert home.asso("login", "prod").returncode == 0
    with home.config.open("a") as handle:
        handle.write(
            f"\n[profile prod-process]\ncredential_process = {HELPER} credential-process --profile prod\n"
        )
    theirs = cli(home, aws_v2, "configure", "export-credentials", "--profile", "prod-process")
    assert theirs["AccessKeyId"] == home.emu.issued_role_credentials[-1]["accessKeyId"]
