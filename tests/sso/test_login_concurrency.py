"""Several terminals, one login; a login killed at any point leaves a whole token file."""

from __future__ import annotations

import json
import signal
import subprocess
import time

import pytest

from asso.emulator.idc import GRANT_AUTHORIZATION_CODE

from ..conftest import START_URL
from .loginkit import PYTHON, LoginHome, assert_no_secrets, count


@pytest.mark.parametrize("flow", ["device", "pkce"])
def test_eight_logins_at_once_make_one_authorization(home: LoginHome, flow: str) -> None:
    emu = home.emu
    profile, args = ("legacy", ["--use-device-code"]) if flow == "device" else ("prod", [])
    # The "user" takes a second in the browser: every process starts while the first waits.
    procs = [home.spawn("login", profile, *args, FAKE_BROWSER_DELAY="1") for _ in range(8)]
    results = [(p.wait(timeout=40), *p.communicate()) for p in procs]
    for code, _, err in results:
        assert code == 0, err
    home.outputs += [text for _, out, err in results for text in (out, err)]
    if flow == "device":
        assert count(emu, "StartDeviceAuthorization") == 1 and count(emu, "Authorize") == 0
        path = home.legacy_token
    else:
        assert count(emu, "Authorize") == 1 and count(emu, "StartDeviceAuthorization") == 0
        assert count(emu, "CreateToken", GRANT_AUTHORIZATION_CODE) == 1
        path = home.session_token
    assert count(emu, "RegisterClient") == 1
    assert len(home.browser_urls()) == 1
    token = json.loads(path.read_text())
    assert token["accessToken"] in emu.issued_access_tokens and len(emu.issued_access_tokens) == 1
    assert sum("waiting for it" in err for _, _, err in results) >= 1
    assert not list(home.sso_cache.glob("*.partial"))
    assert_no_secrets(emu, home.outputs)


# Runs `asso login` with os.open/os.write/os.replace wrapped so that the process SIGKILLs
# itself at a chosen point of writing the token file.
CRASHING_LOGIN = """
import os, signal, sys
point, token = sys.argv[1], sys.argv[2]
real_open, real_write, real_replace = os.open, os.write, os.replace
temp_fds = set()

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def open_(path, flags, mode=0o777, *, dir_fd=None):
    fd = real_open(path, flags, mode, dir_fd=dir_fd)
    if str(path).startswith(token + ".") and str(path).endswith(".partial"):
        temp_fds.add(fd)
    return fd

def write(fd, data):
    if point == "mid-write" and fd in temp_fds:
        real_write(fd, bytes(data)[: len(data) // 2])
        die()
    return real_write(fd, data)

def replace(src, dst, *args, **kwargs):
    if dst == token and point == "before-rename":
        die()
    real_replace(src, dst, *args, **kwargs)
    if dst == token and point == "after-rename":
        die()

os.open, os.write, os.replace = open_, write, replace
from asso.cli.main import main
sys.exit(main(sys.argv[3:]))
"""


@pytest.mark.parametrize("point", ["mid-write", "before-rename", "after-rename"])
def test_a_login_killed_while_writing_leaves_a_whole_file(home: LoginHome, point: str) -> None:
    emu = home.emu
    emu.device_auto_approve = True
    old = home.write_token(START_URL, expires_in=-60)
    assert old == home.legacy_token
    before = old.read_bytes()
    proc = subprocess.run(
        [PYTHON, "-c", CRASHING_LOGIN, point, str(home.legacy_token), "login", "legacy"],
        env=home.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    after = home.legacy_token.read_bytes()
    if point == "after-rename":
        token = json.loads(after)
        assert token["accessToken"] in emu.issued_access_tokens
    else:
        assert after == before
        # The half-written temp file is still there: the kill came mid-flight.
        assert list(home.sso_cache.glob(home.legacy_token.name + ".*.partial"))
    # The lock died with the process; the next login goes ahead and sweeps the temp file.
    started = time.monotonic()
    result = home.asso("login", "legacy", "--force")
    assert result.returncode == 0, result.stderr
    assert "waiting" not in result.stderr and time.monotonic() - started < 10
    assert not list(home.sso_cache.glob("*.partial"))


def test_a_login_killed_while_waiting_for_approval_changes_nothing(home: LoginHome) -> None:
    emu = home.emu
    old = home.write_token("my-sso", expires_in=-60)
    before = old.read_bytes()
    proc = home.spawn("login", "prod", "--use-device-code", FAKE_BROWSER_MODE="close")
    deadline = time.monotonic() + 15
    while not emu.pending_user_codes() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert emu.pending_user_codes()
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=10)
    assert old.read_bytes() == before
    emu.device_auto_approve = True
    result = home.asso("login", "prod", "--use-device-code")
    assert result.returncode == 0 and "waiting" not in result.stderr
