"""The prompt hook calls the helper only when an input changed, and forks nothing otherwise."""

from __future__ import annotations

import shlex
import subprocess
import time
from pathlib import Path

from ..conftest import AwsHome, plugin_for, run_shell, shell_command
from ..support.clock import shown_between, token_expiry
from ..support.forks import (
    MARK,
    counting_helper,
    forks_after_mark,
    reads_after_mark,
    requires_strace,
)
from ..support.samples import config, session, sso_profile

CONFIG = config(
    session("my-sso"),
    sso_profile("one", "111111111111", "Admin", session="my-sso"),
    sso_profile("two", "222222222222", "Admin", session="my-sso"),
)


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


def renders(shell: str, n: int) -> str:
    h = hook(shell)
    if shell == "zsh":
        return f"repeat {n} {h}"
    return f"for ((i = 0; i < {n}; i++)); do {h}; done"


def count(log: Path) -> str:
    return f'echo "calls=$(wc -l < {str(log)!r} 2>/dev/null || echo 0)"'


def test_helper_calls_only_on_change(shell: str, aws_home: AwsHome) -> None:
    aws_home.write_config(CONFIG)
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "ASSO_HELPER": str(wrapper)}
    token = aws_home.token_file("my-sso")
    token_writer = (
        f"mkdir -p {str(token.parent)!r}; "
        f'printf \'{{"accessToken":"t","expiresAt":"2099-01-01T00:00:00Z"}}\' > {str(token)!r}'
    )
    script = "\n".join(
        [
            "export AWS_PROFILE=one",
            renders(shell, 100),
            count(log),  # the first render resolves once
            "export AWS_PROFILE=two",
            renders(shell, 10),
            count(log),
            "export AWS_DEFAULT_PROFILE=two",
            renders(shell, 10),
            count(log),
            "export AWS_REGION=eu-west-1",
            renders(shell, 10),
            count(log),
            "export AWS_DEFAULT_REGION=eu-west-1",
            renders(shell, 10),
            count(log),
            f"printf '\\n# edited\\n' >> {str(aws_home.config)!r}",
            renders(shell, 10),
            count(log),
            f"printf '[other]\\n' > {str(aws_home.credentials)!r}",
            renders(shell, 10),
            count(log),
            token_writer,
            renders(shell, 10),
            count(log),
            f"rm {str(token)!r}",
            renders(shell, 10),
            count(log),
            'echo "$ASSO_TOKEN_STATE"',
        ]
    )
    result = run_shell(shell, script, env)
    assert result.stderr == ""
    out = result.stdout.split()
    # AWS_DEFAULT_PROFILE=two makes the key a selected profile's (both names alike): the profile
    # table the first call wrote answers it without a call.
    assert out == [f"calls={n}" for n in (1, 2, 2, 3, 4, 5, 6, 7, 8)] + ["missing"]


def test_expiry_passing_triggers_exactly_one_call(shell: str, aws_home: AwsHome) -> None:
    aws_home.write_config(CONFIG)
    # Leaves the valid state (into the 15-minute window) a few seconds from now. The shell waits
    # for that moment on its own clock (no fixed sleep), and says when it rendered first.
    path = aws_home.write_token("my-sso", expires_in=15 * 60 + 6, refreshable=True)
    boundary = int(token_expiry(path)) - 15 * 60
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "ASSO_HELPER": str(wrapper)}
    clock = "$EPOCHSECONDS" if shell == "zsh" else "$(printf '%(%s)T' -1)"
    script = "\n".join(
        [
            "zmodload zsh/datetime" if shell == "zsh" else ":",
            "export AWS_PROFILE=one",
            renders(shell, 10),
            f'echo "first={clock}"',
            count(log),
            f"while (( {clock} < {boundary} )); do sleep 0.2; done",
            renders(shell, 10),
            count(log),
        ]
    )
    result = run_shell(shell, script, env, timeout=120)
    first, *calls = result.stdout.split()
    assert int(first.split("=")[1]) < boundary, "the shell started too late to see the change"
    assert calls == ["calls=1", "calls=2"]


