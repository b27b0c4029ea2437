"""asso login end to end against the emulator: device code, PKCE, refresh, backends, messages."""

from __future__ import annotations

import json
import os
import re
import signal
import stat
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Optional

import pytest

from asso import errors
from asso.aws import rolecreds
from asso.emulator.idc import GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN
from asso.errors import ExitCode
from asso.fs import remove_stale_partials
from asso.sso import browser, oidc

from ..conftest import START_URL, sha1_hex
from ..support.poll import wait_for
from .loginkit import (
    PYTHON,
    LoginHome,
    Runner,
    assert_cli_token_format,
    assert_no_secrets,
    boto3_gets_credentials,
    count,
    oidc_requests,
)

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


def registration_file(home: LoginHome, session: Optional[str], scopes: Optional[list[str]]) -> Path:
    args = {
        "tool": "botocore",
        "startUrl": START_URL,
        "region": "us-east-1",
        "scopes": scopes,
        "session_name": session,
    }
    # The CLI's own formula, written out here rather than asked of asso.
    return home.sso_cache / (sha1_hex(json.dumps(args, sort_keys=True)) + ".json")


# -- the two flows ---------------------------------------------------------------------------


def test_device_flow_for_a_legacy_profile(home: LoginHome) -> None:
    emu = home.emu
    result = home.asso("login", "legacy")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    # The browser was sent to verificationUriComplete and approved it there.
    [url] = home.browser_urls()
    assert url.startswith(f"{emu.url}/device?user_code=")
    user_code = url.split("=", 1)[1]
    assert user_code in result.stderr and f"{emu.url}/device\n" in result.stderr
    assert "logged in to start URL" in result.stderr and re.search(r"7h5[89]m left", result.stderr)
    assert count(emu, "StartDeviceAuthorization") == 1 and count(emu, "Authorize") == 0
    data = assert_cli_token_format(home.legacy_token, refresh=False)
    assert data["startUrl"] == START_URL and data["region"] == "us-east-1"
    assert data["accessToken"] in emu.issued_access_tokens
    assert stat.S_IMODE(home.sso_cache.stat().st_mode) == 0o700
    registration = json.loads(registration_file(home, None, None).read_text())
    assert list(registration) == ["clientId", "clientSecret", "expiresAt"]
    assert registration["clientId"] == data["clientId"]
    assert boto3_gets_credentials(home, "legacy")
    assert emu.issued_role_credentials[-1]["accountId"] == "111111111111"
    assert_no_secrets(emu, home.outputs)


def test_pkce_flow_for_an_sso_session_profile(home: LoginHome) -> None:
    emu = home.emu
    result = home.asso("login", "prod")
    assert result.returncode == 0, result.stderr
    [url] = home.browser_urls()
    assert url.startswith(f"{emu.url}/authorize?response_type=code&client_id=")
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    assert count(emu, "Authorize") == 1 and count(emu, "StartDeviceAuthorization") == 0
    assert count(emu, "CreateToken", GRANT_AUTHORIZATION_CODE) == 1
    [register] = [r for r in emu.requests if r.operation == "RegisterClient"]
    assert register.body["grantTypes"] == ["authorization_code", "refresh_token"]
    assert register.body["redirectUris"] == ["http://127.0.0.1/oauth/callback"]
    assert register.body["issuerUrl"] == START_URL
    data = assert_cli_token_format(home.session_token, refresh=True)
    assert data["refreshToken"] in emu.issued_refresh_tokens
    registration = json.loads(registration_file(home, "my-sso", ["sso:account:access"]).read_text())
    assert registration["grantTypes"] == ["authorization_code", "refresh_token"]
    assert boto3_gets_credentials(home, "prod")
    assert boto3_gets_credentials(home, "prod-admin")  # every profile of the session
    assert_no_secrets(emu, home.outputs)


