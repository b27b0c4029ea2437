"""Emulated sso-oidc: client registration, device authorization, tokens (device code,
authorization code with PKCE S256, refresh), and the two pages a browser visits."""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Optional
from urllib.parse import urlencode, urlsplit

from asso.emulator.core import EmulatorCore
from asso.emulator.wire import ApiError, Request, Response, html_page, oidc_error, route

GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_REFRESH_TOKEN = "refresh_token"
_SUPPORTED_GRANTS = frozenset({GRANT_DEVICE_CODE, GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN})

_USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ"
_VERIFIER_RE = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")
_CHALLENGE_RE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
_HTML = "text/html; charset=utf-8"


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


def _pkce_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def _random_upper_alnum(n: int) -> str:
    alphabet = string.ascii_uppercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(n))


def temporary_keys(token_prefix: str, token_bytes: int = 200) -> tuple[str, str, str]:
    """A fresh access key id (ASIA...), secret access key and session token, shaped as AWS
    issues them (the portal, STS and federation services hand these out)."""
    secret_alphabet = string.ascii_letters + string.digits + "+/"
    return (
        "ASIA" + _random_upper_alnum(16),
        "".join(secrets.choice(secret_alphabet) for _ in range(40)),
        token_prefix + secrets.token_urlsafe(token_bytes),
    )


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


def _iam_query(request: Request) -> bool:
    return "aws_iam" in request.query


