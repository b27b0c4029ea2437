"""Rule 5 on real broken disks: when asso cannot write its own state, ``asp`` still switches and
warns once, and the prompt keeps showing the right account, role, region and time left.

The state and cache dirs sit on a real tmpfs mounted read-only, or full, inside a private mount
namespace (``unshare -rm``: root, or a user namespace, mounts it; nothing outside sees it). As
root, chmod does not stop a write, so only a real filesystem shows what a user gets; the
non-root case drops to ``nobody`` with a 0500 state dir. The simulated cases (a state dir under
a regular file) count helper starts and forks, which need no namespace.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Optional

import pytest

from asso.errors import ExitCode
from asso.shell.state import decode_records

from ..conftest import HELPER, START_URL, AwsHome, plugin_for, shell_command
from ..support.clock import shown_between, token_expiry
from ..support.forks import MARK, counting_helper, forks_after_mark, requires_strace

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile prod]
sso_session = corp
sso_account_id = 111111111111
sso_role_name = Admin
sso_account_name = Prödüction 本番
region = eu-west-1

[profile dev]
region = us-east-2
"""
# Large enough for the parse cache, so its write (in the cache dir) fails too.
PADDED = CONFIG + "# pad\n" * 20000
PROMPT_ENV = {"ASSO_PROMPT_REGION": "always", "ASSO_PROMPT_COLOR": "0", "PATH": "/usr/bin:/bin"}
EXPIRES_IN = 8 * 3600 + 30
SHOW = (
    'printf "profile=%s\\nprompt=%s\\nvars=%s|%s|%s|%s\\n" "${AWS_PROFILE-}" "$ASSO_PROMPT" '
    '"$ASSO_ACCOUNT_ID" "$ASSO_ROLE" "$ASSO_REGION" "$ASSO_TOKEN_STATE"'
)
WARNING = "asso: cannot write shell state "


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


def calls(log: Path) -> int:
    return len(log.read_text().splitlines()) if log.exists() else 0


def shown(out: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def expected_prompts(expires_at: float, before: float, after: float) -> set[str]:
    return {f"Prödüction 本番/Admin eu-west-1 {left}" for left in shown_between(expires_at, before, after)}


# -- a real read-only or full filesystem ------------------------------------------------------

# Mounts a tmpfs at $M with state/ and cache/ (and a remembered profile) on it, then makes it
# read-only or fills it; the command given runs inside the same namespace.
SETUP = {
    "read-only": (
        'mount -t tmpfs -o size=1m,mode=0700 none "$M" && mkdir "$M/state" "$M/cache" && '
        'echo prod > "$M/state/remembered-profile" && mount -o remount,ro "$M"'
    ),
    "full": (
        'mount -t tmpfs -o size=16k,mode=0700 none "$M" && mkdir "$M/state" "$M/cache" && '
        'echo prod > "$M/state/remembered-profile" && '
        '{ head -c 1048576 /dev/zero > "$M/fill"; } 2>/dev/null; test -s "$M/fill"'
    ),
}
SETUP_FAILED = 97
WHY = {"read-only": "Read-only file system", "full": "No space left on device"}


def _namespace_problem() -> Optional[str]:
    """Why a private mount namespace with a tmpfs cannot be had here, or None."""
    if not shutil.which("unshare"):
        return "unshare (util-linux) is not installed"
    with tempfile.TemporaryDirectory() as directory:
        proc = subprocess.run(
            ["unshare", "-rm", "sh", "-c", SETUP["read-only"]],
            env={**os.environ, "M": directory},
            capture_output=True,
            text=True,
            timeout=30,
        )
    if proc.returncode != 0:
        reason = proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]
        return f"unshare -rm cannot mount a tmpfs here (no user namespaces?): {reason[0]}"
    return None


NAMESPACE_PROBLEM = _namespace_problem()
requires_namespace = pytest.mark.skipif(
    NAMESPACE_PROBLEM is not None, reason=NAMESPACE_PROBLEM or ""
)