def test_new_shell_reuses_state_without_the_helper(shell: str, aws_home: AwsHome) -> None:
    """A new terminal with AWS_PROFILE set reads the state another shell left: no Python."""
    aws_home.write_config(CONFIG)
    # 8 h + 30 s: the prompt shows 8h00m for half a minute; the expected value is computed from
    # the clock around each shell anyway, so a slow machine crossing the minute passes too.
    expires_at = token_expiry(aws_home.write_token("my-sso", expires_in=8 * 3600 + 30))
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "ASSO_HELPER": str(wrapper), "AWS_PROFILE": "one"}

    def new_shell() -> tuple[str, str, set[str]]:
        before = time.time()
        result = run_shell(shell, f'{hook(shell)}; echo "$ASSO_PROMPT"; {count(log)}', env)
        after = time.time()
        prompt, calls = result.stdout.split("\n")[:2]
        return prompt, calls, shown_between(expires_at, before, after)

    prompt, calls, allowed = new_shell()
    assert calls == "calls=1"
    assert prompt in {f"111111111111/Admin {left}" for left in allowed}
    prompt, calls, allowed = new_shell()
    assert calls == "calls=1"  # the second shell read the first one's state: no helper
    assert prompt in {f"111111111111/Admin {left}" for left in allowed}
    # A changed config is noticed by the new shell too.
    aws_home.write_config(CONFIG.replace("Admin", "Owner"))
    prompt, calls, allowed = new_shell()
    assert calls == "calls=2"
    assert prompt in {f"111111111111/Owner {left}" for left in allowed}


@requires_strace
def test_steady_state_renders_fork_nothing(shell: str, aws_home: AwsHome) -> None:
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso")
    env = {**aws_home.env, "AWS_PROFILE": "one"}
    h = hook(shell)
    # Warm up (one helper call), then mark the trace, then 100 renders.
    script = f"source {str(plugin_for(shell))!r}\n{h}\n{MARK}\n{renders(shell, 100)}\n"
    assert forks_after_mark(shell, script, env, aws_home.root) == []


@requires_strace
def test_steady_state_renders_read_no_file(shell: str, aws_home: AwsHome) -> None:
    """Each watched file is only stat'ed: the state's second name (PATH@GEN) stands for the
    generation bash used to read back, and zsh compares one zstat."""
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso")
    env = {**aws_home.env, "AWS_PROFILE": "one"}
    script = f"source {str(plugin_for(shell))!r}\n{hook(shell)}\n{MARK}\n{renders(shell, 100)}\n"
    assert reads_after_mark(shell, script, env, aws_home.root) == []


@requires_strace
def test_bash_before_5_uses_printf_for_the_clock(aws_home: AwsHome) -> None:
    """bash 4.2-4.4 have no EPOCHSECONDS: the hook reads the clock with printf '%(%s)T', still
    without a process (unsetting EPOCHSECONDS makes bash 5 take that branch)."""
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso", expires_in=2 * 3600 + 90)
    env = {**aws_home.env, "AWS_PROFILE": "one"}
    load = f"unset EPOCHSECONDS\nsource {str(plugin_for('bash'))!r}\n_asso_prompt_command\n"
    script = f"{load}{MARK}\n{renders('bash', 50)}\n"
    assert forks_after_mark("bash", script, env, aws_home.root) == []
    shown = subprocess.run(
        shell_command("bash", load + 'declare -f _asso_now; echo "$ASSO_PROMPT"'),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "%(%s)T" in shown.stdout
    assert shown.stdout.rstrip().endswith("111111111111/Admin 2h01m")


def _expired_login(aws_home: AwsHome) -> tuple[Path, str, int]:
    """The config, an expired token's file, and the token a login would write there (valid for
    three hours) with its expiry."""
    aws_home.write_config(CONFIG)
    expired = aws_home.write_token("my-sso", expires_in=-60)
    expires_at = int(time.time()) + 3 * 3600 + 30
    moment = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires_at))
    return expired, '{"accessToken":"t","expiresAt":"' + moment + '"}', expires_at


def test_a_shell_follows_a_state_another_shell_rewrote(shell: str, aws_home: AwsHome) -> None:
    """Shells on one profile share a state file. After another shell rewrote it (here after a
    login changed the token), this one must show the new state, not what it read before."""
    expired, valid, expires_at = _expired_login(aws_home)
    other = shell_command(shell, f"source {str(plugin_for(shell))!r}; {hook(shell)}")
    script = f"""
{hook(shell)}; echo "before: $ASSO_PROMPT"
printf '%s' {shlex.quote(valid)} > {shlex.quote(str(expired))}
{" ".join(shlex.quote(w) for w in other)}
{hook(shell)}; echo "after: $ASSO_PROMPT"
"""
    before = time.time()
    result = run_shell(shell, script, {**aws_home.env, "AWS_PROFILE": "one"})
    after = time.time()
    first, second = result.stdout.splitlines()
    assert first == "before: 111111111111/Admin expired"
    assert second in {
        f"after: 111111111111/Admin {left}" for left in shown_between(expires_at, before, after)
    }


