"""Completion: the helper's cached triples, zsh's grouped descriptions, bash's COMPREPLY."""

from __future__ import annotations

import marshal
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asso.shell import completion

from ..conftest import HELPER, PLUGIN_ZSH, AwsHome
from ..support.clock import token_expiry
from ..support.poll import wait_for
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux, zsh_completion_rc
from .conftest import run


def triples(home: AwsHome, **env: str) -> list[tuple[str, str, str]]:
    result = home.run_helper("profiles", "--completion", **env)
    assert result.returncode == 0, result.stderr
    parts = result.stdout.split("\0")
    assert parts[-1] == ""
    parts.pop()
    assert len(parts) % 3 == 0
    return [(parts[i], parts[i + 1], parts[i + 2]) for i in range(0, len(parts), 3)]


def test_triples_grouped_by_session(home: AwsHome) -> None:
    # AWS_REGION does not leak into descriptions: they describe the profile.
    assert triples(home, AWS_REGION="ap-south-1") == [
        (
            "prod-admin",
            "111122223333, AdministratorAccess, eu-west-1, token valid",
            "sso-session corp",
        ),
        ("dev", "Sandbox (444455556666), Developer, token valid", "sso-session corp"),
        ("staging", "777788889999, ReadOnly, token valid", "sso-session corp"),
        (
            "billing",
            "Production Billing (222233334444), Billing, token valid",
            "sso-session corp",
        ),
        ("expired-dev", "555566667777, Dev, token expired", "sso-session old"),
        ("keys", "static keys", "other profiles"),
    ]


def test_the_cache_is_used_until_an_input_changes(home: AwsHome, tmp_path: Path) -> None:
    first = triples(home)
    entries = list((home.cache_dir / "completion").iterdir())
    assert len(entries) == 1
    fmt, watched, valid_until, _payload = marshal.loads(entries[0].read_bytes())
    paths = [path for path, _ in watched]
    assert str(home.config) in paths and str(home.token_file("corp")) in paths
    assert valid_until is not None and valid_until > time.time()  # the first token change
    # Poison the payload: a hit returns it unchanged.
    entries[0].write_bytes(marshal.dumps((fmt, watched, valid_until, b"x\0y\0z\0")))
    assert triples(home) == [("x", "y", "z")]
    # A token written (a login elsewhere) invalidates it.
    home.write_token("old", expires_in=3600)
    rebuilt = triples(home)
    assert ("expired-dev", "555566667777, Dev, token valid", "sso-session old") in rebuilt
    # So does the config.
    home.write_config(home.config.read_text() + "\n[profile extra]\nregion = us-east-1\n")
    assert triples(home)[-1] == ("extra", "us-east-1", "other profiles")  # kind "none"
    assert len(first) == 6


def test_the_cache_expires_when_a_token_changes_state(home: AwsHome) -> None:
    from asso.aws import tokens

    path = home.write_token("corp", expires_in=tokens.REFRESH_WINDOW + 8, refreshable=True)
    window = token_expiry(path) - tokens.REFRESH_WINDOW
    assert triples(home)[0][1].endswith("token valid")
    assert time.time() < window, "the first listing came too late to be before the window"
    wait_for(lambda: time.time() > window + 1, "the refresh window to begin", timeout=30)
    # Now inside the refresh window: the entry's time is up, so it is rebuilt, not served.
    entry = next((home.cache_dir / "completion").iterdir())
    before = entry.stat().st_mtime_ns
    assert triples(home)[0][1].endswith("token refreshable")
    assert entry.stat().st_mtime_ns != before


