"""asso.sso.flows: the native sign-in flows (device code, PKCE) and the refresh, called
directly against the emulator over 127.0.0.1 with botocore's real sso-oidc client."""

from __future__ import annotations

import threading
import time

import pytest

from asso.aws import tokens
from asso.aws.config import load_config
from asso.emulator.idc import GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN
from asso.errors import LoginError, NotLoggedInError
from asso.sso.flows import native_login, refresh
from asso.sso.oidc import Deadline
from asso.sso.settings import LoginOptions
from asso.sso.target import Target, resolve_target

from ..support.poll import wait_for
from .loginkit import LoginHome, assert_cli_token_format, assert_no_secrets, count, oidc_requests


@pytest.fixture
def in_home(home: LoginHome, monkeypatch: pytest.MonkeyPatch) -> LoginHome:
    """This process in the login home: botocore reads its endpoints and config from os.environ."""
    for name in ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "SSH_CONNECTION", "SSH_TTY"):
        monkeypatch.delenv(name, raising=False)
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)
    return home


def target_of(home: LoginHome, profile: str) -> Target:
    return resolve_target(load_config(home.env), profile)


def test_device_code_login_writes_and_returns_the_token(
    in_home: LoginHome, capfd: pytest.CaptureFixture[str]
) -> None:
    target = target_of(in_home, "prod")
    options = LoginOptions(use_device_code=True, no_browser=True)
    # The user, on another device, enters the code the login shows.
    approved: list[str] = []

    def user() -> None:
        code = wait_for(lambda: in_home.emu.pending_user_codes(), "a device code")[0]
        approved.append(code)
        in_home.emu.approve(code)

    thread = threading.Thread(target=user)
    thread.start()
    try:
        token = native_login(target, options, in_home.env, Deadline(30))
    finally:
        thread.join()
    on_disk = assert_cli_token_format(in_home.session_token, refresh=True)
    assert token == on_disk
    assert token["accessToken"] in in_home.emu.issued_access_tokens
    assert target.status().state == tokens.VALID
    assert oidc_requests(in_home.emu)[:2] == ["RegisterClient", "StartDeviceAuthorization"]
    assert count(in_home.emu, "CreateToken", GRANT_DEVICE_CODE) >= 2  # pending, then approved
    assert in_home.browser_urls() == []  # --no-browser: nothing opened
    out, err = capfd.readouterr()
    assert out == ""  # stdout is for results
    assert err.count("Browser will not be automatically opened") == 1  # said once, not per poll
    assert f"Then enter the code:\n\n{approved[0]}\n" in err
    assert f"{in_home.emu.url}/device?user_code={approved[0]}" in err
    assert_no_secrets(in_home.emu, [out, err])


def test_pkce_login_through_the_browser(
    in_home: LoginHome, capfd: pytest.CaptureFixture[str]
) -> None:
    target = target_of(in_home, "prod")
    token = native_login(target, LoginOptions(), in_home.env, Deadline(30))
    assert token == assert_cli_token_format(in_home.session_token, refresh=True)
    assert count(in_home.emu, "CreateToken", GRANT_AUTHORIZATION_CODE) == 1
    assert count(in_home.emu, "StartDeviceAuthorization") == 0
    [url] = in_home.browser_urls()
    assert url.startswith(in_home.emu.url) and "code_challenge_method=S256" in url
    assert "redirect_uri=http%3A%2F%2F127.0.0.1%3A" in url
    _, err = capfd.readouterr()
    assert_no_secrets(in_home.emu, [err, url])


