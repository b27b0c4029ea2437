"""asp from the profile table: no process while nothing changed, and exactly the helper's answers.

The first asp asks the helper, which writes the table (asso.shell.profiletable); later ones with
an exact name or an alias read it with builtins. Anything the table cannot answer, or that
changed since, goes to the helper, so every answer here is compared with the helper's own.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import time
from pathlib import Path

import pytest

from asso.aws.tokens import parse_time
from asso.shell import facts
from asso.shell.profiletable import bucket_count, bucket_of, read_header

from ..conftest import AwsHome, plugin_for, run_shell, shell_command
from ..support.forks import MARK, counting_helper, forks_after_mark, requires_strace
from ..support.samples import config, profile, session, sso_profile
from .test_zero_forks import count

CONFIG = config(
    session(),
    sso_profile("one", "111111111111", "Admin", region="eu-west-1"),
    sso_profile("two", "222222222222", "ReadOnly"),
    sso_profile("prod-admin", "333333333333", "Admin"),
    sso_profile("twofold", "444444444444", "Admin"),
    profile('"sand box"', region="us-west-2"),
    sso_profile("Ünïcode-dev", "555555555555", "Dev"),
    sso_profile('"$(touch pwned)"', "666666666666", "Dev"),
    profile("'100%-quote\"d'", region="ap-south-1"),
    profile("broken", sso_session="nowhere"),
)

ALIASES = "p = prod-admin\nbox = sand box\nghost = nothing-here\n"

# What asp leaves behind, one line per variable.
SHOW = (
    'printf "%s|" "rc=$rc" "${AWS_PROFILE-}" "${AWS_DEFAULT_PROFILE-}" "$ASSO_PROFILE" "$ASSO_KIND"'
    ' "$ASSO_ACCOUNT_ID" "$ASSO_ROLE" "$ASSO_REGION" "$ASSO_TOKEN_STATE" "$ASSO_EXPIRES_AT"'
    ' "$ASSO_PROD" "$ASSO_ERROR" "$ASSO_PROMPT"; echo'
)
NAMES = [
    "one",
    "two",
    "p",  # an alias
    "box",  # an alias to a name with a space
    "prod-admin",  # the production warning (interactive shells only: none here)
    "tw",  # a prefix of two names: ambiguous, exit 8
    "twof",  # a unique prefix: the helper
    "ÜNÏ",  # a substring in another case: the helper
    "sand box",
    "Ünïcode-dev",
    "$(touch pwned)",
    '100%-quote"d',
    "ghost",  # an alias to a missing profile
    "nothing",  # not found
    "broken",  # a profile with an error
    "-",  # the previous profile
]


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=5 * 3600 + 1800 + 50)  # 50 s of "5h30m"
    aliases = aws_home.root / "asso-config" / "aliases"
    aliases.parent.mkdir(parents=True)
    aliases.write_text(ALIASES, encoding="utf-8")
    return aws_home


def asp_all(shell: str, names: list[str], warm: str) -> str:
    lines = [warm]
    for name in names:
        lines.append(f"asp {shlex.quote(name)} 2>&1; rc=$?")
        lines.append(SHOW)
    return "\n".join(lines)


def test_answers_match_the_helpers(shell: str, home: AwsHome) -> None:
    """The same names, once with the table current (warmed by a first asp) and once with every
    asp made to ask the helper (ASSO_REMEMBER_PROFILE=1 bypasses the table): identical output,
    exit codes and variables."""
    fast = run_shell(shell, asp_all(shell, NAMES, "asp two >/dev/null"), home.env)
    for child in (home.state_dir,):
        subprocess.run(["rm", "-rf", str(child)], check=True)
    slow_env = {**home.env, "ASSO_REMEMBER_PROFILE": "1"}
    slow = run_shell(shell, asp_all(shell, NAMES, "asp two >/dev/null"), slow_env)
    assert fast.stdout == slow.stdout
    assert fast.stderr == slow.stderr == ""
    assert "rc=8|" in fast.stdout and "rc=4|" in fast.stdout
    assert "|box|" not in fast.stdout  # the alias selected "sand box"
    assert not (home.root / "pwned").exists() and not Path("pwned").exists()


def test_a_warm_asp_starts_no_process(shell: str, home: AwsHome) -> None:
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    script = "\n".join(
        [
            "asp one >/dev/null",
            count(log),
            *[f"asp {shlex.quote(n)} >/dev/null" for n in ("two", "p", "box", "Ünïcode-dev")],
            "asp '$(touch pwned)' >/dev/null; asp - >/dev/null",
            count(log),
            'echo "$AWS_PROFILE|$ASSO_PROMPT"',
        ]
    )
    result = run_shell(shell, script, env)
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "calls=1",
        "calls=1",
        "Ünïcode-dev|555555555555/Dev " + result.stdout.splitlines()[2].split(" ")[-1],
    ]
    assert result.stdout.splitlines()[2].endswith(("5h30m", "5h29m"))
    recent = (home.state_dir / "recent-log").read_text().split("\n")
    assert recent[:4] == ["two", "prod-admin", "sand box", "Ünïcode-dev"]


@requires_strace
def test_warm_asp_forks_nothing(shell: str, home: AwsHome) -> None:
    script = (
        f"source {str(plugin_for(shell))!r}\nasp one >/dev/null\n{MARK}\n"
        "asp two >/dev/null; asp p >/dev/null; asp 'sand box' >/dev/null; asp - >/dev/null\n"
        "asp one >/dev/null\n"
    )
    assert forks_after_mark(shell, script, home.env, home.root) == []


@requires_strace
def test_completion_forks_nothing(shell: str, home: AwsHome) -> None:
    """asp <TAB> and asso <TAB>, once the help text is cached: from the table alone."""
    if shell == "zsh":
        # _describe belongs to the completion system: record what it would offer.
        tab = (
            "_describe() { local n=$4; offered+=(${(P)n}) }\n"
            "typeset -ga offered; _asso_describe_profiles\n"
            '_asso_load_commands && offered+=("${_asso_commands[@]}")'
        )
        show = 'print -rl -- "${offered[@]%%:*}"'
    else:
        tab = (
            "COMP_WORDS=(asp ''); COMP_CWORD=1; _asso_complete\n"
            "COMP_WORDS=(asso ''); COMP_CWORD=1; _asso_complete"
        )
        show = 'printf "%s\\n" "${COMPREPLY[@]}"'
    warm = f"source {str(plugin_for(shell))!r}\nasp one >/dev/null\n{tab}\n"
    assert forks_after_mark(shell, f"{warm}{MARK}\n{tab}\n", home.env, home.root) == []
    offered = subprocess.run(
        shell_command(shell, f"{warm}{tab}\n{show}"),
        env=home.env,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.splitlines()
    assert "two" in offered and "Ünïcode-dev" in offered
    assert "login" in offered


def test_config_edited_between_two_asp(shell: str, home: AwsHome) -> None:
    edit = f"sed -i 's/ReadOnly/Auditor/' {shlex.quote(str(home.config))}"
    script = (
        f'asp one >/dev/null; asp two >/dev/null\n{edit}\nasp two >/dev/null; echo "$ASSO_PROMPT"'
    )
    result = run_shell(shell, script, home.env)
    assert result.stdout.startswith("222222222222/Auditor ")
    # A profile added to the config is found by name at once, and then from the table.
    with open(home.config, "a", encoding="utf-8") as handle:
        handle.write("\n[profile three]\nregion = us-east-2\n")
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    again = run_shell(shell, f"asp three; asp one; asp three; {count(log)}", env)
    assert again.stdout.splitlines()[-1] == "calls=1"


def test_an_alias_file_change_is_seen(shell: str, home: AwsHome) -> None:
    aliases = home.root / "asso-config" / "aliases"
    script = "\n".join(
        [
            'asp one >/dev/null; asp p >/dev/null; echo "$AWS_PROFILE"',
            f"printf 'p = two\\n' > {shlex.quote(str(aliases))}",
            'asp p >/dev/null; echo "$AWS_PROFILE"',
            f"rm {shlex.quote(str(aliases))}",
            'asp p >/dev/null 2>&1; echo "$? $AWS_PROFILE"',  # a prefix of prod-admin again
        ]
    )
    result = run_shell(shell, script, home.env)
    assert result.stdout.splitlines() == ["prod-admin", "two", "0 prod-admin"]


def test_a_token_expiring_between_two_asp(shell: str, home: AwsHome) -> None:
    """The table said "valid" until the expiry: after it, asp asks the helper and shows expired
    (an interactive shell would log in)."""
    token = home.write_token("corp", expires_in=3)
    expiry = int(parse_time(json.loads(token.read_text())["expiresAt"]) or 0)
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    wait = (
        f"while (( $(date +%s) <= {expiry + 1} )); do sleep 0.2; done"
        if shell == "bash"
        else f"zmodload zsh/datetime; while (( EPOCHSECONDS <= {expiry + 1} )); do sleep 0.2; done"
    )
    script = "\n".join(
        [
            "asp one >/dev/null; asp two >/dev/null",
            'echo "$ASSO_TOKEN_STATE"',
            count(log),
            wait,
            'asp one >/dev/null; echo "$ASSO_TOKEN_STATE $ASSO_PROMPT"',
            count(log),
        ]
    )
    result = run_shell(shell, script, env, timeout=120)
    assert result.stdout.splitlines() == [
        "valid",
        "calls=1",
        "expired 111111111111/Admin expired",
        "calls=2",
    ]


@pytest.mark.parametrize("name", ["one", "sand box", "Ünïcode-dev", "a'b\"c", "$(x)", "%d"])
def test_the_shells_buckets_are_pythons(shell: str, aws_home: AwsHome, name: str) -> None:
    buckets = bucket_count(5000)
    script = (
        f'_asso_tbl_buckets={buckets}; _asso_table_bucket_of {shlex.quote(name)}; echo "$REPLY"'
    )
    result = run_shell(shell, script, aws_home.env)
    assert result.stdout.strip() == str(bucket_of(name, buckets))


def test_a_planted_table_is_not_read(shell: str, home: AwsHome) -> None:
    """The table is read only as a regular file: a symlink in its place goes to the helper."""
    run_shell(shell, "asp one >/dev/null", home.env)
    prompt_dir = home.state_dir / "prompt"
    table = prompt_dir / facts.TABLE_STEM.format(shell=shell)
    moved = prompt_dir / "elsewhere"
    os.rename(table, moved)
    os.symlink(moved, table)
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    result = run_shell(shell, f"asp two >/dev/null; {count(log)}", env)
    assert result.stdout.strip() == "calls=1"


@pytest.mark.parametrize("age", [3600, 0])
def test_the_prompt_sees_a_same_size_edit(shell: str, home: AwsHome, age: int) -> None:
    """Admin becomes Owner (same size) in a config last changed an hour ago (zsh compares its
    mtime to the second), or just now (to the nanosecond): the next prompt shows it."""
    if age:
        old = time.time() - age
        os.utime(home.config, (old, old))
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    edit = f"sed -i 's/= Admin/= Owner/' {shlex.quote(str(home.config))}"
    script = f'export AWS_PROFILE=one; {hook}; echo "$ASSO_ROLE"; {edit}; {hook}; echo "$ASSO_ROLE"'
    result = run_shell(shell, script, home.env)
    assert result.stdout.split() == ["Admin", "Owner"]


def test_the_recent_list_reads_the_log_first(home: AwsHome) -> None:
    """What asp appended without the helper comes before the list the helper wrote."""
    home.state_dir.mkdir()
    (home.state_dir / "recent-profiles").write_text("two\none\n")
    (home.state_dir / "recent-log").write_text("prod-admin\none\nsand box\n")
    result = home.run_helper("profiles", "--picker")
    names = result.stdout.split("\0")[0:-1:2]
    assert names[1:5] == ["sand box", "one", "prod-admin", "two"]


def test_the_prompt_writes_only_a_missing_table(home: AwsHome) -> None:
    """The prompt's helper calls create the table but leave a stale one to asp (no rebuild for
    every token change a prompt notices); asp's calls rebuild it."""
    prompt_dir = home.state_dir / "prompt"
    table = prompt_dir / facts.TABLE_STEM.format(shell="zsh")
    run_shell("zsh", "export AWS_PROFILE=one; _asso_precmd", home.env)
    first = table.read_bytes()
    home.write_config(CONFIG.replace("ReadOnly", "Auditor"))
    run_shell("zsh", "export AWS_PROFILE=one; _asso_precmd", home.env)
    assert table.read_bytes() == first
    run_shell("zsh", "asp one >/dev/null", home.env)
    assert table.read_bytes() != first
    assert (home.state_dir / "recent-log").stat().st_mode & 0o777 == 0o600


