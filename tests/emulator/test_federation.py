"""The emulator's console sign-in endpoint, over real HTTP, with credentials from real boto3."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import boto3
import pytest

from asso.emulator.idc import REDACTED, IdentityCenterEmulator, Organization

from ..support.samples import START_URL

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(Organization.sample(), device_auto_approve=True) as emulator:
        yield emulator


def role_credentials(emu: IdentityCenterEmulator, account: str, role: str) -> dict[str, Any]:
    """A device login and GetRoleCredentials, through boto3 clients pointed at the emulator."""
    session = boto3.session.Session()
    oidc = session.client("sso-oidc", region_name="us-east-1", endpoint_url=emu.url)
    reg = oidc.register_client(clientName="t", clientType="public")
    start = oidc.start_device_authorization(
        clientId=reg["clientId"], clientSecret=reg["clientSecret"], startUrl=START_URL
    )
    token = oidc.create_token(
        clientId=reg["clientId"],
        clientSecret=reg["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=start["deviceCode"],
    )
    sso = session.client("sso", region_name="us-east-1", endpoint_url=emu.url)
    answer = sso.get_role_credentials(
        roleName=role, accountId=account, accessToken=token["accessToken"]
    )
    credentials: dict[str, Any] = answer["roleCredentials"]
    return credentials


def get(url: str) -> tuple[int, bytes]:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def signin_token(
    emu: IdentityCenterEmulator, creds: dict[str, Any], **extra: str
) -> tuple[int, dict[str, Any]]:
    session = {
        "sessionId": creds["accessKeyId"],
        "sessionKey": creds["secretAccessKey"],
        "sessionToken": creds["sessionToken"],
    }
    query = {"Action": "getSigninToken", "Session": json.dumps(session), **extra}
    status, body = get(emu.federation_url + "?" + urlencode(query))
    data: dict[str, Any] = json.loads(body)
    return status, data


def login(emu: IdentityCenterEmulator, token: str, destination: str) -> tuple[int, bytes]:
    query = {"Action": "login", "Issuer": "t", "Destination": destination, "SigninToken": token}
    return get(emu.federation_url + "?" + urlencode(query))


def test_issued_credentials_sign_in_once_and_the_sign_in_is_recorded(
    emu: IdentityCenterEmulator,
) -> None:
    creds = role_credentials(emu, "222222222222", "ReadOnlyAccess")
    status, data = signin_token(emu, creds, SessionDuration="3600")
    assert status == 200 and isinstance(data["SigninToken"], str)
    destination = "https://eu-west-1.console.aws.amazon.com/s3/home?region=eu-west-1"
    status, page = login(emu, data["SigninToken"], destination)
    assert status == 200 and b"222222222222" in page and b"ReadOnlyAccess" in page
    (sign_in,) = emu.console_sign_ins
    assert (sign_in.account_id, sign_in.role_name, sign_in.destination) == (
        "222222222222",
        "ReadOnlyAccess",
        destination,
    )
    assert sign_in.session_duration == 3600 and sign_in.error is None
    # A sign-in token works once.
    status, _ = login(emu, data["SigninToken"], destination)
    assert status == 400 and emu.console_sign_ins[-1].error == "sign-in token already used"
    # Neither the session keys nor the sign-in token reach the request log.
    for record in emu.requests:
        if record.operation in ("GetSigninToken", "ConsoleLogin"):
            assert record.query.get("Session", REDACTED) == REDACTED
            assert record.query.get("SigninToken", REDACTED) == REDACTED
    logged = repr(emu.requests)
    assert creds["secretAccessKey"] not in logged and data["SigninToken"] not in logged


def test_credentials_the_emulator_did_not_issue_are_refused(emu: IdentityCenterEmulator) -> None:
    creds = role_credentials(emu, "222222222222", "ReadOnlyAccess")
    forged = dict(creds, secretAccessKey="x" * 40)
    assert signin_token(emu, forged)[0] == 401
    assert signin_token(emu, dict(creds, accessKeyId="ASIANOTISSUED0000000"))[0] == 401
    emu.advance_time(emu.role_credentials_ttl + 1)
    status, data = signin_token(emu, creds)
    assert status == 401 and "expired" in data["message"]


@pytest.mark.parametrize("duration", ["899", "43201", "abc", "-1"])
def test_session_duration_must_be_within_the_endpoint_range(
    emu: IdentityCenterEmulator, duration: str
) -> None:
    creds = role_credentials(emu, "333333333333", "PowerUserAccess")
    assert signin_token(emu, creds, SessionDuration=duration)[0] == 400


def test_bad_requests_get_one_message(emu: IdentityCenterEmulator) -> None:
    assert get(emu.federation_url + "?Action=nothing")[0] == 400
    assert get(emu.federation_url + "?Action=getSigninToken&Session=%7B")[0] == 400
    status, _ = login(emu, "not-a-token", "https://console.aws.amazon.com/")
    assert status == 400 and emu.console_sign_ins[-1].error == "unknown sign-in token"
    assert "ASSO_FEDERATION_URL" in emu.env()
