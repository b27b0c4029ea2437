"""Drive the Identity Center emulator with real boto3 clients over HTTP."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import secrets
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Optional
from urllib.parse import parse_qs, urlencode, urlsplit

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from asso.emulator.idc import (
    REDACTED,
    Account,
    IdentityCenterEmulator,
    Organization,
)

from ..support.samples import START_URL

SRC_DIR = Path(__file__).resolve().parents[2] / "src"

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
CALLBACK = "http://127.0.0.1/oauth/callback"
NO_RETRY = Config(retries={"total_max_attempts": 1, "mode": "standard"})


# --------------------------------------------------------------------------------------------
# fixtures and helpers
# --------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _isolated_aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(Organization.sample()) as emulator:
        yield emulator


def client(service: str, url: Optional[str], config: Optional[Config] = None) -> Any:
    """A real boto3 client in us-east-1, at ``url`` (None: AWS's own endpoint)."""
    kwargs: dict[str, Any] = {"region_name": "us-east-1"}
    if url is not None:
        kwargs["endpoint_url"] = url
    if config is not None:
        kwargs["config"] = config
    return boto3.session.Session().client(service, **kwargs)


def oidc_client(url: Optional[str], config: Optional[Config] = None) -> Any:
    return client("sso-oidc", url, config)


def sso_client(url: Optional[str], config: Optional[Config] = None) -> Any:
    return client("sso", url, config)


def register(oidc: Any, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"clientName": "asso-test", "clientType": "public"}
    params.update(extra)
    result: dict[str, Any] = oidc.register_client(**params)
    return result


def device_login(
    emu: IdentityCenterEmulator, oidc: Any, scopes: Optional[list[str]] = None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Register, start device authorization, approve, create token: (registration, token)."""
    reg = register(oidc, scopes=scopes if scopes is not None else ["sso:account:access"])
    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    emu.approve(start["userCode"])
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=start["deviceCode"],
    )
    return reg, token


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def get_no_redirect(url: str) -> tuple[int, dict[str, str], bytes]:
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def pkce_register(oidc: Any) -> dict[str, Any]:
    return register(
        oidc,
        scopes=["sso:account:access"],
        grantTypes=["authorization_code", "refresh_token"],
        redirectUris=[CALLBACK],
        issuerUrl=START_URL,
    )


def authorize_url(
    emu: IdentityCenterEmulator, client_id: str, challenge: str, state: str, redirect_uri: str
) -> str:
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "state": state,
            "code_challenge_method": "S256",
            "scopes": "sso:account:access",
            "code_challenge": challenge,
        }
    )
    return f"{emu.url}/authorize?{query}"


def authorize(
    emu: IdentityCenterEmulator, reg: dict[str, Any], redirect_uri: str
) -> tuple[str, str]:
    """Play the browser for /authorize; return (code, verifier)."""
    verifier, challenge = pkce_pair()
    state = secrets.token_hex(8)
    status, headers, _ = get_no_redirect(
        authorize_url(emu, reg["clientId"], challenge, state, redirect_uri)
    )
    assert status == 302
    location = urlsplit(headers["Location"])
    params = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert params["state"] == state
    return params["code"], verifier


# --------------------------------------------------------------------------------------------
# organization model
# --------------------------------------------------------------------------------------------


def test_sample_and_generated_organizations() -> None:
    sample = Organization.sample()
    by_id = {a.account_id: a for a in sample.accounts}
    assert by_id["222222222222"].account_name == "Production"
    assert by_id["222222222222"].roles == ["AdministratorAccess", "ReadOnlyAccess"]
    assert by_id["444444444444"].account_name == "Sandbox Dev"
    assert all(1 <= len(a.roles) <= 3 for a in sample.accounts)

    generated = Organization.generated(45, roles=("A", "B"))
    ids = [a.account_id for a in generated.accounts]
    assert len(set(ids)) == 45
    assert all(re.fullmatch(r"\d{12}", i) for i in ids)
    assert {tuple(a.roles) for a in generated.accounts} == {("A",), ("A", "B")}


def test_organization_from_json_round_trip_and_errors() -> None:
    data = {
        "accounts": [
            {
                "accountId": "123456789012",
                "accountName": "Dev",
                "emailAddress": "dev@example.com",
                "roles": ["Admin"],
            }
        ]
    }
    org = Organization.from_json(data)
    assert org.accounts == [Account("123456789012", "Dev", "dev@example.com", ["Admin"])]
    assert org.to_json() == data
    with pytest.raises(ValueError):
        Organization.from_json({"accounts": [{"accountId": "12"}]})
    with pytest.raises(ValueError):
        Organization.from_json({"accounts": [data["accounts"][0], data["accounts"][0]]})
    with pytest.raises(ValueError):
        Organization.from_json({})


# --------------------------------------------------------------------------------------------
# lifecycle
# --------------------------------------------------------------------------------------------


def test_lifecycle_url_env_and_idempotent_stop() -> None:
    emulator = IdentityCenterEmulator()
    with pytest.raises(RuntimeError):
        _ = emulator.url
    emulator.start()
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", emulator.url)
        assert emulator.env() == {
            "AWS_ENDPOINT_URL_SSO_OIDC": emulator.url,
            "AWS_ENDPOINT_URL_SSO": emulator.url,
            "AWS_ENDPOINT_URL_STS": emulator.url,
            "ASSO_FEDERATION_URL": emulator.url + "/federation",
        }
        with pytest.raises(RuntimeError):
            emulator.start()
    finally:
        emulator.stop()
    emulator.stop()  # idempotent
    with pytest.raises(OSError):
        urllib.request.urlopen(emulator.url + "/", timeout=2)


def test_rejects_non_loopback_host() -> None:
    with pytest.raises(ValueError):
        IdentityCenterEmulator(host="0.0.0.0")


def test_unknown_path_is_404_json_and_wrong_method_405(emu: IdentityCenterEmulator) -> None:
    status, headers, body = get_no_redirect(emu.url + "/nope")
    assert status == 404
    assert "message" in json.loads(body)
    assert headers["x-amzn-ErrorType"] == "UnknownOperationException"
    status, _, _ = get_no_redirect(emu.url + "/token")
    assert status == 405
    assert emu.operations() == ["Unknown", "Unknown"]


# --------------------------------------------------------------------------------------------
# device code flow
# --------------------------------------------------------------------------------------------


def test_device_flow_end_to_end(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = register(oidc, scopes=["sso:account:access"])
    assert reg["clientSecretExpiresAt"] == reg["clientIdIssuedAt"] + 90 * 86400
    assert emu.client_secrets[reg["clientId"]] == reg["clientSecret"]

    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    assert re.fullmatch(r"[A-Z]{4}-[A-Z]{4}", start["userCode"])
    assert start["verificationUri"] == emu.url + "/device"
    assert start["verificationUriComplete"] == (f"{emu.url}/device?user_code={start['userCode']}")
    assert (start["expiresIn"], start["interval"]) == (600, 1)
    assert emu.pending_user_codes() == [start["userCode"]]

    create = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": DEVICE_GRANT,
        "deviceCode": start["deviceCode"],
    }
    with pytest.raises(oidc.exceptions.AuthorizationPendingException) as pending:
        oidc.create_token(**create)
    assert pending.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert pending.value.response["error"] == "authorization_pending"

    # The user opens verificationUriComplete in a logged-in browser.
    with urllib.request.urlopen(start["verificationUriComplete"], timeout=5) as page:
        assert page.status == 200
        assert b"approved" in page.read()
    assert emu.pending_user_codes() == []

    token = oidc.create_token(**create)
    assert token["tokenType"] == "Bearer"
    assert token["expiresIn"] == 8 * 3600
    assert token["accessToken"] in emu.issued_access_tokens
    assert token["refreshToken"] in emu.issued_refresh_tokens

    # A device code is single use.
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(**create)
    assert emu.operations() == [
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
        "VerifyDevice",
        "CreateToken",
        "CreateToken",
    ]


def test_device_flow_without_scopes_issues_no_refresh_token(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    _, token = device_login(emu, oidc, scopes=[])
    assert "refreshToken" not in token
    assert token["accessToken"] in emu.issued_access_tokens


def test_device_code_expires(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = register(oidc)
    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    emu.advance_time(601)
    with pytest.raises(oidc.exceptions.ExpiredTokenException) as info:
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=start["deviceCode"],
        )
    assert info.value.response["error"] == "expired_token"
    with pytest.raises(urllib.error.HTTPError) as page:
        urllib.request.urlopen(start["verificationUriComplete"], timeout=5)
    assert page.value.code == 400


@pytest.mark.parametrize("how", ["browser", "api"])
def test_device_flow_denied(emu: IdentityCenterEmulator, how: str) -> None:
    oidc = oidc_client(emu.url)
    reg = register(oidc)
    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    if how == "browser":
        urllib.request.urlopen(start["verificationUriComplete"] + "&deny=1", timeout=5).close()
    else:
        emu.deny(start["userCode"])
    with pytest.raises(oidc.exceptions.AccessDeniedException):
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=start["deviceCode"],
        )
    assert emu.issued_access_tokens == frozenset()


def test_device_auto_approve() -> None:
    with IdentityCenterEmulator(device_auto_approve=True, device_code_ttl=30) as emulator:
        oidc = oidc_client(emulator.url)
        reg = register(oidc)
        start = oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
        )
        assert start["expiresIn"] == 30
        token = oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=start["deviceCode"],
        )
        assert emulator.is_access_token_valid(token["accessToken"])


def test_client_secret_and_registration_expiry_are_checked(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = register(oidc)
    with pytest.raises(oidc.exceptions.InvalidClientException) as info:
        oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret="wrong", startUrl=START_URL
        )
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
    with pytest.raises(oidc.exceptions.InvalidClientException):
        oidc.start_device_authorization(
            clientId="no-such-client", clientSecret=reg["clientSecret"], startUrl=START_URL
        )
    emu.advance_time(90 * 86400 + 1)
    with pytest.raises(oidc.exceptions.InvalidClientException) as expired:
        oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
        )
    assert "expired" in expired.value.response["Error"]["Message"]


def test_unsupported_grant_and_bad_client_type(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    with pytest.raises(oidc.exceptions.InvalidClientMetadataException):
        register(oidc, clientType="confidential")
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        register(oidc, grantTypes=["password"])
    reg = register(oidc)
    with pytest.raises(oidc.exceptions.UnsupportedGrantTypeException):
        oidc.create_token(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], grantType="password"
        )


def test_slow_down_only_via_injection(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url, NO_RETRY)
    reg = register(oidc)
    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    create = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": DEVICE_GRANT,
        "deviceCode": start["deviceCode"],
    }
    emu.inject("CreateToken", status=400, error_type="SlowDownException")
    with pytest.raises(oidc.exceptions.SlowDownException) as info:
        oidc.create_token(**create)
    assert info.value.response["error"] == "slow_down"
    with pytest.raises(oidc.exceptions.AuthorizationPendingException):
        oidc.create_token(**create)  # the fault was used up
    assert [r.fault for r in emu.requests if r.operation == "CreateToken"] == [True, False]


# --------------------------------------------------------------------------------------------
# authorization code + PKCE
# --------------------------------------------------------------------------------------------


def test_pkce_flow(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = pkce_register(oidc)
    redirect_uri = "http://127.0.0.1:54321/oauth/callback"  # any port: RFC 8252

    code, verifier = authorize(emu, reg, redirect_uri)
    create = {
        "clientId": reg["clientId"],
        "clientSecret": reg["clientSecret"],
        "grantType": "authorization_code",
        "code": code,
        "codeVerifier": verifier,
        "redirectUri": redirect_uri,
    }
    token = oidc.create_token(**create)
    assert token["tokenType"] == "Bearer"
    assert token["refreshToken"] in emu.issued_refresh_tokens
    assert emu.is_access_token_valid(token["accessToken"])

    # Reusing a code fails, and revokes what it issued (RFC 6749 4.1.2).
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(**create)
    assert not emu.is_access_token_valid(token["accessToken"])

    # A wrong verifier fails.
    code2, _ = authorize(emu, reg, redirect_uri)
    with pytest.raises(oidc.exceptions.InvalidGrantException) as info:
        oidc.create_token(**{**create, "code": code2, "codeVerifier": pkce_pair()[0]})
    assert info.value.response["error"] == "invalid_grant"

    # A different redirect URI fails.
    code3, verifier3 = authorize(emu, reg, redirect_uri)
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            **{
                **create,
                "code": code3,
                "codeVerifier": verifier3,
                "redirectUri": "http://127.0.0.1:1/oauth/callback",
            }
        )
    assert emu.operations().count("Authorize") == 3


def test_authorize_rejects_bad_redirects_and_can_deny(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = pkce_register(oidc)
    _, challenge = pkce_pair()

    # Never redirect to a non-loopback or unregistered URI.
    for bad in ("https://evil.example.com/oauth/callback", "http://127.0.0.1:5/other/path"):
        status, headers, _ = get_no_redirect(
            authorize_url(emu, reg["clientId"], challenge, "s", bad)
        )
        assert status == 400
        assert "Location" not in headers
    status, _, _ = get_no_redirect(authorize_url(emu, "nobody", challenge, "s", CALLBACK))
    assert status == 400

    emu.deny_authorize = True
    status, headers, _ = get_no_redirect(
        authorize_url(emu, reg["clientId"], challenge, "xyz", CALLBACK)
    )
    assert status == 302
    params = parse_qs(urlsplit(headers["Location"]).query)
    assert params["error"] == ["access_denied"]
    assert params["state"] == ["xyz"]
    assert "code" not in params


def test_device_only_client_cannot_use_authorize(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg = register(oidc, grantTypes=[DEVICE_GRANT], redirectUris=[CALLBACK])
    _, challenge = pkce_pair()
    status, headers, _ = get_no_redirect(
        authorize_url(emu, reg["clientId"], challenge, "s", CALLBACK)
    )
    assert status == 302
    assert parse_qs(urlsplit(headers["Location"]).query)["error"] == ["unauthorized_client"]


# --------------------------------------------------------------------------------------------
# refresh tokens
# --------------------------------------------------------------------------------------------


def test_refresh_token_grant(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg, token = device_login(emu, oidc)
    refreshed = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    assert refreshed["accessToken"] != token["accessToken"]
    assert refreshed["refreshToken"] != token["refreshToken"]
    assert emu.is_access_token_valid(refreshed["accessToken"])

    # Rotation: the used refresh token is no longer valid.
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )
    # A refresh token is bound to its client.
    other = register(oidc, scopes=["sso:account:access"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            clientId=other["clientId"],
            clientSecret=other["clientSecret"],
            grantType="refresh_token",
            refreshToken=refreshed["refreshToken"],
        )


def test_no_refresh_tokens_when_disabled() -> None:
    with IdentityCenterEmulator(issue_refresh_tokens=False, access_token_ttl=60) as emulator:
        _, token = device_login(emulator, oidc_client(emulator.url))
        assert "refreshToken" not in token
        assert token["expiresIn"] == 60
        assert emulator.issued_refresh_tokens == frozenset()


# --------------------------------------------------------------------------------------------
# portal
# --------------------------------------------------------------------------------------------


def test_list_accounts_paginator_over_45_accounts() -> None:
    with IdentityCenterEmulator(Organization.generated(45), page_size=20) as emulator:
        _, token = device_login(emulator, oidc_client(emulator.url))
        sso = sso_client(emulator.url)
        emulator.reset_log()
        pages = list(sso.get_paginator("list_accounts").paginate(accessToken=token["accessToken"]))
        accounts = [a for page in pages for a in page["accountList"]]
        assert [len(p["accountList"]) for p in pages] == [20, 20, 5]
        assert [a["accountId"] for a in accounts] == [
            a.account_id for a in Organization.generated(45).accounts
        ]
        assert set(accounts[0]) == {"accountId", "accountName", "emailAddress"}
        assert emulator.operations() == ["ListAccounts"] * 3
        assert "nextToken" not in pages[-1]

        small = sso.list_accounts(accessToken=token["accessToken"], maxResults=7)
        assert len(small["accountList"]) == 7
        assert small["nextToken"]
        with pytest.raises(sso.exceptions.InvalidRequestException):
            sso.list_accounts(accessToken=token["accessToken"], nextToken="garbage")


def test_list_account_roles(emu: IdentityCenterEmulator) -> None:
    _, token = device_login(emu, oidc_client(emu.url))
    sso = sso_client(emu.url)
    roles = sso.list_account_roles(accessToken=token["accessToken"], accountId="222222222222")
    assert roles["roleList"] == [
        {"roleName": "AdministratorAccess", "accountId": "222222222222"},
        {"roleName": "ReadOnlyAccess", "accountId": "222222222222"},
    ]
    paged = list(
        sso.get_paginator("list_account_roles").paginate(
            accessToken=token["accessToken"],
            accountId="333333333333",
            PaginationConfig={"PageSize": 1},
        )
    )
    assert len(paged) == 3
    with pytest.raises(botocore.exceptions.ClientError) as info:
        sso.list_account_roles(accessToken=token["accessToken"], accountId="999999999999")
    assert info.value.response["Error"]["Code"] == "ForbiddenException"


def test_get_role_credentials(emu: IdentityCenterEmulator) -> None:
    _, token = device_login(emu, oidc_client(emu.url))
    sso = sso_client(emu.url)
    before_ms = time.time() * 1000
    creds = sso.get_role_credentials(
        accessToken=token["accessToken"], accountId="222222222222", roleName="ReadOnlyAccess"
    )["roleCredentials"]
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", creds["accessKeyId"])
    assert len(creds["secretAccessKey"]) == 40
    assert len(creds["sessionToken"]) > 100
    assert isinstance(creds["expiration"], int)
    assert before_ms + 3590_000 <= creds["expiration"] <= before_ms + 3610_000
    assert emu.issued_role_credentials[0]["accessKeyId"] == creds["accessKeyId"]
    assert emu.issued_role_credentials[0]["roleName"] == "ReadOnlyAccess"

    with pytest.raises(botocore.exceptions.ClientError) as info:
        sso.get_role_credentials(
            accessToken=token["accessToken"], accountId="222222222222", roleName="PowerUserAccess"
        )
    assert info.value.response["Error"] == {"Code": "ForbiddenException", "Message": "No access"}
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_bad_expired_and_unknown_tokens_are_unauthorized(emu: IdentityCenterEmulator) -> None:
    _, token = device_login(emu, oidc_client(emu.url))
    sso = sso_client(emu.url)
    with pytest.raises(sso.exceptions.UnauthorizedException) as info:
        sso.list_accounts(accessToken="not-a-token")
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401

    assert sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    emu.expire_access_tokens()
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=token["accessToken"])

    # New tokens are unaffected; time passing past the TTL expires them too.
    _, fresh = device_login(emu, oidc_client(emu.url))
    assert sso.list_accounts(accessToken=fresh["accessToken"])["accountList"]
    emu.advance_time(8 * 3600 + 1)
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.get_role_credentials(
            accessToken=fresh["accessToken"],
            accountId="111111111111",
            roleName="AdministratorAccess",
        )


def test_logout_revokes_access_and_refresh_token(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg, token = device_login(emu, oidc)
    sso = sso_client(emu.url)
    response = sso.logout(accessToken=token["accessToken"])
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken=token["accessToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.logout(accessToken=token["accessToken"])


# --------------------------------------------------------------------------------------------
# routing through the environment
# --------------------------------------------------------------------------------------------


def test_env_var_routing(emu: IdentityCenterEmulator, monkeypatch: pytest.MonkeyPatch) -> None:
    assert oidc_client(None).meta.endpoint_url == "https://oidc.us-east-1.amazonaws.com"
    for name, value in emu.env().items():
        monkeypatch.setenv(name, value)
    oidc = oidc_client(None)
    sso = sso_client(None)
    assert oidc.meta.endpoint_url == emu.url
    assert sso.meta.endpoint_url == emu.url

    _, token = device_login(emu, oidc)
    accounts = sso.list_accounts(accessToken=token["accessToken"])["accountList"]
    assert len(accounts) == len(Organization.sample().accounts)
    assert emu.operations() == [
        "RegisterClient",
        "StartDeviceAuthorization",
        "CreateToken",
        "ListAccounts",
    ]
    # The module-level boto3.client() helper honours the variables too.
    boto3.client("sso", region_name="eu-west-1").list_accounts(accessToken=token["accessToken"])
    assert emu.operations()[-1] == "ListAccounts"


# --------------------------------------------------------------------------------------------
# fault injection
# --------------------------------------------------------------------------------------------


def test_injected_500_without_retries(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url, NO_RETRY)
    emu.inject("RegisterClient", status=500)
    with pytest.raises(botocore.exceptions.ClientError) as info:
        register(oidc)
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert info.value.response["Error"]["Code"] == "500"  # no x-amzn-ErrorType sent
    assert emu.operations() == ["RegisterClient"]
    assert register(oidc)["clientId"]  # one time only

    emu.inject("*", status=500, error_type="InternalServerException", times=2)
    for _ in range(2):
        with pytest.raises(oidc.exceptions.InternalServerException):
            register(oidc)
    assert register(oidc)["clientId"]
    assert [r.status for r in emu.requests] == [500, 200, 500, 500, 200]


def test_unlimited_faults_until_cleared(emu: IdentityCenterEmulator) -> None:
    sso = sso_client(emu.url, NO_RETRY)
    emu.inject("ListAccounts", status=429, error_type="TooManyRequestsException", times=-1)
    for _ in range(3):
        with pytest.raises(sso.exceptions.TooManyRequestsException):
            sso.list_accounts(accessToken="x")
    emu.clear_faults()
    with pytest.raises(sso.exceptions.UnauthorizedException):
        sso.list_accounts(accessToken="x")


def test_garbage_bodies(emu: IdentityCenterEmulator) -> None:
    _, token = device_login(emu, oidc_client(emu.url))
    sso = sso_client(emu.url, NO_RETRY)
    emu.inject("ListAccounts", status=502, body=b"not json")
    with pytest.raises(botocore.exceptions.ClientError) as info:
        sso.list_accounts(accessToken=token["accessToken"])
    assert info.value.response["Error"] == {"Code": "502", "Message": "not json"}

    # botocore is lenient with a 200 that is not JSON: it returns no data rather than raising.
    emu.inject("ListAccounts", status=200, body=b"<html>captive portal</html>")
    response = sso.list_accounts(accessToken=token["accessToken"])
    assert "accountList" not in response
    assert emu.requests[-1].status == 200 and emu.requests[-1].fault


def test_delay_then_normal_answer(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url, NO_RETRY)
    emu.inject("RegisterClient", status=0, delay=0.3)
    started = time.monotonic()
    assert register(oidc)["clientId"]
    assert time.monotonic() - started >= 0.3


def test_read_timeout_and_prompt_stop() -> None:
    emulator = IdentityCenterEmulator().start()
    try:
        config = Config(read_timeout=0.3, connect_timeout=2, retries={"total_max_attempts": 1})
        sso = sso_client(emulator.url, config)
        emulator.inject("ListAccounts", status=0, delay=5.0)
        with pytest.raises(botocore.exceptions.ReadTimeoutError):
            sso.list_accounts(accessToken="whatever")
        # Another request is still hanging server-side when we stop: it gets dropped.
        emulator.inject("ListAccounts", status=0, delay=5.0)
        outcome: list[BaseException] = []

        def hang() -> None:
            try:
                get_no_redirect(emulator.url + "/assignment/accounts")
            except OSError as exc:
                outcome.append(exc)

        hung = threading.Thread(target=hang, daemon=True)
        hung.start()
        time.sleep(0.1)
    finally:
        started = time.monotonic()
        emulator.stop()
        elapsed = time.monotonic() - started
    assert elapsed < 1.0
    hung.join(timeout=2)
    assert not hung.is_alive()
    assert len(outcome) == 1  # connection closed without an answer
    assert emulator.requests[-1].status == 0


# --------------------------------------------------------------------------------------------
# request log
# --------------------------------------------------------------------------------------------


def test_request_log_redacts_secrets(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    sso = sso_client(emu.url)
    reg, token = device_login(emu, oidc)
    refreshed = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType="refresh_token",
        refreshToken=token["refreshToken"],
    )
    pkce = pkce_register(oidc)
    code, verifier = authorize(emu, pkce, CALLBACK)
    oidc.create_token(
        clientId=pkce["clientId"],
        clientSecret=pkce["clientSecret"],
        grantType="authorization_code",
        code=code,
        codeVerifier=verifier,
        redirectUri=CALLBACK,
    )
    sso.list_accounts(accessToken=refreshed["accessToken"])
    sso.logout(accessToken=refreshed["accessToken"])

    log = repr(emu.requests)
    secrets_seen = [
        token["accessToken"],
        token["refreshToken"],
        refreshed["accessToken"],
        reg["clientSecret"],
        pkce["clientSecret"],
        code,
        verifier,
    ]
    secrets_seen += [d for d in emu.issued_access_tokens | emu.issued_refresh_tokens]
    for secret in secrets_seen:
        assert secret not in log
    create_tokens = [r for r in emu.requests if r.operation == "CreateToken"]
    assert create_tokens[0].body["deviceCode"] == REDACTED
    assert create_tokens[0].body["clientSecret"] == REDACTED
    assert create_tokens[0].body["clientId"] == reg["clientId"]  # not a secret
    assert emu.requests[-1].headers["x-amz-sso_bearer_token"] == REDACTED
    emu.reset_log()
    assert emu.requests == []


def test_concurrent_requests(emu: IdentityCenterEmulator) -> None:
    _, token = device_login(emu, oidc_client(emu.url))
    emu.reset_log()
    sso = sso_client(emu.url, Config(max_pool_connections=16))
    results: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        n = len(sso.list_accounts(accessToken=token["accessToken"])["accountList"])
        with lock:
            results.append(n)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert results == [4] * 16
    assert emu.operations() == ["ListAccounts"] * 16


# --------------------------------------------------------------------------------------------
# python -m asso.emulator
# --------------------------------------------------------------------------------------------


def _spawn(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC_DIR), env.get("PYTHONPATH", "")) if p)
    return subprocess.Popen(
        [sys.executable, "-m", "asso.emulator", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _read_url(proc: subprocess.Popen[str]) -> str:
    assert proc.stdout is not None
    ready, _, _ = select.select([proc.stdout], [], [], 15)
    assert ready, "emulator printed nothing"
    return proc.stdout.readline().strip()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_cli_serves_and_exits_cleanly(tmp_path: Path, sig: signal.Signals) -> None:
    org_file = tmp_path / "org.json"
    org_file.write_text(
        json.dumps(
            {
                "accounts": [
                    {
                        "accountId": "555555555555",
                        "accountName": "From File",
                        "emailAddress": "file@example.com",
                        "roles": ["Dev"],
                    }
                ]
            }
        )
    )
    proc = _spawn("--port", "0", "--org", str(org_file), "--device-auto-approve")
    try:
        url = _read_url(proc)
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
        with urllib.request.urlopen(url + "/", timeout=5) as index:
            assert json.loads(index.read())["url"] == url

        oidc = oidc_client(url)
        reg = register(oidc)
        start = oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
        )
        token = oidc.create_token(  # auto-approved: no browser step
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType=DEVICE_GRANT,
            deviceCode=start["deviceCode"],
        )
        accounts = sso_client(url).list_accounts(accessToken=token["accessToken"])
        assert [a["accountName"] for a in accounts["accountList"]] == ["From File"]

        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    assert "Traceback" not in stderr


def test_cli_rejects_bad_org_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"accounts": "nope"}')
    proc = _spawn("--port", "0", "--org", str(bad))
    _, stderr = proc.communicate(timeout=15)
    assert proc.returncode == 2
    assert "cannot load organization" in stderr


def test_revoke_all_and_expire_registrations(emu: IdentityCenterEmulator) -> None:
    oidc = oidc_client(emu.url)
    reg, token = device_login(emu, oidc)
    emu.revoke_all()
    assert not emu.is_access_token_valid(token["accessToken"])
    with pytest.raises(oidc.exceptions.InvalidGrantException):
        oidc.create_token(
            clientId=reg["clientId"],
            clientSecret=reg["clientSecret"],
            grantType="refresh_token",
            refreshToken=token["refreshToken"],
        )
    emu.expire_registrations()
    with pytest.raises(oidc.exceptions.InvalidClientException):
        oidc.start_device_authorization(
            clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
        )
    assert register(oidc)["clientId"] != reg["clientId"]  # re-registering works
