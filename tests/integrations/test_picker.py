"""asp -i: the picker, with fzf (a fake one that records what it was given) or a numbered menu."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import START_URL, AwsHome, plugin_for
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux
from .conftest import run

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
sso_account_name = Sandbox

[profile staging]
sso_session = corp
sso_account_id = 777788889999
sso_role_name = ReadOnly

[profile "sand box"]
sso_session = corp
sso_account_id = 555566667777
sso_role_name = Dev

[profile keys]
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret
"""

# A stand-in for fzf: records its arguments and input, then prints the line asked for (or, in
# "cancel" mode, exits as fzf does on Esc).
FAKE_FZF = """#!/bin/sh
dir={dir}
printf '%s\\n' "$@" > "$dir/fzf-args"
cat > "$dir/fzf-input"
[ "$(cat "$dir/fzf-mode" 2>/dev/null)" = cancel ] && exit 130
sed -n "$(cat "$dir/fzf-pick" 2>/dev/null || echo 1)p" "$dir/fzf-input"
"""

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


def fake_fzf(tmp_path: Path) -> Path:
    bin_dir = tmp_path / "fakebin"
    bin_dir.mkdir()
    script = bin_dir / "fzf"
    script.write_text(FAKE_FZF.format(dir=str(tmp_path)))
    script.chmod(0o755)
    return bin_dir


def start(shell: str, home: AwsHome, tmp_path: Path, path: str) -> TmuxShell:
    rc = RC[shell].format(plugin=str(plugin_for(shell)), path=path)
    return interactive_shell(shell, home.env, tmp_path, rc, prompt_ready="[] 0 ")


@pytest.fixture
def fzf_term(shell: str, home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    bin_dir = fake_fzf(tmp_path)
    term = start(shell, home, tmp_path, f"{bin_dir}:/usr/bin:/bin")
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


@requires_tmux
def test_fzf_lists_recent_first_and_selects(
    fzf_term: TmuxShell, shell: str, tmp_path: Path
) -> None:
    steps = Steps(fzf_term)
    steps.type("asp staging >/dev/null")
    steps.expect(0, "staging")
    steps.type("asp dev >/dev/null")
    steps.expect(0, "dev")
    (tmp_path / "fzf-pick").write_text("2")
    steps.type("asp -i")
    steps.expect(0, "staging")
    lines = (tmp_path / "fzf-input").read_text().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3", "4", "5"]
    assert [line.split("\t")[1].split()[0] for line in lines] == [
        "dev",
        "staging",
        "prod-admin",
        "sand",
        "keys",
    ]
    assert lines[0].split("\t")[1].split() == ["dev", "Sandbox", "Developer", "valid"]
    args = (tmp_path / "fzf-args").read_text().splitlines()
    assert "--with-nth=2.." in args and "--no-multi" in args
    assert any(a.startswith("--header=PROFILE") for a in args)
    # Cancelling: nothing changes, exit status 1, nothing said.
    (tmp_path / "fzf-mode").write_text("cancel")
    steps.type("asp -i")
    screen = steps.expect(1, "staging")
    assert "asp:" not in screen and "asso:" not in screen
    # ASSO_ASP_PICKER=1: asp alone opens the picker (staging is now the most recent).
    (tmp_path / "fzf-mode").write_text("")
    fzf_term.type("ASSO_ASP_PICKER=1")
    steps.type("asp")
    steps.expect(0, "dev")
    # A name with a space comes back whole (dev, staging, then config order).
    (tmp_path / "fzf-pick").write_text("4")
    steps.type("asp -i")
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
