"""Python owns the command list: routing of `asso WORDS...`, `asso help`, the completion data."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from asso.cli.parser import COMMANDS, DEFAULT_COMMAND, PROFILE_COMMANDS, route
from asso.errors import ExitCode

from ..conftest import HELPER, AwsHome, run_shell

NAMES = [name for name, _, _ in COMMANDS]


@pytest.mark.parametrize(
    ("argv", "routed"),
    [
        ([], [DEFAULT_COMMAND]),
        (["dev"], [DEFAULT_COMMAND, "dev"]),
        (["dev", "--force"], [DEFAULT_COMMAND, "dev", "--force"]),
        (["status", "--json"], ["status", "--json"]),
        (["help"], ["help"]),
        (["--version"], ["--version"]),
        (["_shell-state", "--shell=zsh"], ["_shell-state", "--shell=zsh"]),
        (["has space"], [DEFAULT_COMMAND, "has space"]),
        (["$(touch x)"], [DEFAULT_COMMAND, "$(touch x)"]),
    ],
)
def test_route(argv: list[str], routed: list[str]) -> None:
    assert route(argv) == routed


def test_help_lists_every_command(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("help")
    assert result.returncode == ExitCode.OK, result.stderr
    for name in [*NAMES, "help"]:
        assert f"    {name} " in result.stdout or f"    {name}\n" in result.stdout, name


def test_help_of_a_command(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("help", "logout")
    assert result.returncode == ExitCode.OK, result.stderr
    assert result.stdout.startswith("usage: asso logout") and "--all" in result.stdout


def test_help_of_an_unknown_command(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("help", "nope")
    assert result.returncode == ExitCode.USAGE
    assert result.stderr.count("\n") == 1 and "'nope'" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_word_that_is_no_command_is_a_profile(aws_home: AwsHome) -> None:
    aws_home.write_config("[profile dev]\nregion = eu-west-1\n")
    result = aws_home.run_helper("no-such-profile")
    assert result.returncode == ExitCode.PROFILE_NOT_FOUND
    assert "'no-such-profile'" in result.stderr


def _commands(home: AwsHome) -> list[list[str]]:
    result = home.run_helper("_commands")
    assert result.returncode == 0, result.stderr
    fields = result.stdout.split("\0")
    assert fields[-1] == ""
    fields.pop()
    assert len(fields) % 5 == 0
    return [fields[i : i + 5] for i in range(0, len(fields), 5)]


def test_completion_data_comes_from_the_parser_and_is_cached(aws_home: AwsHome) -> None:
    first = _commands(aws_home)
    assert first[0][0] == "" and {"-h", "--help", "--version"} == set(first[0][2].split())
    by_name = {name: (description, options, kind) for name, description, options, kind, _ in first}
    assert [name for name in by_name if name] == [*NAMES, "help"]
    assert "--all" in by_name["logout"][1].split()
    assert {name for name, (_, _, kind) in by_name.items() if kind == "profile"} == set(
        PROFILE_COMMANDS
    )
    # What completes each option's value: from the parser, the same words the shells read.
    values = {name: dict(v.split("=", 1) for v in vals.split()) for name, *_, vals in first}
    assert values[""] == {}  # --version and --help take none
    assert values["console"] == {
        "--service": "service",
        "--destination": "",
        "--region": "region",
        "--browser": "",
    }
    assert values["resolve"] == {"--profile": "profile"}
    assert values["logout"] == {}  # --all is a flag
    from asso.shell.completion import CHOICES

    kinds = {kind for per in values.values() for kind in per.values()}
    assert kinds - {"profile", "region", ""} <= set(CHOICES)
    cached = list((aws_home.cache_dir / "completion").glob("commands-*"))
    assert len(cached) == 1
    assert _commands(aws_home) == first


def test_choices_lists_what_an_option_value_may_be(aws_home: AwsHome) -> None:
    from asso.aws.console import SERVICES

    result = aws_home.run_helper("_choices", "service")
    assert result.returncode == 0, result.stderr
    fields = result.stdout.split("\0")
    assert fields.pop() == ""
    assert fields[0::2] == list(SERVICES)
    assert fields[1::2] == [description for _, description in SERVICES.values()]
    listed = aws_home.run_helper("console", "--services")  # the README's listing: the same
    assert listed.returncode == 0 and listed.stdout == result.stdout
    for bad in (("_choices",), ("_choices", "nothing"), ("_choices", "service", "more")):
        result = aws_home.run_helper(*bad)
        assert result.returncode == ExitCode.USAGE, bad
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_shells_route_every_word_to_the_helper(aws_home: AwsHome, shell: str, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The shell function adds no routing: the helper sees exactly the words typed."""
    log = tmp_path / "argv"
    fake = tmp_path / "fake-helper"
    fake.write_text(
        f'#!/bin/sh\nfor a in "$@"; do printf "[%s]" "$a"; done >> {log}\necho >> {log}\n'
    )
    fake.chmod(0o755)
    env = {**aws_home.env, "ASSO_HELPER": str(fake)}
    script = "asso; asso dev; asso 'a b' '$(x)'; asso help login; asso status --json\n"
    result = run_shell(shell, script, env)
    assert result.returncode == 0, result.stderr
    calls = [line for line in log.read_text().splitlines() if not line.startswith("[_shell-state]")]
    assert calls == ["", "[dev]", "[a b][$(x)]", "[help][login]", "[status][--json]"]


def test_remembered_profile_prints_the_name_or_nothing(tmp_path: Path) -> None:
    env = {**os.environ, "ASSO_STATE_DIR": str(tmp_path)}
    run = [str(HELPER), "_remembered-profile"]
    assert subprocess.run(run, env=env, capture_output=True).stdout == b""
    (tmp_path / "remembered-profile").write_bytes("dév $(id)\n".encode())
    (tmp_path / "remembered-profile").chmod(0o600)
    assert subprocess.run(run, env=env, capture_output=True).stdout == "dév $(id)\n".encode()
    (tmp_path / "remembered-profile").chmod(0o666)
    assert subprocess.run(run, env=env, capture_output=True).stdout == b""
    wrong = subprocess.run([*run, "x"], env=env, capture_output=True, text=True)
    assert wrong.returncode == 2 and len(wrong.stderr.splitlines()) == 1
