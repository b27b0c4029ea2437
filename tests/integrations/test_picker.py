"""asp -i: the picker, with the real fzf in a real terminal (tmux), or a numbered menu."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import AwsHome, plugin_for
from ..support.env import BASE_PATH
from ..support.samples import KEYS, PROD_ADMIN, SAND_BOX, STAGING, config, session, sso_profile
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux
from .conftest import run

CONFIG = config(
    session(),
    PROD_ADMIN,
    sso_profile("dev", "444455556666", "Developer", sso_account_name="Sandbox"),
    STAGING,
    SAND_BOX,
    KEYS,
)

RC = {
    "zsh": """
source {plugin}
PATH={path}
setopt prompt_subst
PROMPT='[${{ASSO_PROFILE}}] %? %# '
""",
    "bash": """
source {plugin}
PATH={path}
PS1='[${{ASSO_PROFILE}}] $? \\$ '
""",
}


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=3 * 3600)
    return aws_home


def start(shell: str, home: AwsHome, tmp_path: Path, path: str) -> TmuxShell:
    rc = RC[shell].format(plugin=str(plugin_for(shell)), path=path)
    return interactive_shell(shell, home.env, tmp_path, rc, prompt_ready="[] 0 ")


@pytest.fixture
def fzf_term(shell: str, home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    if not shutil.which("fzf", path=BASE_PATH):
        pytest.skip("fzf is not installed (apt install fzf)")
    term = start(shell, home, tmp_path, BASE_PATH)
    try:
        yield term
    finally:
        term.close()


@pytest.fixture
def menu_term(shell: str, home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    # A PATH with no fzf on it (nor anything else: the plugin needs nothing there).
    term = start(shell, home, tmp_path, str(tmp_path / "empty-path"))
    try:
        yield term
    finally:
        term.close()


def test_picker_rows_put_recent_profiles_first(home: AwsHome) -> None:
    home.state_dir.mkdir()
    (home.state_dir / "recent-profiles").write_text("staging\nno-longer-there\nkeys\n")
    result = home.run_helper("profiles", "--picker")
    assert result.returncode == 0, result.stderr
    fields = result.stdout.split("\0")
    assert fields[-1] == ""
    names, lines = fields[0:-1:2], fields[1:-1:2]
    assert names == ["", "staging", "keys", "prod-admin", "dev", "sand box"]
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "ROLE", "TOKEN"]
    assert lines[1].split() == ["staging", "777788889999", "ReadOnly", "valid"]
    assert lines[2].split() == ["keys", "-", "-", "-"]
    assert lines[4].split() == ["dev", "Sandbox", "Developer", "valid"]
    assert lines[5].startswith("sand box  ")
    # Aligned columns.
    assert lines[1].index("777788889999") == lines[0].index("ACCOUNT")
    assert lines[4].index("Developer") == lines[0].index("ROLE")


def test_picker_needs_a_terminal_and_asp_alone_still_clears(shell: str, home: AwsHome) -> None:
    script = """
asp dev >/dev/null
asp -i; echo "rc=$? ${AWS_PROFILE-unset}"
ASSO_ASP_PICKER=1
asp; echo "rc=$? ${AWS_PROFILE-unset}"
"""
    result = run(shell, script, home.env)
    assert result.stdout.splitlines() == ["rc=2 dev", "AWS profile cleared.", "rc=0 unset"]
    assert result.stderr == (
        "asp: the picker needs a terminal (asp PROFILE selects a profile by name)\n"
    )


class Steps:
    """Commands typed one after another, each followed by a marker line with its status and
    the profile: "=N STATUS PROFILE=" (the typed line itself never shows the values)."""

    def __init__(self, term: TmuxShell) -> None:
        self.term = term
        self.n = 0

    def type(self, command: str) -> None:
        self.n += 1
        self.term.type(f'{command}; echo "={self.n} $? ${{AWS_PROFILE-}}="')

    def expect(self, status: int, profile: str) -> str:
        return self.term.wait_text(f"={self.n} {status} {profile}=")


def fzf_rows(screen: str) -> list[list[str]]:
    """The rows fzf shows under its prompt (--reverse): the header, then the profiles."""
    lines = screen.splitlines()
    top = max(i for i, line in enumerate(lines) if line.startswith("asp>"))
    return [line.lstrip("> ").split() for line in lines[top + 2 :] if line.strip()]


@requires_tmux
def test_fzf_lists_recent_first_and_selects(fzf_term: TmuxShell) -> None:
    steps = Steps(fzf_term)
    steps.type("asp staging >/dev/null")
    steps.expect(0, "staging")
    steps.type("asp dev >/dev/null")
    steps.expect(0, "dev")
    steps.type("asp -i")
    screen = fzf_term.wait_for(lambda s: "asp>" in s and "5/5" in s and "keys" in s)
    rows = fzf_rows(screen)
    assert rows[0] == ["PROFILE", "ACCOUNT", "ROLE", "TOKEN"]  # --header
    # Recent first (dev, then staging), then config order; the index fzf gets is not shown.
    assert [row[0] for row in rows[1:]] == ["dev", "staging", "prod-admin", "sand", "keys"]
    assert rows[1] == ["dev", "Sandbox", "Developer", "valid"]
    fzf_term.send("Down")  # to the second line: staging
    fzf_term.send("Enter")
    steps.expect(0, "staging")
    # Esc cancels: nothing changes, exit status 1, nothing said.
    steps.type("asp -i")
    fzf_term.wait_for(lambda s: "asp>" in s and "5/5" in s)
    fzf_term.send("Escape")
    screen = steps.expect(1, "staging")
    assert "asp:" not in screen and "asso:" not in screen
    # ASSO_ASP_PICKER=1: asp alone opens the picker. A query narrows it to a name with a space,
    # which comes back whole.
    fzf_term.type("ASSO_ASP_PICKER=1")
    steps.type("asp")
    fzf_term.wait_for(lambda s: "asp>" in s and "5/5" in s)
    fzf_term.type("^sand", enter=False)  # an anchored match: "sand box" alone
    fzf_term.wait_for(lambda s: "1/5" in s)
    fzf_term.send("Enter")
    steps.expect(0, "sand box")


@requires_tmux
def test_numbered_menu_without_fzf(menu_term: TmuxShell) -> None:
    steps = Steps(menu_term)
    steps.type("asp dev >/dev/null")
    steps.expect(0, "dev")
    steps.type("asp -i")
    screen = menu_term.wait_text("asp: profile number (Enter cancels):")
    menu = [line.strip() for line in screen.splitlines()]
    assert any(line.startswith("PROFILE") and "TOKEN" in line for line in menu)
    assert any(line.startswith("1)  dev") for line in menu)
    assert any(line.startswith("2)  prod-admin") for line in menu)
    assert any(line.startswith("5)  keys") for line in menu)
    menu_term.type("99")
    menu_term.wait_text("asp: no entry '99'")
    menu_term.type("3")
    steps.expect(0, "staging")
    # An empty answer cancels: nothing changes, exit status 1.
    steps.type("asp -i")
    menu_term.wait_for(lambda s: s.count("asp: profile number (Enter cancels):") >= 3)
    menu_term.send("Enter")
    steps.expect(1, "staging")