def test_describe_sanitizes_and_errors() -> None:
    from asso.aws.resolve import Resolution

    res = Resolution("p", "role", "1", "A\x1bB", "R", None, None, None, None, None, None)
    assert completion.describe(res) == "A?B (1), R"
    broken = Resolution("b", "role", None, None, None, None, None, None, None, None, "no\nsource")
    assert completion.describe(broken) == "error: no source"


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_bash_completion(home: AwsHome) -> None:
    script = r"""
c() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _asso_complete
  local IFS=,; echo "${COMPREPLY[*]}"
}
c asp ''
c asp pr
c asr eu-west-
c asso ''
c asso lo
c asso login ''
c asso doctor --
c asso -
c asso resolve --profile st
"""
    out = run("bash", script, home.env).stdout.splitlines()
    assert out[0].split(",") == [
        "-",
        "prod-admin",
        "dev",
        "staging",
        "billing",
        "expired-dev",
        "keys",
    ]
    assert out[1] == "prod-admin"
    assert set(out[2].split(",")) >= {"eu-west-1", "eu-west-2"}
    first = out[3].split(",")
    assert {"login", "logout", "status", "doctor", "profiles", "resolve"} <= set(first)
    assert first[-6:] == ["prod-admin", "dev", "staging", "billing", "expired-dev", "keys"]
    assert out[4].split(",") == ["login", "logout"]
    assert out[5].split(",")[0] == "prod-admin"
    assert set(out[6].split(",")) >= {"--json", "--strict", "--max-session-hours", "--help"}
    assert set(out[7].split(",")) == {"-h", "--help", "--version"}
    assert out[8] == "staging"


def test_zsh_commands_and_options_come_from_the_helper_data(home: AwsHome, tmp_path: Path) -> None:
    # A helper that logs its arguments: completion must never scrape `--help`.
    log = tmp_path / "argv"
    wrapper = tmp_path / "helper"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> {str(log)!r}\nexec {HELPER} "$@"\n')
    wrapper.chmod(0o755)
    script = """
_asso_load_commands; print -rl -- ${(M)_asso_commands:#(login|doctor):*}
_asso_options logout; print -r -- $reply
print -r -- $_asso_profile_commands
"""
    out = run("zsh", script, {**home.env, "ASSO_HELPER": str(wrapper)}).stdout.splitlines()
    assert out[0].startswith("login:log in to the SSO session")
    assert out[1].startswith("doctor:check the installation")
    assert set(out[2].split()) == {"-h", "--help", "--all"}
    assert out[3] == "login logout console"
    assert not any("--help" in line for line in log.read_text().splitlines())


