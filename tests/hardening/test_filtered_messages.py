"""Every message that carries a name is filtered: no control character reaches a terminal, and
zsh shows a session named ``%F{red}`` as written."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import HELPER, PLUGIN_ZSH, START_URL, AwsHome, run_shell
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux, zsh_completion_rc

PATH = "/usr/bin:/bin"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ESC_NAME = "ev\x1b]0;owned\x07il\x1b[2J"
CONFIG = f"""\
[sso-session %F{{red}}corp%f]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile {ESC_NAME}]
sso_session = %F{{red}}corp%f
sso_account_id = 111111111111
sso_role_name = Admin
sso_account_name = Bad\x1b[31mName\x9b2J

[profile plain]
region = eu-west-1
"""


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.env["PATH"] = PATH
    return aws_home


def _helper(home: AwsHome, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HELPER), *args], env=home.env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    "args",
    [
        ["resolve", "--profile", ESC_NAME],  # text output
        ["resolve", "--profile", "evXil"],  # did-you-mean
        ["resolve", "--profile", "ev"],  # prefix matches
        ["login", "--session", "%F{red}corX%f"],  # did-you-mean of sessions
        ["logout", "--", ESC_NAME],
        ["status"],
        ["profiles"],
        ["populate", "--dry-run", "--session", "%F{red}corp%f"],
    ],
)
def test_helper_output_carries_no_control_character(home: AwsHome, args: list[str]) -> None:
    proc = _helper(home, *args)
    assert "Traceback" not in proc.stderr
    assert not CONTROL.search(proc.stderr), proc.stderr
    if args[0] != "populate":  # a dry run's diff shows the user's own bytes
        assert not CONTROL.search(proc.stdout.replace("\n", "")), proc.stdout


def test_profile_names_on_a_terminal_are_filtered_and_piped_ones_are_not(
    home: AwsHome,
) -> None:
    import pty

    leader, follower = pty.openpty()
    try:
        proc = subprocess.run(
            [str(HELPER), "profiles", "--names"],
            env=home.env,
            stdout=follower,
            stderr=subprocess.PIPE,
            timeout=60,
        )
        os.close(follower)
        follower = -1
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if follower >= 0:
            os.close(follower)
        os.close(leader)
    assert proc.returncode == 0
    shown = b"".join(chunks).decode("utf-8", "replace")
    assert "plain" in shown and "\x1b" not in shown
    piped = _helper(home, "profiles", "--names", "--null")
    assert ESC_NAME + "\0" in piped.stdout  # scripts get the exact name


def test_the_asp_login_hint_is_filtered(shell: str, home: AwsHome) -> None:
    script = f"asp $'{ESC_NAME.encode('unicode_escape').decode()}'; echo rc=$?"
    proc = run_shell(shell, script, {**home.env, "ASSO_AUTO_LOGIN": "0"})
    assert "\x1b" not in proc.stderr and "\x07" not in proc.stderr, repr(proc.stderr)
    proc = run_shell(shell, "asp plain $'bad\\x1b[2Jaction'; echo rc=$?", home.env)
    assert "unknown action" in proc.stderr and "\x1b" not in proc.stderr


@pytest.fixture
def zsh_term(home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    rc = zsh_completion_rc(PLUGIN_ZSH, "PROMPT='ready %# '")
    term = interactive_shell("zsh", home.env, tmp_path, rc, prompt_ready="ready ")
    try:
        yield term
    finally:
        term.close()


@requires_tmux
def test_zsh_completion_headings_show_percent_as_written(
    zsh_term: TmuxShell, home: AwsHome
) -> None:
    home.write_config(CONFIG.replace(ESC_NAME, "evil").replace("\x1b", "").replace("\x9b", ""))
    zsh_term.type("asp ", enter=False)
    zsh_term.send("Tab")
    screen = zsh_term.wait_text("== other profiles ==")
    assert "== sso-session %F{red}corp%f ==" in screen


def test_completion_offers_no_name_that_would_drive_the_terminal(home: AwsHome) -> None:
    proc = _helper(home, "profiles", "--completion")
    fields = proc.stdout.split("\0")
    assert "plain" in fields
    assert not any(CONTROL.search(field) for field in fields)


@requires_tmux
def test_zsh_completion_listing_keeps_the_screen(zsh_term: TmuxShell) -> None:
    zsh_term.type("asp ", enter=False)
    zsh_term.send("Tab")
    screen = zsh_term.wait_text("== other profiles ==")
    assert "ready" in screen  # not cleared by a name's escape sequence
