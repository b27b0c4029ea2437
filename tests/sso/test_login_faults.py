"""Failures: one clear line, a non-zero exit, bounded time, and the old token left as it was."""

from __future__ import annotations

import time
from typing import Any, Callable

import pytest

from asso.emulator.idc import IdentityCenterEmulator

from .loginkit import LoginHome, Runner, assert_no_secrets

Setup = Callable[[IdentityCenterEmulator], Any]


def _inject(operation: str, **fault: Any) -> Setup:
    return lambda emu: emu.inject(operation, times=-1, **fault)


def _set(**attributes: Any) -> Setup:
    def setup(emu: IdentityCenterEmulator) -> None:
        for name, value in attributes.items():
            setattr(emu, name, value)

    return setup


# id, profile, extra args, emulator setup, extra env, exit code, message (a prefix of the line)
CASES: list[tuple[str, str, list[str], Setup, dict[str, str], int, str]] = [
    (
        "500",
        "legacy",
        [],
        _inject("RegisterClient", status=500),
        {},
        6,
        "asso: Identity Center failed to answer RegisterClient (HTTP 500: Injected fault); "
        "try again later",
    ),
    (
        "500-garbage",
        "prod",
        [],
        _inject("RegisterClient", status=502, body=b"<html>Bad Gateway</html>"),
        {},
        6,
        "asso: Identity Center failed to answer RegisterClient (HTTP 502",
    ),
    (
        "429",
        "legacy",
        [],
        _inject("StartDeviceAuthorization", status=429, error_type="TooManyRequestsException"),
        {},
        6,
        "asso: Identity Center is throttling requests (StartDeviceAuthorization, HTTP 429)",
    ),
    (
        "slow_down",
        "legacy",
        [],
        _inject("CreateToken", status=400, error_type="SlowDownException"),
        {"ASSO_LOGIN_TIMEOUT": "3"},
        5,
        "asso: timed out after 3s waiting for the authorization to be approved",
    ),
    (
        "garbage-json-200",
        "legacy",
        [],
        _inject("CreateToken", status=200, body=b"this is not json"),
        {},
        6,
        "asso: unexpected answer from Identity Center to CreateToken (no accessToken)",
    ),
    (
        "garbage-registration",
        "prod",
        [],
        _inject("RegisterClient", status=200, body=b'{"clientId": 7}'),
        {},
        6,
        "asso: unexpected answer from Identity Center to RegisterClient (clientId is not a well-formed token)",
    ),
    (
        "hang",
        "legacy",
        [],
        _inject("StartDeviceAuthorization", status=0, delay=30),
        {"ASSO_HTTP_TIMEOUT": "1"},
        6,
        "asso: no answer from http://127.0.0.1:",
    ),
    (
        "unreachable",
        "prod",
        [],
        _set(),
        {"AWS_ENDPOINT_URL_SSO_OIDC": "http://127.0.0.1:9"},
        6,
        "asso: cannot reach http://127.0.0.1:9 (RegisterClient): check the network",
    ),
    (
        "device-code-expired",
        "legacy",
        [],
        _set(device_code_ttl=1),
        {"FAKE_BROWSER_MODE": "close"},
        5,
        "asso: the device code expired before it was approved; log in again",
    ),
    (
        "device-denied",
        "legacy",
        [],
        _set(),
        {"FAKE_BROWSER_MODE": "deny"},
        5,
        "asso: the authorization was denied",
    ),
    (
        "pkce-denied",
        "prod",
        [],
        _set(deny_authorize=True),
        {},
        5,
        "asso: the sign-in was denied in the browser (The user denied the request)",
    ),
    (
        "browser-closed",
        "prod",
        [],
        _set(),
        {"FAKE_BROWSER_MODE": "close", "ASSO_LOGIN_TIMEOUT": "2"},
        5,
        "asso: timed out after 2s waiting for the sign-in in the browser (was it closed?)",
    ),
]


@pytest.mark.parametrize(
    ("profile", "args", "setup", "env", "code", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_failure_is_one_line_bounded_and_harmless(
    home: LoginHome,
    run: Runner,
    profile: str,
    args: list[str],
    setup: Setup,
    env: dict[str, str],
    code: int,
    message: str,
) -> None:
    # A valid token that --force would replace: a failed login must leave it byte for byte.
    path = home.write_token("my-sso" if profile == "prod" else home.legacy_token_key)
    before = path.read_bytes()
    setup(home.emu)
    started = time.monotonic()
    result = run("login", profile, "--force", *args, **env)
    elapsed = time.monotonic() - started
    last = result.stderr.splitlines()[-1]
    assert (result.returncode, last[: len(message)]) == (code, message), result.stderr
    assert result.stderr.count("asso: ") == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""
    assert elapsed < 12
    assert path.read_bytes() == before
    assert not list(home.sso_cache.glob("*.partial"))
    assert_no_secrets(home.emu, home.outputs)
