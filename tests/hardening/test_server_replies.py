"""Identity Center's token replies: wrong types and absurd numbers are one line, never used."""

from __future__ import annotations

from typing import Any

import pytest

from asso.errors import NetworkError
from asso.sso import oidc

GOOD_DEVICE = {
    "deviceCode": "dc",
    "userCode": "ABCD-EFGH",
    "verificationUri": "https://device.sso.us-east-1.amazonaws.com/",
    "verificationUriComplete": "https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH",
    "expiresIn": 600,
    "interval": 1,
}
GOOD_TOKEN = {"accessToken": "aoa-token", "expiresIn": 28800, "refreshToken": "aor-token"}
REGISTRATION = {"clientId": "cid", "clientSecret": "secret", "expiresAt": "2030-01-01T00:00:00Z"}


def test_good_replies_pass() -> None:
    auth = oidc.DeviceAuthorization(GOOD_DEVICE, 0.0)
    assert auth.interval == 1 and auth.expires_at == 600
    token = oidc.make_token("https://x/start", "us-east-1", GOOD_TOKEN, REGISTRATION, now=0)
    assert token["refreshToken"] == "aor-token"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("verificationUri", "http://evil.example.com/"),
        ("verificationUri", "--remote-debugging-port=9222"),
        ("verificationUriComplete", "-https://x"),
        ("verificationUriComplete", "file:///etc/passwd"),
        ("verificationUriComplete", "https://x/\nInjected line"),
        ("verificationUri", 7),
        ("expiresIn", 10**30),
        ("expiresIn", "600"),
        ("expiresIn", -5),
        ("expiresIn", True),
        ("interval", 10**9),
        ("interval", 0),
        ("interval", 1.5),
        ("userCode", "A" * 1000),
        ("userCode", "AB\x1b[2JCD"),
        ("deviceCode", ["x"]),
    ],
)
def test_bad_device_authorizations_are_refused(key: str, value: Any) -> None:
    with pytest.raises(NetworkError) as raised:
        oidc.DeviceAuthorization({**GOOD_DEVICE, key: value}, 0.0)
    message = str(raised.value)
    assert "\n" not in message and "\x1b" not in message and key in message


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("accessToken", 12345),
        ("accessToken", ""),
        ("accessToken", "tok\r\nX-Evil: 1"),
        ("accessToken", "x" * 100_000),
        ("expiresIn", 10**30),
        ("expiresIn", 0),
        ("expiresIn", None),
        ("expiresIn", 28800.5),
        ("refreshToken", {"a": 1}),
        ("refreshToken", "has space"),
    ],
)
def test_bad_token_replies_are_refused(key: str, value: Any) -> None:
    with pytest.raises(NetworkError) as raised:
        oidc.make_token("https://x/start", "us-east-1", {**GOOD_TOKEN, key: value}, REGISTRATION)
    message = str(raised.value)
    assert "\n" not in message
    if isinstance(value, str) and len(value) > 3:
        assert value not in message  # never a secret in a message


@pytest.mark.parametrize("value", [10**30, -1, "soon", None, True])
def test_absurd_registration_expiry_is_refused(value: Any) -> None:
    class Client:
        def register_client(self, **_: Any) -> dict[str, Any]:
            return {"clientId": "cid", "clientSecret": "s", "clientSecretExpiresAt": value}

    with pytest.raises(NetworkError):
        oidc.register_client(
            Client(), session_name="s", scopes=None, auth_code=False, start_url="https://x/start"
        )


def test_open_browser_refuses_what_a_browser_would_take_for_an_option(tmp_path: Any) -> None:
    from asso.sso.browser import open_browser

    marker = tmp_path / "opened"
    script = tmp_path / "browser"
    script.write_text(f'#!/bin/sh\necho "$@" >> "{marker}"\n')
    script.chmod(0o755)
    env = {"PATH": "/usr/bin:/bin", "BROWSER": str(script), "DISPLAY": ":0"}
    for url in ("--remote-debugging-port=1", "-https://x"):
        assert open_browser(url, env) is False
    assert not marker.exists()
