"""Fixtures for the integration tests: an AWS home with production and other profiles."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..conftest import PLUGIN_BASH, PLUGIN_ZSH, START_URL, AwsHome

US = "\x1f"

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1

[sso-session old]
sso_start_url = https://d-9999999999.awsapps.com/start
sso_region = eu-west-1

[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
sso_account_name = Sandbox

[profile staging]
sso_session = corp
sso_account_id = 777788889999
sso_role_name = ReadOnly

[profile billing]
sso_session = corp
sso_account_id = 222233334444
sso_role_name = Billing
sso_account_name = Production Billing

[profile expired-dev]
sso_session = old
sso_account_id = 555566667777
sso_role_name = Dev

[profile keys]
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret
"""

# 3h05m30s: the prompt shows 3h05m for the half minute a test may take.
TIME_LEFT = 3 * 3600 + 5 * 60 + 30


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=TIME_LEFT)
    aws_home.write_token("old", expires_in=-3600)
    return aws_home


def run(
    shell: str, script: str, env: dict[str, str], *, prelude: str = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``script`` in a fresh non-interactive shell: ``prelude``, then the plugin, then it."""
    plugin = PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH
    full = f"{prelude}\nsource {str(plugin)!r}\n{script}"
    if shell == "zsh":
        cmd = ["zsh", "-f", "-c", full]
    else:
        cmd = ["bash", "--norc", "--noprofile", "-c", full]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)


def precmd(shell: str) -> str:
    """Shell code that runs the prompt hooks as an interactive shell would before a prompt."""
    if shell == "zsh":
        return 'for _f in "${precmd_functions[@]}"; do "$_f"; done'
    return 'eval "${PROMPT_COMMAND[*]}"'


def zsh_interactive(
    script: str, env: dict[str, str], zdotdir: Path, rc: str, *, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """``zsh -i -c script`` with ``rc`` as .zshrc (so plugin managers run as in a terminal)."""
    zdotdir.mkdir(parents=True, exist_ok=True)
    (zdotdir / ".zshrc").write_text(rc)
    return subprocess.run(
        ["zsh", "-i", "-c", script],
        env={**env, "ZDOTDIR": str(zdotdir)},
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
