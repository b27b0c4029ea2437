"""Production warning: the prod record, the danger colour, the asp warning, the export mode."""

from __future__ import annotations

from pathlib import Path

import pytest

from asso.aws.resolve import Resolution
from asso.shell import render
from asso.shell.state import build_state

from ..conftest import SHELLS, AwsHome, plugin_for
from ..support.forks import MARK, forks_after_mark, requires_strace
from ..support.poll import wait_for
from ..support.tmux import interactive_shell, requires_tmux
from .conftest import precmd, run

DANGER = {
    "zsh": ("%F{red}", "%f"),
    "bash": ("\x01\x1b[31m\x02", "\x01\x1b[0m\x02"),
}
SHOW = 'printf "%s|%s\\n" "$ASSO_PROMPT" "$ASSO_PROD"'


def res(profile: str, account_name: str | None = None) -> Resolution:
    return Resolution(
        profile, "sso", "111122223333", account_name, "Admin", None, None, "corp", None, None, None
    )


def test_patterns_match_profile_or_account_name_in_any_case() -> None:
    patterns = render.prod_patterns({})
    assert patterns == ["*prod*"]
    assert render.is_prod(res("prod-admin"), patterns)
    assert render.is_prod(res("PROD-Admin"), patterns)
    assert render.is_prod(res("billing", "Production Billing"), patterns)
    assert not render.is_prod(res("dev", "Sandbox"), patterns)
    custom = render.prod_patterns({"ASSO_PROD_PATTERNS": "*-live  acct-[0-9]?"})
    assert custom == ["*-live", "acct-[0-9]?"]
    assert render.is_prod(res("shop-LIVE"), custom)
    assert render.is_prod(res("acct-42"), custom)
    assert not render.is_prod(res("prod-admin"), custom)
    assert render.prod_patterns({"ASSO_PROD_PATTERNS": ""}) == []  # set but empty: none


@pytest.mark.parametrize(
    ("env", "on"),
    [
        ({}, False),  # no TERM: not a terminal we know
        ({"TERM": "xterm-256color"}, True),
        ({"TERM": "dumb"}, False),
        ({"TERM": "xterm", "NO_COLOR": "1"}, False),
        ({"TERM": "dumb", "ASSO_PROMPT_COLOR": "1"}, True),
        ({"TERM": "xterm", "ASSO_PROMPT_COLOR": "0"}, False),
        ({"TERM": "xterm", "ASSO_PROMPT_COLOR": "never"}, False),
        ({"TERM": "xterm", "ASSO_PROMPT_COLOR": "auto"}, True),
    ],
)
def test_colour_setting(env: dict[str, str], on: bool) -> None:
    assert render.colour_enabled(env) is on


def test_render_wraps_the_whole_segment_once() -> None:
    r = res("prod-admin", "Prod")
    assert render.render(r, "{account}", "never", "zsh", danger=True) == "%F{red}Prod%f"
    assert render.render(r, "{account}", "never", "bash", danger=True) == (
        "\x01\x1b[31m\x02Prod\x01\x1b[0m\x02"
    )
    assert render.render(r, "{account}", "never", "zsh") == "Prod"
    assert render.render(None, "{account}", "never", "zsh", danger=True) == ""


def test_state_records_prod(home: AwsHome, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)  # paths (the token cache) come from os.environ
    env = {**home.env, "TERM": "xterm"}
    records = dict(
        build_state(
            {**env, "AWS_PROFILE": "prod-admin"},
            key="k",
            shell="zsh",
            fmt="{profile}",
            region_mode="env",
        )
    )
    assert (records["prod"], records["prompt"]) == ("1", "%F{red}prod-admin%f")
    records = dict(
        build_state(
            {**env, "AWS_PROFILE": "dev"}, key="k", shell="zsh", fmt="{profile}", region_mode="env"
        )
    )
    assert (records["prod"], records["prompt"]) == ("", "dev")


@pytest.mark.parametrize("shell", SHELLS)
def test_prompt_and_warning_in_the_shell(shell: str, home: AwsHome) -> None:
    env = {**home.env, "TERM": "xterm-256color"}
    script = "\n".join(
        [
            f"asp prod-admin >/dev/null && _asso_prod_warning && {SHOW}",
            f"asp dev >/dev/null && _asso_prod_warning && {SHOW}",
            # The account name matches: Production Billing.
            f"asp billing >/dev/null && _asso_prod_warning && {SHOW}",
            # A profile exported by hand: the prompt hook, then the variables.
            f"export AWS_PROFILE=prod-admin AWS_DEFAULT_PROFILE=prod-admin; {precmd(shell)}",
            SHOW,
        ]
    )
    result = run(shell, script, env)
    on, off = DANGER[shell]
    assert result.stdout.splitlines() == [
        f"{on}111122223333/AdministratorAccess 3h05m{off}|1",
        "Sandbox/Developer 3h05m|",
        f"{on}Production Billing/Billing 3h05m{off}|1",
        f"{on}111122223333/AdministratorAccess 3h05m{off}|1",
    ]
    # stderr is not a terminal: no colour in the warning.
    assert result.stderr.splitlines() == [
        "asso: prod-admin matches ASSO_PROD_PATTERNS: production account (111122223333)",
        "asso: billing matches ASSO_PROD_PATTERNS: production account (Production Billing)",
    ]


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize(
    ("extra", "prelude", "coloured", "prod"),
    [
        ({"TERM": "dumb"}, "", False, "1"),
        ({"TERM": "xterm"}, "ASSO_PROMPT_COLOR=0", False, "1"),
        ({"TERM": "dumb"}, "ASSO_PROMPT_COLOR=1", True, "1"),
        # Set before loading, unexported: the plugin exports it for the helper.
        ({"TERM": "xterm"}, "ASSO_PROD_PATTERNS='*-live STAG*'", False, ""),
    ],
    ids=["dumb-terminal", "colour-off", "colour-forced", "own-patterns"],
)
def test_settings(
    shell: str, home: AwsHome, extra: dict[str, str], prelude: str, coloured: bool, prod: str
) -> None:
    env = {**home.env, **extra}
    script = f"asp prod-admin >/dev/null; {SHOW}; asp staging >/dev/null; "
    script += f"{SHOW}"
    out = run(shell, script, env, prelude=prelude).stdout.splitlines()
    on, off = DANGER[shell] if coloured else ("", "")
    assert out[0] == f"{on}111122223333/AdministratorAccess 3h05m{off}|{prod}"
    if "STAG" in prelude:  # the colour is on (TERM=xterm): the match is coloured
        on, off = DANGER[shell]
        assert out[1] == f"{on}777788889999/ReadOnly 3h05m{off}|1"
    else:
        assert out[1] == "777788889999/ReadOnly 3h05m|"


