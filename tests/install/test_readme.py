"""The README's install blocks, run as written, so the instructions cannot rot.

Each fenced block after a ``<!-- install: NAME -->`` comment belongs to NAME: ``sh`` blocks run
in a fresh HOME; other blocks start with ``# ~/FILE`` and are appended to that file. The tests add
only each plugin manager's own set-up around asso's lines (its manual's part, not ours), then
start real interactive shells and check that asso is loaded and works.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import HELPER, REPO
from ..installation import git_host, path_with, vendor
from .conftest import PROMPT, user_env, write_aws

BLOCK = re.compile(r"<!-- install: ([\w-]+) -->\n```(\w+)\n(.*?)\n```", re.S)
NAMES = ["checkout", "oh-my-zsh", "zinit", "antidote", "antigen", "zplug", "pipx"]
ANTIGEN = Path("/usr/share/zsh-antigen/antigen.zsh")
ZPLUG = Path("/usr/share/zplug/init.zsh")


def blocks() -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for name, lang, body in BLOCK.findall((REPO / "README.md").read_text()):
        found.setdefault(name, []).append((lang, body))
    return found


def test_the_readme_has_a_tested_block_for_every_way() -> None:
    assert sorted(blocks()) == sorted(NAMES)


def manager_setup(name: str, root: Path, home: Path) -> tuple[str, str]:
    """(before, after) asso's lines in ~/.zshrc: the manager's own set-up from its manual."""
    if name == "oh-my-zsh":
        omz = home / ".oh-my-zsh"  # its default place
        shutil.copytree(vendor("ohmyzsh", "ASSO_TEST_OMZ"), omz, symlinks=True)
        return (
            f"export ZSH={str(omz)!r}\nzstyle ':omz:update' mode disabled\n",
            "source $ZSH/oh-my-zsh.sh\n",
        )
    if name == "zinit":
        zinit = root / "zinit"
        shutil.copytree(vendor("zinit", "ASSO_TEST_ZINIT"), zinit, symlinks=True)
        before = f"typeset -A ZINIT\nZINIT[BIN_DIR]={str(zinit)!r}\nsource {str(zinit / 'zinit.zsh')!r}\n"
        return before, "autoload -Uz compinit && compinit -u\nzinit cdreplay -q\n"
    if name == "antidote":
        antidote = root / "antidote"
        shutil.copytree(vendor("antidote", "ASSO_TEST_ANTIDOTE"), antidote, symlinks=True)
        before = f"source {str(antidote / 'antidote.zsh')!r}\nantidote load\nautoload -Uz compinit && compinit -u\n"
        return before, ""
    if name == "antigen":
        if not ANTIGEN.is_file():
            pytest.skip("antigen is not installed (apt install zsh-antigen)")
        return f"source {str(ANTIGEN)!r}\n", ""
    if name == "zplug":
        if not ZPLUG.is_file():
            pytest.skip("zplug is not installed (apt install zplug)")
        return f"source {str(ZPLUG)!r}\n", "zplug check || zplug install\nzplug load\n"
    return "", ""


@pytest.fixture(scope="module")
def pipx_bin(tmp_path_factory: pytest.TempPathFactory, wheelhouse: Path) -> Path:
    tool = tmp_path_factory.mktemp("pipx") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(tool)], check=True, timeout=120)
    env = user_env(tool.parent, wheelhouse)
    subprocess.run(
        [str(tool / "bin" / "python"), "-m", "pip", "install", "--quiet", "pipx"],
        env=env,
        check=True,
        capture_output=True,
        timeout=600,
    )
    only = tool.parent / "only-pipx"
    only.mkdir()
    (only / "pipx").symlink_to(tool / "bin" / "pipx")
    return only


CHECK = {
    "zsh": "for f in $precmd_functions; do $f; done; asp dev && for f in $precmd_functions; do $f; done; "
    'print -r -- "asp=${functions_source[asp]}"; print -r -- "prompt=$ASSO_PROMPT"',
    "bash": 'asp dev && eval "${PROMPT_COMMAND[*]}"; declare -F asp >/dev/null && echo asp=function; '
    'echo "prompt=$ASSO_PROMPT"',
}


@pytest.mark.parametrize("name", NAMES)
def test_readme_install_block(
    name: str, tmp_path: Path, wheelhouse: Path, request: pytest.FixtureRequest
) -> None:
    env = {**user_env(tmp_path, wheelhouse), **git_host(tmp_path)}
    home = Path(env["HOME"])
    extra = [home / ".local" / "bin"]  # where pipx and pip --user put `asso`, on a user's PATH
    if name == "pipx":
        extra.append(request.getfixturevalue("pipx_bin"))
    env["PATH"] = path_with(*extra, Path(env["PATH"].split(":")[0]))
    if name not in ("checkout", "pipx"):
        env["ASSO_HELPER"] = str(HELPER)  # the helper's first-use install: test_first_use.py
    before, after = manager_setup(name, tmp_path, home)
    files: dict[Path, str] = {home / ".zshrc": before}
    for lang, body in blocks()[name]:
        if lang == "sh":
            result = subprocess.run(
                ["sh", "-e", "-c", body],
                cwd=home,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                stdin=subprocess.DEVNULL,
            )
            assert result.returncode == 0, f"{body}\n{result.stdout}{result.stderr}"
            continue
        first, _, rest = body.partition("\n")
        match = re.match(r"# ~/(\S+)", first)
        assert match, f"a {name} block must start with '# ~/FILE': {first!r}"
        target = home / match.group(1)
        files[target] = files.get(target, "") + rest + "\n"
    files[home / ".zshrc"] += after
    for target, text in files.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(target, "a") as f:  # after what an `sh` block added
            f.write(text)
    write_aws(home)
    shells = ["zsh", "bash"] if name in ("checkout", "pipx") else ["zsh"]
    for shell in shells:
        result = subprocess.run(
            [shell, "-i", "-c", CHECK[shell]],
            env={**env, "TERM": "dumb"},
            capture_output=True,
            text=True,
            timeout=300,
            stdin=subprocess.DEVNULL,
        )
        lines = [
            line for line in result.stdout.splitlines() if line.startswith(("asp=", "prompt="))
        ]
        assert len(lines) == 2, result.stdout + result.stderr
        assert PROMPT.fullmatch(lines[1][len("prompt=") :]), result.stdout + result.stderr
        if shell == "zsh":
            assert lines[0].startswith(f"asp={tmp_path}/") and lines[0].endswith(
                "/plugin/zsh/commands.zsh"
            )
        else:
            assert lines[0] == "asp=function"
        assert "not installed" not in result.stderr