def test_buckets_spread_names() -> None:
    names = [f"acct{i:05d}-admin" for i in range(5000)]
    count = bucket_count(len(names))
    sizes = [0] * count
    for name in names:
        sizes[bucket_of(name, count)] += 1
    assert count == 128 and max(sizes) < 3 * len(names) // count


def test_a_long_recent_log_is_merged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from asso.shell import recent

    monkeypatch.setenv("ASSO_STATE_DIR", str(tmp_path))
    (tmp_path / "recent-profiles").write_text("old\n")
    (tmp_path / "recent-log").write_text("".join(f"p{i % 30}\n" for i in range(5000)))
    recent.ensure_log()
    assert (tmp_path / "recent-log").read_text() == ""
    merged = (tmp_path / "recent-profiles").read_text().split()
    assert merged[:3] == ["p19", "p18", "p17"] and len(merged) == recent.RECENT_MAX


def test_strict_options_change_nothing(shell: str, home: AwsHome) -> None:
    """-euo pipefail: the table's lookups, misses and alias hops run as without."""
    names = ["one", "two", "p", "box", "Ünïcode-dev", "twof", "-"]
    script = asp_all(shell, names, "asp two >/dev/null")
    strict = run_shell(shell, script, home.env, strict=True)
    relaxed = run_shell(shell, script, home.env)
    assert strict.stdout == relaxed.stdout and strict.stderr == relaxed.stderr == ""
    assert strict.stdout.count("rc=0|") == len(names)


