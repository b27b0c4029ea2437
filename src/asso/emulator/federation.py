"""The console sign-in (federation) endpoint, as ``signin.aws.amazon.com/federation`` answers.

``GET /federation?Action=getSigninToken&SessionDuration=N&Session={json}`` checks the session
credentials against those the emulator issued (GetRoleCredentials) and answers
``{"SigninToken": ...}``; ``GET /federation?Action=login&Issuer=..&Destination=..&SigninToken=..``
spends the token and records the sign-in (account, role, destination) instead of redirecting to
the real console. Tokens last 15 minutes and work once, as AWS's do.

Standard library only; the emulator's server routes ``/federation`` here and passes its clock
and its issued credentials, so this module depends on nothing else of the emulator.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Optional

FEDERATION_PATH = "/federation"
TOKEN_LIFETIME = 900.0
MIN_SESSION = 900
MAX_SESSION = 43200
#: Query keys whose values never reach the request log.
SECRET_QUERY_KEYS = frozenset({"Session", "SigninToken"})


@dataclass
class SignIn:
    """One console sign-in the emulator accepted (or refused, with ``error``)."""

    account_id: str
    role_name: str
    destination: str
    issuer: str
    session_duration: Optional[int]
    error: Optional[str] = None


@dataclass
class _Token:
    account_id: str
    role_name: str
    session_duration: Optional[int]
    expires_at: float
    used: bool = False


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


class FederationEndpoint:
    """State and answers of the sign-in endpoint; thread-safe."""

    def __init__(
        self,
        now: Callable[[], float],
        issued_credentials: Callable[[], Iterable[Mapping[str, Any]]],
    ) -> None:
        self._now = now
        self._issued = issued_credentials
        self._lock = threading.Lock()
        self._tokens: dict[str, _Token] = {}
        self._sign_ins: list[SignIn] = []

    @property
    def sign_ins(self) -> list[SignIn]:
        """Every ``Action=login`` received, in order (the tokens themselves are not kept)."""
        with self._lock:
            return list(self._sign_ins)

    @property
    def issued_tokens(self) -> frozenset[str]:
        """Every sign-in token answered (secrets: tests scan outputs for them)."""
        with self._lock:
            return frozenset(self._tokens)

    def handle(self, query: Mapping[str, str]) -> Answer:
        action = query.get("Action", "")
        if action == "getSigninToken":
            return self._get_signin_token(query)
        if action == "login":
            return self._login(query)
        return _refusal(400, f"unknown Action {action!r}")

    def _get_signin_token(self, query: Mapping[str, str]) -> Answer:
        try:
            session = json.loads(query.get("Session", ""))
        except ValueError:
            return _refusal(400, "Session is not JSON")
        if not isinstance(session, dict):
            return _refusal(400, "Session is not a JSON object")
        key_id = session.get("sessionId")
        secret = session.get("sessionKey")
        token = session.get("sessionToken")
        if not all(isinstance(v, str) and v for v in (key_id, secret, token)):
            return _refusal(400, "Session needs sessionId, sessionKey and sessionToken")
        duration: Optional[int] = None
        raw = query.get("SessionDuration")
        if raw is not None:
            if not raw.isdigit() or not MIN_SESSION <= int(raw) <= MAX_SESSION:
                return _refusal(400, f"SessionDuration must be {MIN_SESSION}-{MAX_SESSION}")
            duration = int(raw)
        now = self._now()
        match = next((c for c in self._issued() if c.get("accessKeyId") == key_id), None)
        if (
            match is None
            or not secrets.compare_digest(str(match.get("secretAccessKey")), str(secret))
            or not secrets.compare_digest(str(match.get("sessionToken")), str(token))
        ):
            return _refusal(401, "the session credentials are not valid")
        if float(match.get("expiration", 0)) / 1000.0 <= now:
            return _refusal(401, "the session credentials have expired")
        signin_token = secrets.token_urlsafe(96)
        with self._lock:
            self._tokens[signin_token] = _Token(
                str(match.get("accountId", "")),
                str(match.get("roleName", "")),
                duration,
                now + TOKEN_LIFETIME,
            )
        return Answer(200, json.dumps({"SigninToken": signin_token}).encode())

    def _login(self, query: Mapping[str, str]) -> Answer:
        destination = query.get("Destination", "")
        issuer = query.get("Issuer", "")
        with self._lock:
            record = self._tokens.get(query.get("SigninToken", ""))
            error: Optional[str] = None
            if record is None:
                error = "unknown sign-in token"
            elif record.used:
                error = "sign-in token already used"
            elif record.expires_at <= self._now():
                error = "sign-in token expired"
            if record is not None:
                record.used = True
            self._sign_ins.append(
                SignIn(
                    account_id=record.account_id if record else "",
                    role_name=record.role_name if record else "",
                    destination=destination,
                    issuer=issuer,
                    session_duration=record.session_duration if record else None,
                    error=error,
                )
            )
        if error is not None or record is None:
            return _refusal(400, error or "unknown sign-in token")
        page = (
            '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Signed in</title></head>'
            f"<body><h1>Signed in</h1><p>Account {html.escape(record.account_id)}, role "
            f"{html.escape(record.role_name)}.</p><p>Destination: "
            f"{html.escape(destination)}</p></body></html>"
        )
        return Answer(200, page.encode("utf-8"), content_type="text/html; charset=utf-8")


def _refusal(status: int, message: str) -> Answer:
    return Answer(status, json.dumps({"message": message}).encode())
