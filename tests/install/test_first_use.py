"""The helper arrives on first use: a plugin loaded from a clone, no helper installed yet.

Interactive shells in tmux: nothing at start-up or in the prompt hook; the first `asp` says so
once and offers install.sh, one keypress; a declined offer is not repeated. Non-interactive
shells get one line with install.sh's absolute path. A helper of another version is named.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO
from ..installation import OWNER, git_host
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux
from .conftest import PROMPT, user_env, write_aws

VERSION = (REPO / "plugin" / "VERSION").read_text().strip()
ENTRY = {"zsh": "asso.plugin.zsh", "bash": "asso.bash"}
RC = {
    "zsh": "source {entry}\nsetopt prompt_subst\nPROMPT='[${{ASSO_PROMPT}}] %# '\n",
    "bash": "source {entry}\nPS1='[${{ASSO_PROMPT}}] \\$ '\n",
}


def prompts(screen: str) -> int:
    """How many prompts on the screen show the profile's segment."""
    return len(re.findall(r"\[" + PROMPT.pattern + r"\] ", screen))


class User:
    def __init__(self, root: Path, wheelhouse: Path) -> None:
        self.root = root
        self.env = {**user_env(root, wheelhouse), **git_host(root)}
        self.home = Path(self.env["HOME"])
        self.clone = self.home / ".asso"
        subprocess.run(
            ["git", "clone", "-q", f"https://github.com/{OWNER}/asso", str(self.clone)],
            env=self.env,
            check=True,
            timeout=60,
        )
        write_aws(self.home)
        self.data = self.home / ".local" / "share" / "asso"
        self.install_sh = self.clone / "install.sh"

    def shell(self, shell: str, n: int = 0) -> TmuxShell:
        rc = RC[shell].format(entry=self.clone / ENTRY[shell])
        work = self.root / f"{shell}-{n}"
        work.mkdir()
        return interactive_shell(shell, self.env, work, rc, prompt_ready="[] ")


@pytest.fixture
def user(tmp_path: Path, wheelhouse: Path) -> User:
    return User(tmp_path, wheelhouse)


@pytest.fixture
def opened() -> Iterator[list[TmuxShell]]:
    terms: list[TmuxShell] = []
    yield terms
    for term in terms:
        term.close()


