"""The powerlevel10k segment, through p10k's `p10k segment` API (a recording stand-in)."""

from __future__ import annotations

import shutil
import stat

import pytest

from ..conftest import HELPER, AwsHome
from ..support.forks import MARK, forks_after_mark, requires_strace
from .conftest import P10K_STUB, US, precmd, run

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")

# p10k loads first (its precmd hook runs before asso's), as with a usual .zshrc.
PRELUDE = f"""source {str(P10K_STUB)!r}
POWERLEVEL9K_LEFT_PROMPT_ELEMENTS=(dir asso)
POWERLEVEL9K_ASSO_CLASSES=('*stag*' STAGING '*' DEFAULT)
POWERLEVEL9K_ASSO_PROD_FOREGROUND=160
prompt_dir() {{ p10k segment -f blue -t '%~' }}"""

SHOW = 'print -rl -- "${P10K_STUB_CALLS[@]}"; print -r -- "PROMPT=$PROMPT"'


def segment_calls(stdout: str) -> list[list[str]]:
    return [line.split(US) for line in stdout.splitlines() if line.startswith("asso" + US)]


def render_for(home: AwsHome, profile: str | None, **env: str) -> tuple[list[list[str]], str]:
    set_profile = f"export AWS_PROFILE={profile}" if profile else "unset AWS_PROFILE"
    script = f"{set_profile}\n{precmd('zsh')}\n{SHOW}"
    result = run("zsh", script, {**home.env, "TERM": "xterm-256color", **env}, prelude=PRELUDE)
    assert result.stderr == ""
    prompt = next(line for line in result.stdout.splitlines() if line.startswith("PROMPT="))
    return segment_calls(result.stdout), prompt


@pytest.mark.parametrize(
    ("profile", "state", "text"),
    [
        ("prod-admin", "PROD", "111122223333/AdministratorAccess 3h05m"),
        ("billing", "PROD", "Production Billing/Billing 3h05m"),  # by account name
        ("dev", "DEFAULT", "Sandbox/Developer 3h05m"),
        ("staging", "STAGING", "777788889999/ReadOnly 3h05m"),  # POWERLEVEL9K_ASSO_CLASSES
        ("expired-dev", "EXPIRED", "555566667777/Dev expired"),
        ("keys", "DEFAULT", "keys"),
        ("nope", "ERROR", "nope (unknown profile)"),
    ],
)
def test_segment_state_and_text(home: AwsHome, profile: str, state: str, text: str) -> None:
    calls, prompt = render_for(home, profile)
    # The text comes without asso's own red: p10k colours by state.
    assert calls == [["asso", "-s", state, "-r", "-i", "AWS_ICON", "-f", calls[0][7], "-t", text]]
    if state == "PROD":
        assert f"%F{{160}}☁ {text}%f" in prompt  # POWERLEVEL9K_ASSO_PROD_FOREGROUND applies
    assert prompt.startswith("PROMPT=%F{blue}%~%f ")


def test_no_profile_no_segment(home: AwsHome) -> None:
    calls, _ = render_for(home, None)
    assert calls == []  # no default profile in this config: nothing to show


def test_segment_follows_a_hand_export_before_asso_hook_runs(home: AwsHome) -> None:
    # p10k's precmd runs first; prompt_asso brings the state up to date itself.
    script = "\n".join(
        [
            "export AWS_PROFILE=dev",
            precmd("zsh"),
            "export AWS_PROFILE=prod-admin",
            "_p10k_stub_precmd",  # p10k alone, before asso's hook
            SHOW,
        ]
    )
    result = run("zsh", script, {**home.env, "TERM": "dumb"}, prelude=PRELUDE)
    calls = segment_calls(result.stdout)
    assert calls[-1][2] == "PROD"
    assert calls[-1][-1] == "111122223333/AdministratorAccess 3h05m"


def test_instant_prompt_calls_are_the_same_whatever_the_state(home: AwsHome) -> None:
    script = "\n".join(
        f"export AWS_PROFILE={p}; {precmd('zsh')}; p10k_stub_instant; "
        'print -rl -- "${P10K_STUB_INSTANT_CALLS[@]}"'
        for p in ("prod-admin", "dev", "expired-dev")
    )
    result = run("zsh", script, {**home.env, "TERM": "xterm"}, prelude=PRELUDE)
    calls = segment_calls(result.stdout)
    assert len(calls) == 3
    assert calls[0] == calls[1] == calls[2]
    call = calls[0]
    assert call[call.index("-c") + 1] == "${AWS_PROFILE:-$AWS_DEFAULT_PROFILE}"
    assert "-e" in call
    # As p10k would show it at the next start: the condition and text expanded from the
    # environment, which is all there is before the plugin loads.
    shown = run(
        "zsh",
        "_p10k_stub_segment=asso; _p10k_stub_out=; instant_prompt_asso; print -r -- $_p10k_stub_out",
        {**home.env, "AWS_PROFILE": "100%-prod"},
        prelude=PRELUDE,
    )
    assert shown.stdout.strip() == "%F{208}☁ 100%%-prod%f"


def test_segment_never_calls_the_helper_in_steady_state(home: AwsHome) -> None:
    log = home.root / "calls.log"
    wrapper = home.root / "counting-asso"
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{HELPER}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    env = {**home.env, "ASSO_HELPER": str(wrapper), "AWS_PROFILE": "prod-admin"}
    script = f"repeat 30 {{ {precmd('zsh')} }}\n{SHOW}"
    result = run("zsh", script, env, prelude=PRELUDE)
    assert segment_calls(result.stdout)[-1][2] == "PROD"
    assert log.read_text().count("x") == 1


@requires_strace
def test_segment_forks_nothing(home: AwsHome) -> None:
    env = {**home.env, "AWS_PROFILE": "prod-admin", "TERM": "xterm"}
    from ..conftest import PLUGIN_ZSH

    script = (
        f"{PRELUDE}\nsource {str(PLUGIN_ZSH)!r}\n{precmd('zsh')}\n"
        f"{MARK}\n"
        f"repeat 50 {{ {precmd('zsh')} }}"
    )
    assert forks_after_mark("zsh", script, env, home.root) == []
