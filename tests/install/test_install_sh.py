"""install.sh as a new user runs it: a fresh HOME, then the plugin finds the helper by itself;
from inside oh-my-zsh's custom/plugins; and --uninstall / --purge, byte for byte."""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO, START_URL
from ..installation import OWNER, git_host
from ..support.samples import legacy_profile
from .conftest import user_env

DATA = Path(".local") / "share" / "asso"


def install_sh(
    env: dict[str, str], *args: str, script: Path = REPO / "install.sh"
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(script), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="module")
def installed(
    tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path
) -> Iterator[dict[str, str]]:
    root = tmp_path_factory.mktemp("install")
    env = user_env(root, wheelhouse)
    (Path(env["HOME"]) / ".oh-my-zsh" / "custom").mkdir(parents=True)
    result = install_sh(env)
    assert result.returncode == 0, result.stdout + result.stderr
    env["INSTALL_OUTPUT"] = result.stdout
    yield env
    # install.sh compiled the zsh files where asso is installed: here, this repository.
    for compiled in (REPO / "plugin").rglob("*.zwc"):
        compiled.unlink()


def test_install_prints_one_line_per_step_and_links_oh_my_zsh(installed: dict[str, str]) -> None:
    out = installed["INSTALL_OUTPUT"]
    home = Path(installed["HOME"])
    venv = home / DATA / "venv"
    assert out.splitlines()[:5] == [
        f"Creating the virtualenv {venv}",
        "Installing the helper with pip (this takes a moment)",
        f"Helper: {venv}/bin/asso (asso {(REPO / 'plugin' / 'VERSION').read_text().strip()})",
        "zsh: compiled the plugin (a faster start)",
        f"oh-my-zsh: linked {home}/.oh-my-zsh/custom/plugins/asso; add asso to plugins=(...) in ~/.zshrc",
    ]
    # zsh's compiled copies, beside the files it sources (and newer: zsh uses them then).
    for source in [REPO / "plugin" / "asso.plugin.zsh", *(REPO / "plugin" / "zsh").glob("*.zsh")]:
        compiled = source.with_name(source.name + ".zwc")
        assert compiled.is_file() and compiled.stat().st_mtime >= source.stat().st_mtime, source
    assert f"source '{REPO}/plugin/asso.plugin.zsh'" in out
    assert f"source '{REPO}/plugin/asso.bash'" in out
    link = home / ".oh-my-zsh" / "custom" / "plugins" / "asso"
    # oh-my-zsh looks for asso.plugin.zsh at the top of the linked directory.
    assert link.is_symlink() and (link / "asso.plugin.zsh").is_file()
    assert (home / DATA / "helper-path").read_text() == f"{venv}/bin/asso\n"
    assert (home / DATA / "helper-version").read_text() == (REPO / "plugin" / "VERSION").read_text()
    assert not (home / ".zshrc").exists()  # only with --add-to-rc


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_plugin_finds_the_installed_helper(installed: dict[str, str], shell: str) -> None:
    home = Path(installed["HOME"])
    (home / ".aws").mkdir(exist_ok=True)
    (home / ".aws" / "config").write_text(
        legacy_profile("dev", "123456789012", "Dev", region="eu-west-1")
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
    assert helper == str(home / DATA / "venv" / "bin" / "asso")


def test_add_to_rc_is_idempotent_and_rerun_upgrades(installed: dict[str, str]) -> None:
    env = {k: v for k, v in installed.items() if k != "INSTALL_OUTPUT"}
    home = Path(env["HOME"])
    # The line in a comment does not count as loading asso.
    (home / ".zshrc").write_text(f"# mine\n# source '{REPO}/plugin/asso.plugin.zsh'\n")
    for _ in range(2):
        result = install_sh(env, "--add-to-rc")
        assert result.returncode == 0, result.stderr
    assert "Upgrading asso in" in result.stdout
    assert "already loads asso" in result.stdout
    zshrc = (home / ".zshrc").read_text()
    assert zshrc == (
        f"# mine\n# source '{REPO}/plugin/asso.plugin.zsh'\n\n"
        f"# asso: AWS profiles and SSO in the prompt\nsource '{REPO}/plugin/asso.plugin.zsh'\n"
    )
    assert (home / ".bashrc").read_text().count("plugin/asso.bash") == 1


def test_rejects_unknown_option() -> None:
    result = subprocess.run(
        ["sh", str(REPO / "install.sh"), "--frobnicate"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "install.sh: unknown option: --frobnicate (see --help)"


def test_runs_from_a_clone_inside_oh_my_zsh(tmp_path: Path, wheelhouse: Path) -> None:
    """The issue's case: `git clone ... $ZSH_CUSTOM/plugins/asso`, then its install.sh."""
    env = {**user_env(tmp_path, wheelhouse), **git_host(tmp_path)}
    clone = Path(env["HOME"]) / ".oh-my-zsh" / "custom" / "plugins" / "asso"
    subprocess.run(
        ["git", "clone", "-q", f"https://github.com/{OWNER}/asso", str(clone)], env=env, check=True
    )
    result = install_sh(env, "--no-hint", script=clone / "install.sh")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines()[-1] == (
        f"oh-my-zsh: this checkout is {clone}; add asso to plugins=(...) in ~/.zshrc"
    )
    assert clone.is_dir() and not clone.is_symlink()
    assert (clone / "asso.plugin.zsh").is_file()
    assert (
        subprocess.run(
            ["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True
        ).stdout
        == ""
    )


AWKWARD = {
    # No newline at the end, and the plugin's line in a comment.
    ".zshrc": b"export A=1\n# source '{repo}/plugin/asso.plugin.zsh'\nalias ll='ls -l'",
    # CRLF line ends, a blank last line, and no trailing newline after it.
    ".bashrc": b"export B=2\r\n\r\n# source '{repo}/plugin/asso.bash' (not yet)\r\n",
}


def test_uninstall_and_purge_leave_rc_files_byte_for_byte(tmp_path: Path, wheelhouse: Path) -> None:
    env = user_env(tmp_path, wheelhouse)
    home = Path(env["HOME"])
    (home / ".oh-my-zsh" / "custom").mkdir(parents=True)
    (home / ".aws").mkdir()
    (home / ".aws" / "config").write_bytes(b"[profile x]\nregion = eu-west-1\n")
    originals = {}
    for name, text in AWKWARD.items():
        originals[name] = text.replace(b"{repo}", str(REPO).encode())
        (home / name).write_bytes(originals[name])
    (home / ".bashrc").chmod(0o600)
    result = install_sh(env, "--add-to-rc")
    assert result.returncode == 0, result.stderr
    # The user edits the rc file afterwards: the line stays theirs, asso's block goes.
    with open(home / ".zshrc", "ab") as f:
        f.write(b"\nexport LATER=1\n")
    expected_zshrc = originals[".zshrc"] + b"\nexport LATER=1\n"
    cache = home / ".cache" / "asso"
    state = home / ".local" / "state" / "asso"
    config = home / ".config" / "asso"
    for d in (cache / "directory", state, config):
        d.mkdir(parents=True)
    (state / "shell-x").write_text("state")
    (config / "aliases").write_text("p = prod\n")

    result = install_sh(env, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert (home / ".zshrc").read_bytes() == expected_zshrc
    assert (home / ".bashrc").read_bytes() == originals[".bashrc"]
    assert (home / ".bashrc").stat().st_mode & 0o777 == 0o600
    assert not (home / DATA).exists()  # the venv and every recorded file
    assert not (home / ".oh-my-zsh" / "custom" / "plugins" / "asso").exists()
    assert (home / ".aws" / "config").read_bytes() == b"[profile x]\nregion = eu-west-1\n"
    assert cache.is_dir() and state.is_dir() and config.is_dir()
    last = result.stdout.splitlines()[-1]
    assert last.startswith(
        "Left alone: ~/.aws (your AWS config and SSO tokens), your settings in ~/.config/asso"
    )
    assert "(--purge removes them)" in last
    assert "Removed the virtualenv ~/.local/share/asso/venv" in result.stdout

    result = install_sh(env, "--purge")
    assert result.returncode == 0, result.stderr
    assert not cache.exists() and not state.exists()
    assert (config / "aliases").read_text() == "p = prod\n"
    assert (home / ".zshrc").read_bytes() == expected_zshrc
    assert (home / ".aws" / "config").exists()


def test_uninstall_removes_an_rc_file_it_created(tmp_path: Path, wheelhouse: Path) -> None:
    env = user_env(tmp_path, wheelhouse)
    home = Path(env["HOME"])
    (home / ".zshrc").write_bytes(b"# mine\n")
    assert install_sh(env, "--add-to-rc").returncode == 0
    assert (home / ".bashrc").is_file()
    result = install_sh(env, "--uninstall")
    assert result.returncode == 0, result.stderr
    assert "Removed ~/.bashrc (install.sh had created it)" in result.stdout
    assert not (home / ".bashrc").exists()
    assert (home / ".zshrc").read_bytes() == b"# mine\n"
    assert not (home / DATA).exists()
