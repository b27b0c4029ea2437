"""Emulated console sign-in: the federation endpoint and STS GetFederationToken.

As ``signin.aws.amazon.com/federation`` answers:

* ``GET /federation?Action=getSigninToken&SessionDuration=N&Session={json}`` checks the session
  credentials against those the emulator issued (GetRoleCredentials, AssumeRole,
  GetFederationToken) and answers ``{"SigninToken": ...}``. SessionDuration must be 900-43200,
  at most 3600 for a role assumed with session credentials (role chaining), and absent for
  GetFederationToken's credentials, as AWS requires.
* ``GET /federation?Action=login&Issuer=..&Destination=..&SigninToken=..`` spends the token and
  records the sign-in (account, role, destination) instead of redirecting to the real console.
  Tokens last 15 minutes and work once.

And STS ``GetFederationToken`` (``POST /``, query API) for long-term keys (``AKIA...``), so static
IAM-user keys can sign in too; ``federation_denied`` makes it answer AccessDenied.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass
from typing import Any, Optional
from xml.sax.saxutils import escape

from asso.emulator.oidc import temporary_keys
from asso.emulator.sts import StsService, _credentials_xml, _duration, _xml, sts_action
from asso.emulator.wire import (
    ERROR_STATUS,
    SECRET_KEYS,
    ApiError,
    Request,
    Response,
    form_action,
    html_page,
    message_error,
    route,
)

FEDERATION_PATH = "/federation"
TOKEN_LIFETIME = 900.0
MIN_SESSION = 900
MAX_SESSION = 43200
CHAINED_MAX_SESSION = 3600
SECRET_KEYS.update({"Session", "SigninToken"})
ERROR_STATUS.update({"InvalidSession": 401, "InvalidSigninRequest": 400})
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role/(?:[^/]+/)*([^/]+)")


@dataclass
class SignIn:
    """One console sign-in the emulator received (``error`` says why it was refused)."""

    account_id: str
    role_name: str
    destination: str
    issuer: str
    session_duration: Optional[int]
    error: Optional[str] = None


@dataclass
class _SigninToken:
    account_id: str
    role_name: str
    session_duration: Optional[int]
    expires_at: float
    used: bool = False


@dataclass
class _Session:
    """Session credentials the emulator issued, as getSigninToken needs to know them."""

    secret: str
    token: str
    account_id: str
    role_name: str
    expires_at: Optional[float]
    kind: str  # portal | assumed | chained | federation


class FederationService(StsService):
    #: When True, GetFederationToken answers AccessDenied (keys without the permission).
    federation_denied: bool = False
    _signin_tokens: dict[str, _SigninToken]
    _sign_ins: list[SignIn]
    _federation_tokens: list[dict[str, Any]]

    def _init_state(self) -> None:
        super()._init_state()
        self._signin_tokens = {}
        self._sign_ins = []
        self._federation_tokens = []

    def env(self) -> dict[str, str]:
        return {**super().env(), "ASSO_FEDERATION_URL": self.federation_url}

    @property
    def federation_url(self) -> str:
        """The console sign-in endpoint (``ASSO_FEDERATION_URL``)."""
        return self.url + FEDERATION_PATH

    @property
    def console_sign_ins(self) -> list[SignIn]:
        """Every ``Action=login`` received, in order (the tokens themselves are not kept)."""
        with self._lock:
            return list(self._sign_ins)

    @property
    def issued_signin_tokens(self) -> frozenset[str]:
        """Every sign-in token answered (secrets: tests scan outputs for them)."""
        with self._lock:
            return frozenset(self._signin_tokens)

    @property
    def issued_federation_tokens(self) -> list[dict[str, Any]]:
        """Every GetFederationToken answered: the keys issued, Name, Policy and the caller."""
        with self._lock:
            return [dict(t) for t in self._federation_tokens]

    # -- what was issued ----------------------------------------------------------------------

    def _session_of(self, key_id: str) -> Optional[_Session]:
        for creds in self._role_credentials:
            if creds["accessKeyId"] == key_id:
                return _Session(
                    creds["secretAccessKey"],
                    creds["sessionToken"],
                    creds["accountId"],
                    creds["roleName"],
                    float(creds["expiration"]) / 1000.0,
                    "portal",
                )
        for assumed in self._assumed_roles:
            if assumed["accessKeyId"] == key_id:
                matched = _ROLE_ARN.fullmatch(str(assumed["RoleArn"]))
                account, role = matched.groups() if matched else ("", "")
                # Role chaining: a role assumed with session credentials (ASIA...).
                chained = str(assumed.get("caller") or "").startswith("ASIA")
                return _Session(
                    assumed["secretAccessKey"],
                    assumed["sessionToken"],
                    account,
                    role,
                    None,
                    "chained" if chained else "assumed",
                )
        for federated in self._federation_tokens:
            if federated["accessKeyId"] == key_id:
                return _Session(
                    federated["secretAccessKey"],
                    federated["sessionToken"],
                    "000000000000",
                    "federated-user/" + str(federated["Name"]),
                    float(federated["expiration"]),
                    "federation",
                )
        return None

    # -- routes -------------------------------------------------------------------------------

    @route(
        "GET",
        FEDERATION_PATH,
        "GetSigninToken",
        when=form_action("getSigninToken"),
        errors=message_error,
    )
    def _op_get_signin_token(self, request: Request) -> Response:
        try:
            session = json.loads(request.query.get("Session", ""))
        except ValueError:
            raise ApiError("InvalidSigninRequest", "Session is not JSON") from None
        if not isinstance(session, dict):
            raise ApiError("InvalidSigninRequest", "Session is not a JSON object")
        key_id, secret, token = (
            session.get(k) for k in ("sessionId", "sessionKey", "sessionToken")
        )
        if not all(isinstance(v, str) and v for v in (key_id, secret, token)):
            raise ApiError(
                "InvalidSigninRequest", "Session needs sessionId, sessionKey and sessionToken"
            )
        found = self._session_of(str(key_id))
        if (
            found is None
            or not secrets.compare_digest(found.secret, str(secret))
            or not secrets.compare_digest(found.token, str(token))
        ):
            raise ApiError("InvalidSession", "the session credentials are not valid")
        now = self.now()
        if found.expires_at is not None and found.expires_at <= now:
            raise ApiError("InvalidSession", "the session credentials have expired")
        duration: Optional[int] = None
        raw = request.query.get("SessionDuration")
        if raw is not None:
            if found.kind == "federation":
                raise ApiError(
                    "InvalidSigninRequest", "SessionDuration is not allowed for federated users"
                )
            ceiling = CHAINED_MAX_SESSION if found.kind == "chained" else MAX_SESSION
            if not raw.isdigit() or not MIN_SESSION <= int(raw) <= ceiling:
                raise ApiError(
                    "InvalidSigninRequest", f"SessionDuration must be {MIN_SESSION}-{ceiling}"
                )
            duration = int(raw)
        signin_token = secrets.token_urlsafe(96)
        self._signin_tokens[signin_token] = _SigninToken(
            found.account_id, found.role_name, duration, now + TOKEN_LIFETIME
        )
        return self._json({"SigninToken": signin_token})

    @route("GET", FEDERATION_PATH, "ConsoleLogin", when=form_action("login"), errors=message_error)
    def _op_console_login(self, request: Request) -> Response:
        query = request.query
        destination = query.get("Destination", "")
        record = self._signin_tokens.get(query.get("SigninToken", ""))
        error: Optional[str] = None
        if record is None:
            error = "unknown sign-in token"
        elif record.used:
            error = "sign-in token already used"
        elif record.expires_at <= self.now():
            error = "sign-in token expired"
        if record is not None:
            record.used = True
        self._sign_ins.append(
            SignIn(
                account_id=record.account_id if record else "",
                role_name=record.role_name if record else "",
                destination=destination,
                issuer=query.get("Issuer", ""),
                session_duration=record.session_duration if record else None,
                error=error,
            )
        )
        if error is not None or record is None:
            raise ApiError("InvalidSigninRequest", error or "unknown sign-in token")
        page = html_page(
            "Signed in",
            f"Account {record.account_id}, role {record.role_name}. Destination: {destination}",
        )
        return Response(status=200, body=page, content_type="text/html; charset=utf-8")

    @route("GET", FEDERATION_PATH, "Federation", errors=message_error)
    def _op_federation_other(self, request: Request) -> Response:
        action = request.query.get("Action", "")
        raise ApiError("InvalidSigninRequest", f"unknown Action {action!r}")

    @sts_action("GetFederationToken")
    def _op_get_federation_token(self, request: Request) -> Response:
        caller = self._signed_caller(request)
        if not caller.startswith("AKIA") or self.federation_denied:
            raise ApiError(
                "AccessDenied",
                "GetFederationToken needs long-term IAM user credentials with the permission",
                status=403,
            )
        form = request.body
        name = str(form.get("Name", ""))
        if not re.fullmatch(r"[\w+=,.@-]{2,32}", name):
            raise ApiError("ValidationError", "Name is invalid")
        duration = _duration(form, 43200, 129600)
        key, secret, token = temporary_keys("FQoGZXIvYXdzE")
        expires = self.now() + duration
        self._federation_tokens.append(
            {
                "accessKeyId": key,
                "secretAccessKey": secret,
                "sessionToken": token,
                "expiration": expires,
                "Name": name,
                "Policy": form.get("Policy"),
                "caller": caller,
            }
        )
        arn = f"arn:aws:sts::000000000000:federated-user/{name}"
        return _xml(
            "GetFederationToken",
            _credentials_xml(key, secret, token, expires)
            + f"<FederatedUser><FederatedUserId>000000000000:{name}"
            f"</FederatedUserId><Arn>{escape(arn)}</Arn></FederatedUser>",
        )
