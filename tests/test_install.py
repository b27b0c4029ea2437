"""install.sh as a new user runs it: a fresh HOME, then the plugin finds the helper by itself."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, START_URL


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("install-home")
    (home / ".oh-my-zsh" / "custom").mkdir(parents=True)
    env = {
        "HOME": str(home),
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        # pip may need the same index settings as the machine running the tests.
        **{
            k: v
            for k, v in os.environ.items()
            if k.startswith(("PIP_", "http", "HTTP", "no_proxy", "NO_PROXY"))
        },
    }
    result = subprocess.run(
        ["sh", str(REPO / "install.sh"), "--python", sys.executable],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    env["INSTALL_OUTPUT"] = result.stdout
    yield env
    # install.sh compiled the zsh files where asso is installed: here, the repository.
    for compiled in (REPO / "plugin").rglob("*.zwc"):
        compiled.unlink()


def test_install_prints_rc_lines_and_links_oh_my_zsh(installed: dict[str, str]) -> None:
    out = installed["INSTALL_OUTPUT"]
    home = Path(installed["HOME"])
    assert f"source '{REPO}/plugin/asso.plugin.zsh'" in out
    assert f"source '{REPO}/plugin/asso.bash'" in out
    link = home / ".oh-my-zsh" / "custom" / "plugins" / "asso"
    assert link.is_symlink() and (link / "asso.plugin.zsh").exists()
    helper_path = (home / ".local" / "share" / "asso" / "helper-path").read_text().strip()
    assert helper_path == str(home / ".local" / "share" / "asso" / "venv" / "bin" / "asso")
    assert not (home / ".zshrc").exists()  # only with --add-to-rc
    # zsh's compiled copies, beside the files it sources (and newer: zsh uses them then).
    for source in [REPO / "plugin" / "asso.plugin.zsh", *(REPO / "plugin" / "zsh").glob("*.zsh")]:
        compiled = source.with_name(source.name + ".zwc")
        assert compiled.is_file() and compiled.stat().st_mtime >= source.stat().st_mtime, source


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_plugin_finds_the_installed_helper(installed: dict[str, str], shell: str) -> None:
    home = Path(installed["HOME"])
    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws" / "config").write_text(
        f"[profile dev]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = Dev\nregion = eu-west-1\n"
    )
    # A token that is valid for 2h30m (and then some seconds): asp has no reason to say more.
    token_dir = home / ".aws" / "sso" / "cache"
    token_dir.mkdir(parents=True, exist_ok=True)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 2.5 * 3600 + 30))
    (token_dir / (hashlib.sha1(START_URL.encode()).hexdigest() + ".json")).write_text(
        json.dumps(
            {"startUrl": START_URL, "region": "us-east-1", "accessToken": "t", "expiresAt": expires}
        )
    )
    env = {k: v for k, v in installed.items() if k != "INSTALL_OUTPUT"}
    if shell == "zsh":
        cmd = [
            "zsh",
            "-f",
            "-c",
            f"source {REPO}/plugin/asso.plugin.zsh; asp dev; print -r -- $ASSO_PROMPT; print -r -- $ASSO_HELPER",
        ]
    else:
        cmd = [
            "bash",
            "--norc",
            "--noprofile",
            "-c",
            f'source {REPO}/plugin/asso.bash; asp dev; echo "$ASSO_PROMPT"; echo "$ASSO_HELPER"',
        ]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert result.stderr == ""
    prompt, helper = result.stdout.splitlines()
    assert prompt == "123456789012/Dev 2h30m"
    assert helper == str(home / ".local" / "share" / "asso" / "venv" / "bin" / "asso")


def test_add_to_rc_is_idempotent_and_rerun_upgrades(installed: dict[str, str]) -> None:
    env = {k: v for k, v in installed.items() if k != "INSTALL_OUTPUT"}
    home = Path(env["HOME"])
    (home / ".zshrc").write_text("# mine\n")
    for _ in range(2):
        result = subprocess.run(
            ["sh", str(REPO / "install.sh"), "--python", sys.executable, "--add-to-rc"],
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, result.stderr
    assert "Upgrading asso in" in result.stdout
    assert "already loads asso" in result.stdout
    zshrc = (home / ".zshrc").read_text()
    assert zshrc.startswith("# mine\n")
    assert zshrc.count("plugin/asso.plugin.zsh") == 1
    assert (home / ".bashrc").read_text().count("plugin/asso.bash") == 1


def test_rejects_unknown_option() -> None:
    result = subprocess.run(
        ["sh", str(REPO / "install.sh"), "--frobnicate"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "install.sh: unknown option: --frobnicate (see --help)"
