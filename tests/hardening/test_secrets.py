"""Secrets never leak: a full scenario (login, asp, status, populate, resolve, logout, and the
demo) against the emulator, scanning every stdout, stderr, prompt and exported variable for the
access tokens, refresh tokens, client secrets and role keys that were issued."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from asso.emulator.idc import IdentityCenterEmulator, Organization

from ..conftest import HELPER, REPO, AwsHome, run_shell
from ..support.env import sandbox_env
from ..support.poll import wait_for
from ..support.samples import config, legacy_profile, session, sso_profile
from ..support.tmux import TmuxShell, requires_tmux

FAKE_BROWSER = REPO / "tests" / "sso" / "fake_browser.py"

CONFIG = config(
    session(scopes=True),
    sso_profile("prod", "222222222222", "AdministratorAccess"),
    legacy_profile("legacy", "111111111111", "ReadOnlyAccess"),
)


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(Organization.sample(), device_auto_approve=True) as emulator:
        yield emulator


def issued_secrets(emu: IdentityCenterEmulator) -> set[str]:
    found = (
        set(emu.issued_access_tokens)
        | set(emu.issued_refresh_tokens)
        | set(emu.client_secrets.values())
    )
    for creds in emu.issued_role_credentials:
        found |= {creds["secretAccessKey"], creds["sessionToken"]}
    found |= emu.issued_signin_tokens
    return {s for s in found if s}


def assert_clean(texts: list[str], secrets: set[str]) -> None:
    leaked = sorted({s[:10] + "..." for s in secrets for t in texts if s in t})
    assert not leaked, f"secrets in output: {leaked}"


def test_full_scenario_prints_no_secret(aws_home: AwsHome, emu: IdentityCenterEmulator) -> None:
    aws_home.write_config(CONFIG)
    env = {
        **aws_home.env,
        **emu.env(),
        "BROWSER": f"{sys.executable} {FAKE_BROWSER}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "ASSO_LOGIN_TIMEOUT": "30",
    }
    outputs: list[str] = []

    def asso(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(HELPER), *args], env=env, capture_output=True, text=True, timeout=120
        )
        outputs.extend([result.stdout, result.stderr])
        return result

    assert asso("login", "prod").returncode == 0
    assert asso("login", "legacy", "--no-browser", "--use-device-code").returncode == 0
    assert asso("login", "prod", "--force").returncode == 0
    # botocore fetches role credentials with the tokens asso wrote: their keys are secrets too.
    creds = subprocess.run(
        [
            sys.executable,
            "-c",
            "import boto3; c = boto3.Session(profile_name='prod').get_credentials(); c.get_frozen_credentials()",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert creds.returncode == 0, creds.stderr
    for args in (
        ("status",),
        ("status", "--profiles"),
        ("status", "--json", "--profiles"),
        ("status", "--refresh"),
        ("resolve", "--profile", "prod", "--json"),
        ("profiles", "--json"),
        ("populate", "--session", "corp", "--dry-run"),
        ("populate", "--session", "corp"),
        ("doctor",),
    ):
        asso(*args)
    for shell in ("zsh", "bash"):
        hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
        result = run_shell(
            shell,
            f"asp prod; asp legacy; {hook}; printf '%s\\n' \"$ASSO_PROMPT\"; env; set; asso status",
            env,
        )
        outputs.extend([result.stdout, result.stderr])
        assert "AdministratorAccess" in result.stdout or "ReadOnlyAccess" in result.stdout
    # The console: opened through the private page, refused by the endpoint, and the portal.
    signed_in = len(emu.console_sign_ins)
    assert asso("console", "prod", "--service", "s3").returncode == 0
    deadline = time.monotonic() + 30
    while len(emu.console_sign_ins) == signed_in:
        assert time.monotonic() < deadline, "the browser did not sign in"
        time.sleep(0.05)
    emu.inject("GetSigninToken", status=400, times=1)
    assert asso("console", "prod").returncode == 6
    assert asso("console", "prod", "--portal", "--print").returncode == 0
    assert emu.issued_signin_tokens
    assert asso("logout", "prod").returncode == 0
    assert asso("logout", "--all").returncode == 0
    secrets = issued_secrets(emu)
    assert len(secrets) >= 5  # the scan looks for something real
    assert_clean(outputs, secrets)


@requires_tmux
def test_demo_shows_no_secret(tmp_path: Path) -> None:
    """The demo's own files (its TMPDIR is this test's) hold the secrets to look for; the scan
    runs once the commands' output is all on the screen."""
    demo_tmp = tmp_path / "tmp"
    demo_tmp.mkdir()
    env = sandbox_env(
        tmp_path / "home", TERM="xterm-256color", SHELL="/bin/bash", TMPDIR=str(demo_tmp)
    )
    term = TmuxShell([str(HELPER), "demo", "--shell", "bash"], env, tmp_path)
    try:
        term.wait_text("Type `exit` to leave", timeout=60)
        term.type("asp demo-prod-admin")
        term.wait_text("logged in to sso-session demo", timeout=60)
        # The marker is computed, so the typed line itself never matches it.
        term.type("asso status --profiles; env | sort; echo SCAN-$((40 + 2))-DONE")
        term.wait_text("SCAN-42-DONE", timeout=60)
        secrets: set[str] = set()
        for path in demo_tmp.glob("asso-demo-*/home/.aws/sso/cache/*.json"):
            data = json.loads(path.read_text())
            secrets |= {
                data[k] for k in ("accessToken", "refreshToken", "clientSecret") if data.get(k)
            }
        assert len(secrets) >= 3, "the demo wrote no token to scan for"
        screen = term._tmux("capture-pane", "-p", "-S", "-500", "-t", term.name)
        assert "asso demo" in screen
        assert_clean([screen], secrets)
        term.type("exit")
        wait_for(lambda: not list(demo_tmp.iterdir()), "the demo to remove its files")
    finally:
        term.close()


