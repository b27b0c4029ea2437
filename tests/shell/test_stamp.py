"""The state file's mtime is the moment before the inputs were read: a watched file that changes
while the helper runs is newer than the stamp, so the next prompt asks the helper again."""

from __future__ import annotations

import shlex
import stat
from pathlib import Path

from ..conftest import HELPER, AwsHome, run_shell
from ..support.samples import config, session, sso_profile

EDIT_HOOK = Path(__file__).resolve().parent.parent / "support" / "edit_while_reading"

CONFIG = config(session("my-sso"), sso_profile("one", "111111111111", "Admin", session="my-sso"))


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


def test_a_config_edited_while_the_helper_reads_it_is_noticed(
    shell: str, aws_home: AwsHome
) -> None:
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso", expires_in=8 * 3600 + 30)
    log = aws_home.root / "calls.log"
    wrapper = aws_home.root / "counting-asso"
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{HELPER}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    marker = aws_home.root / "edit-once"
    marker.touch()
    env = {
        **aws_home.env,
        "ASSO_HELPER": str(wrapper),
        "AWS_PROFILE": "one",
        "AWS_CONFIG_FILE": str(aws_home.config),
        "PYTHONPATH": str(EDIT_HOOK),
        "EDIT_WHILE_READING_FILE": str(aws_home.config),
        "EDIT_WHILE_READING_TEXT": CONFIG.replace("Admin", "Owner"),
        "EDIT_WHILE_READING_ONCE": str(marker),
    }
    calls = f"wc -l < {shlex.quote(str(log))}"
    script = f"""
{hook(shell)}; echo "first: $ASSO_ROLE $({calls})"
{hook(shell)}; echo "second: $ASSO_ROLE $({calls})"
{hook(shell)}; echo "third: $ASSO_ROLE $({calls})"
"""
    result = run_shell(shell, script, env)
    assert result.stderr == ""
    assert not marker.exists(), "the edit did not happen inside the helper"
    assert "Owner" in aws_home.config.read_text()
    assert [line.split() for line in result.stdout.splitlines()] == [
        ["first:", "Admin", "1"],  # what the helper read, before the edit
        ["second:", "Owner", "2"],  # the edit is newer than the stamp: asked again
        ["third:", "Owner", "2"],  # and then nothing changed
    ]