@pytest.mark.parametrize("strict", [[], ["-euo", "pipefail"]], ids=["plain", "strict"])
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_non_interactive_shell_gets_one_line(user: User, shell: str, strict: list[str]) -> None:
    flags = ["-f", *strict] if shell == "zsh" else ["--norc", "--noprofile", *strict]
    script = f"source '{user.clone / ENTRY[shell]}'\nasp dev || echo status=$?"
    result = subprocess.run(
        [shell, *flags, "-c", script],
        env=user.env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert result.stderr == f"asp: the asso helper is not installed: run '{user.install_sh}'\n"
    assert result.stdout == "status=1\n"
    assert not user.data.exists()


@requires_tmux
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_first_asp_offers_the_install_and_one_key_does_it(
    user: User, shell: str, opened: list[TmuxShell]
) -> None:
    term = user.shell(shell)
    opened.append(term)
    term.type("")  # another prompt: the hook runs with no helper, and says nothing
    term.wait_for(lambda s: s.count("[] ") >= 2)
    assert "not installed" not in term.screen()
    term.type("asp dev")
    question = f"asso: install it now with '{user.install_sh}'? [y/N]"
    screen = term.wait_text(question)
    assert "asso: the helper (the Python part of asso) is not installed yet." in screen
    term.send("y")  # one key, no Enter
    screen = term.wait_for(lambda s: prompts(s) >= 1, timeout=300)
    venv = user.data / "venv"
    steps = [
        f"Creating the virtualenv {venv}",
        "Installing the helper with pip (this takes a moment)",
        f"Helper: {venv}/bin/asso (asso {VERSION})",
    ]
    lines = screen.splitlines()
    start = lines.index(steps[0])
    assert lines[start : start + 3] == steps
    assert "To load asso" not in screen  # the plugin is loaded: no rc advice
    # The same result as install.sh: the recorded helper that every new shell finds.
    assert (user.data / "helper-path").read_text() == f"{venv}/bin/asso\n"
    assert (user.data / "helper-version").read_text() == VERSION + "\n"
    term.type("asp dev; asso --version")
    term.wait_text(f"asso {VERSION}")
    assert term.screen().count("not installed") == 1


@requires_tmux
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_a_declined_offer_is_not_repeated(user: User, shell: str, opened: list[TmuxShell]) -> None:
    term = user.shell(shell)
    opened.append(term)
    term.type("asso status")
    term.wait_text("[y/N]")
    term.send("n")
    hint = f"asso: the asso helper is not installed: run '{user.install_sh}'"
    term.wait_text(hint)
    term.type("asp dev")
    term.wait_text(hint.replace("asso: the", "asp: the"))
    assert term.screen().count("[y/N]") == 1
    assert not user.data.exists()


def install_as_version(user: User, version: str) -> None:
    """install.sh as the user runs it, then its record says the helper is ``version``."""
    result = subprocess.run(
        ["sh", str(user.install_sh), "--no-hint"],
        env=user.env,
        capture_output=True,
        text=True,
        timeout=600,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    (user.data / "helper-version").write_text(version + "\n")


@requires_tmux
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_a_helper_of_another_version_is_named_once(
    user: User, shell: str, opened: list[TmuxShell]
) -> None:
    """A plugin manager updated the plugin, not the helper: install.sh's record says so."""
    install_as_version(user, "0.0.1")
    term = user.shell(shell)
    opened.append(term)
    assert "0.0.1" not in term.screen()  # not at start-up
    term.type("asp dev")
    question = f"asso: the helper is 0.0.1 but the plugin {VERSION}. Upgrade it with '{user.install_sh}'? [y/N]"
    term.wait_text(question)
    term.send("n")
    term.wait_text(
        f"asso: the helper is 0.0.1 but the plugin {VERSION}: upgrade with '{user.install_sh}'"
    )
    term.wait_for(lambda s: prompts(s) >= 1)  # asp went on with the helper it has
    term.type("asp dev")
    term.wait_for(lambda s: prompts(s) >= 2)
    assert term.screen().count("[y/N]") == 1


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_the_named_command_survives_quotes_in_the_path(
    tmp_path: Path, wheelhouse: Path, shell: str
) -> None:
    env = {**user_env(tmp_path, wheelhouse), **git_host(tmp_path)}
    clone = Path(env["HOME"]) / "it's here" / "asso"
    subprocess.run(
        ["git", "clone", "-q", f"https://github.com/{OWNER}/asso", str(clone)], env=env, check=True
    )
    flags = ["-f"] if shell == "zsh" else ["--norc", "--noprofile"]
    quoted = "'" + str(clone / ENTRY[shell]).replace("'", "'\\''") + "'"
    result = subprocess.run(
        [shell, *flags, "-c", f"source {quoted}\nasso status"],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    prefix = "asso: the asso helper is not installed: run "
    assert result.stderr.startswith(prefix), result.stderr
    words = subprocess.run(
        ["sh", "-c", 'printf "%s\\n" ' + result.stderr[len(prefix) :].strip()],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert words == f"{clone}/install.sh\n"


@requires_tmux
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_a_helper_of_another_version_is_upgraded_with_one_key(
    user: User, shell: str, opened: list[TmuxShell]
) -> None:
    install_as_version(user, "0.0.1")
    term = user.shell(shell)
    opened.append(term)
    term.type("asso status")
    term.wait_text(f"Upgrade it with '{user.install_sh}'? [y/N]")
    term.send("y")
    screen = term.wait_text(f"Helper: {user.data}/venv/bin/asso (asso {VERSION})", timeout=300)
    assert f"Upgrading asso in {user.data}/venv" in screen
    assert (user.data / "helper-version").read_text() == VERSION + "\n"
    term.type("asp dev")
    term.wait_for(lambda s: prompts(s) >= 1)
    assert term.screen().count("[y/N]") == 1