def test_no_browser_here_means_a_device_code(
    in_home: LoginHome, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    in_home.emu.device_auto_approve = True
    env = {k: v for k, v in in_home.env.items() if k != "BROWSER"}  # and no DISPLAY either
    native_login(target_of(in_home, "prod"), LoginOptions(), env, Deadline(30))
    assert count(in_home.emu, "CreateToken", GRANT_DEVICE_CODE) >= 1
    assert count(in_home.emu, "CreateToken", GRANT_AUTHORIZATION_CODE) == 0
    _, err = capfd.readouterr()
    assert "no local browser can complete a sign-in here: using a device code" in err
    # quiet: the same choice, unsaid.
    native_login(target_of(in_home, "prod"), LoginOptions(quiet=True), env, Deadline(30))
    _, err = capfd.readouterr()
    assert "no local browser" not in err


def test_legacy_profile_always_uses_a_device_code(in_home: LoginHome) -> None:
    target = target_of(in_home, "legacy")
    # The fake browser approves the code at verificationUriComplete.
    token = native_login(target, LoginOptions(), in_home.env, Deadline(30))
    assert count(in_home.emu, "CreateToken", GRANT_DEVICE_CODE) >= 1  # polled until approved
    assert count(in_home.emu, "CreateToken", GRANT_AUTHORIZATION_CODE) == 0
    assert token == assert_cli_token_format(in_home.legacy_token, refresh=False)
    [url] = in_home.browser_urls()
    assert "/device?user_code=" in url


def test_registration_is_reused_forced_anew_or_replaced_once_refused(in_home: LoginHome) -> None:
    in_home.emu.device_auto_approve = True
    target = target_of(in_home, "prod")
    options = LoginOptions(use_device_code=True, no_browser=True)
    native_login(target, options, in_home.env, Deadline(30))
    native_login(target, options, in_home.env, Deadline(30))
    assert count(in_home.emu, "RegisterClient") == 1
    native_login(target, options, in_home.env, Deadline(30), new_registration=True)
    assert count(in_home.emu, "RegisterClient") == 2
    # The server forgets the client before its time: one new registration, and the login goes on.
    in_home.emu.expire_registrations()
    in_home.emu.reset_log()
    native_login(target, options, in_home.env, Deadline(30))
    assert oidc_requests(in_home.emu) == [
        "StartDeviceAuthorization",
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
    ]


def test_denied_device_code_is_a_login_error(in_home: LoginHome) -> None:
    target = target_of(in_home, "prod")
    env = {**in_home.env, "FAKE_BROWSER_MODE": "deny"}
    with pytest.raises(LoginError):
        native_login(target, LoginOptions(use_device_code=True), env, Deadline(30))
    assert not in_home.session_token.exists()


def test_refresh_replaces_the_token_and_keeps_an_unrotated_refresh_token(
    in_home: LoginHome,
) -> None:
    target = target_of(in_home, "prod")
    first = native_login(target, LoginOptions(), in_home.env, Deadline(30))
    in_home.emu.advance_time(3600)
    expiry = refresh(target, in_home.env, Deadline(30))
    second = assert_cli_token_format(in_home.session_token, refresh=True)
    assert count(in_home.emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1
    assert second["accessToken"] != first["accessToken"]
    assert second["accessToken"] in in_home.emu.issued_access_tokens
    assert expiry == tokens.parse_time(second["expiresAt"])
    assert expiry is not None and expiry > time.time()
    assert (second["clientId"], second["clientSecret"]) == (
        first["clientId"],
        first["clientSecret"],
    )
    assert second["registrationExpiresAt"] == first["registrationExpiresAt"]
    # A server that does not rotate: the refresh token it did not replace still serves.
    in_home.emu.issue_refresh_tokens = False
    refresh(target, in_home.env, Deadline(30))
    third = assert_cli_token_format(in_home.session_token, refresh=True)
    assert third["refreshToken"] == second["refreshToken"]
    assert third["accessToken"] != second["accessToken"]


def test_refresh_without_a_token(in_home: LoginHome) -> None:
    with pytest.raises(NotLoggedInError) as raised:
        refresh(target_of(in_home, "prod"), in_home.env, Deadline(30))
    assert str(raised.value) == "no token for sso-session my-sso"
    assert oidc_requests(in_home.emu) == []


def test_refresh_refused_leaves_the_token_alone(in_home: LoginHome) -> None:
    target = target_of(in_home, "prod")
    native_login(target, LoginOptions(), in_home.env, Deadline(30))
    before = in_home.session_token.read_bytes()
    in_home.emu.revoke_all()
    with pytest.raises(LoginError):
        refresh(target, in_home.env, Deadline(30))
    assert in_home.session_token.read_bytes() == before
