"""Each plugin manager's own default command, on the repository as a Git host serves it.

Real oh-my-zsh, zinit and antidote (ASSO_TEST_OMZ, ASSO_TEST_ZINIT, ASSO_TEST_ANTIDOTE, else
../shared/vendor), Debian's antigen and zplug. ``https://github.com/OWNER/asso`` is a bare
repository on disk holding this checkout's HEAD (commit first), so every manager clones it as it
would from GitHub, with a fresh HOME and no network.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ..conftest import AwsHome
from ..installation import OWNER, git_host, path_with, vendor
from .conftest import (
    ANTIGEN,
    CHECK,
    ZPLUG,
    precmd,
    requires_antigen,
    requires_zplug,
    zsh_interactive,
)

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")


def environment(home: AwsHome) -> dict[str, str]:
    env = {**home.env, **git_host(home.root), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    env["PATH"] = path_with()
    return env


def check(home: AwsHome, env: dict[str, str], rc: str, under: Path) -> None:
    """Two starts (the second from the manager's cache): asso is loaded from a clone under
    ``under``, once, with its hook and completion; install.sh never ran."""
    for _ in range(2):
        result = zsh_interactive(CHECK, env, home.root / "zdotdir", rc, timeout=120)
        lines = [
            line
            for line in result.stdout.splitlines()
            if line.startswith(("asp=", "hooks=", "comp=", "prompt="))
        ]
        assert len(lines) == 4, result.stdout + result.stderr
        asp, hooks, comp, prompt = lines
        assert asp.startswith(f"asp={under}/") and asp.endswith("/plugin/zsh/commands.zsh"), asp
        assert [hooks, comp, prompt] == [
            "hooks=1",
            "comp=_asso",
            "prompt=111122223333/AdministratorAccess 3h05m",
        ], result.stderr
        for text in (result.stdout, result.stderr):
            assert "To load asso" not in text and "virtualenv" not in text  # install.sh


def test_oh_my_zsh_clone_in_custom_plugins(home: AwsHome) -> None:
    omz = home.root / "ohmyzsh"
    shutil.copytree(vendor("ohmyzsh", "ASSO_TEST_OMZ"), omz, symlinks=True)
    custom = home.root / "custom"
    env = environment(home)
    subprocess.run(
        [
            "git",
            "clone",
            "-q",
            f"https://github.com/{OWNER}/asso",
            str(custom / "plugins" / "asso"),
        ],
        env=env,
        check=True,
        timeout=60,
    )
    rc = f"""export ZSH={str(omz)!r}
ZSH_CUSTOM={str(custom)!r}
zstyle ':omz:update' mode disabled
plugins=(git asso)
source $ZSH/oh-my-zsh.sh
"""
    check(home, env, rc, custom / "plugins" / "asso")


def test_zinit_light(home: AwsHome) -> None:
    zinit = home.root / "zinit"
    shutil.copytree(vendor("zinit", "ASSO_TEST_ZINIT"), zinit, symlinks=True)
    rc = f"""typeset -A ZINIT
ZINIT[BIN_DIR]={str(zinit)!r}
ZINIT[HOME_DIR]={str(home.root / "zinit-home")!r}
source "${{ZINIT[BIN_DIR]}}/zinit.zsh"
zinit light {OWNER}/asso
autoload -Uz compinit && compinit -u -D
zinit cdreplay -q
"""
    check(home, environment(home), rc, home.root / "zinit-home")


def test_antidote_bundle(home: AwsHome) -> None:
    antidote = home.root / "antidote"
    shutil.copytree(vendor("antidote", "ASSO_TEST_ANTIDOTE"), antidote, symlinks=True)
    zdotdir = home.root / "zdotdir"
    zdotdir.mkdir()
    (zdotdir / ".zsh_plugins.txt").write_text(f"{OWNER}/asso\n")
    rc = f"""export ANTIDOTE_HOME={str(home.root / "antidote-home")!r}
source {str(antidote / "antidote.zsh")!r}
antidote load
autoload -Uz compinit && compinit -u -D
"""
    check(home, environment(home), rc, home.root / "antidote-home")


@requires_antigen
def test_antigen_bundle(home: AwsHome) -> None:
    rc = f"""export ADOTDIR={str(home.root / "antigen")!r}
source {str(ANTIGEN)!r}
antigen bundle {OWNER}/asso --branch=main
antigen apply
"""
    check(home, environment(home), rc, home.root / "antigen")


@requires_zplug
def test_zplug(home: AwsHome) -> None:
    rc = f"""export ZPLUG_HOME={str(home.root / "zplug")!r}
source {str(ZPLUG)!r}
zplug "{OWNER}/asso", at:main
zplug check || zplug install
zplug load
"""
    check(home, environment(home), rc, home.root / "zplug")


def test_plain_source_of_a_clone(home: AwsHome) -> None:
    env = environment(home)
    clone = Path(env["HOME"]) / ".asso"
    subprocess.run(
        ["git", "clone", "-q", f"https://github.com/{OWNER}/asso", str(clone)],
        env=env,
        check=True,
        timeout=60,
    )
    rc = "autoload -Uz compinit && compinit -u -D\nsource ~/.asso/asso.plugin.zsh\n"
    check(home, env, rc, clone)
    bash = subprocess.run(
        [
            "bash",
            "--norc",
            "--noprofile",
            "-c",
            "source ~/.asso/asso.bash && asp prod-admin && "
            'eval "${PROMPT_COMMAND[*]}" && echo "prompt=$ASSO_PROMPT"',
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bash.stdout == "prompt=111122223333/AdministratorAccess 3h05m\n", bash.stderr


@pytest.mark.parametrize("shell", ["zsh", "bash", "sh"])
def test_files_at_the_top_do_nothing_when_sourced(shell: str, tmp_path: Path) -> None:
    """The fallback of zinit, antidote, zplug and antigen (``*.zsh``, then ``*.sh``) and
    sheldon's (``*.sh``): sourcing install.sh changes nothing and prints nothing."""
    from ..conftest import REPO

    script = f"""o1=$-; before=$(set | wc -l)
. {str(REPO / "install.sh")!r} --add-to-rc
echo "status=$?"
[ "$o1" = "$-" ] && echo options-kept
"""
    cmd = {
        "zsh": ["zsh", "-f", "-c"],
        "bash": ["bash", "--norc", "--noprofile", "-c"],
        "sh": ["sh", "-c"],
    }
    result = subprocess.run(
        [*cmd[shell], script],
        env={"HOME": str(tmp_path), "PATH": path_with()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout == "status=0\noptions-kept\n", result.stderr
    assert result.stderr == ""
    assert list(tmp_path.iterdir()) == []  # no venv, no rc file


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_top_level_entries_in_strict_mode(home: AwsHome, shell: str) -> None:
    from ..conftest import REPO, shell_command

    entry = REPO / ("asso.plugin.zsh" if shell == "zsh" else "asso.bash")
    script = f'source {str(entry)!r}\nasp prod-admin\n{precmd(shell)}\necho "$ASSO_PROMPT"'
    result = subprocess.run(
        shell_command(shell, script, strict=True),
        env={**home.env, "PATH": path_with()},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout == "111122223333/AdministratorAccess 3h05m\n", result.stderr
