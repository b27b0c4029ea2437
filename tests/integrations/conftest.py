"""Fixtures for the integration tests: an AWS home with production and other profiles."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ..conftest import PLUGIN_BASH, PLUGIN_ZSH, AwsHome
from ..support.samples import KEYS, STAGING, config, session, sso_profile

US = "\x1f"

CONFIG = config(
    session(),
    session("old", start_url="https://d-9999999999.awsapps.com/start", sso_region="eu-west-1"),
    sso_profile("prod-admin", "111122223333", "AdministratorAccess", region="eu-west-1"),
    sso_profile("dev", "444455556666", "Developer", sso_account_name="Sandbox"),
    STAGING,
    sso_profile("billing", "222233334444", "Billing", sso_account_name="Production Billing"),
    sso_profile("expired-dev", "555566667777", "Dev", session="old"),
    KEYS,
)

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


#: Where apt installs the two plugin managers that are packaged.
ANTIGEN = Path("/usr/share/zsh-antigen/antigen.zsh")
ZPLUG = Path("/usr/share/zplug/init.zsh")
requires_antigen = pytest.mark.skipif(
    not ANTIGEN.is_file(), reason="antigen is not installed (apt install zsh-antigen)"
)
requires_zplug = pytest.mark.skipif(
    not ZPLUG.is_file(), reason="zplug is not installed (apt install zplug)"
)


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


#: What a plugin manager's zsh prints once asso is loaded: where asp comes from, the prompt hook
#: (once), the completion, and the prompt after an asp.
CHECK = "\n".join(
    [
        precmd("zsh"),  # the first prompt: managers finish their set-up (compinit) here
        'print -r -- "asp=${functions_source[asp]-none}"',
        'ours=(${(M)precmd_functions:#_asso_precmd}); print -r -- "hooks=$#ours"',
        'print -r -- "comp=${_comps[asp]-none}"',
        "asp prod-admin",
        precmd("zsh"),
        'print -r -- "prompt=$ASSO_PROMPT"',
    ]
)
