"""Broken disks, pipes and encodings: one line on stderr and a documented exit code, never a
traceback; ``asp`` still switches when asso cannot write its own state; nothing blocks on a
FIFO; file times in the future do not make every prompt start Python."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from asso.errors import ExitCode

from ..conftest import HELPER, AwsHome, run_shell
from ..support.samples import config, profile, session, sso_profile

PATH = "/usr/bin:/bin"
CONFIG = config(
    session(),
    sso_profile("prod", "111111111111", "Admin", sso_account_name="Prödüction 本番"),
    profile("café", region="eu-west-1"),
)


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.env["PATH"] = PATH
    aws_home.env["AWS_CONFIG_FILE"] = str(aws_home.config)
    return aws_home


def _sh(command: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", command],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


ASSO = str(HELPER)
# case id, shell command ($ASSO is the helper), extra environment, exit code, stderr start
FAULTS = [
    ("stdout-closed", '"$ASSO" profiles --names >&-', {}, ExitCode.LOCAL_IO, "asso: cannot write"),
    ("stdout-full", '"$ASSO" profiles >/dev/full', {}, ExitCode.LOCAL_IO, "asso: cannot write"),
    ("broken-pipe", '"$ASSO" profiles --names | head -c0', {}, 0, ""),
    ("c-locale-table", '"$ASSO" profiles', {"LC_ALL": "C", "LANG": "C"}, 0, ""),
    ("c-locale-names", '"$ASSO" profiles --names', {"LC_ALL": "C", "LANG": "C"}, 0, ""),
    (
        "c-locale-resolve",
        '"$ASSO" resolve --profile prod',
        {"LC_ALL": "C", "LANG": "C"},
        0,
        "",
    ),
    (
        "ascii-locale-not-found",
        '"$ASSO" resolve --profile cafe\u0301x',
        {"LC_ALL": "C", "LANG": "C", "PYTHONIOENCODING": "ascii"},
        ExitCode.PROFILE_NOT_FOUND,
        "asso: profile",
    ),
    (
        "endpoint-malformed",
        '"$ASSO" login prod --use-device-code --no-browser',
        {"AWS_ENDPOINT_URL_SSO_OIDC": "http://[::1"},
        ExitCode.CONFIG,
        "asso: AWS_ENDPOINT_URL_SSO_OIDC is not an http(s) URL",
    ),
    (
        "endpoint-not-http",
        '"$ASSO" logout --all',
        {"AWS_ENDPOINT_URL_SSO": "file:///etc/passwd"},
        0,
        "",
    ),
    (
        "state-dir-unwritable",
        '"$ASSO" _shell-state --shell=zsh --key=k --out="$ASSO_STATE_DIR/zsh-prod"',
        {"ASSO_STATE_DIR": "/dev/null/state"},
        ExitCode.LOCAL_IO,
        "asso: cannot write shell state",
    ),
    (
        "populate-config-unwritable",
        '"$ASSO" populate --dry-run',
        {"AWS_CONFIG_FILE": "/dev/null/config"},
        ExitCode.CONFIG,
        "asso: cannot read /dev/null/config",
    ),
]


@pytest.mark.parametrize(
    ("command", "env", "code", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in FAULTS],
)
def test_fault_is_one_line_and_a_documented_code(
    home: AwsHome, command: str, env: dict[str, str], code: int, message: str
) -> None:
    proc = _sh(command, {**home.env, "ASSO": ASSO, **env})
    assert "Traceback" not in proc.stderr
    assert proc.returncode == code, proc.stderr
    lines = proc.stderr.splitlines()
    if message:
        assert len(lines) == 1 and lines[0].startswith(message), proc.stderr
    else:
        assert all(line.startswith("asso: ") for line in lines), proc.stderr
    assert str(code) in README_CODES


README_CODES = (Path(__file__).resolve().parents[2] / "README.md").read_text()


def test_every_exit_code_is_in_the_readme() -> None:
    table = README_CODES.split("Exit codes of the helper", 1)[1][:2000]
    for name in vars(ExitCode):
        if name.isupper():
            assert f"| {getattr(ExitCode, name)} |" in table, name


def test_c_locale_output_is_the_names_utf8_bytes(home: AwsHome) -> None:
    proc = subprocess.run(
        [ASSO, "profiles", "--names"],
        env={**home.env, "LC_ALL": "C", "LANG": "C"},
        capture_output=True,
        timeout=60,
    )
    assert proc.returncode == 0
    assert "café".encode() in proc.stdout.split(b"\n")


def test_asp_switches_and_warns_once_when_the_state_cannot_be_written(
    shell: str, home: AwsHome
) -> None:
    env = {**home.env, "ASSO_STATE_DIR": "/dev/null/state", "ASSO_REMEMBER_PROFILE": "1"}
    proc = run_shell(shell, 'asp prod; echo "profile=$AWS_PROFILE"', env)
    assert "profile=prod" in proc.stdout, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(warnings) == 1 and "cannot write shell state" in warnings[0], proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "where",
    ["token", "aliases", "overrides", "directory cache", "state", "parse cache"],
)
def test_a_fifo_anywhere_asso_reads_never_blocks(shell: str, home: AwsHome, where: str) -> None:
    from asso.digest import sha1_hex

    home.write_config(CONFIG + "# pad\n" * 20000)  # large enough for the parse cache
    paths = {
        "token": home.sso_cache / (sha1_hex("corp") + ".json"),
        "aliases": Path(home.env["ASSO_CONFIG_DIR"]) / "aliases",
        "overrides": Path(home.env["ASSO_CONFIG_DIR"]) / "accounts.json",
        "directory cache": home.cache_dir / "directory" / (sha1_hex("corp") + ".json"),
        "state": home.state_dir / f"{shell}-prod",
        "parse cache": home.cache_dir / "parsed" / sha1_hex(str(home.config)),
    }
    fifo = paths[where]
    fifo.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(fifo)
    started = time.monotonic()
    proc = run_shell(
        shell,
        'asp prod >/dev/null; _asso_refresh; printf "%s|%s\\n" "$AWS_PROFILE" "$ASSO_ROLE"',
        {**home.env},
        timeout=60,
    )
    assert time.monotonic() - started < 45
    assert "prod|Admin" in proc.stdout, proc.stderr
    assert "Traceback" not in proc.stderr


def test_future_file_times_do_not_start_python_at_every_prompt(
    shell: str, home: AwsHome, tmp_path: Path
) -> None:
    future = time.time() + 30 * 86400
    os.utime(home.config, (future, future))
    log = tmp_path / "runs"
    wrapper = tmp_path / "helper"
    wrapper.write_text(f'#!/bin/sh\necho run >> "{log}"\nexec "{HELPER}" "$@"\n')
    wrapper.chmod(0o755)
    script = (
        "asp prod >/dev/null\n"
        "for i in 1 2 3 4 5 6; do _asso_refresh; done\n"
        "[[ $AWS_PROFILE == prod && $ASSO_ROLE == Admin ]] && echo switched\n"
        "[[ $home_config -nt $_asso_stamp ]] && echo newer || echo not-newer\n"
        'echo "next=$_asso_next_check"\n'
    )
    env = {**home.env, "home_config": str(home.config), "ASSO_HELPER": str(wrapper)}
    proc = run_shell(shell, script, env)
    assert "switched" in proc.stdout, proc.stderr
    assert "not-newer" in proc.stdout, proc.stdout
    assert len(log.read_text().splitlines()) <= 2  # asp, and at most one re-check
    next_check = int(proc.stdout.split("next=")[1].split()[0])
    assert time.time() < next_check <= time.time() + 120