@pytest.fixture
def zsh_term(home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    rc = zsh_completion_rc(PLUGIN_ZSH, "setopt prompt_subst\nPROMPT='[${ASSO_PROMPT}] %# '")
    term = interactive_shell("zsh", home.env, tmp_path, rc, prompt_ready="[] ")
    try:
        yield term
    finally:
        term.close()


@requires_tmux
def test_zsh_lists_profiles_with_descriptions_by_session(zsh_term: TmuxShell) -> None:
    zsh_term.type("asp ", enter=False)
    zsh_term.send("Tab")
    screen = zsh_term.wait_text("== other profiles ==")
    lines = [line.rstrip() for line in screen.splitlines()]
    corp = lines.index("== sso-session corp ==")
    old = lines.index("== sso-session old ==")
    other = lines.index("== other profiles ==")
    assert corp < old < other
    body = "\n".join(lines[corp:old])
    assert "prod-admin" in body and "-- 111122223333, AdministratorAccess, eu-west-1" in body
    assert "-- Sandbox (444455556666), Developer, token valid" in body
    assert "expired-dev" in lines[old + 1] and "token expired" in lines[old + 1]
    assert "keys" in lines[other + 1] and "static keys" in lines[other + 1]
    zsh_term.send("C-u")
    zsh_term.type("asso do", enter=False)
    zsh_term.send("Tab")
    zsh_term.wait_text("asso doctor")


def console_services(home: AwsHome) -> list[str]:
    result = home.run_helper("_choices", "service")
    assert result.returncode == 0, result.stderr
    parts = result.stdout.split("\0")
    assert parts.pop() == "" and len(parts) % 2 == 0
    return parts[0::2]


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_bash_completes_asso_console(home: AwsHome) -> None:
    from asso.aws.console import SERVICES

    assert console_services(home) == list(SERVICES)  # the one list, from Python
    script = r"""
set -euo pipefail
c() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _asso_complete
  local IFS=,; echo "${COMPREPLY[*]-}"
}
c asso con
c asso console ''
c asso console prod-admin --service ''
c asso console --service s
c asso console --region eu-west-
c asso console --destination ''
c asso console --p
"""
    out = run("bash", script, home.env).stdout.splitlines()
    assert out[0] == "console"
    assert out[1].split(",") == ["prod-admin", "dev", "staging", "billing", "expired-dev", "keys"]
    assert out[2].split(",") == list(SERVICES)
    assert {"s3", "sqs", "sns", "ssm", "secretsmanager"} <= set(out[3].split(","))
    assert all(name.startswith("s") for name in out[3].split(","))
    assert "eu-west-1" in out[4].split(",")
    assert out[5] == ""
    assert set(out[6].split(",")) == {"--print", "--portal"}


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_option_values_complete_from_the_helper_data(home: AwsHome, shell: str) -> None:
    """What an option's value is comes from `asso _commands`: profiles after --profile, regions
    after any --region, nothing after an option that takes free text (not the profiles a
    profile command would otherwise offer), and flags are no values."""
    from asso.cli.commands import VALUE_KINDS

    assert set(VALUE_KINDS.values()) - {"profile", "region"} <= set(completion.CHOICES)
    cases = [
        ("resolve", "--profile"),
        ("populate", "--region"),
        ("console", "--service"),
        ("login", "--session"),
        ("console", "--browser"),
        ("logout", "--all"),
        ("no-such-command", "--profile"),
    ]
    if shell == "bash":
        lines = [
            f'_asso_option_value {cmd} {opt} && echo "{cmd} {opt}=$REPLY" || echo "{cmd} {opt} -"'
            for cmd, opt in cases
        ]
        script = "set -u\n" + "\n".join(lines) + "\n"
    else:
        lines = [
            f'_asso_option_value {cmd} {opt} && print -r -- "{cmd} {opt}=$REPLY" '
            f'|| print -r -- "{cmd} {opt} -"'
            for cmd, opt in cases
        ]
        script = "setopt no_unset\n" + "\n".join(lines) + "\n"
    out = run(shell, script, home.env).stdout.splitlines()
    assert out == [
        "resolve --profile=profile",
        "populate --region=region",
        "console --service=service",
        "login --session=",
        "console --browser=",
        "logout --all -",
        "no-such-command --profile -",
    ]
    if shell == "bash":
        script = r"""
c() {
  COMP_WORDS=("$@"); COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _asso_complete
  local IFS=,; echo "${COMPREPLY[*]-}"
}
c asso resolve --profile prod-
c asso populate --region eu-west-
c asso login --session ''
c asso login ''
"""
        out = run("bash", script, home.env).stdout.splitlines()
        assert out[0] == "prod-admin"
        assert "eu-west-1" in out[1].split(",")
        assert out[2] == ""
        assert "dev" in out[3].split(",")


@requires_tmux
def test_zsh_completes_console_services_with_descriptions(zsh_term: TmuxShell) -> None:
    zsh_term.type("asso console prod-admin --service ", enter=False)
    zsh_term.send("Tab")
    # The list is taller than the terminal: its heading may have scrolled away.
    screen = zsh_term.wait_text("-- Secrets Manager")
    assert "secretsmanager" in screen and "-- CloudWatch Logs" in screen
    zsh_term.send("C-u")
    zsh_term.type("asso console --service stepf", enter=False)
    zsh_term.send("Tab")
    zsh_term.wait_text("asso console --service stepfunctions")
    zsh_term.send("C-u")
    zsh_term.type("asso console prod-a", enter=False)
    zsh_term.send("Tab")
    zsh_term.wait_text("asso console prod-admin")