def _role_keys(emu: IdentityCenterEmulator) -> set[str]:
    """Every role key issued (the access key ids too: they belong with their secrets)."""
    found: set[str] = set()
    for creds in emu.issued_role_credentials:
        found |= {creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]}
    return {s for s in found if s}


def _wait_for(path: Path, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert proc.poll() is None and time.monotonic() < deadline
        time.sleep(0.05)


def _process_texts(pid: int) -> list[str]:
    texts = []
    for name in ("cmdline", "environ"):
        texts.append(Path(f"/proc/{pid}/{name}").read_bytes().decode("utf-8", "replace"))
    return texts


def test_credential_commands_put_keys_only_where_asked(
    aws_home: AwsHome, emu: IdentityCenterEmulator, tmp_path: Path
) -> None:
    aws_home.write_config(CONFIG)
    env = {
        **aws_home.env,
        **emu.env(),
        "BROWSER": f"{sys.executable} {FAKE_BROWSER}",
        "AWS_EC2_METADATA_DISABLED": "true",
        "ASSO_LOGIN_TIMEOUT": "30",
    }
    anywhere: list[str] = []  # may hold no key at all: stderr, prompts, files, argv, environ
    asked: list[str] = []  # stdout of export and credential-process: keys expected

    def asso(*args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(HELPER), *args], env=env, capture_output=True, text=True, timeout=120
        )
        asked.append(result.stdout)
        anywhere.append(result.stderr)
        return result

    assert asso("login", "prod").returncode == 0
    for fmt in ("process", "env", "env-no-export", "fish", "powershell", "windows-cmd", "dotenv"):
        assert asso("export", "prod", "--format", fmt).returncode == 0
    assert asso("credential-process", "--profile", "prod").returncode == 0
    assert asso("export", "legacy").returncode == 7  # failures say so without keys
    assert asso("exec", "prod", "--", "no-such-command-xyz").returncode == 127
    exec_result = asso("exec", "prod", "--", "sh", "-c", "exit 3")
    assert exec_result.returncode == 3
    anywhere.append(exec_result.stdout)

    # While asso serves (and runs a command with --server): its own argv and environment.
    ready = tmp_path / "ready"
    served = subprocess.Popen(
        [str(HELPER), "exec", "--server", "prod", "--", "sh", "-c", f": > {ready}; sleep 30"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(ready, served)
        anywhere.extend(_process_texts(served.pid))
    finally:
        served.terminate()
        out, err = served.communicate(timeout=30)
    anywhere.extend([out, err])
    serve = subprocess.Popen(
        [str(HELPER), "serve", "prod"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert serve.stdout is not None
        lines = [serve.stdout.readline(), serve.stdout.readline()]
        assert all(line.startswith("export AWS_CONTAINER_") for line in lines), lines
        anywhere.extend(_process_texts(serve.pid))
    finally:
        serve.terminate()
        out, err = serve.communicate(timeout=30)
    anywhere.append(err)

    for shell in ("zsh", "bash"):
        hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
        result = run_shell(
            shell,
            f'asp -x prod; {hook}; printf \'%s\\n\' "$ASSO_PROMPT" "$ASSO_CREDENTIAL_SOURCE"; asp',
            env,
        )
        assert result.returncode == 0, result.stderr
        anywhere.extend([result.stdout, result.stderr])
    for directory in (aws_home.state_dir, aws_home.cache_dir):
        for path in directory.rglob("*"):
            if path.is_file():
                anywhere.append(path.read_bytes().decode("utf-8", "replace"))
    keys = _role_keys(emu)
    assert len(keys) >= 3
    assert any(k in text for k in keys for text in asked)  # the scan looks for something real
    assert_clean(anywhere, keys | issued_secrets(emu))