def test_role_profile_logs_in_the_session_at_the_end_of_its_chain(
    home: LoginHome, run: Runner
) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    result = run("login", "deployer", "--use-device-code")
    assert result.returncode == 0, result.stderr
    assert "sso-session my-sso" in result.stderr
    assert home.session_token.exists()
    assert count(home.emu, "StartDeviceAuthorization") == 1


def test_active_profile_is_the_default_target(home: LoginHome, run: Runner) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    result = run("login", "--use-device-code", AWS_PROFILE="legacy")
    assert result.returncode == 0, result.stderr
    assert home.legacy_token.exists()


def test_no_browser_prints_the_url_and_the_code(home: LoginHome) -> None:
    emu = home.emu
    proc = home.spawn("login", "legacy", "--no-browser")
    assert proc.stderr is not None
    seen = ""
    deadline = time.monotonic() + 15
    while "upon loading:" not in seen and time.monotonic() < deadline:
        seen += proc.stderr.readline()
    code_match = re.search(r"Then enter the code:\n\n(\S+)\n", seen)
    assert code_match, seen
    assert "Browser will not be automatically opened." in seen
    emu.approve(code_match.group(1))
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert home.browser_urls() == []  # no browser was started
    assert_no_secrets(emu, [seen, out, err])


def test_no_browser_pkce_prints_the_url_the_user_opens(home: LoginHome) -> None:
    proc = home.spawn("login", "prod", "--no-browser")
    assert proc.stderr is not None
    url = ""
    deadline = time.monotonic() + 15
    while not url and time.monotonic() < deadline:
        line = proc.stderr.readline()
        if "/authorize?" in line:
            url = line.strip()
    assert url
    urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=10).read()
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    assert home.browser_urls() == []
    assert count(home.emu, "Authorize") == 1


# -- nothing to do, reuse, force -------------------------------------------------------------


def test_valid_token_means_nothing_to_do(home: LoginHome, run: Runner) -> None:
    assert run("login", "prod").returncode == 0
    home.emu.reset_log()
    before = home.session_token.read_bytes()
    result = run("login", "prod")
    assert result.returncode == 0
    assert re.search(r"already logged in to sso-session my-sso, 7h5[89]m left", result.stderr)
    assert oidc_requests(home.emu) == [] and home.session_token.read_bytes() == before


def test_force_logs_in_again_reusing_the_registration(home: LoginHome, run: Runner) -> None:
    emu = home.emu
    assert run("login", "prod").returncode == 0
    first = home.token()
    result = run("login", "prod", "--force")
    assert result.returncode == 0, result.stderr
    assert count(emu, "RegisterClient") == 1 and count(emu, "Authorize") == 2
    assert home.token()["accessToken"] != first["accessToken"]
    assert home.token()["clientId"] == first["clientId"]


def test_device_and_pkce_registrations_are_never_mixed(home: LoginHome, run: Runner) -> None:
    """The CLI keeps one registration slot per session and checks grantTypes before reuse."""
    home.emu.device_auto_approve = True  # no browser step: not the point here
    emu = home.emu
    assert run("login", "prod").returncode == 0
    assert run("login", "prod", "--force", "--use-device-code").returncode == 0
    registers = [r for r in emu.requests if r.operation == "RegisterClient"]
    assert len(registers) == 2 and "grantTypes" not in registers[1].body
    slot = json.loads(registration_file(home, "my-sso", ["sso:account:access"]).read_text())
    assert "grantTypes" not in slot
    assert run("login", "prod", "--force").returncode == 0
    assert count(emu, "RegisterClient") == 3  # the device registration is not used for PKCE


def test_expired_registration_is_replaced(home: LoginHome, run: Runner) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    assert run("login", "legacy").returncode == 0
    path = registration_file(home, None, None)
    data = json.loads(path.read_text())
    data["expiresAt"] = "2020-01-01T00:00:00Z"
    path.write_text(json.dumps(data))
    assert run("login", "legacy", "--force").returncode == 0
    assert count(home.emu, "RegisterClient") == 2


