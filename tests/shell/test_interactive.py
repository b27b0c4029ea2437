"""The plugin in real interactive shells under tmux: prompt, completion, exit status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import AwsHome, plugin_for
from ..support.samples import PROD_ADMIN, PROD_READONLY, config, session, sso_profile
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux

pytestmark = requires_tmux

CONFIG = config(
    session(), PROD_ADMIN, PROD_READONLY, sso_profile('"sand box"', "444455556666", "Dev")
)

RC = {
    "zsh": """
autoload -Uz compinit && compinit -u -D
source {plugin}
setopt prompt_subst
PROMPT='[${{ASSO_PROMPT}}] %? %# '
""",
    "bash": """
source {plugin}
PS1='[${{ASSO_PROMPT}}] $? \\$ '
""",
}


@pytest.fixture
def term(shell: str, aws_home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=3 * 3600 + 5 * 60 + 30)
    rc = RC[shell].format(plugin=str(plugin_for(shell)))
    t = interactive_shell(shell, aws_home.env, tmp_path, rc, prompt_ready="[] 0 ")
    try:
        yield t
    finally:
        t.close()


def test_prompt_follows_hand_export_and_asp(term: TmuxShell) -> None:
    term.type("export AWS_PROFILE=prod-readonly")
    term.wait_text("[111122223333/ReadOnly 3h05m] 0 ")
    term.type("asp prod-admin")
    term.wait_text("[111122223333/AdministratorAccess 3h05m] 0 ")
    term.type("asp nope")
    screen = term.wait_text("[111122223333/AdministratorAccess 3h05m] 4 ")
    assert "profile 'nope' not found" in screen


def test_exit_status_survives_the_hook(term: TmuxShell) -> None:
    term.type("(exit 7)")
    term.wait_text("[] 7 ")


def test_completion_of_profiles(term: TmuxShell, shell: str) -> None:
    term.type("asp prod-a", enter=False)
    term.send("Tab")
    term.wait_text("asp prod-admin")
    term.send("C-u")
    term.type("asp sa", enter=False)
    term.send("Tab")
    term.wait_for(lambda s: "asp sand\\ box" in s or "asp 'sand box'" in s)
    term.send("Enter")
    term.wait_text("[444455556666/Dev 3h05m] 0 ")
