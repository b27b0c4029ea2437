"""Emulated STS (query API, XML answers): AssumeRole and GetCallerIdentity.

Enough for role chains (``role_arn`` + ``source_profile``, ``mfa_serial``) to run end to end
through real botocore behind ``AWS_ENDPOINT_URL_STS``. Signatures are not checked; the caller's
access key is read from the ``Authorization`` header and recorded, so tests can see which
credentials a chain used.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Mapping
from typing import Any, Callable, Optional, TypeVar
from xml.sax.saxutils import escape

from asso.emulator.oidc import _random_upper_alnum, temporary_keys
from asso.emulator.portal import PortalService
from asso.emulator.wire import (
    ERROR_STATUS,
    SECRET_KEYS,
    ApiError,
    Request,
    Response,
    form_action,
    route,
)

_NS = "https://sts.amazonaws.com/doc/2011-06-15/"
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})")
_SESSION_NAME = re.compile(r"[\w+=,.@-]{2,64}")
_CREDENTIAL = re.compile(r"Credential=([A-Z0-9]{16,128})/")
SECRET_KEYS.add("TokenCode")
F = TypeVar("F", bound=Callable[..., Any])
ERROR_STATUS.update({"AccessDenied": 403, "ValidationError": 400})


def sts_error(error: ApiError) -> Response:
    body = (
        f'<ErrorResponse xmlns="{_NS}"><Error><Type>Sender</Type>'
        f"<Code>{escape(error.error_type)}</Code><Message>{escape(error.message)}</Message>"
        f"</Error><RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    )
    return Response(status=error.status, body=body.encode(), content_type="text/xml")


def sts_action(action: str) -> Callable[[F], F]:
    """Mark the method that answers the STS query API's ``Action=action`` (a form POST)."""
    return route("POST", "/", action, body="form", when=form_action(action), errors=sts_error)


def _duration(form: Mapping[str, Any], default: int, longest: int) -> int:
    """``DurationSeconds`` (``default`` when absent), from 900 to ``longest``."""
    try:
        duration = int(str(form.get("DurationSeconds", default)))
    except ValueError:
        raise ApiError("ValidationError", "DurationSeconds must be a number") from None
    if not 900 <= duration <= longest:
        raise ApiError("ValidationError", f"DurationSeconds must be 900-{longest}")
    return duration


def _credentials_xml(key: str, secret: str, token: str, expires: float) -> str:
    expiration = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(expires))
    return (
        f"<Credentials><AccessKeyId>{key}</AccessKeyId>"
        f"<SecretAccessKey>{escape(secret)}</SecretAccessKey>"
        f"<SessionToken>{escape(token)}</SessionToken><Expiration>{expiration}</Expiration>"
        "</Credentials>"
    )


def _xml(action: str, result: str) -> Response:
    body = (
        f'<{action}Response xmlns="{_NS}"><{action}Result>{result}</{action}Result>'
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    )
    return Response(status=200, body=body.encode(), content_type="text/xml")


class StsService(PortalService):
    #: Every AssumeRole answered: RoleArn, RoleSessionName, the caller's key, the keys issued,
    #: SerialNumber and whether a TokenCode came with it.
    _assumed_roles: list[dict[str, Any]]
    #: Access key id -> (account, ARN) for GetCallerIdentity.
    _identities: dict[str, tuple[str, str]]

    def _init_state(self) -> None:
        super()._init_state()
        self._assumed_roles = []
        self._identities = {}

    def env(self) -> dict[str, str]:
        return {**super().env(), "AWS_ENDPOINT_URL_STS": self.url}

    @property
    def assumed_roles(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(a) for a in self._assumed_roles]

    @staticmethod
    def _caller_key(request: Request) -> Optional[str]:
        found = _CREDENTIAL.search(request.headers.get("authorization") or "")  # lower-cased
        return found.group(1) if found else None

    @classmethod
    def _signed_caller(cls, request: Request) -> str:
        """The caller's access key id; a request without one is refused (403)."""
        caller = cls._caller_key(request)
        if caller is None:
            raise ApiError(
                "MissingAuthenticationToken", "Request is missing Authentication Token", status=403
            )
        return caller

    def _identity(self, key: Optional[str]) -> tuple[str, str]:
        if key in self._identities:
            return self._identities[key]
        for creds in self._role_credentials:  # keys the portal gave out
            if creds["accessKeyId"] == key:
                account, role = creds["accountId"], creds["roleName"]
                role = f"AWSReservedSSO_{role}_0123456789abcdef"
                arn = f"arn:aws:sts::{account}:assumed-role/{role}/user"
                return account, arn
        if key is None:
            raise ApiError("MissingAuthenticationToken", "Request is missing Authentication Token")
        return "000000000000", "arn:aws:iam::000000000000:user/static"

    @sts_action("AssumeRole")
    def _op_assume_role(self, request: Request) -> Response:
        form = request.body
        caller = self._signed_caller(request)
        role_arn = str(form.get("RoleArn", ""))
        session_name = str(form.get("RoleSessionName", ""))
        matched = _ROLE_ARN.fullmatch(role_arn)
        if matched is None:
            raise ApiError("ValidationError", f"{role_arn!r} is not a valid role ARN")
        if _SESSION_NAME.fullmatch(session_name) is None:
            raise ApiError("ValidationError", "RoleSessionName is invalid")
        duration = _duration(form, 3600, 43200)
        serial = form.get("SerialNumber")
        code = str(form.get("TokenCode", ""))
        if serial and re.fullmatch(r"\d{6}", code) is None:
            raise ApiError("AccessDenied", "MultiFactorAuthentication failed with invalid MFA")
        account, role = matched.group(1), matched.group(2)
        key, secret, token = temporary_keys("FwoGZXIvYXdzE")
        arn = f"arn:aws:sts::{account}:assumed-role/{role}/{session_name}"
        self._identities[key] = (account, arn)
        self._assumed_roles.append(
            {
                "RoleArn": role_arn,
                "RoleSessionName": session_name,
                "caller": caller,
                "SerialNumber": serial,
                "TokenCode": bool(code),
                "accessKeyId": key,
                "secretAccessKey": secret,
                "sessionToken": token,
            }
        )
        role_id = "AROA" + _random_upper_alnum(17)
        return _xml(
            "AssumeRole",
            _credentials_xml(key, secret, token, self.now() + duration)
            + f"<AssumedRoleUser><AssumedRoleId>{role_id}:{escape(session_name)}"
            f"</AssumedRoleId><Arn>{escape(arn)}</Arn></AssumedRoleUser>",
        )

    @sts_action("GetCallerIdentity")
    def _op_get_caller_identity(self, request: Request) -> Response:
        key = self._caller_key(request)
        account, arn = self._identity(key)
        return _xml(
            "GetCallerIdentity",
            f"<Arn>{escape(arn)}</Arn><UserId>{escape(key or '')}</UserId>"
            f"<Account>{account}</Account>",
        )
