"""Secrets never leak: a full scenario (login, asp, status, populate, resolve, logout, and the
demo) against the emulator, scanning every stdout, stderr, prompt and exported variable for the
access tokens, refresh tokens, client secrets and role keys that were issued."""

from __future__ import annotations

import glob
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asso.emulator.idc import IdentityCenterEmulator, Organization

from ..conftest import HELPER, REPO, START_URL, AwsHome, run_shell
from ..support.tmux import TmuxShell, requires_tmux

FAKE_BROWSER = REPO / "tests" / "sso" / "fake_browser.py"

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile prod]
sso_session = corp
sso_account_id = 222222222222
sso_role_name = AdministratorAccess

[profile legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = ReadOnlyAccess
"""


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(Organization.sample(), device_auto_approve=True) as emulator:
        yield emulator


def issued_secrets(emu: IdentityCenterEmulator) -> set[str]:
    found = (
        set(emu.issued_access_tokens)
        | set(emu.issued_refresh_tokens)
        | set(emu.client_secrets.values())
    )
    for creds in emu.issued_role_credentials:
        found |= {creds["secretAccessKey"], creds["sessionToken"]}
    return {s for s in found if s}


def assert_clean(texts: list[str], secrets: set[str]) -> None:
    leaked = sorted({s[:10] + "..." for s in secrets for t in texts if s in t})
    assert not leaked, f"secrets in output: {leaked}"


def test_full_scenario_prints_no_secret(aws_home: AwsHome, emu: IdentityCenterEmulator) -> None:
    aws_home.write_config(CONFIG)
    env = {
        **aws_home.env,
        **emu.env(),
        "BROWSER": f"{sys.executable} {FAKE_BROWSER}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "ASSO_LOGIN_TIMEOUT": "30",
    }
    outputs: list[str] = []

    def asso(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(HELPER), *args], env=env, capture_output=True, text=True, timeout=120
        )
        outputs.extend([result.stdout, result.stderr])
        return result

    assert asso("login", "prod").returncode == 0
    assert asso("login", "legacy", "--no-browser", "--use-device-code").returncode == 0
    assert asso("login", "prod", "--force").returncode == 0
    # botocore fetches role credentials with the tokens asso wrote: their keys are secrets too.
    creds = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; c = boto3.Session(profile_name='prod').get_credentials(); c.get_frozen_credentials()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert creds.returncode == 0, creds.stderr
    for args in (
        ("status",),
        ("status", "--profiles"),
        ("status", "--json", "--profiles"),
        ("status", "--refresh"),
        ("resolve", "--profile", "prod", "--json"),
        ("profiles", "--json"),
        ("populate", "--session", "corp", "--dry-run"),
        ("populate", "--session", "corp"),
        ("doctor",),
    ):
        asso(*args)
    for shell in ("zsh", "bash"):
        hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
        result = run_shell(
            shell,
            f"asp prod; asp legacy; {hook}; printf '%s\\n' \"$ASSO_PROMPT\"; env; set; asso status",
            env,
        )
        outputs.extend([result.stdout, result.stderr])
        assert "AdministratorAccess" in result.stdout or "ReadOnlyAccess" in result.stdout
    assert asso("logout", "prod").returncode == 0
    assert asso("logout", "--all").returncode == 0
    secrets = issued_secrets(emu)
    assert len(secrets) >= 5  # the scan looks for something real
    assert_clean(outputs, secrets)


@requires_tmux
def test_demo_shows_no_secret(tmp_path: Path) -> None:
    env = {
        "HOME": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "TERM": "xterm-256color",
        "SHELL": "/bin/bash",
        "LANG": "C.UTF-8",
    }
    term = TmuxShell([str(HELPER), "demo", "--shell", "bash"], env, tmp_path)
    try:
        term.wait_text("Type `exit` to leave")
        term.type("asp demo-prod-admin")
        term.wait_text("AdministratorAccess")
        term.type("asso status --profiles; env | sort")
        time.sleep(2)
        secrets: set[str] = set()
        for path in glob.glob("/tmp/asso-demo-*/home/.aws/sso/cache/*.json"):
            data = json.loads(Path(path).read_text())
            secrets |= {
                data.get(k) for k in ("accessToken", "refreshToken", "clientSecret") if data.get(k)
            }
        assert secrets, "the demo wrote no token to scan for"
        screen = term._tmux("capture-pane", "-p", "-S", "-200", "-t", term.name)
        assert_clean([screen], secrets)
        term.type("exit")
        time.sleep(1)
    finally:
        term.close()