def test_one_file_for_config_and_credentials(shell: str, home: AwsHome) -> None:
    """The same file watched twice (credentials in the config file) is still one file: the
    state stays current, and the helper is asked once."""
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper), "AWS_SHARED_CREDENTIALS_FILE": str(home.config)}
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    result = run_shell(shell, f"export AWS_PROFILE=one; {hook}; {hook}; {hook}; {count(log)}", env)
    assert result.stdout.strip() == "calls=1"


EDIT_HOOK = Path(__file__).resolve().parents[1] / "support" / "edit_while_reading"


def test_a_config_edited_while_the_table_is_built_is_noticed(shell: str, home: AwsHome) -> None:
    """The table, like the state, is stamped with the moment before the inputs were read: a
    config replaced while the helper builds it is newer, so the next asp does not trust it."""
    marker = home.root / "edit-once"
    marker.touch()
    env = {
        **home.env,
        "PYTHONPATH": str(EDIT_HOOK),
        "EDIT_WHILE_READING_FILE": str(home.config),
        "EDIT_WHILE_READING_TEXT": CONFIG.replace("ReadOnly", "Auditor"),
        "EDIT_WHILE_READING_ONCE": str(marker),
        "EDIT_WHILE_READING_SKIP": "1",  # the state's read passes; the table's is the edited one
    }
    script = 'asp one >/dev/null; asp two >/dev/null; echo "$ASSO_ROLE"'
    result = run_shell(shell, script, env)
    assert not marker.exists(), "the edit did not happen inside the helper"
    assert result.stdout.splitlines() == ["Auditor"], result.stderr