@pytest.mark.parametrize("shell", SHELLS)
def test_export_mode_for_starship(shell: str, home: AwsHome) -> None:
    env = {**home.env, "TERM": "xterm-256color"}
    child = (
        'sh -c \'printf "%s|%s|%s\\n" "$ASSO_PROMPT" "$ASSO_PROMPT_PROD" "$ASSO_PROMPT_NONPROD"\''
    )
    script = "\n".join(
        [
            f"asp prod-admin >/dev/null; {precmd(shell)}; {child}",
            f"asp dev >/dev/null; {precmd(shell)}; {child}",
            f"asp; {precmd(shell)}; {child}",
        ]
    )
    result = run(shell, script, env, prelude="ASSO_EXPORT_PROMPT=1")
    # Plain text (a program prints it), the segment in the variable that says what it is.
    assert result.stdout.splitlines() == [
        "111122223333/AdministratorAccess 3h05m|111122223333/AdministratorAccess 3h05m|",
        "Sandbox/Developer 3h05m||Sandbox/Developer 3h05m",
        "AWS profile cleared.",
        "||",
    ]
    assert result.stderr == ""


@pytest.mark.parametrize("shell", SHELLS)
def test_export_adds_no_hook(shell: str, home: AwsHome) -> None:
    """The split is done by the one render: exporting costs no second refresh per prompt."""
    hooks = 'print -r -- "${precmd_functions[*]}"' if shell == "zsh" else 'echo "$PROMPT_COMMAND"'
    plain = run(shell, hooks, home.env).stdout.strip()
    exported = run(shell, hooks, home.env, prelude="ASSO_EXPORT_PROMPT=1").stdout.strip()
    expected = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    assert plain == exported == expected


@requires_strace
@pytest.mark.parametrize("shell", SHELLS)
def test_export_hook_forks_nothing(shell: str, home: AwsHome) -> None:
    env = {**home.env, "AWS_PROFILE": "prod-admin"}
    script = (
        f"ASSO_EXPORT_PROMPT=1\nsource {str(plugin_for(shell))!r}\n{precmd(shell)}\n"
        f"{MARK}\n" + "\n".join([precmd(shell)] * 50)
    )
    assert forks_after_mark(shell, script, env, home.root) == []


@requires_tmux
@pytest.mark.parametrize("shell", SHELLS)
def test_terminal_shows_red_and_the_line_editor_counts_right(
    shell: str, home: AwsHome, tmp_path: Path
) -> None:
    if shell == "zsh":
        rc = f"source {str(plugin_for(shell))!r}\nsetopt prompt_subst\nPROMPT='${{ASSO_PROMPT}} %# '\n"
    else:
        rc = f"source {str(plugin_for(shell))!r}\nPS1='${{ASSO_PROMPT}} \\$ '\n"
    term = interactive_shell(shell, home.env, tmp_path, rc)
    try:
        term.type("asp prod-admin")
        screen = term.wait_text("111122223333/AdministratorAccess 3h05m ")
        # asp warned once, on stderr; then a clean screen with just the prompt.
        assert "asso: prod-admin matches ASSO_PROD_PATTERNS: production account" in screen
        term.type("clear")
        term.wait_for(lambda s: s.startswith("111122223333/AdministratorAccess 3h05m "))
        coloured = term._tmux("capture-pane", "-e", "-p", "-t", term.name)
        assert "\x1b[31m111122223333/AdministratorAccess 3h05m\x1b[39m" in coloured or (
            "\x1b[31m111122223333/AdministratorAccess 3h05m\x1b[0m" in coloured
        )
        # Beginning of line: the cursor lands right after the prompt only if the editor knows
        # the colour codes take no room.
        term.type("echo some words", enter=False)
        prompt = "111122223333/AdministratorAccess 3h05m " + ("# " if shell == "zsh" else "$ ")

        def column() -> int:
            return int(term._tmux("display-message", "-p", "-t", term.name, "#{cursor_x}"))

        end = len(prompt) + len("echo some words")
        wait_for(lambda: column() == end, "the typed words", timeout=30)
        term.send("C-a")
        # Wait for the cursor to move (wherever it lands), then check where it landed.
        wait_for(lambda: column() != end, "the cursor to move", timeout=30)
        assert column() == len(prompt)
    finally:
        term.close()
