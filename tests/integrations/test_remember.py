"""ASSO_REMEMBER_PROFILE=1: a new interactive shell starts with the profile asp last chose."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest

from ..conftest import AwsHome, plugin_for, shell_command
from ..support.forks import counting_helper
from ..support.samples import DEV, STAGING, config, profile, session
from .conftest import run

NAMES = [f"acct-{i:02d}" for i in range(20)]
CONFIG = config(session(), DEV, STAGING, *[profile(name, region="eu-west-1") for name in NAMES])

SHOW = 'printf "%s|%s|%s\\n" "${AWS_PROFILE-unset}" "${AWS_DEFAULT_PROFILE-unset}" "$ASSO_PROMPT"'
# bash -i without a terminal says so; nothing to do with asso.
JOB_CONTROL_NOISE = ("bash: cannot set terminal process group", "bash: no job control")


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=3 * 3600 + 5 * 60 + 30)
    return aws_home


def remembered(home: AwsHome) -> Path:
    return home.state_dir / "remembered-profile"


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


def interactive(
    shell: str, script: str, env: dict[str, str], *, prelude: str = "ASSO_REMEMBER_PROFILE=1"
) -> subprocess.CompletedProcess[str]:
    """A new interactive shell (no rc file): ``prelude``, the plugin, then ``script``."""
    full = f"{prelude}\nsource {str(plugin_for(shell))!r}\n{script}"
    if shell == "zsh":
        cmd = ["zsh", "-f", "-i", "-c", full]
    else:
        cmd = ["bash", "--norc", "--noprofile", "-i", "-c", full]
    result = subprocess.run(
        cmd, env=env, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    result.stderr = "".join(
        line for line in result.stderr.splitlines(True) if not line.startswith(JOB_CONTROL_NOISE)
    )
    return result


def count(log: Path) -> str:
    return f'echo "calls=$(cat {str(log)!r} 2>/dev/null | wc -l)"'


def test_restored_at_load_with_at_most_one_helper_call(shell: str, home: AwsHome) -> None:
    # The setting as an rc file sets it: a plain shell variable, not exported.
    first = run(shell, "ASSO_REMEMBER_PROFILE=1\nasp dev", home.env, prelude="")
    assert first.returncode == 0, first.stderr
    assert remembered(home).read_bytes() == b"dev\n"
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    script = f"""
echo "load=$AWS_PROFILE|$AWS_DEFAULT_PROFILE"
{count(log)}
{hook(shell)}
{SHOW}
{count(log)}
"""
    result = interactive(shell, script, env)
    assert result.stderr == ""
    # Loading read one file: zsh with builtins, bash through the helper (it checks the file's
    # mode); the first prompt reused the state asp left.
    calls = "calls=0" if shell == "zsh" else "calls=1"
    assert result.stdout.splitlines() == [
        "load=dev|dev",
        calls,
        "dev|dev|444455556666/Developer 3h05m",
        calls,
    ]


def test_not_restored_unless_asked_or_when_a_profile_is_set(shell: str, home: AwsHome) -> None:
    run(shell, "ASSO_REMEMBER_PROFILE=1\nasp dev", home.env, prelude="")
    show = f"{hook(shell)}; {SHOW}"
    assert interactive(shell, show, home.env, prelude="").stdout.startswith("unset|unset|")
    off = interactive(shell, show, home.env, prelude="ASSO_REMEMBER_PROFILE=0")
    assert off.stdout.startswith("unset|unset|")
    mine = interactive(shell, show, {**home.env, "AWS_PROFILE": "staging"})
    assert mine.stdout.startswith("staging|unset|")
    mine = interactive(shell, show, {**home.env, "AWS_DEFAULT_PROFILE": "staging"})
    assert mine.stdout.startswith("unset|staging|")
    # A script (a non-interactive shell) keeps the environment it was given.
    script = run(shell, show, home.env, prelude="ASSO_REMEMBER_PROFILE=1")
    assert script.stdout.startswith("unset|unset|")
    assert interactive(shell, show, home.env).stdout.startswith("dev|dev|")


def test_asp_without_profile_forgets(shell: str, home: AwsHome) -> None:
    result = run(shell, "ASSO_REMEMBER_PROFILE=1\nasp dev\nasp staging\nasp", home.env)
    assert result.stdout.splitlines() == ["AWS profile cleared."]
    assert remembered(home).read_bytes() == b""
    again = interactive(shell, f"{hook(shell)}; {SHOW}", home.env)
    assert again.stdout.startswith("unset|unset|")
    # Remembering is opt-in: without it asp writes nothing.
    run(shell, "asp staging", home.env)
    assert remembered(home).read_bytes() == b""


def test_a_profile_that_no_longer_exists_is_not_restored(shell: str, home: AwsHome) -> None:
    run(shell, "ASSO_REMEMBER_PROFILE=1\nasp dev", home.env, prelude="")
    home.write_config(CONFIG.replace("[profile dev]", "[profile developer]"))
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    script = f"""
{hook(shell)}
{SHOW}
{hook(shell)}; {hook(shell)}
{SHOW}
{count(log)}
"""
    result = interactive(shell, script, env)
    assert result.stdout.splitlines() == [
        "unset|unset|",
        "unset|unset|",
        # (bash: reading the remembered profile,) the stale state of dev, the helper emptying
        # the remembered profile (the shell writes no file itself), the state without a profile.
        "calls=3" if shell == "zsh" else "calls=4",
    ]
    assert result.stderr == (
        "asso: the remembered profile 'dev' no longer exists: no profile is set\n"
    )
    assert remembered(home).read_bytes() == b""  # forgotten: the next shell says nothing
    quiet = interactive(shell, f"{hook(shell)}; {SHOW}", home.env)
    assert (quiet.stdout, quiet.stderr) == ("unset|unset|\n", "")


def test_a_name_written_by_hand_is_checked_too(shell: str, home: AwsHome) -> None:
    remembered(home).parent.mkdir(parents=True)
    remembered(home).write_text("ghost; $(touch PWNED)\n")
    result = interactive(shell, f"{hook(shell)}; {SHOW}", home.env)
    assert result.stdout == "unset|unset|\n"
    assert "remembered profile 'ghost; $(touch PWNED)' no longer exists" in result.stderr
    assert not Path("PWNED").exists()


def test_concurrent_shells_always_leave_one_whole_name(shell: str, home: AwsHome) -> None:
    """Twenty shells run asp at once; a reader never sees a partial or mixed file."""
    path = remembered(home)
    seen: set[bytes] = set()
    stop = threading.Event()

    def reader() -> None:
        while not stop.is_set():
            try:
                seen.add(path.read_bytes())
            except FileNotFoundError:
                pass

    thread = threading.Thread(target=reader)
    thread.start()
    plugin = str(plugin_for(shell))
    try:
        procs = [
            subprocess.Popen(
                shell_command(shell, f"source {plugin!r}\nASSO_REMEMBER_PROFILE=1\nasp {name}"),
                env=home.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for name in NAMES
        ]
        errors = [p.communicate(timeout=60)[1] for p in procs]
    finally:
        stop.set()
        thread.join()
    assert [p.returncode for p in procs] == [0] * len(NAMES)
    assert errors == [b""] * len(NAMES)
    valid = {name.encode() + b"\n" for name in NAMES}
    assert seen and seen <= valid, seen - valid
    assert path.read_bytes() in valid
    # The recent list: whole lines, known names, no repeats (an entry may lose a race).
    recent = (home.state_dir / "recent-profiles").read_bytes().decode().splitlines()
    assert recent and set(recent) <= set(NAMES) and len(recent) == len(set(recent))
    assert not [p for p in home.state_dir.iterdir() if p.name.endswith(".partial")]


def test_a_remembered_profile_others_may_write_is_not_restored(shell: str, home: AwsHome) -> None:
    """Another user must not pick the profile new shells start with: the file is read only
    while it is writable by the user alone (zsh checks with zstat; bash, with no builtin that
    reads a mode, asks the helper)."""
    run(shell, "ASSO_REMEMBER_PROFILE=1\nasp dev", home.env, prelude="")
    show = f"{hook(shell)}; {SHOW}"
    for mode in (0o620, 0o602):
        remembered(home).chmod(mode)
        assert interactive(shell, show, home.env).stdout.startswith("unset|unset|"), oct(mode)
    remembered(home).chmod(0o600)
    assert interactive(shell, show, home.env).stdout.startswith("dev|dev|")