def on_broken_disk(
    kind: str, mount: Path, argv: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    """``argv`` inside a mount namespace where ``mount`` is a read-only or full tmpfs."""
    mount.mkdir(exist_ok=True)
    script = f'{SETUP[kind]} || exit {SETUP_FAILED}\nexec "$@"'
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script, "sh", *argv],
        env={**env, "M": str(mount)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != SETUP_FAILED, proc.stderr
    return proc


@pytest.fixture
def disk_home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(PADDED)
    aws_home.write_token("corp", expires_in=EXPIRES_IN)
    mount = aws_home.root / "disk"
    aws_home.env.update(
        PROMPT_ENV,
        AWS_CONFIG_FILE=str(aws_home.config),
        ASSO_STATE_DIR=str(mount / "state"),
        ASSO_CACHE_DIR=str(mount / "cache"),
        ASSO_REMEMBER_PROFILE="1",
    )
    return aws_home


@requires_namespace
@pytest.mark.parametrize("kind", ["read-only", "full"])
def test_asp_and_the_prompt_on_a_broken_disk(shell: str, disk_home: AwsHome, kind: str) -> None:
    wrapper, log = counting_helper(disk_home)  # its log is outside the broken mount
    env = {**disk_home.env, "ASSO_HELPER": str(wrapper)}
    h = hook(shell)
    script = f"source {str(plugin_for(shell))!r}\nasp prod\n{h}; {h}; {h}\n{SHOW}\n"
    before = time.time()
    proc = on_broken_disk(kind, disk_home.root / "disk", shell_command(shell, script), env)
    after = time.time()
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 0, proc.stderr
    # asp switched, said so once (the state, the remembered profile and the caches all failed).
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(WARNING) and WHY[kind] in lines[0], proc.stderr
    values = shown(proc.stdout)
    assert values["profile"] == "prod"
    expires_at = token_expiry(disk_home.token_file("corp"))
    assert values["prompt"] in expected_prompts(expires_at, before, after), proc.stdout
    assert values["vars"] == "111111111111|Admin|eu-west-1|valid"
    # asp (the check and the records on stdout) and nothing at the three prompts after it.
    assert calls(log) <= 3


# id, kind, helper arguments, exit code, what stderr starts with ("" = nothing on stderr)
HELPER_FAULTS = [
    (kind, args, code, start)
    for kind in ("read-only", "full")
    for args, code, start in [
        (["--out={state}"], ExitCode.LOCAL_IO, WARNING),
        (["--out={state}", "--fallback=stdout"], ExitCode.STATE_ON_STDOUT, WARNING),
        (["--out={state}", "--validate=pro"], ExitCode.OK, WARNING),
    ]
]
# The remembered profile after _forget-profile (its stdout says nothing).
FORGET = ["sh", "-c", '"$0" _forget-profile && echo "left=$(cat "$M/state/remembered-profile")"']
# id, kind, command ($0 of FORGET is the helper), exit code, stderr start, stdout
OTHER_FAULTS = [
    ("forget", "read-only", FORGET, ExitCode.LOCAL_IO, "asso: cannot forget the remembered", ""),
    ("forget", "full", FORGET, ExitCode.OK, "", "left=\n"),  # emptying needs no space
    ("resolve", "read-only", ["resolve", "--profile", "prod"], ExitCode.OK, "", None),
    ("profiles", "full", ["profiles", "--names"], ExitCode.OK, "", "prod\ndev\n"),
]


@requires_namespace
@pytest.mark.parametrize(
    ("kind", "args", "code", "start"),
    [
        pytest.param(kind, args, code, start, id=f"{kind}-{'-'.join(a[2:6] for a in args[1:])}")
        for kind, args, code, start in HELPER_FAULTS
    ],
)
def test_the_helper_on_a_broken_disk(
    disk_home: AwsHome, kind: str, args: list[str], code: int, start: str
) -> None:
    state = disk_home.root / "disk" / "state" / "prompt" / "zsh-prod"
    key = "prod\x1fprod\x1frest"
    argv = [str(HELPER), "_shell-state", "--shell=zsh", f"--key={key}"]
    argv += [a.format(state=state) for a in args]
    env = {**disk_home.env, "AWS_PROFILE": "prod"}
    proc = on_broken_disk(kind, disk_home.root / "disk", argv, env)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(start) and WHY[kind] in lines[0], proc.stderr
    if code == ExitCode.STATE_ON_STDOUT:
        records = dict(decode_records(proc.stdout.encode("utf-8", "surrogateescape")))
        assert records["key"] == key and records["end"] == "1"
        assert (records["profile"], records["role"], records["region"]) == (
            "prod",
            "Admin",
            "eu-west-1",
        )
    elif code == ExitCode.OK and any(a.startswith("--validate") for a in args):
        assert proc.stdout == "prod\n"  # the canonical name: the shell switches
    else:
        assert proc.stdout == ""


@requires_namespace
@pytest.mark.parametrize(
    ("kind", "command", "code", "start", "out"),
    [pytest.param(*case[1:], id=f"{case[1]}-{case[0]}") for case in OTHER_FAULTS],
)
def test_other_commands_on_a_broken_disk(
    disk_home: AwsHome,
    kind: str,
    command: list[str],
    code: int,
    start: str,
    out: Optional[str],
) -> None:
    argv = [*command, str(HELPER)] if command[0] == "sh" else [str(HELPER), *command]
    proc = on_broken_disk(kind, disk_home.root / "disk", argv, disk_home.env)
    assert "Traceback" not in proc.stderr
    assert proc.returncode == code, proc.stderr
    if start:
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(start), proc.stderr
        assert WHY[kind] in lines[0], proc.stderr
    else:
        assert proc.stderr == ""
    if out is None:
        assert "111111111111" in proc.stdout  # the answer itself
    else:
        assert proc.stdout == out


def test_every_new_exit_code_is_documented() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = readme.split("Exit codes of the helper", 1)[1][:3000]
    codes = [c for _, _, c, _ in HELPER_FAULTS] + [case[3] for case in OTHER_FAULTS]
    for code in set(codes):
        assert f"| {int(code)} |" in table, code


# -- as a user chmod does stop ----------------------------------------------------------------

NOBODY = 65534


def _nobody_problem() -> Optional[str]:
    if os.geteuid() != 0:
        return "needs root to switch to nobody (setpriv)"
    if not shutil.which("setpriv"):
        return "setpriv (util-linux) is not installed"
    # Through sh, as the plugin runs it: setpriv's own exec may still pass private directories.
    setpriv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    probe = [*setpriv, "sh", "-c", 'exec "$0" -h', str(HELPER)]
    if subprocess.run(probe, capture_output=True, timeout=60).returncode != 0:
        return "nobody cannot run the installed helper or its interpreter (a private directory)"
    return None


NOBODY_PROBLEM = _nobody_problem()


@pytest.mark.skipif(NOBODY_PROBLEM is not None, reason=NOBODY_PROBLEM or "")
def test_a_state_dir_without_write_permission_as_a_user(shell: str) -> None:
    root = Path(tempfile.mkdtemp(prefix="asso-nobody-"))
    try:
        root.chmod(0o755)
        home = AwsHome(root)
        home.write_config(CONFIG)
        home.write_token("corp", expires_in=EXPIRES_IN)
        home.state_dir.mkdir()
        for path in [root, *root.rglob("*")]:
            os.chown(path, NOBODY, NOBODY)
        home.state_dir.chmod(0o500)
        env = {**home.env, **PROMPT_ENV, "AWS_CONFIG_FILE": str(home.config)}
        h = hook(shell)
        script = f"source {str(plugin_for(shell))!r}\nasp prod\n{h}; {h}\n{SHOW}\n"
        argv = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
        before = time.time()
        proc = subprocess.run(
            [*argv, *shell_command(shell, script)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            cwd=root,
        )
        after = time.time()
        assert "Traceback" not in proc.stderr
        lines = proc.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(WARNING), proc.stderr
        assert "Permission denied" in lines[0]
        values = shown(proc.stdout)
        assert values["profile"] == "prod"
        expires_at = token_expiry(home.token_file("corp"))
        assert values["prompt"] in expected_prompts(expires_at, before, after), proc.stdout
        assert list(home.state_dir.iterdir()) == []
    finally:
        shutil.rmtree(root, ignore_errors=True)


# -- helper starts and forks while the state cannot be written --------------------------------


@pytest.fixture
def blocked_home(aws_home: AwsHome) -> AwsHome:
    """A state dir that cannot be created (its parent is a regular file), until unblocked."""
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=EXPIRES_IN)
    blocker = aws_home.root / "blocker"
    blocker.write_text("")
    aws_home.env.update(
        PROMPT_ENV,
        AWS_CONFIG_FILE=str(aws_home.config),
        ASSO_STATE_DIR=str(blocker / "state"),
    )
    return aws_home


def test_the_prompt_retries_once_a_minute_and_recovers(shell: str, blocked_home: AwsHome) -> None:
    wrapper, log = counting_helper(blocked_home)
    env = {**blocked_home.env, "ASSO_HELPER": str(wrapper)}
    blocker = blocked_home.root / "blocker"
    h = hook(shell)
    # The minute passing is the retry clock reaching now (the shell's clock is not faked).
    minute_passes = "_asso_next_check=1"
    count = f'echo "calls=$(wc -l < {str(log)!r})"'
    script = "\n".join(
        [
            f"source {str(plugin_for(shell))!r}",
            "asp prod",
            count,  # the check, the failed write, then the records on stdout
            *[h] * 20,
            count,  # no start at any prompt while nothing changed
            SHOW,
            minute_passes,
            h,
            count,  # one start, straight to the records on stdout
            "export AWS_PROFILE=dev AWS_DEFAULT_PROFILE=dev",
            h,
            count,  # a changed input asks at once: the prompt follows it
            SHOW,
            f"rm {str(blocker)!r}",
            minute_passes,
            h,
            count,  # the disk came back: the state file is written again
            'echo "unwritable=$_asso_unwritable"',
            *[h] * 10,
            count,
            SHOW,
        ]
    )
    before = time.time()
    proc = subprocess.run(
        shell_command(shell, script), env=env, capture_output=True, text=True, timeout=60
    )
    after = time.time()
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(WARNING), proc.stderr
    counts = [int(line[6:]) for line in proc.stdout.splitlines() if line.startswith("calls=")]
    assert counts == [3, 3, 4, 5, 6, 6], proc.stdout
    prompts = [line[7:] for line in proc.stdout.splitlines() if line.startswith("prompt=")]
    expires_at = token_expiry(blocked_home.token_file("corp"))
    assert prompts[0] in expected_prompts(expires_at, before, after)
    assert prompts[1:] == ["dev us-east-2", "dev us-east-2"]
    assert "unwritable=\n" in proc.stdout
    assert (blocked_home.root / "blocker" / "state" / "prompt" / f"{shell}-dev").is_file()


@requires_strace
def test_the_prompt_forks_nothing_while_the_state_cannot_be_written(
    shell: str, blocked_home: AwsHome
) -> None:
    env = {**blocked_home.env, "AWS_PROFILE": "prod"}
    h = hook(shell)
    renders = f"repeat 100 {h}" if shell == "zsh" else f"for ((i = 0; i < 100; i++)); do {h}; done"
    script = f"source {str(plugin_for(shell))!r}\n{h}\n[[ -n $ASSO_PROMPT ]] || exit 3\n{MARK}\n{renders}\n"
    assert forks_after_mark(shell, script, env, blocked_home.root) == []


def test_the_records_on_stdout_are_the_ones_the_file_gets(aws_home: AwsHome) -> None:
    aws_home.write_config(CONFIG)
    aws_home.write_token("corp", expires_in=EXPIRES_IN)
    key = "prod\x1fprod\x1frest"
    good = aws_home.state_dir / "zsh-prod"
    args = ["_shell-state", "--shell=zsh", f"--key={key}", "--fallback=stdout"]
    env = {**PROMPT_ENV, "AWS_PROFILE": "prod", "AWS_CONFIG_FILE": str(aws_home.config)}
    written = subprocess.run(
        [str(HELPER), *args, f"--out={good}"],
        env={**aws_home.env, **env},
        capture_output=True,
        timeout=60,
    )
    assert (written.returncode, written.stderr) == (0, b"")
    assert written.stdout == good.read_bytes()  # the same answer, gen record included
    blocked = aws_home.root / "file"
    blocked.write_text("")
    proc = subprocess.run(
        [str(HELPER), *args, f"--out={blocked}/zsh-prod"],
        env={**aws_home.env, **env},
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == ExitCode.STATE_ON_STDOUT
    assert proc.stderr.decode().startswith(WARNING) and proc.stderr.count(b"\n") == 1
    on_stdout = [r for r in decode_records(proc.stdout) if r[0] != "gen"]
    in_file = [r for r in decode_records(good.read_bytes()) if r[0] != "gen"]
    assert on_stdout == in_file
    # The time left is filled in by the shell, where the template has \x1f.
    assert ("prompt", "Prödüction 本番/Admin \x1f") in on_stdout


def test_an_unknown_fallback_is_a_usage_error(aws_home: AwsHome) -> None:
    proc = aws_home.run_helper("_shell-state", "--shell=zsh", "--fallback=file")
    assert proc.returncode == ExitCode.USAGE
    assert proc.stderr.startswith("asso: _shell-state: --fallback=stdout") and proc.stdout == ""


def test_a_failing_helper_still_shows_nothing_rather_than_an_old_state(
    shell: str, aws_home: AwsHome
) -> None:
    """Only records the helper just printed are shown: an old state file beside a helper that
    fails (not for want of a writable disk) leaves the prompt empty, as it always did."""
    aws_home.write_config(CONFIG)
    failing = aws_home.root / "failing-asso"
    failing.write_text("#!/bin/sh\nexit 1\n")
    failing.chmod(0o755)
    h = hook(shell)
    edit = f"printf '\\n# edited\\n' >> {str(aws_home.config)!r}"
    script = f'{h}; echo "before=$ASSO_PROMPT"; {edit}; ASSO_HELPER={str(failing)!r}; {h}; {SHOW}'
    env = {**aws_home.env, **PROMPT_ENV, "AWS_PROFILE": "dev"}
    proc = subprocess.run(
        shell_command(shell, f"source {str(plugin_for(shell))!r}\n{script}"),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    values = shown(proc.stdout)
    assert values["before"] == "dev us-east-2", proc.stderr
    assert values["prompt"] == "" and values["vars"] == "|||", proc.stdout
    assert proc.stderr == ""


@requires_namespace
def test_asp_never_shows_the_state_left_from_before_the_disk_broke(
    shell: str, disk_home: AwsHome
) -> None:
    """A state file written while the disk was fine, then the disk turns read-only and the
    config changes: asp (whose own write fails) must show the new role, not the old file."""
    mount = disk_home.root / "disk"
    mount.mkdir()
    h = hook(shell)
    first = shell_command(shell, f"source {str(plugin_for(shell))!r}\nasp prod >/dev/null\n{h}")
    # No prompt hook after asp: what asp itself loaded (its token check reads it too).
    second = shell_command(shell, f"source {str(plugin_for(shell))!r}\nasp prod\n{SHOW}")
    edit = f"sed -i 's/= Admin/= Owner/' {shlex.quote(str(disk_home.config))}"
    script = "\n".join(
        [
            'mount -t tmpfs -o size=1m,mode=0700 none "$M" || exit 97',
            shlex.join(first) + " || exit 98",
            f'test -f "$M/state/prompt/{shell}-prod" || exit 99',
            edit,
            'mount -o remount,ro "$M" || exit 97',
            shlex.join(second),
        ]
    )
    proc = subprocess.run(
        ["unshare", "-rm", "sh", "-c", script],
        env={**disk_home.env, "M": str(mount)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    values = shown(proc.stdout)
    assert values["vars"] == "111111111111|Owner|eu-west-1|valid", proc.stdout
    assert values["prompt"].startswith("Prödüction 本番/Owner eu-west-1 ")
    lines = proc.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith(WARNING) and WHY["read-only"] in lines[0]
