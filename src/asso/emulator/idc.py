"""A local AWS IAM Identity Center (SSO) emulator speaking real HTTP on 127.0.0.1.

It implements the two unsigned rest-json services that SSO logins use, with the wire shapes of
botocore's service models (``sso-oidc`` and ``sso``, API version 2019-06-10):

* sso-oidc: ``RegisterClient`` (``POST /client/register``), ``StartDeviceAuthorization``
  (``POST /device_authorization``) and ``CreateToken`` (``POST /token``, device code,
  authorization code with PKCE S256 and refresh token grants), plus the two pages a browser
  visits: ``GET /device?user_code=..`` (approve; ``&deny=1`` denies) and ``GET /authorize?...``
  (answers ``302`` to the client's loopback ``redirect_uri`` with ``code`` and ``state``).
* sso portal: ``ListAccounts``, ``ListAccountRoles``, ``GetRoleCredentials`` and ``Logout``,
  authenticated by the ``x-amz-sso_bearer_token`` header.

Point real boto3 clients at it with ``endpoint_url=emu.url`` or with the environment variables
from :meth:`IdentityCenterEmulator.env` (``AWS_ENDPOINT_URL_SSO_OIDC``/``AWS_ENDPOINT_URL_SSO``).

Run stand-alone with ``python -m asso.emulator --port 0``: the base URL is printed on stdout
as one line, then the emulator serves until SIGTERM or SIGINT.

Standard library only.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import html
import json
import re
import secrets
import signal
import string
import sys
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import FrameType, TracebackType
from typing import Any, Optional, cast
from urllib.parse import parse_qs, urlencode, urlsplit

from asso.emulator.federation import FEDERATION_PATH, SECRET_QUERY_KEYS, FederationEndpoint, SignIn

__all__ = [
    "GRANT_AUTHORIZATION_CODE",
    "GRANT_DEVICE_CODE",
    "GRANT_REFRESH_TOKEN",
    "REDACTED",
    "Account",
    "IdentityCenterEmulator",
    "Organization",
    "RequestRecord",
    "main",
]

GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_REFRESH_TOKEN = "refresh_token"
_SUPPORTED_GRANTS = frozenset({GRANT_DEVICE_CODE, GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN})

REDACTED = "<redacted>"
#: Request body / query keys whose values never reach the request log.
_SECRET_KEYS = frozenset(
    {"accessToken", "refreshToken", "clientSecret", "codeVerifier", "deviceCode", "code"}
    | SECRET_QUERY_KEYS
)
#: Request headers (lower-case) whose values never reach the request log.
_SECRET_HEADERS = frozenset({"x-amz-sso_bearer_token", "authorization", "cookie"})

#: HTTP status of each error type, as in botocore's service models (and ForbiddenException,
#: which the portal really sends for GetRoleCredentials without access but is not modelled).
_ERROR_STATUS: dict[str, int] = {
    "AccessDeniedException": 400,
    "AuthorizationPendingException": 400,
    "ExpiredTokenException": 400,
    "InternalServerException": 500,
    "InvalidClientException": 401,
    "InvalidClientMetadataException": 400,
    "InvalidGrantException": 400,
    "InvalidRedirectUriException": 400,
    "InvalidRequestException": 400,
    "InvalidScopeException": 400,
    "SlowDownException": 400,
    "UnauthorizedClientException": 400,
    "UnsupportedGrantTypeException": 400,
    "UnauthorizedException": 401,
    "ForbiddenException": 403,
    "ResourceNotFoundException": 404,
    "TooManyRequestsException": 429,
    "UnknownOperationException": 404,
    "MethodNotAllowedException": 405,
}

_OIDC_OPS: dict[tuple[str, str], str] = {
    ("POST", "/client/register"): "RegisterClient",
    ("POST", "/device_authorization"): "StartDeviceAuthorization",
    ("POST", "/token"): "CreateToken",
    ("GET", "/device"): "VerifyDevice",
    ("GET", "/authorize"): "Authorize",
}
_PORTAL_OPS: dict[tuple[str, str], str] = {
    ("GET", "/assignment/accounts"): "ListAccounts",
    ("GET", "/assignment/roles"): "ListAccountRoles",
    ("GET", "/federation/credentials"): "GetRoleCredentials",
    ("POST", "/logout"): "Logout",
}
_OTHER_OPS: dict[tuple[str, str], str] = {
    ("GET", "/"): "Index",
    ("GET", FEDERATION_PATH): "Federation",
}
_ROUTES: dict[tuple[str, str], str] = {**_OIDC_OPS, **_PORTAL_OPS, **_OTHER_OPS}
_KNOWN_PATHS = frozenset(path for _, path in _ROUTES)
_PORTAL_OP_NAMES = frozenset(_PORTAL_OPS.values())

_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
_VERIFIER_RE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")


# --------------------------------------------------------------------------------------------
# Organization model
# --------------------------------------------------------------------------------------------


@dataclass
class Account:
    """One AWS account the signed-in user can reach, with the permission sets (roles) on it."""

    account_id: str
    account_name: str
    email: str
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "accountName": self.account_name,
            "emailAddress": self.email,
            "roles": list(self.roles),
        }


@dataclass
class Organization:
    """The accounts and roles the emulated user is assigned."""

    accounts: list[Account] = field(default_factory=list)

    @classmethod
    def sample(cls) -> Organization:
        """Four accounts with one to three roles each (one name contains a space)."""
        return cls(
            accounts=[
                Account(
                    "111111111111", "Management", "management@example.com", ["AdministratorAccess"]
                ),
                Account(
                    "222222222222",
                    "Production",
                    "production@example.com",
                    ["AdministratorAccess", "ReadOnlyAccess"],
                ),
                Account(
                    "333333333333",
                    "Staging",
                    "staging@example.com",
                    ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"],
                ),
                Account(
                    "444444444444", "Sandbox Dev", "sandbox-dev@example.com", ["PowerUserAccess"]
                ),
            ]
        )

    @classmethod
    def generated(
        cls,
        n_accounts: int,
        roles: Sequence[str] = ("AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"),
    ) -> Organization:
        """``n_accounts`` deterministic accounts ``000000000001``... named ``account-0001``...

        Account ``i`` (from 0) gets the first ``1 + i % len(roles)`` roles.
        """
        if n_accounts < 0:
            raise ValueError("n_accounts must be >= 0")
        role_list = list(roles)
        if not role_list:
            raise ValueError("roles must not be empty")
        accounts = []
        for i in range(n_accounts):
            name = f"account-{i + 1:04d}"
            accounts.append(
                Account(
                    account_id=f"{i + 1:012d}",
                    account_name=name,
                    email=f"aws+{name}@example.com",
                    roles=role_list[: 1 + i % len(role_list)],
                )
            )
        return cls(accounts=accounts)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Organization:
        """Build from ``{"accounts": [{"accountId", "accountName", "emailAddress", "roles"}]}``."""
        raw_accounts = data.get("accounts")
        if not isinstance(raw_accounts, list):
            raise ValueError('organization JSON needs an "accounts" list')
        accounts: list[Account] = []
        seen: set[str] = set()
        for index, item in enumerate(raw_accounts):
            if not isinstance(item, Mapping):
                raise ValueError(f"accounts[{index}] is not an object")
            account_id = item.get("accountId")
            if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.match(account_id):
                raise ValueError(f"accounts[{index}].accountId must be a 12-digit string")
            if account_id in seen:
                raise ValueError(f"duplicate accountId {account_id}")
            seen.add(account_id)
            name = item.get("accountName", account_id)
            email = item.get("emailAddress", f"{account_id}@example.com")
            roles = item.get("roles", [])
            if not isinstance(name, str) or not isinstance(email, str):
                raise ValueError(f"accounts[{index}]: accountName/emailAddress must be strings")
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise ValueError(f"accounts[{index}].roles must be a list of strings")
            accounts.append(Account(account_id, name, email, list(roles)))
        return cls(accounts=accounts)

    def to_json(self) -> dict[str, Any]:
        return {"accounts": [a.to_json() for a in self.accounts]}

    def find(self, account_id: str) -> Optional[Account]:
        for account in self.accounts:
            if account.account_id == account_id:
                return account
        return None


# --------------------------------------------------------------------------------------------
# Records and internal state
# --------------------------------------------------------------------------------------------


@dataclass
class RequestRecord:
    """One request the emulator received, with secrets replaced by ``"<redacted>"``.

    ``status`` is 0 while the request is being answered (or when the connection was dropped).
    """

    method: str
    path: str
    operation: str
    query: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    fault: bool = False


@dataclass
class _Fault:
    operation: str
    status: int
    body: Optional[bytes]
    delay: float
    remaining: int  # < 0: unlimited
    error_type: Optional[str]


@dataclass
class _Client:
    client_id: str
    client_secret: str
    client_name: str
    client_type: str
    scopes: list[str]
    grant_types: list[str]
    redirect_uris: list[str]
    issuer_url: Optional[str]
    issued_at: int
    expires_at: float


@dataclass
class _DeviceAuth:
    device_code: str
    user_code: str
    client_id: str
    start_url: str
    expires_at: float
    status: str = "pending"  # pending | approved | denied | consumed


@dataclass
class _AuthCode:
    code: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    scopes: list[str]
    expires_at: float
    used: bool = False
    access_tokens: list[str] = field(default_factory=list)


@dataclass
class _AccessToken:
    token: str
    client_id: str
    expires_at: float
    scopes: list[str]
    refresh_token: Optional[str] = None
    revoked: bool = False


@dataclass
class _RefreshToken:
    token: str
    client_id: str
    scopes: list[str]
    revoked: bool = False


@dataclass
class _Response:
    status: int
    body: bytes = b""
    content_type: str = "application/json"
    headers: list[tuple[str, str]] = field(default_factory=list)


class _ApiError(Exception):
    def __init__(
        self,
        error_type: str,
        message: str,
        *,
        status: Optional[int] = None,
        extra: Optional[Mapping[str, Any]] = None,
    ) -> None:
        super().__init__(message)
        self.error_type = error_type
        self.message = message
        self.status = status if status is not None else _ERROR_STATUS.get(error_type, 400)
        self.extra = dict(extra or {})


def _snake_error(error_type: str) -> str:
    if error_type == "InternalServerException":
        return "server_error"
    name = error_type[: -len("Exception")] if error_type.endswith("Exception") else error_type
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _json_bytes(data: Mapping[str, Any]) -> bytes:
    return json.dumps(data, separators=(",", ":")).encode("utf-8")


def _error_response(operation: str, error: _ApiError) -> _Response:
    """OIDC errors carry ``error``/``error_description``; portal errors carry ``message``."""
    body: dict[str, Any]
    if operation in _PORTAL_OP_NAMES or operation in ("Index", "Unknown"):
        body = {"message": error.message}
    else:
        body = {"error": _snake_error(error.error_type), "error_description": error.message}
    body.update(error.extra)
    return _Response(
        status=error.status,
        body=_json_bytes(body),
        headers=[("x-amzn-ErrorType", error.error_type)],
    )


def _redact_mapping(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: (REDACTED if k in _SECRET_KEYS and v is not None else v) for k, v in data.items()}


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _html_page(title: str, message: str) -> bytes:
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p></body></html>"
    ).encode()


def _random_upper_alnum(n: int) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def _split_scopes(value: str) -> list[str]:
    return [s for s in re.split(r"[\s,]+", value) if s]


def _redirect_matches(registered: str, requested: str) -> bool:
    """Loopback redirect URIs match on scheme, host and path; the port is free (RFC 8252)."""
    if requested.startswith(registered):
        return True
    reg, req = urlsplit(registered), urlsplit(requested)
    return (
        reg.scheme == req.scheme
        and (reg.hostname or "") == (req.hostname or "")
        and (reg.path or "/") == (req.path or "/")
    )


# --------------------------------------------------------------------------------------------
# HTTP plumbing
# --------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], emulator: IdentityCenterEmulator) -> None:
        self.emulator = emulator
        super().__init__(address, _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or go away are expected in tests; stay quiet.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop()
    server_version = "asso-idc-emulator/1.0"

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_PATCH(self) -> None:
        self._serve("PATCH")

    def _serve(self, method: str) -> None:
        emulator = cast(_Server, self.server).emulator
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length > 0 else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        response = emulator._serve_request(method, self.path, headers, raw)
        if response is None:  # dropped: the emulator stopped while a fault delay was running
            self.close_connection = True
            return
        try:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
            for name, value in response.headers:
                self.send_header(name, value)
            self.end_headers()
            if response.body and method != "HEAD":
                self.wfile.write(response.body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            self.close_connection = True


# --------------------------------------------------------------------------------------------
# The emulator
# --------------------------------------------------------------------------------------------


class IdentityCenterEmulator:
    """IAM Identity Center (sso-oidc + sso portal) on ``http://127.0.0.1:PORT``.

    Use as a context manager or call :meth:`start`/:meth:`stop`. All state is in memory and
    guarded by one lock; every public method is thread-safe.
    """

    def __init__(
        self,
        org: Optional[Organization] = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        access_token_ttl: int = 8 * 3600,
        registration_ttl: int = 90 * 86400,
        device_code_ttl: int = 600,
        poll_interval: int = 1,
        issue_refresh_tokens: bool = True,
        device_auto_approve: bool = False,
        page_size: int = 20,
    ) -> None:
        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the emulator binds to 127.0.0.1 only")
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self.org: Organization = org if org is not None else Organization.sample()
        self.host = "127.0.0.1"
        self.port = port
        self.access_token_ttl = access_token_ttl
        self.registration_ttl = registration_ttl
        self.device_code_ttl = device_code_ttl
        self.poll_interval = poll_interval
        self.issue_refresh_tokens = issue_refresh_tokens
        self.device_auto_approve = device_auto_approve
        self.page_size = page_size
        #: When True, ``/authorize`` redirects with ``error=access_denied``.
        self.deny_authorize = False
        #: When True, a refresh_token grant invalidates the refresh token it used.
        self.rotate_refresh_tokens = True
        #: Lifetime of role credentials from GetRoleCredentials, in seconds.
        self.role_credentials_ttl = 3600
        #: Lifetime of authorization codes from /authorize, in seconds.
        self.auth_code_ttl = 600

        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: Optional[_Server] = None
        self._thread: Optional[threading.Thread] = None
        self._url: Optional[str] = None
        self._time_offset = 0.0

        self._log: list[RequestRecord] = []
        self._faults: list[_Fault] = []
        self._clients: dict[str, _Client] = {}
        self._devices: dict[str, _DeviceAuth] = {}  # by device code
        self._user_codes: dict[str, str] = {}  # user code -> device code
        self._auth_codes: dict[str, _AuthCode] = {}
        self._access_tokens: dict[str, _AccessToken] = {}
        self._refresh_tokens: dict[str, _RefreshToken] = {}
        self._role_credentials: list[dict[str, Any]] = []
        self._federation = FederationEndpoint(self.now, lambda: self._role_credentials)

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; only valid after :meth:`start`."""
        if self._url is None:
            raise RuntimeError("IdentityCenterEmulator is not started")
        return self._url

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> IdentityCenterEmulator:
        if self._server is not None:
            raise RuntimeError("IdentityCenterEmulator is already started")
        self._stopping.clear()
        server = _Server((self.host, self.port), self)
        self._server = server
        self.port = int(server.server_address[1])
        self._url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"asso-idc-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; hung (delayed) requests are dropped. Returns within about 1 s."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._stopping.set()  # wakes handlers sleeping in an injected delay
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=1.0)
        self._server = None
        self._thread = None

    def __enter__(self) -> IdentityCenterEmulator:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.stop()

    def env(self) -> dict[str, str]:
        """Environment variables that route botocore's sso-oidc and sso clients here."""
        return {
            "AWS_ENDPOINT_URL_SSO_OIDC": self.url,
            "AWS_ENDPOINT_URL_SSO": self.url,
            "ASSO_FEDERATION_URL": self.federation_url,
        }

    @property
    def federation_url(self) -> str:
        """The console sign-in endpoint (``ASSO_FEDERATION_URL``)."""
        return self.url + FEDERATION_PATH

    @property
    def issued_signin_tokens(self) -> frozenset[str]:
        return self._federation.issued_tokens

    @property
    def console_sign_ins(self) -> list[SignIn]:
        """Every console sign-in (``Action=login``) received, in order."""
        return self._federation.sign_ins

    # -- clock ------------------------------------------------------------------------------

    def now(self) -> float:
        """The emulator's clock: ``time.time()`` plus whatever :meth:`advance_time` added."""
        return time.time() + self._time_offset

    def advance_time(self, seconds: float) -> None:
        """Move the emulator's clock forward (expires device codes, tokens, registrations)."""
        with self._lock:
            self._time_offset += seconds

    # -- request log --------------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """A snapshot of the request log (secrets redacted)."""
        with self._lock:
            return list(self._log)

    def operations(self) -> list[str]:
        with self._lock:
            return [r.operation for r in self._log]

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    # -- the user's side of the login flows -----------------------------------------------------

    def _device_by_user_code(self, user_code: str) -> _DeviceAuth:
        normalized = user_code.strip().upper().replace(" ", "")
        if "-" not in normalized and len(normalized) == 8:
            normalized = f"{normalized[:4]}-{normalized[4:]}"
        device_code = self._user_codes.get(normalized)
        if device_code is None:
            raise KeyError(f"unknown user code {user_code!r}")
        return self._devices[device_code]

    def approve(self, user_code: str) -> None:
        """Approve a pending device authorization, as the user in the browser would."""
        with self._lock:
            device = self._device_by_user_code(user_code)
            if device.status == "pending":
                device.status = "approved"

    def deny(self, user_code: str) -> None:
        """Deny a pending device authorization; CreateToken then raises AccessDeniedException."""
        with self._lock:
            device = self._device_by_user_code(user_code)
            if device.status in ("pending", "approved"):
                device.status = "denied"

    def pending_user_codes(self) -> list[str]:
        """User codes of device authorizations that are neither decided nor expired."""
        with self._lock:
            now = self.now()
            return [
                d.user_code
                for d in self._devices.values()
                if d.status == "pending" and d.expires_at > now
            ]

    # -- fault injection ----------------------------------------------------------------------

    def inject(
        self,
        operation: str,
        *,
        status: int = 500,
        body: Optional[bytes] = None,
        delay: float = 0.0,
        times: int = 1,
        error_type: Optional[str] = None,
    ) -> None:
        """Make the next ``times`` requests for ``operation`` (``"*"``: any) misbehave.

        Faults apply before normal handling, first injected first. After ``delay`` seconds,
        ``status`` 0 answers normally; otherwise the answer is ``status`` with ``body`` (raw
        bytes, e.g. ``b"not json"``) or, without ``body``, an error body for ``error_type``
        (sent as ``x-amzn-ErrorType``; without it, a generic ``{"message": ...}`` with no error
        type header, as a proxy would send). ``times`` < 0 means until :meth:`clear_faults`.
        """
        if times == 0:
            raise ValueError("times must be non-zero (negative: unlimited)")
        if delay < 0 or status < 0:
            raise ValueError("delay and status must be >= 0")
        with self._lock:
            self._faults.append(_Fault(operation, status, body, delay, times, error_type))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, operation: str) -> Optional[_Fault]:
        with self._lock:
            for fault in self._faults:
                if fault.operation in ("*", operation):
                    if fault.remaining > 0:
                        fault.remaining -= 1
                        if fault.remaining == 0:
                            self._faults.remove(fault)
                    return fault
            return None

    # -- token inspection -----------------------------------------------------------------------

    @property
    def issued_access_tokens(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._access_tokens)

    @property
    def issued_refresh_tokens(self) -> frozenset[str]:
        with self._lock:
            return frozenset(self._refresh_tokens)

    @property
    def client_secrets(self) -> dict[str, str]:
        """clientId -> clientSecret of every registered client."""
        with self._lock:
            return {c.client_id: c.client_secret for c in self._clients.values()}

    @property
    def issued_role_credentials(self) -> list[dict[str, Any]]:
        """Every ``roleCredentials`` answered, plus ``accountId`` and ``roleName``."""
        with self._lock:
            return [dict(c) for c in self._role_credentials]

    def is_access_token_valid(self, token: str) -> bool:
        with self._lock:
            record = self._access_tokens.get(token)
            return record is not None and not record.revoked and record.expires_at > self.now()

    def expire_access_tokens(self) -> None:
        """Make every access token issued so far expired (new ones are unaffected)."""
        with self._lock:
            past = self.now() - 1
            for record in self._access_tokens.values():
                record.expires_at = min(record.expires_at, past)

    def expire_registrations(self) -> None:
        """Make every client registration so far expired (InvalidClientException from now)."""
        with self._lock:
            past = self.now() - 1
            for client in self._clients.values():
                client.expires_at = min(client.expires_at, past)

    def revoke_all(self) -> None:
        """Revoke every access and refresh token (as an administrator ending all sessions)."""
        with self._lock:
            for token in self._access_tokens.values():
                token.revoked = True
            for refresh in self._refresh_tokens.values():
                refresh.revoked = True

    # -- request entry point --------------------------------------------------------------------

    def _serve_request(
        self, method: str, target: str, headers: Mapping[str, str], raw_body: bytes
    ) -> Optional[_Response]:
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        operation = _ROUTES.get((method, path))
        if operation == "CreateToken" and "aws_iam" in query:
            operation = "CreateTokenWithIAM"
        if operation is None:
            operation = "Unknown"

        body: dict[str, Any] = {}
        body_error: Optional[str] = None
        if raw_body:
            try:
                parsed = json.loads(raw_body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                body_error = "request body is not valid JSON"
            else:
                if isinstance(parsed, dict):
                    body = parsed
                else:
                    body_error = "request body must be a JSON object"

        record = RequestRecord(
            method=method,
            path=path,
            operation=operation,
            query=_redact_mapping(query),
            body=_redact_mapping(body) if body_error is None else {"<unparsed>": REDACTED},
            headers={k: (REDACTED if k in _SECRET_HEADERS else v) for k, v in headers.items()},
        )
        with self._lock:
            self._log.append(record)

        fault = self._take_fault(operation)
        if fault is not None:
            record.fault = True
            if fault.delay > 0 and self._stopping.wait(fault.delay):
                return None
            if self._stopping.is_set():
                return None
            if fault.status != 0:
                response = self._fault_response(operation, fault)
                record.status = response.status
                return response

        try:
            if body_error is not None:
                raise _ApiError("InvalidRequestException", body_error)
            response = self._dispatch(operation, method, path, query, headers, body)
        except _ApiError as error:
            response = _error_response(operation, error)
        except Exception as exc:  # a bug in the emulator: answer 500, keep serving
            response = _error_response(
                operation, _ApiError("InternalServerException", f"emulator error: {exc!r}")
            )
        record.status = response.status
        return response

    def _fault_response(self, operation: str, fault: _Fault) -> _Response:
        if fault.body is not None:
            headers = [("x-amzn-ErrorType", fault.error_type)] if fault.error_type else []
            return _Response(status=fault.status, body=fault.body, headers=headers)
        if fault.error_type:
            return _error_response(
                operation,
                _ApiError(fault.error_type, "Injected fault", status=fault.status),
            )
        return _Response(status=fault.status, body=_json_bytes({"message": "Injected fault"}))

    def _dispatch(
        self,
        operation: str,
        method: str,
        path: str,
        query: dict[str, str],
        headers: Mapping[str, str],
        body: dict[str, Any],
    ) -> _Response:
        if operation == "Unknown":
            if path in _KNOWN_PATHS:
                raise _ApiError("MethodNotAllowedException", f"{method} not allowed on {path}")
            raise _ApiError("UnknownOperationException", f"no route for {method} {path}")
        with self._lock:
            if operation == "Index":
                return self._json({"service": "asso IdentityCenterEmulator", "url": self.url})
            if operation == "Federation":
                answer = self._federation.handle(query)
                return _Response(answer.status, answer.body, answer.content_type, answer.headers)
            if operation == "RegisterClient":
                return self._register_client(body)
            if operation == "StartDeviceAuthorization":
                return self._start_device_authorization(body)
            if operation == "CreateToken":
                return self._create_token(body)
            if operation == "CreateTokenWithIAM":
                raise _ApiError("InvalidRequestException", "CreateTokenWithIAM is not emulated")
            if operation == "VerifyDevice":
                return self._verify_device(query)
            if operation == "Authorize":
                return self._authorize(query)
            token = headers.get("x-amz-sso_bearer_token", "")
            if operation == "Logout":
                return self._logout(token)
            self._require_token(token)
            if operation == "ListAccounts":
                return self._list_accounts(query)
            if operation == "ListAccountRoles":
                return self._list_account_roles(query)
            if operation == "GetRoleCredentials":
                return self._get_role_credentials(query)
        raise _ApiError("UnknownOperationException", f"no handler for {operation}")

    @staticmethod
    def _json(data: Mapping[str, Any], status: int = 200) -> _Response:
        return _Response(status=status, body=_json_bytes(data))

    @staticmethod
    def _new_secret(prefix: str, nbytes: int = 48) -> str:
        return f"{prefix}{secrets.token_urlsafe(nbytes)}"

    # -- sso-oidc -----------------------------------------------------------------------------

    @staticmethod
    def _str_field(body: Mapping[str, Any], name: str, *, required: bool = True) -> str:
        value = body.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value):
            raise _ApiError("InvalidRequestException", f"{name} is required")
        return value

    @staticmethod
    def _str_list(body: Mapping[str, Any], name: str) -> list[str]:
        value = body.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise _ApiError("InvalidRequestException", f"{name} must be a list of strings")
        return list(value)

    def _register_client(self, body: Mapping[str, Any]) -> _Response:
        name = self._str_field(body, "clientName")
        client_type = self._str_field(body, "clientType")
        if client_type != "public":
            raise _ApiError("InvalidClientMetadataException", "clientType must be public")
        try:
            scopes = self._str_list(body, "scopes")
        except _ApiError:
            raise _ApiError("InvalidScopeException", "invalid scopes") from None
        grant_types = self._str_list(body, "grantTypes")
        unsupported = [g for g in grant_types if g not in _SUPPORTED_GRANTS]
        if unsupported:
            raise _ApiError("UnsupportedGrantTypeException", f"unsupported: {unsupported}")
        redirect_uris = self._str_list(body, "redirectUris")
        for uri in redirect_uris:
            parts = urlsplit(uri)
            if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
                raise _ApiError("InvalidRedirectUriException", f"invalid redirect uri {uri}")
        if GRANT_AUTHORIZATION_CODE in grant_types and not redirect_uris:
            raise _ApiError("InvalidRedirectUriException", "authorization_code needs redirectUris")
        issuer = body.get("issuerUrl")
        if issuer is not None and not isinstance(issuer, str):
            raise _ApiError("InvalidRequestException", "issuerUrl must be a string")
        now = self.now()
        client = _Client(
            client_id=self._new_secret("emu-client-", 16),
            client_secret=self._new_secret("emu-secret-", 48),
            client_name=name,
            client_type=client_type,
            scopes=scopes,
            grant_types=grant_types,
            redirect_uris=redirect_uris,
            issuer_url=issuer,
            issued_at=int(now),
            expires_at=int(now) + self.registration_ttl,
        )
        self._clients[client.client_id] = client
        return self._json(
            {
                "clientId": client.client_id,
                "clientSecret": client.client_secret,
                "clientIdIssuedAt": client.issued_at,
                "clientSecretExpiresAt": int(client.expires_at),
            }
        )

    def _authenticate_client(self, body: Mapping[str, Any]) -> _Client:
        client_id = self._str_field(body, "clientId")
        client_secret = self._str_field(body, "clientSecret")
        client = self._clients.get(client_id)
        if client is None or not secrets.compare_digest(
            client.client_secret.encode(), client_secret.encode()
        ):
            raise _ApiError("InvalidClientException", "Invalid client")
        if client.expires_at <= self.now():
            raise _ApiError("InvalidClientException", "Client registration has expired")
        return client

    @staticmethod
    def _check_grant_allowed(client: _Client, grant: str) -> None:
        if client.grant_types and grant not in client.grant_types:
            raise _ApiError("UnauthorizedClientException", f"client is not registered for {grant}")

    def _new_user_code(self) -> str:
        while True:
            raw = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
            code = f"{raw[:4]}-{raw[4:]}"
            if code not in self._user_codes:
                return code

    def _start_device_authorization(self, body: Mapping[str, Any]) -> _Response:
        client = self._authenticate_client(body)
        start_url = self._str_field(body, "startUrl")
        if urlsplit(start_url).scheme not in ("http", "https"):
            raise _ApiError("InvalidRequestException", "startUrl must be an http(s) URL")
        self._check_grant_allowed(client, GRANT_DEVICE_CODE)
        device = _DeviceAuth(
            device_code=self._new_secret("emu-device-", 32),
            user_code=self._new_user_code(),
            client_id=client.client_id,
            start_url=start_url,
            expires_at=self.now() + self.device_code_ttl,
        )
        if self.device_auto_approve:
            device.status = "approved"
        self._devices[device.device_code] = device
        self._user_codes[device.user_code] = device.device_code
        verification = f"{self.url}/device"
        complete = f"{verification}?{urlencode({'user_code': device.user_code})}"
        return self._json(
            {
                "deviceCode": device.device_code,
                "userCode": device.user_code,
                "verificationUri": verification,
                "verificationUriComplete": complete,
                "expiresIn": self.device_code_ttl,
                "interval": self.poll_interval,
            }
        )

    def _issue_tokens(
        self, client: _Client, scopes: list[str]
    ) -> tuple[_AccessToken, dict[str, Any]]:
        access = _AccessToken(
            token=self._new_secret("emu-at-", 48),
            client_id=client.client_id,
            expires_at=self.now() + self.access_token_ttl,
            scopes=list(scopes),
        )
        result: dict[str, Any] = {
            "accessToken": access.token,
            "tokenType": "Bearer",
            "expiresIn": self.access_token_ttl,
        }
        wants_refresh = bool(client.scopes) or GRANT_REFRESH_TOKEN in client.grant_types
        if self.issue_refresh_tokens and wants_refresh:
            refresh = _RefreshToken(
                token=self._new_secret("emu-rt-", 48),
                client_id=client.client_id,
                scopes=list(scopes),
            )
            self._refresh_tokens[refresh.token] = refresh
            access.refresh_token = refresh.token
            result["refreshToken"] = refresh.token
        self._access_tokens[access.token] = access
        return access, result

    def _create_token(self, body: Mapping[str, Any]) -> _Response:
        client = self._authenticate_client(body)
        grant = self._str_field(body, "grantType")
        if grant not in _SUPPORTED_GRANTS:
            raise _ApiError("UnsupportedGrantTypeException", f"unsupported grant type {grant}")
        self._check_grant_allowed(client, grant)
        requested_scopes = self._str_list(body, "scope")
        if requested_scopes and client.scopes:
            extra = [s for s in requested_scopes if s not in client.scopes]
            if extra:
                raise _ApiError("InvalidScopeException", f"scopes not registered: {extra}")
        if grant == GRANT_DEVICE_CODE:
            return self._grant_device_code(client, body)
        if grant == GRANT_AUTHORIZATION_CODE:
            return self._grant_authorization_code(client, body)
        return self._grant_refresh_token(client, body)

    def _grant_device_code(self, client: _Client, body: Mapping[str, Any]) -> _Response:
        device_code = self._str_field(body, "deviceCode")
        device = self._devices.get(device_code)
        if device is None or device.client_id != client.client_id:
            raise _ApiError("InvalidGrantException", "Invalid device code")
        if device.status == "consumed":
            raise _ApiError("InvalidGrantException", "Device code already used")
        if device.expires_at <= self.now():
            raise _ApiError("ExpiredTokenException", "Device code has expired")
        if device.status == "denied":
            raise _ApiError("AccessDeniedException", "User denied the request")
        if device.status == "pending":
            raise _ApiError("AuthorizationPendingException", "Authorization is pending")
        device.status = "consumed"
        _, result = self._issue_tokens(client, client.scopes)
        return self._json(result)

    def _grant_authorization_code(self, client: _Client, body: Mapping[str, Any]) -> _Response:
        code = self._str_field(body, "code")
        verifier = self._str_field(body, "codeVerifier")
        redirect_uri = self._str_field(body, "redirectUri")
        auth = self._auth_codes.get(code)
        if auth is None or auth.client_id != client.client_id:
            raise _ApiError("InvalidGrantException", "Invalid authorization code")
        if auth.used:
            # RFC 6749 4.1.2: a reused code revokes what it issued.
            for token in auth.access_tokens:
                self._revoke_access_token(token)
            raise _ApiError("InvalidGrantException", "Authorization code already used")
        auth.used = True
        if auth.expires_at <= self.now():
            raise _ApiError("InvalidGrantException", "Authorization code has expired")
        if redirect_uri != auth.redirect_uri:
            raise _ApiError("InvalidGrantException", "redirectUri does not match")
        if not _VERIFIER_RE.match(verifier) or not secrets.compare_digest(
            _pkce_challenge(verifier), auth.code_challenge
        ):
            raise _ApiError("InvalidGrantException", "PKCE verification failed")
        access, result = self._issue_tokens(client, auth.scopes or client.scopes)
        auth.access_tokens.append(access.token)
        return self._json(result)

    def _grant_refresh_token(self, client: _Client, body: Mapping[str, Any]) -> _Response:
        token = self._str_field(body, "refreshToken")
        refresh = self._refresh_tokens.get(token)
        if refresh is None or refresh.revoked or refresh.client_id != client.client_id:
            raise _ApiError("InvalidGrantException", "Invalid refresh token")
        if self.rotate_refresh_tokens:
            refresh.revoked = True
        _, result = self._issue_tokens(client, refresh.scopes)
        return self._json(result)

    def _verify_device(self, query: Mapping[str, str]) -> _Response:
        user_code = query.get("user_code", "")
        if not user_code:
            page = (
                b"<!DOCTYPE html><html><body><h1>Authorize request</h1>"
                b'<form method="get" action="/device"><input name="user_code">'
                b'<button type="submit">Confirm</button></form></body></html>'
            )
            return _Response(status=200, body=page, content_type="text/html; charset=utf-8")
        try:
            device = self._device_by_user_code(user_code)
        except KeyError:
            return _Response(
                status=404,
                body=_html_page("Invalid code", "This code is not valid."),
                content_type="text/html; charset=utf-8",
            )
        if device.expires_at <= self.now():
            return _Response(
                status=400,
                body=_html_page("Expired", "This code has expired."),
                content_type="text/html; charset=utf-8",
            )
        if query.get("deny", "") not in ("", "0", "false"):
            if device.status in ("pending", "approved"):
                device.status = "denied"
            title, message = "Request denied", "You denied access. You can close this window."
        else:
            if device.status == "pending":
                device.status = "approved"
            if device.status == "denied":
                title, message = "Request denied", "This request was denied."
            else:
                title, message = "Request approved", "You can close this window."
        return _Response(
            status=200, body=_html_page(title, message), content_type="text/html; charset=utf-8"
        )

    def _authorize(self, query: Mapping[str, str]) -> _Response:
        def page(status: int, message: str) -> _Response:
            return _Response(
                status=status,
                body=_html_page("Authorization error", message),
                content_type="text/html; charset=utf-8",
            )

        client = self._clients.get(query.get("client_id", ""))
        if client is None or client.expires_at <= self.now():
            return page(400, "Unknown or expired client_id.")
        redirect_uri = query.get("redirect_uri", "")
        parts = urlsplit(redirect_uri)
        if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
            return page(400, "redirect_uri must point to 127.0.0.1 or localhost.")
        if client.redirect_uris and not any(
            _redirect_matches(r, redirect_uri) for r in client.redirect_uris
        ):
            return page(400, "redirect_uri is not registered for this client.")

        state = query.get("state")

        def redirect(params: dict[str, str]) -> _Response:
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            return _Response(
                status=302,
                body=b"",
                content_type="text/html; charset=utf-8",
                headers=[("Location", f"{redirect_uri}{sep}{urlencode(params)}")],
            )

        def error(code: str, description: str) -> _Response:
            return redirect({"error": code, "error_description": description})

        if query.get("response_type") != "code":
            return error("unsupported_response_type", "response_type must be code")
        if GRANT_AUTHORIZATION_CODE not in client.grant_types:
            return error("unauthorized_client", "client is not registered for authorization_code")
        if query.get("code_challenge_method") != "S256":
            return error("invalid_request", "code_challenge_method must be S256")
        challenge = query.get("code_challenge", "")
        if not _CHALLENGE_RE.match(challenge):
            return error("invalid_request", "code_challenge is missing or malformed")
        scopes = _split_scopes(query.get("scopes", query.get("scope", "")))
        if client.scopes and any(s not in client.scopes for s in scopes):
            return error("invalid_scope", "scope not registered for this client")
        if self.deny_authorize:
            return error("access_denied", "The user denied the request")
        auth = _AuthCode(
            code=self._new_secret("emu-code-", 24),
            client_id=client.client_id,
            redirect_uri=redirect_uri,
            code_challenge=challenge,
            scopes=scopes or list(client.scopes),
            expires_at=self.now() + self.auth_code_ttl,
        )
        self._auth_codes[auth.code] = auth
        return redirect({"code": auth.code})

    # -- sso portal ---------------------------------------------------------------------------

    def _require_token(self, token: str) -> _AccessToken:
        record = self._access_tokens.get(token) if token else None
        if record is None or record.revoked or record.expires_at <= self.now():
            raise _ApiError("UnauthorizedException", "Session token not found or invalid")
        return record

    def _revoke_access_token(self, token: str) -> None:
        record = self._access_tokens.get(token)
        if record is None:
            return
        record.revoked = True
        if record.refresh_token is not None:
            refresh = self._refresh_tokens.get(record.refresh_token)
            if refresh is not None:
                refresh.revoked = True

    def _page(
        self, items: Sequence[dict[str, Any]], query: Mapping[str, str], kind: str, scope: str
    ) -> dict[str, Any]:
        size = self.page_size
        max_result = query.get("max_result")
        if max_result:
            try:
                requested = int(max_result)
            except ValueError:
                raise _ApiError("InvalidRequestException", "max_result must be a number") from None
            if requested < 1:
                raise _ApiError("InvalidRequestException", "max_result must be >= 1")
            size = min(size, requested)
        start = 0
        next_token = query.get("next_token")
        if next_token:
            start = self._decode_next_token(next_token, kind, scope)
        result: dict[str, Any] = {}
        end = start + size
        if end < len(items):
            raw = json.dumps([kind, scope, end]).encode()
            result["nextToken"] = base64.urlsafe_b64encode(raw).decode("ascii")
        result["items"] = list(items[start:end])
        return result

    @staticmethod
    def _decode_next_token(token: str, kind: str, scope: str) -> int:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
            ok = (
                isinstance(decoded, list)
                and len(decoded) == 3
                and decoded[0] == kind
                and decoded[1] == scope
                and isinstance(decoded[2], int)
                and decoded[2] >= 0
            )
        except ValueError:
            ok = False
        if not ok:
            raise _ApiError("InvalidRequestException", "Invalid nextToken")
        return int(decoded[2])

    def _list_accounts(self, query: Mapping[str, str]) -> _Response:
        accounts = [
            {"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email}
            for a in self.org.accounts
        ]
        page = self._page(accounts, query, "accounts", "")
        result: dict[str, Any] = {}
        if "nextToken" in page:
            result["nextToken"] = page["nextToken"]
        result["accountList"] = page["items"]
        return self._json(result)

    def _account_or_forbidden(self, account_id: str) -> Account:
        account = self.org.find(account_id)
        if account is None:
            raise _ApiError("ForbiddenException", "No access")
        return account

    def _list_account_roles(self, query: Mapping[str, str]) -> _Response:
        account_id = query.get("account_id", "")
        if not account_id:
            raise _ApiError("InvalidRequestException", "account_id is required")
        account = self._account_or_forbidden(account_id)
        roles = [{"roleName": r, "accountId": account.account_id} for r in account.roles]
        page = self._page(roles, query, "roles", account.account_id)
        result: dict[str, Any] = {}
        if "nextToken" in page:
            result["nextToken"] = page["nextToken"]
        result["roleList"] = page["items"]
        return self._json(result)

    def _get_role_credentials(self, query: Mapping[str, str]) -> _Response:
        account_id = query.get("account_id", "")
        role_name = query.get("role_name", "")
        if not account_id or not role_name:
            raise _ApiError("InvalidRequestException", "account_id and role_name are required")
        account = self._account_or_forbidden(account_id)
        if role_name not in account.roles:
            raise _ApiError("ForbiddenException", "No access")
        secret_alphabet = string.ascii_letters + string.digits + "+/"
        credentials = {
            "accessKeyId": "ASIA" + _random_upper_alnum(16),
            "secretAccessKey": "".join(secrets.choice(secret_alphabet) for _ in range(40)),
            "sessionToken": "IQoJb3JpZ2luX2VjE" + secrets.token_urlsafe(180),
            "expiration": int((self.now() + self.role_credentials_ttl) * 1000),
        }
        self._role_credentials.append(
            {**credentials, "accountId": account_id, "roleName": role_name}
        )
        return self._json({"roleCredentials": credentials})

    def _logout(self, token: str) -> _Response:
        self._require_token(token)
        self._revoke_access_token(token)
        return self._json({})


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------


def _parse_args(argv: Optional[Sequence[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m asso.emulator",
        description="Serve a local AWS IAM Identity Center emulator on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port (0: any free port)")
    parser.add_argument("--org", metavar="FILE.json", help="organization JSON file")
    parser.add_argument(
        "--device-auto-approve",
        action="store_true",
        help="approve device authorizations at once (no browser step)",
    )
    parser.add_argument("--page-size", type=int, default=20, help="portal page size")
    parser.add_argument(
        "--access-token-ttl", type=int, default=8 * 3600, help="access token lifetime (s)"
    )
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = _parse_args(argv)
    org: Optional[Organization] = None
    if args.org:
        try:
            with open(args.org, encoding="utf-8") as handle:
                org = Organization.from_json(json.load(handle))
        except (OSError, ValueError) as exc:
            print(f"idc: cannot load organization from {args.org}: {exc}", file=sys.stderr)
            return 2
    stop = threading.Event()

    def on_signal(signum: int, frame: Optional[FrameType]) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    emulator = IdentityCenterEmulator(
        org,
        port=args.port,
        device_auto_approve=args.device_auto_approve,
        page_size=args.page_size,
        access_token_ttl=args.access_token_ttl,
    )
    try:
        emulator.start()
    except OSError as exc:
        print(f"idc: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    try:
        print(emulator.url, flush=True)
        while not stop.wait(0.2):
            pass
    finally:
        emulator.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
