"""Real plugin managers (Debian's antigen and zplug) load asso from a local checkout: its top
(asso.plugin.zsh there) or plugin/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ..conftest import REPO, AwsHome
from ..support.vendor import copy_tree, require
from .conftest import ANTIGEN, CHECK, ZPLUG, requires_antigen, requires_zplug, zsh_interactive

DIRS = pytest.mark.parametrize("directory", [REPO, REPO / "plugin"], ids=["top", "plugin"])
COMMANDS = str((REPO / "plugin" / "zsh" / "commands.zsh").resolve())

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")


def expected() -> list[str]:
    return [
        f"asp={COMMANDS}",
        "hooks=1",
        "comp=_asso",
        "prompt=111122223333/AdministratorAccess 3h05m",
    ]


@requires_antigen
@DIRS
def test_antigen_bundle_from_a_local_path(home: AwsHome, directory: Path) -> None:
    rc = f"""source {str(ANTIGEN)!r}
antigen bundle {str(directory)!r} --no-local-clone
antigen apply
"""
    env = {**home.env, "ADOTDIR": str(home.root / "antigen")}
    for _ in range(2):  # the second start runs from antigen's cache
        result = zsh_interactive(CHECK, env, home.root / "zdotdir", rc)
        lines = [line for line in result.stdout.splitlines() if "=" in line]
        assert lines == expected(), result.stderr
    assert "git" not in result.stderr  # a local bundle never clones


@requires_zplug
@DIRS
def test_zplug_from_local(home: AwsHome, directory: Path) -> None:
    rc = f"""export ZPLUG_HOME={str(home.root / "zplug")!r}
source {str(ZPLUG)!r}
zplug {str(directory)!r}, from:local
zplug load
"""
    for _ in range(2):  # the second start runs from zplug's cache
        result = zsh_interactive(CHECK, home.env, home.root / "zdotdir", rc)
        lines = [line for line in result.stdout.splitlines() if "=" in line]
        assert lines == expected(), result.stderr


@DIRS
def test_zinit_light_from_a_local_path(home: AwsHome, tmp_path: Path, directory: Path) -> None:
    zinit = copy_tree(require("ASSO_TEST_ZINIT"), tmp_path / "zinit")
    rc = f"""typeset -gA ZINIT
ZINIT[BIN_DIR]={str(zinit)!r}
ZINIT[HOME_DIR]={str(tmp_path / "zinit-home")!r}
ZINIT[NO_ALIASES]=1
source {str(zinit / "zinit.zsh")!r}
zinit light {str(directory)!r}
autoload -Uz compinit && compinit -u -d {str(tmp_path / "zcompdump")!r}
zinit cdreplay -q
"""
    for _ in range(2):
        result = zsh_interactive(CHECK, home.env, home.root / "zdotdir", rc)
        lines = [line for line in result.stdout.splitlines() if "=" in line]
        assert lines == expected(), result.stderr


@DIRS
def test_antidote_bundle_from_a_local_path(home: AwsHome, tmp_path: Path, directory: Path) -> None:
    antidote = copy_tree(require("ASSO_TEST_ANTIDOTE"), tmp_path / "antidote")
    zdotdir = home.root / "zdotdir"
    zdotdir.mkdir()
    (zdotdir / ".zsh_plugins.txt").write_text(f"{directory}\n")
    rc = f"""export ANTIDOTE_HOME={str(tmp_path / "antidote-home")!r}
source {str(antidote / "antidote.zsh")!r}
antidote load
autoload -Uz compinit && compinit -u -d {str(tmp_path / "zcompdump")!r}
"""
    for _ in range(2):  # the second start sources the static file antidote wrote
        result = zsh_interactive(CHECK, home.env, zdotdir, rc)
        lines = [line for line in result.stdout.splitlines() if "=" in line]
        assert lines == expected(), result.stderr
    assert (zdotdir / ".zsh_plugins.zsh").is_file()
    assert str(directory) in (zdotdir / ".zsh_plugins.zsh").read_text()