class OidcService(EmulatorCore):
    """The sso-oidc half; its tokens authenticate the portal (:class:`PortalService`)."""

    _clients: dict[str, _Client]
    _devices: dict[str, _DeviceAuth]  # by device code
    _user_codes: dict[str, str]  # user code -> device code
    _auth_codes: dict[str, _AuthCode]
    _access_tokens: dict[str, _AccessToken]
    _refresh_tokens: dict[str, _RefreshToken]

    def _init_state(self) -> None:
        super()._init_state()
        self._clients = {}
        self._devices = {}
        self._user_codes = {}
        self._auth_codes = {}
        self._access_tokens = {}
        self._refresh_tokens = {}

    # -- routes -------------------------------------------------------------------------------

    @route("POST", "/client/register", "RegisterClient", errors=oidc_error)
    def _op_register_client(self, request: Request) -> Response:
        return self._register_client(request.body)

    @route("POST", "/device_authorization", "StartDeviceAuthorization", errors=oidc_error)
    def _op_start_device_authorization(self, request: Request) -> Response:
        return self._start_device_authorization(request.body)

    @route("POST", "/token", "CreateToken", errors=oidc_error)
    def _op_create_token(self, request: Request) -> Response:
        return self._create_token(request.body)

    @route("POST", "/token", "CreateTokenWithIAM", errors=oidc_error, when=_iam_query)
    def _op_create_token_with_iam(self, request: Request) -> Response:
        raise ApiError("InvalidRequestException", "CreateTokenWithIAM is not emulated")

    @route("GET", "/device", "VerifyDevice", errors=oidc_error)
    def _op_verify_device(self, request: Request) -> Response:
        return self._verify_device(request.query)

    @route("GET", "/authorize", "Authorize", errors=oidc_error)
    def _op_authorize(self, request: Request) -> Response:
        return self._authorize(request.query)

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

    @staticmethod
    def _new_secret(prefix: str, nbytes: int = 48) -> str:
        return f"{prefix}{secrets.token_urlsafe(nbytes)}"

    # -- handlers -----------------------------------------------------------------------------

    @staticmethod
    def _str_field(body: Mapping[str, Any], name: str, *, required: bool = True) -> str:
        value = body.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or (required and not value):
            raise ApiError("InvalidRequestException", f"{name} is required")
        return value

    @staticmethod
    def _str_list(body: Mapping[str, Any], name: str) -> list[str]:
        value = body.get(name)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise ApiError("InvalidRequestException", f"{name} must be a list of strings")
        return list(value)

    def _register_client(self, body: Mapping[str, Any]) -> Response:
        name = self._str_field(body, "clientName")
        client_type = self._str_field(body, "clientType")
        if client_type != "public":
            raise ApiError("InvalidClientMetadataException", "clientType must be public")
        try:
            scopes = self._str_list(body, "scopes")
        except ApiError:
            raise ApiError("InvalidScopeException", "invalid scopes") from None
        grant_types = self._str_list(body, "grantTypes")
        unsupported = [g for g in grant_types if g not in _SUPPORTED_GRANTS]
        if unsupported:
            raise ApiError("UnsupportedGrantTypeException", f"unsupported: {unsupported}")
        redirect_uris = self._str_list(body, "redirectUris")
        for uri in redirect_uris:
            parts = urlsplit(uri)
            if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
                raise ApiError("InvalidRedirectUriException", f"invalid redirect uri {uri}")
        if GRANT_AUTHORIZATION_CODE in grant_types and not redirect_uris:
            raise ApiError("InvalidRedirectUriException", "authorization_code needs redirectUris")
        issuer = body.get("issuerUrl")
        if issuer is not None and not isinstance(issuer, str):
            raise ApiError("InvalidRequestException", "issuerUrl must be a string")
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
            raise ApiError("InvalidClientException", "Invalid client")
        if client.expires_at <= self.now():
            raise ApiError("InvalidClientException", "Client registration has expired")
        return client

    @staticmethod
    def _check_grant_allowed(client: _Client, grant: str) -> None:
        if client.grant_types and grant not in client.grant_types:
            raise ApiError("UnauthorizedClientException", f"client is not registered for {grant}")

    def _new_user_code(self) -> str:
        while True:
            raw = "".join(secrets.choice(_USER_CODE_ALPHABET) for _ in range(8))
            code = f"{raw[:4]}-{raw[4:]}"
            if code not in self._user_codes:
                return code

    def _start_device_authorization(self, body: Mapping[str, Any]) -> Response:
        client = self._authenticate_client(body)
        start_url = self._str_field(body, "startUrl")
        if urlsplit(start_url).scheme not in ("http", "https"):
            raise ApiError("InvalidRequestException", "startUrl must be an http(s) URL")
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

    def _create_token(self, body: Mapping[str, Any]) -> Response:
        client = self._authenticate_client(body)
        grant = self._str_field(body, "grantType")
        if grant not in _SUPPORTED_GRANTS:
            raise ApiError("UnsupportedGrantTypeException", f"unsupported grant type {grant}")
        self._check_grant_allowed(client, grant)
        requested_scopes = self._str_list(body, "scope")
        if requested_scopes and client.scopes:
            extra = [s for s in requested_scopes if s not in client.scopes]
            if extra:
                raise ApiError("InvalidScopeException", f"scopes not registered: {extra}")
        if grant == GRANT_DEVICE_CODE:
            return self._grant_device_code(client, body)
        if grant == GRANT_AUTHORIZATION_CODE:
            return self._grant_authorization_code(client, body)
        return self._grant_refresh_token(client, body)

    def _grant_device_code(self, client: _Client, body: Mapping[str, Any]) -> Response:
        device_code = self._str_field(body, "deviceCode")
        device = self._devices.get(device_code)
        if device is None or device.client_id != client.client_id:
            raise ApiError("InvalidGrantException", "Invalid device code")
        if device.status == "consumed":
            raise ApiError("InvalidGrantException", "Device code already used")
        if device.expires_at <= self.now():
            raise ApiError("ExpiredTokenException", "Device code has expired")
        if device.status == "denied":
            raise ApiError("AccessDeniedException", "User denied the request")
        if device.status == "pending":
            raise ApiError("AuthorizationPendingException", "Authorization is pending")
        device.status = "consumed"
        _, result = self._issue_tokens(client, client.scopes)
        return self._json(result)

    def _grant_authorization_code(self, client: _Client, body: Mapping[str, Any]) -> Response:
        code = self._str_field(body, "code")
        verifier = self._str_field(body, "codeVerifier")
        redirect_uri = self._str_field(body, "redirectUri")
        auth = self._auth_codes.get(code)
        if auth is None or auth.client_id != client.client_id:
            raise ApiError("InvalidGrantException", "Invalid authorization code")
        if auth.used:
            # RFC 6749 4.1.2: a reused code revokes what it issued.
            for token in auth.access_tokens:
                self._revoke_access_token(token)
            raise ApiError("InvalidGrantException", "Authorization code already used")
        auth.used = True
        if auth.expires_at <= self.now():
            raise ApiError("InvalidGrantException", "Authorization code has expired")
        if redirect_uri != auth.redirect_uri:
            raise ApiError("InvalidGrantException", "redirectUri does not match")
        if not _VERIFIER_RE.match(verifier) or not secrets.compare_digest(
            _pkce_challenge(verifier), auth.code_challenge
        ):
            raise ApiError("InvalidGrantException", "PKCE verification failed")
        access, result = self._issue_tokens(client, auth.scopes or client.scopes)
        auth.access_tokens.append(access.token)
        return self._json(result)

    def _grant_refresh_token(self, client: _Client, body: Mapping[str, Any]) -> Response:
        token = self._str_field(body, "refreshToken")
        refresh = self._refresh_tokens.get(token)
        if refresh is None or refresh.revoked or refresh.client_id != client.client_id:
            raise ApiError("InvalidGrantException", "Invalid refresh token")
        if self.rotate_refresh_tokens:
            refresh.revoked = True
        _, result = self._issue_tokens(client, refresh.scopes)
        return self._json(result)

    def _verify_device(self, query: Mapping[str, str]) -> Response:
        user_code = query.get("user_code", "")
        if not user_code:
            page = (
                b"<!DOCTYPE html><html><body><h1>Authorize request</h1>"
                b'<form method="get" action="/device"><input name="user_code">'
                b'<button type="submit">Confirm</button></form></body></html>'
            )
            return Response(status=200, body=page, content_type="text/html; charset=utf-8")
        try:
            device = self._device_by_user_code(user_code)
        except KeyError:
            return Response(
                status=404,
                body=html_page("Invalid code", "This code is not valid."),
                content_type="text/html; charset=utf-8",
            )
        if device.expires_at <= self.now():
            return Response(
                status=400,
                body=html_page("Expired", "This code has expired."),
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
        return Response(
            status=200, body=html_page(title, message), content_type="text/html; charset=utf-8"
        )

    def _authorize(self, query: Mapping[str, str]) -> Response:
        def page(status: int, message: str) -> Response:
            return Response(
                status=status,
                body=html_page("Authorization error", message),
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

        def redirect(params: dict[str, str]) -> Response:
            if state is not None:
                params["state"] = state
            sep = "&" if "?" in redirect_uri else "?"
            return Response(
                status=302,
                body=b"",
                content_type="text/html; charset=utf-8",
                headers=[("Location", f"{redirect_uri}{sep}{urlencode(params)}")],
            )

        def error(code: str, description: str) -> Response:
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

    # -- tokens the portal checks ---------------------------------------------------------------

    def _require_token(self, token: str) -> _AccessToken:
        record = self._access_tokens.get(token) if token else None
        if record is None or record.revoked or record.expires_at <= self.now():
            raise ApiError("UnauthorizedException", "Session token not found or invalid")
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