def test_without_second_names_a_shell_still_follows_a_rewrite(shell: str, aws_home: AwsHome) -> None:
    """On a file system without hard links the state has no PATH@GEN name: bash then reads the
    generation back at each prompt, zsh compares the state's own mtime, and a rewrite by
    another shell is still seen. No helper runs while nothing changes."""
    expired, valid, expires_at = _expired_login(aws_home)
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "AWS_PROFILE": "one", "ASSO_HELPER": str(wrapper)}
    other = shell_command(shell, f"source {str(plugin_for(shell))!r}; {hook(shell)}")
    unlink = f"rm -f {shlex.quote(str(aws_home.env['ASSO_STATE_DIR']))}/prompt/*@*"
    script = f"""
{hook(shell)}; {unlink}; {hook(shell)}; echo "before: $ASSO_PROMPT"
{renders(shell, 20)}; {count(log)}
printf '%s' {shlex.quote(valid)} > {shlex.quote(str(expired))}
{" ".join(shlex.quote(w) for w in other)}; {unlink}
{hook(shell)}; echo "after: $ASSO_PROMPT"
{renders(shell, 20)}; {count(log)}
"""
    before = time.time()
    result = run_shell(shell, script, env)
    after = time.time()
    first, calls, second, calls_after = result.stdout.splitlines()
    assert first == "before: 111111111111/Admin expired"
    assert calls == "calls=1"
    assert second in {
        f"after: 111111111111/Admin {left}" for left in shown_between(expires_at, before, after)
    }
    assert calls_after == "calls=2"  # the other shell's; this one read what that one wrote


def _counting_updates(shell: str) -> str:
    """Shell code that makes _asso_update (what the hook runs when the loaded state is not
    current) count its calls in $updates."""
    if shell == "zsh":
        copy = "functions -c _asso_update _asso_counted_update"
    else:
        copy = 'eval "_asso_counted_update() $(declare -f _asso_update | tail -n +2)"'
    return f'updates=0; {copy}; _asso_update() {{ updates=$((updates + 1)); _asso_counted_update "$@"; }}'


def test_without_second_names_a_profile_from_the_table_stays_loaded(
    shell: str, aws_home: AwsHome
) -> None:
    """A profile set by hand (as asp sets it) is loaded from the profile table, whose header is
    the stamp. On a
    file system without hard links the header has no PATH@GEN name either: the next prompts
    must still find that state current, not load it again at every prompt."""
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso")
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "AWS_PROFILE": "one", "ASSO_HELPER": str(wrapper)}
    unlink = f"rm -f {shlex.quote(str(aws_home.env['ASSO_STATE_DIR']))}/prompt/*@*"
    script = f"""
{hook(shell)}; {unlink}
{_counting_updates(shell)}
export AWS_PROFILE=two AWS_DEFAULT_PROFILE=two; {hook(shell)}; echo "$ASSO_PROFILE $updates"
{renders(shell, 20)}; echo "$ASSO_PROFILE $updates"; {count(log)}
"""
    result = run_shell(shell, script, env)
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["two 1", "two 1", "calls=1"]


def test_two_shells_with_other_inputs_on_one_profile_take_turns_without_the_helper(
    shell: str, aws_home: AwsHome
) -> None:
    """Two terminals on one profile whose keys differ (here TERM: one in tmux, one not) share
    the profile's state file. Once each has its state, prompts taken in turn start no helper:
    the other one's write leaves this one's PATH@GEN name, which still dates its state."""
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso")
    wrapper, log = counting_helper(aws_home)
    env = {**aws_home.env, "AWS_PROFILE": "one", "ASSO_HELPER": str(wrapper), "TERM": "xterm"}
    load = f"source {str(plugin_for(shell))!r}; TERM=screen; {hook(shell)}"
    other = " ".join(shlex.quote(w) for w in shell_command(shell, load))
    turns = "\n".join([f"{other}; {hook(shell)}; {count(log)}"] * 4)
    result = run_shell(shell, f"{hook(shell)}; {count(log)}\n{turns}", env)
    assert result.stderr == ""
    # The other terminal is a new shell each time: it reads its own state, written once.
    assert result.stdout.splitlines() == ["calls=1"] + ["calls=2"] * 4