def test_a_profile_named_like_the_table_keeps_both(shell: str, home: AwsHome) -> None:
    """A profile named "profiles" has its own state file: the table's name can't be a state
    file's (they once were the same file, and each overwrote the other: a helper call at
    every switch after an edit)."""
    home.write_config(CONFIG + "\n[profile profiles]\nregion = eu-north-1\n")
    run_shell(shell, "asp one >/dev/null; asp profiles >/dev/null", home.env)
    home.write_config(CONFIG + "\n[profile profiles]\nregion = eu-north-2\n")
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    switches = " ".join(f"asp {name} >/dev/null; {hook};" for name in ["profiles", "one"] * 3)
    result = run_shell(shell, f"{switches} {count(log)}; echo \"$ASSO_REGION\"", env)
    # After the edit: the first asp rebuilds the table, which answers every switch after it.
    assert result.stdout.split() == ["calls=1", "eu-west-1"]
    names = {path.name for path in (home.state_dir / "prompt").iterdir()}
    assert {f"{shell}-profiles", facts.TABLE_STEM.format(shell=shell)} <= names


def test_a_config_dated_in_the_future_still_lets_asp_use_the_table(
    shell: str, home: AwsHome
) -> None:
    """A watched file dated in the future (clock skew, copied times) must not make the table
    stale for good: it takes that date, as the state does, and is checked again within a
    minute. Without that every asp and every Tab starts the helper, which rebuilds the table."""
    future = time.time() + 86400
    os.utime(home.config, (future, future))
    wrapper, log = counting_helper(home)
    env = {**home.env, "ASSO_HELPER": str(wrapper)}
    script = "\n".join(
        [
            "asp one >/dev/null",
            count(log),
            "asp two >/dev/null; asp p >/dev/null; asp one >/dev/null",
            count(log),
            'echo "$AWS_PROFILE|$ASSO_ROLE"',
        ]
    )
    result = run_shell(shell, script, env)
    assert result.stderr == ""
    assert result.stdout.splitlines() == ["calls=1", "calls=1", "one|Admin"]
    header = read_header(str(home.state_dir / "prompt" / facts.TABLE_STEM.format(shell=shell)))
    assert header is not None
    assert 0 < int(header["next_check"][0]) - time.time() <= 61