def test_registration_refused_by_the_server_is_replaced(home: LoginHome, run: Runner) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    assert run("login", "legacy").returncode == 0
    home.emu.expire_registrations()  # the cached file still claims 90 days
    result = run("login", "legacy", "--force")
    assert result.returncode == 0, result.stderr
    assert count(home.emu, "RegisterClient") == 2


# -- silent refresh --------------------------------------------------------------------------


def _short_lived_login(home: LoginHome, run: Runner) -> None:
    home.emu.access_token_ttl = 600  # inside botocore's 15-minute refresh window at once
    assert run("login", "prod", "--force").returncode == 0
    home.emu.access_token_ttl = 8 * 3600
    home.emu.reset_log()


def test_token_in_the_refresh_window_is_refreshed_not_relogged(
    home: LoginHome, run: Runner
) -> None:
    _short_lived_login(home, run)
    old = home.token()
    result = run("login", "prod")
    assert result.returncode == 0, result.stderr
    # 8 h from the emulator, less the seconds this took: 7h59m, or 7h58m on a loaded machine.
    assert re.search(r"refreshed the token of sso-session my-sso, 7h5[89]m left", result.stderr)
    # (the directory fetch the earlier login started in the background may land meanwhile)
    assert oidc_requests(home.emu) == ["CreateToken"]
    assert count(home.emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1
    new = assert_cli_token_format(home.session_token, refresh=True)
    assert new["accessToken"] != old["accessToken"]
    assert new["registrationExpiresAt"] == old["registrationExpiresAt"]
    assert_no_secrets(home.emu, home.outputs)


def test_refresh_only_is_quiet_and_never_opens_a_browser(home: LoginHome, run: Runner) -> None:
    _short_lived_login(home, run)
    result = run("login", "--refresh-only", "prod")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert count(home.emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1
    _short_lived_login(home, run)
    home.emu.revoke_all()
    before = home.session_token.read_bytes()
    result = run("login", "--refresh-only", "prod")
    assert result.returncode == ExitCode.NOT_LOGGED_IN
    assert count(home.emu, "Authorize") == 0
    assert home.session_token.read_bytes() == before


def test_failed_refresh_falls_back_to_a_login(home: LoginHome, run: Runner) -> None:
    _short_lived_login(home, run)
    home.emu.revoke_all()
    result = run("login", "prod")
    assert result.returncode == 0, result.stderr
    assert count(home.emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1
    assert count(home.emu, "Authorize") == 1


def test_refresh_that_cannot_reach_the_server_opens_no_browser(
    home: LoginHome, run: Runner
) -> None:
    _short_lived_login(home, run)
    before = home.session_token.read_bytes()
    home.emu.inject("CreateToken", status=503, times=-1)
    result = run("login", "prod")
    assert result.returncode == ExitCode.NETWORK
    assert result.stderr.startswith("asso: Identity Center failed to answer CreateToken (HTTP 503")
    assert count(home.emu, "Authorize") == 0
    assert len(home.browser_urls()) == 1  # the first login's only
    assert home.session_token.read_bytes() == before


def test_legacy_tokens_are_never_refreshed(home: LoginHome, run: Runner) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    home.emu.access_token_ttl = 600
    assert run("login", "legacy").returncode == 0
    home.emu.reset_log()
    assert run("login", "legacy").returncode == 0  # 10 minutes left: still valid
    assert oidc_requests(home.emu) == []


# -- what cannot be logged in to -------------------------------------------------------------


def test_profile_without_sso_is_refused_clearly(home: LoginHome, run: Runner) -> None:
    result = run("login", "keys")
    assert result.returncode == ExitCode.CONFIG
    assert result.stderr == (
        "asso: profile 'keys' does not use IAM Identity Center: nothing to log in to\n"
    )
    result = run("login", "nope")
    assert result.returncode == ExitCode.PROFILE_NOT_FOUND and result.stderr.count("\n") == 1


# -- backends --------------------------------------------------------------------------------


def _fake_aws(tmp_path: Path, version: str) -> Path:
    # A fake on purpose: it logs the exact argv asso passes and answers any version, including
    # a v1 (no real v1 is installed here) and old v2s. The real CLI v2 runs in test_aws_cli_v2.py.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / "aws"
    script.write_text(
        f"#!{PYTHON}\n"
        "import json, os, sys, time\n"
        "log = os.environ['FAKE_AWS_LOG']\n"
        "open(log, 'a').write(json.dumps(sys.argv[1:]) + '\\n')\n"
        "if sys.argv[1:] == ['--version']:\n"
        f"    print('{version} Python/3.11.7 Linux/6 botocore/2')\n"
        "    sys.exit(0)\n"
        "path = os.path.expanduser('~/.aws/sso/cache/' + os.environ['FAKE_AWS_TOKEN'])\n"
        "os.makedirs(os.path.dirname(path), exist_ok=True)\n"
        "t = time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime(time.time() + 3600))\n"
        "open(path, 'w').write(json.dumps({'startUrl': 'x', 'region': 'us-east-1',\n"
        "    'accessToken': 'cli-token', 'expiresAt': t}))\n"
        "print('Successfully logged into Start URL: x')\n"
    )
    script.chmod(0o755)
    return bin_dir


def test_cli_backend_refuses_aws_cli_v1(home: LoginHome, run: Runner, tmp_path: Path) -> None:
    bin_dir = _fake_aws(tmp_path, "aws-cli/1.45.11")
    result = run(
        "login",
        "prod",
        ASSO_LOGIN_BACKEND="cli",
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        FAKE_AWS_LOG=str(tmp_path / "aws.log"),
        FAKE_AWS_TOKEN="unused",
    )
    assert result.returncode == ExitCode.LOGIN_FAILED
    assert result.stderr.startswith("asso: ASSO_LOGIN_BACKEND=cli needs AWS CLI v2")
    assert "aws-cli/1.45.11" in result.stderr and result.stderr.count("\n") == 1
    assert home.emu.requests == []


def test_cli_backend_runs_aws_sso_login(home: LoginHome, tmp_path: Path) -> None:
    bin_dir = _fake_aws(tmp_path, "aws-cli/2.22.1")
    log = tmp_path / "aws.log"
    result = home.asso(
        "login",
        "prod",
        "--use-device-code",
        "--no-browser",
        ASSO_LOGIN_BACKEND="cli",
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        FAKE_AWS_LOG=str(log),
        FAKE_AWS_TOKEN=home.session_token.name,
    )
    assert result.returncode == 0, result.stderr
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert calls == [
        ["--version"],
        ["sso", "login", "--sso-session", "my-sso", "--no-browser", "--use-device-code"],
    ]
    assert result.stdout == ""  # the CLI's words went to stderr
    assert "Successfully logged into" in result.stderr


def test_auto_backend_is_native_and_never_runs_aws(
    home: LoginHome, run: Runner, tmp_path: Path
) -> None:
    home.emu.device_auto_approve = True  # no browser step: not the point here
    bin_dir = _fake_aws(tmp_path, "aws-cli/2.22.1")
    log = tmp_path / "aws.log"
    result = run(
        "login",
        "legacy",
        PATH=f"{bin_dir}:{os.environ['PATH']}",
        FAKE_AWS_LOG=str(log),
        FAKE_AWS_TOKEN="unused",
    )
    assert result.returncode == 0, result.stderr
    assert not log.exists()
    assert count(home.emu, "StartDeviceAuthorization") == 1


def test_bad_backend_setting_is_a_usage_error(home: LoginHome, run: Runner) -> None:
    result = run("login", "prod", ASSO_LOGIN_BACKEND="magic")
    assert result.returncode == ExitCode.USAGE
    assert "ASSO_LOGIN_BACKEND must be one of auto, native, cli" in result.stderr


# -- Ctrl-C ----------------------------------------------------------------------------------


def test_ctrl_c_is_one_line_and_changes_nothing(home: LoginHome) -> None:
    old = home.write_token("my-sso", expires_in=-60)
    before = old.read_bytes()
    proc = home.spawn("login", "prod", FAKE_BROWSER_MODE="close")
    # Once the browser was opened, asso is waiting for the callback: interrupt it there.
    wait_for(home.browser_urls, "asso to open the browser", timeout=60)
    proc.send_signal(signal.SIGINT)
    try:
        _, err = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        _, err = proc.communicate()
        raise AssertionError(f"asso ignored Ctrl-C for 60 s; it said: {err}") from None
    assert proc.returncode == ExitCode.INTERRUPTED
    assert err.splitlines()[-1] == "asso: login cancelled; the token cache is as it was"
    assert "Traceback" not in err
    assert old.read_bytes() == before


# -- units: browsers, polling, cache keys ----------------------------------------------------


def test_browser_choice() -> None:
    url = "https://example.com/x?a=1"
    env = {"PATH": os.environ["PATH"], "BROWSER": f"{sys.executable} --flag %s:nonexistent-xyz"}
    assert browser.browser_commands(url, env, "linux") == [[sys.executable, "--flag", url]]
    assert browser.browser_commands(url, {"PATH": "/nonexistent"}, "linux") == []
    possible = browser.loopback_browser_possible
    assert not possible({}, "linux", wsl=False)
    assert possible({"DISPLAY": ":0"}, "linux", wsl=False)
    assert possible({"WAYLAND_DISPLAY": "wayland-0"}, "linux", wsl=False)
    assert possible({"BROWSER": "firefox"}, "linux", wsl=False)
    assert not possible({"SSH_CONNECTION": "a b c d", "BROWSER": "firefox"}, "linux", wsl=False)
    assert possible({"SSH_CONNECTION": "a b c d", "DISPLAY": "localhost:10"}, "linux", wsl=False)
    assert possible({}, "darwin", wsl=False)
    assert not possible({"SSH_TTY": "/dev/pts/1"}, "darwin", wsl=False)
    assert not possible({"DISPLAY": ":0", "BROWSER": "wslview"}, "linux", wsl=True)
    assert browser.is_wsl({"WSL_DISTRO_NAME": "Ubuntu"})


def test_wsl_prefers_wslview(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("wslview", "xdg-open"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    env = {"PATH": str(bin_dir), "WSL_DISTRO_NAME": "Ubuntu", "DISPLAY": ":0"}
    assert browser.browser_commands("u", env, "linux") == [["wslview", "u"]]
    env["BROWSER"] = "xdg-open"
    assert browser.browser_commands("u", env, "linux")[0] == ["xdg-open", "u"]


def test_opening_a_browser_never_blocks(tmp_path: Path) -> None:
    started = time.monotonic()
    env = {"PATH": os.environ["PATH"], "BROWSER": "sleep 30"}
    assert browser.open_browser("60", env)
    assert time.monotonic() - started < 2


class _FakeError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.response = {"Error": {"Code": code}, "ResponseMetadata": {"HTTPStatusCode": 400}}


class _FakeClient:
    def __init__(self, answers: list[str]) -> None:
        self.answers = answers

    def create_token(self, **params: object) -> dict[str, object]:
        answer = self.answers.pop(0)
        if answer == "ok":
            return {"accessToken": "t", "expiresIn": 60}
        raise _FakeError(answer)


def test_polling_waits_the_interval_and_slows_down(monkeypatch: pytest.MonkeyPatch) -> None:
    import botocore.exceptions

    monkeypatch.setattr(botocore.exceptions, "ClientError", _FakeError)
    clock = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock[0] += seconds

    shown: list[bool] = []
    auth = oidc.DeviceAuthorization(
        {
            "deviceCode": "d",
            "userCode": "U",
            "verificationUri": "https://device.example.com/",
            "expiresIn": 600,
            "interval": 2,
        },
        0.0,
    )
    client = _FakeClient(
        [
            "AuthorizationPendingException",
            "SlowDownException",
            "AuthorizationPendingException",
            "ok",
        ]
    )
    response = oidc.poll_device_token(
        client,
        {"clientId": "c", "clientSecret": "s"},
        auth,
        oidc.Deadline(100, clock=lambda: clock[0]),
        on_pending=lambda: shown.append(True),
        sleep=sleep,
        now=lambda: clock[0],
    )
    assert response["accessToken"] == "t"
    assert sleeps == [2, 7, 7] and shown == [True]
    client = _FakeClient(["AuthorizationPendingException"] * 100)
    with pytest.raises(errors.LoginError, match="timed out after 10s"):
        oidc.poll_device_token(
            client,
            {"clientId": "c", "clientSecret": "s"},
            auth,
            oidc.Deadline(10, clock=lambda: clock[0]),
            sleep=sleep,
            now=lambda: clock[0],
        )


def test_cache_keys_are_the_cli_and_botocore_ones() -> None:
    from botocore.credentials import SSOCredentialFetcher

    from asso.aws.config import SsoSession

    fetcher = SSOCredentialFetcher(
        START_URL,
        "us-east-1",
        "ReadOnly",
        "111122223333",
        client_creator=None,
        sso_session_name="my-sso",
    )
    session = SsoSession(START_URL, "us-east-1", "my-sso")
    assert rolecreds.sso_key("111122223333", "ReadOnly", session) == (fetcher._create_cache_key())
    legacy = SSOCredentialFetcher(
        START_URL, "us-east-1", "ReadOnly", "111122223333", client_creator=None
    )
    assert (
        rolecreds.sso_key("111122223333", "ReadOnly", SsoSession(START_URL, "us-east-1"))
        == legacy._create_cache_key()
    )
    expected = sha1_hex(
        '{"region": "us-east-1", "scopes": ["a", "b"], "session_name": "s", '
        f'"startUrl": "{START_URL}", "tool": "botocore"}}'
    )
    assert oidc.registration_cache_key(START_URL, "us-east-1", "s", ["a", "b"]) == expected
    assert oidc.parse_scopes(" a, ,b ") == ["a", "b"] and oidc.parse_scopes(None) is None


def test_stale_partial_files_of_killed_writers_are_cleaned(tmp_path: Path) -> None:
    token = tmp_path / "abc.json"
    dead = 999_999_999  # above any pid_max: no such process
    stale = tmp_path / f"abc.json.{dead}.0011.partial"
    live = tmp_path / f"abc.json.{os.getpid()}.0011.partial"
    other = tmp_path / f"other.json.{dead}.0011.partial"
    for path in (stale, live, other):
        path.write_text("{")
    remove_stale_partials(str(token))
    assert not stale.exists() and live.exists() and other.exists()


def test_login_to_a_session_by_name(home: LoginHome) -> None:
    """`asso login --session NAME`: before any profile uses the session (the first populate)."""
    result = home.asso("login", "--session", "my-sso")
    assert result.returncode == 0, result.stderr
    assert count(home.emu, "Authorize") == 1
    assert_cli_token_format(home.session_token, refresh=True)
    again = home.asso("login", "--session", "my-sso")
    assert again.returncode == 0 and "already logged in" in again.stderr
    unknown = home.asso("login", "--session", "my-ss")
    assert unknown.returncode == ExitCode.CONFIG
    assert (
        unknown.stderr.strip()
        == 'asso: The specified sso-session does not exist: "my-ss" (did you mean: my-sso?)'
    )
    both = home.asso("login", "prod", "--session", "my-sso")
    assert both.returncode == ExitCode.USAGE and "not both" in both.stderr
    assert_no_secrets(home.emu, home.outputs)
