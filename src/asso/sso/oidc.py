"""The OAuth flows of an IAM Identity Center login, with botocore's own sso-oidc and sso clients.

Everything here does what AWS CLI v2 does (``awscli/botocore/utils.py``: ``SSOTokenFetcher``,
``SSOTokenFetcherAuth``; ``awscli/customizations/sso``), so the files a login leaves in
``~/.aws/sso/cache`` are the ones the CLI and botocore read and write:

* Client registrations are cached under ``sha1(json.dumps({"tool": "botocore", "startUrl",
  "region", "scopes", "session_name"}, sort_keys=True))`` (json's default separators, as the
  CLI) and hold ``clientId``, ``clientSecret``, ``expiresAt`` and, for PKCE, ``scopes`` and
  ``grantTypes``. The CLI keeps one slot per session for both flows and tells the two kinds
  apart by ``grantTypes``: a device-code registration is never used for PKCE nor the reverse
  (the other flow registers anew and takes the slot, as the CLI's does). A registration with
  less than 15 minutes left is not reused.
* Device code: RegisterClient, StartDeviceAuthorization, one CreateToken attempt, then the user
  is shown the code and CreateToken is polled every ``interval`` seconds (+5 s on SlowDown).
* Authorization code with PKCE: RegisterClient (grant types authorization_code and
  refresh_token, redirect ``http://127.0.0.1/oauth/callback``), a loopback listener on
  127.0.0.1 on any free port, the browser sent to ``<oidc endpoint>/authorize?...``, the code
  from the callback (its ``state`` checked), then CreateToken with the code verifier.
* Refresh: CreateToken(grantType="refresh_token"), as botocore's SSOTokenProvider.

Every call has bounded connect/read time-outs and a few retries (botocore's standard mode), and
every wait (polling, the callback) an overall deadline: nothing here can hang.

botocore is imported only inside functions (the prompt path never loads it) and through
importlib, so mypy sees ``Any`` for the untyped library.
"""

from __future__ import annotations

import json
import os
import time

from asso import paths, validate
from asso.aws import tokens
from asso.digest import sha1_hex
from asso.errors import (
    AssoError,
    ConfigError,
    InvalidClientError,
    InvalidValueError,
    LoginError,
    NetworkError,
)
from asso.fs import write_atomic
from asso.text import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Callable, Optional

GRANT_DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code"
GRANT_AUTHORIZATION_CODE = "authorization_code"
GRANT_REFRESH_TOKEN = "refresh_token"
AUTH_GRANT_TYPES = [GRANT_AUTHORIZATION_CODE, GRANT_REFRESH_TOKEN]
DEFAULT_SCOPE = "sso:account:access"
REDIRECT_URI = "http://127.0.0.1/oauth/callback"
CALLBACK_PATH = "/oauth/callback"
# A registration (like a token) with less than this left is not reused: the CLI's window.
EXPIRY_WINDOW = 15 * 60
SLOW_DOWN_DELAY = 5  # RFC 8628 3.5
DEFAULT_INTERVAL = 5
_VERIFIER_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
_DEVICE_CODE_EXPIRED = "the device code expired before it was approved; log in again"
_THROTTLING = frozenset(
    {"TooManyRequestsException", "ThrottlingException", "Throttling", "RequestLimitExceeded"}
)


def _module(name: str) -> Any:
    import importlib

    return importlib.import_module(name)


# -- time ----------------------------------------------------------------------------------------


class Deadline:
    """An overall time limit, on the monotonic clock."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._end = clock() + seconds

    def remaining(self) -> float:
        return self._end - self._clock()

    def expired(self) -> bool:
        return self.remaining() <= 0


class HttpSettings:
    """Time-outs and retries of every sso-oidc and portal call."""

    __slots__ = ("attempts", "connect_timeout", "read_timeout")

    def __init__(
        self, connect_timeout: float = 10.0, read_timeout: float = 15.0, attempts: int = 3
    ) -> None:
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.attempts = attempts


# -- clients -------------------------------------------------------------------------------------


def create_client(
    service: str,
    region: str,
    http: HttpSettings,
    *,
    profile: Optional[str] = None,
    deadline: Optional[Deadline] = None,
) -> Any:
    """An unsigned sso-oidc or sso client for ``region``.

    ``profile`` (which must exist) supplies what the CLI takes from it: ca_bundle, proxies,
    endpoint_url. Without it the session ignores AWS_PROFILE, which may name a missing profile.
    ``AWS_ENDPOINT_URL_SSO_OIDC``/``AWS_ENDPOINT_URL_SSO`` apply, as in any botocore client.
    """
    problem = validate.endpoint_problem(os.environ)
    if problem:
        raise ConfigError(problem)
    botocore = _module("botocore")
    exceptions = _module("botocore.exceptions")
    session_module = _module("botocore.session")
    attempts = max(1, http.attempts)
    read_timeout, connect_timeout = http.read_timeout, http.connect_timeout
    if deadline is not None:
        # Every attempt of a call together stays within what is left of the deadline.
        share = max(1.0, deadline.remaining() / attempts)
        read_timeout, connect_timeout = min(read_timeout, share), min(connect_timeout, share)
    config = _module("botocore.config").Config(
        region_name=region,
        signature_version=botocore.UNSIGNED,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "standard", "total_max_attempts": attempts},
    )

    def session(with_profile: Optional[str]) -> Any:
        if with_profile:
            return session_module.Session(profile=with_profile)
        # Ignore AWS_PROFILE/AWS_DEFAULT_PROFILE: no profile is needed for these clients.
        return session_module.Session(session_vars={"profile": (None, None, None, None)})

    try:
        try:
            return session(profile).create_client(service, config=config)
        except exceptions.ProfileNotFound:
            return session(None).create_client(service, config=config)
    except exceptions.ConfigParseError as error:
        raise ConfigError(one_line(error, replacement=" ")) from None
    except (exceptions.BotoCoreError, ValueError) as error:
        # ValueError: an endpoint_url botocore cannot use ("Invalid endpoint: ...").
        said = one_line(error, replacement=" ")
        raise ConfigError(f"cannot create the {service} client: {said}") from None


def endpoint_of(client: Any) -> str:
    return str(getattr(client.meta, "endpoint_url", "") or "")


# -- errors --------------------------------------------------------------------------------------


def error_code(error: BaseException) -> str:
    response = getattr(error, "response", None)
    if isinstance(response, dict):
        return str(response.get("Error", {}).get("Code", "") or "")
    return ""


def translate(error: BaseException, operation: str, client: Any) -> AssoError:
    """A botocore failure as one clear line; never the request's parameters (they hold secrets)."""
    exceptions = _module("botocore.exceptions")
    endpoint = endpoint_of(client) if client is not None else "Identity Center"
    if isinstance(error, exceptions.ClientError):
        response = error.response if isinstance(error.response, dict) else {}
        details = response.get("Error", {})
        code = one_line(details.get("Code", "") or "", 80, replacement=" ")
        message = one_line(details.get("Message", "") or "", replacement=" ")
        status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        said = f": {message}" if message and message != code else ""
        if code in _THROTTLING or status == 429:
            return NetworkError(
                f"Identity Center is throttling requests ({operation}, HTTP {status}); "
                "try again in a minute"
            )
        if isinstance(status, int) and status >= 500:
            return NetworkError(
                f"Identity Center failed to answer {operation} (HTTP {status}{said}); "
                "try again later"
            )
        if code == "AccessDeniedException":
            return LoginError("the authorization was denied")
        if code == "ExpiredTokenException":
            return LoginError("the authorization expired before it was approved; log in again")
        if code == "InvalidClientException":
            return InvalidClientError(
                f"Identity Center no longer accepts the client registration ({operation})"
            )
        return LoginError(f"Identity Center refused {operation} ({code or status}{said})")
    if isinstance(error, exceptions.ParamValidationError):
        # Its text quotes the parameters, secrets included.
        return LoginError(f"{operation}: invalid request (is a cache file damaged?)")
    if isinstance(error, exceptions.ReadTimeoutError):
        return NetworkError(f"no answer from {endpoint} to {operation} in time; try again later")
    if isinstance(error, (exceptions.ConnectTimeoutError, exceptions.EndpointConnectionError)):
        return NetworkError(f"cannot reach {endpoint} ({operation}): check the network")
    if isinstance(error, exceptions.BotoCoreError):
        return NetworkError(f"{operation} failed: {one_line(error, replacement=' ')}")
    return NetworkError(f"{operation} failed: {type(error).__name__}")


def _failures() -> tuple[type[BaseException], ...]:
    exceptions = _module("botocore.exceptions")
    return (exceptions.ClientError, exceptions.BotoCoreError)


def call(client: Any, operation: str, method: str, **params: Any) -> dict[str, Any]:
    """Call ``client.method(**params)``; botocore failures become AssoErrors."""
    try:
        response = getattr(client, method)(**params)
    except _failures() as error:
        raise translate(error, operation, client) from None
    if not isinstance(response, dict):
        raise NetworkError(f"unexpected answer from Identity Center to {operation}")
    return response


def _unexpected(operation: str, key: str, error: InvalidValueError) -> NetworkError:
    return NetworkError(f"unexpected answer from Identity Center to {operation} ({error})")


def _present(response: Mapping[str, Any], key: str, operation: str) -> Any:
    value = response.get(key)
    if value is None:
        raise NetworkError(f"unexpected answer from Identity Center to {operation} (no {key})")
    return value


def _field(response: Mapping[str, Any], key: str, operation: str) -> str:
    """A token, code or client id: visible ASCII, bounded (it goes into files and headers)."""
    try:
        return validate.secret(_present(response, key, operation), key)
    except InvalidValueError as error:
        raise _unexpected(operation, key, error) from None


def _seconds(
    response: Mapping[str, Any],
    key: str,
    operation: str,
    bounds: tuple[int, int] = validate.TOKEN_LIFETIME,
) -> int:
    try:
        return validate.seconds(_present(response, key, operation), key, bounds)
    except InvalidValueError as error:
        raise _unexpected(operation, key, error) from None


def _url(response: Mapping[str, Any], key: str, operation: str) -> str:
    try:
        return validate.url(_present(response, key, operation), key)
    except InvalidValueError as error:
        raise _unexpected(operation, key, error) from None


# An epoch time in seconds that formats as a four-digit year.
_EPOCH = (1, 253402300799)


# -- client registrations --------------------------------------------------------------------


def parse_scopes(raw: Optional[str]) -> Optional[list[str]]:
    """``sso_registration_scopes`` as the CLI parses it: None when unset, else a list."""
    if raw is None:
        return None
    return [scope.strip() for scope in raw.split(",") if scope.strip()]


def registration_cache_key(
    start_url: str, region: str, session_name: Optional[str], scopes: Optional[list[str]]
) -> str:
    args = {
        "tool": "botocore",
        "startUrl": start_url,
        "region": region,
        "scopes": scopes,
        "session_name": session_name,
    }
    return sha1_hex(json.dumps(args, sort_keys=True))


def registration_path(
    start_url: str, region: str, session_name: Optional[str], scopes: Optional[list[str]]
) -> str:
    key = registration_cache_key(start_url, region, session_name, scopes)
    return os.path.join(paths.sso_cache_dir(), key + ".json")


def is_for_auth_code(registration: Mapping[str, Any]) -> bool:
    grants = registration.get("grantTypes")
    return isinstance(grants, list) and GRANT_AUTHORIZATION_CODE in grants


def load_registration(
    path: str, *, auth_code: bool, now: Optional[float] = None
) -> Optional[dict[str, Any]]:
    """The cached registration when it is for this flow and has 15 minutes left; else None."""
    data, _ = tokens.read_token(path)
    if data is None:
        return None
    if not all(isinstance(data.get(key), str) for key in ("clientId", "clientSecret")):
        return None
    expires = tokens.parse_time(data.get("expiresAt"))
    now = time.time() if now is None else now
    if expires is None or expires - now < EXPIRY_WINDOW:
        return None
    if is_for_auth_code(data) != auth_code:
        return None
    return data


def save_registration(path: str, registration: Mapping[str, Any]) -> None:
    # The CLI's bytes: json.dumps with its default separators.
    write_atomic(path, json.dumps(dict(registration)).encode("utf-8"), mode=0o600, dir_mode=0o700)


def client_name(session_name: Optional[str], now: Optional[float] = None) -> str:
    suffix = (
        session_name if session_name is not None else str(int(time.time() if now is None else now))
    )
    return f"botocore-client-{suffix}"


def register_client(
    client: Any,
    *,
    session_name: Optional[str],
    scopes: Optional[list[str]],
    auth_code: bool,
    start_url: str,
) -> dict[str, Any]:
    params: dict[str, Any] = {"clientName": client_name(session_name), "clientType": "public"}
    if auth_code:
        params.update(
            grantTypes=list(AUTH_GRANT_TYPES),
            redirectUris=[REDIRECT_URI],
            issuerUrl=start_url,
            scopes=scopes or [DEFAULT_SCOPE],
        )
    elif scopes:
        params["scopes"] = scopes
    response = call(client, "RegisterClient", "register_client", **params)
    registration: dict[str, Any] = {
        "clientId": _field(response, "clientId", "RegisterClient"),
        "clientSecret": _field(response, "clientSecret", "RegisterClient"),
        "expiresAt": tokens.format_time(
            _seconds(response, "clientSecretExpiresAt", "RegisterClient", _EPOCH)
        ),
    }
    if auth_code:
        registration["scopes"] = params["scopes"]
        registration["grantTypes"] = params["grantTypes"]
    elif scopes:
        registration["scopes"] = scopes
    return registration


def registration_for(
    client: Any,
    *,
    start_url: str,
    region: str,
    session_name: Optional[str],
    scopes: Optional[list[str]],
    auth_code: bool,
    force: bool = False,
) -> dict[str, Any]:
    """A reusable cached registration for this flow, else a new one (cached)."""
    path = registration_path(start_url, region, session_name, scopes)
    if not force:
        cached = load_registration(path, auth_code=auth_code)
        if cached is not None:
            return cached
    registration = register_client(
        client, session_name=session_name, scopes=scopes, auth_code=auth_code, start_url=start_url
    )
    save_registration(path, registration)
    return registration


# -- tokens --------------------------------------------------------------------------------------


def make_token(
    start_url: str,
    region: str,
    response: Mapping[str, Any],
    registration: Mapping[str, Any],
    operation: str = "CreateToken",
    now: Optional[float] = None,
) -> dict[str, Any]:
    """The cache file's content, in the CLI's key order, from a CreateToken answer."""
    now = time.time() if now is None else now
    token: dict[str, Any] = {
        "startUrl": start_url,
        "region": region,
        "accessToken": _field(response, "accessToken", operation),
        "expiresAt": tokens.format_time(now + _seconds(response, "expiresIn", operation)),
        "clientId": registration["clientId"],
        "clientSecret": registration["clientSecret"],
        "registrationExpiresAt": registration.get("expiresAt")
        or registration.get("registrationExpiresAt"),
    }
    refresh = response.get("refreshToken")
    if refresh is not None and refresh != "":
        token["refreshToken"] = _field(response, "refreshToken", operation)
    return token


# -- device code -------------------------------------------------------------------------------


class DeviceAuthorization:
    __slots__ = (
        "device_code",
        "expires_at",
        "interval",
        "user_code",
        "verification_uri",
        "verification_uri_complete",
    )

    def __init__(self, response: Mapping[str, Any], now: float) -> None:
        op = "StartDeviceAuthorization"
        self.device_code = _field(response, "deviceCode", op)
        self.user_code = _field(response, "userCode", op)
        if len(self.user_code) > 64:
            raise NetworkError(f"unexpected answer from Identity Center to {op} (userCode)")
        # Shown and handed to a browser: https (http to loopback only), never an option.
        self.verification_uri = _url(response, "verificationUri", op)
        complete = response.get("verificationUriComplete")
        self.verification_uri_complete = (
            _url(response, "verificationUriComplete", op)
            if complete is not None and complete != ""
            else self.verification_uri
        )
        self.expires_at = now + _seconds(response, "expiresIn", op, validate.DEVICE_CODE_LIFETIME)
        interval = response.get("interval")
        self.interval = (
            DEFAULT_INTERVAL
            if interval is None
            else _seconds(response, "interval", op, validate.POLL_INTERVAL)
        )


def start_device_authorization(
    client: Any, registration: Mapping[str, Any], start_url: str
) -> DeviceAuthorization:
    response = call(
        client,
        "StartDeviceAuthorization",
        "start_device_authorization",
        clientId=registration["clientId"],
        clientSecret=registration["clientSecret"],
        startUrl=start_url,
    )
    return DeviceAuthorization(response, time.time())


def poll_device_token(
    client: Any,
    registration: Mapping[str, Any],
    authorization: DeviceAuthorization,
    deadline: Deadline,
    *,
    on_pending: Optional[Callable[[], None]] = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], float] = time.time,
) -> dict[str, Any]:
    """CreateToken until approved; ``on_pending`` runs once, after a first attempt fails.

    As the CLI, one attempt comes before the user is shown anything (a client may already be
    authorized). Gives up when the device code expires or the deadline passes.
    """
    interval = authorization.interval
    shown = False
    while True:
        try:
            return dict(
                client.create_token(
                    grantType=GRANT_DEVICE_CODE,
                    clientId=registration["clientId"],
                    clientSecret=registration["clientSecret"],
                    deviceCode=authorization.device_code,
                )
            )
        except _failures() as error:
            code = error_code(error)
            if code == "SlowDownException":
                interval += SLOW_DOWN_DELAY
            elif code == "ExpiredTokenException":
                raise LoginError(_DEVICE_CODE_EXPIRED) from None
            elif code != "AuthorizationPendingException":
                raise translate(error, "CreateToken", client) from None
        if not shown:
            shown = True
            if on_pending is not None:
                on_pending()
        if now() >= authorization.expires_at:
            raise LoginError(_DEVICE_CODE_EXPIRED)
        remaining = deadline.remaining()
        if remaining <= interval:
            raise LoginError(
                f"timed out after {deadline.seconds:g}s waiting for the authorization "
                "to be approved"
            )
        sleep(interval)


# -- authorization code with PKCE ------------------------------------------------------------


def pkce_pair() -> tuple[str, str]:
    """A code verifier (64 unreserved characters) and its S256 challenge, unpadded."""
    import base64
    import hashlib
    import secrets

    verifier = "".join(secrets.choice(_VERIFIER_ALPHABET) for _ in range(64))
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    challenge = base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")
    return verifier, challenge


def authorization_url(
    base: str,
    *,
    client_id: str,
    redirect_uri: str,
    state: str,
    challenge: str,
    scopes: Optional[list[str]],
) -> str:
    from urllib.parse import quote

    params = [
        ("response_type", "code"),
        ("client_id", client_id),
        ("redirect_uri", redirect_uri),
        ("state", state),
        ("code_challenge_method", "S256"),
        ("scopes", " ".join(scopes) if scopes else DEFAULT_SCOPE),
    ]
    query = "&".join(f"{quote(k, safe='-_.~')}={quote(v, safe='-_.~')}" for k, v in params)
    return f"{base.rstrip('/')}/authorize?{query}&code_challenge={challenge}"


_PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>asso</title></head>'
    '<body style="font-family: sans-serif"><h1>{title}</h1><p>{text}</p></body></html>'
)


class CallbackServer:
    """The loopback listener for the authorization code: 127.0.0.1 only, any free port."""

    def __init__(self) -> None:
        import socketserver
        from http.server import BaseHTTPRequestHandler, HTTPServer
        from urllib.parse import parse_qs, urlsplit

        owner = self
        self.result: Optional[dict[str, str]] = None
        self.expected_state: Optional[str] = None

        class Handler(BaseHTTPRequestHandler):
            timeout = 5  # a client that connects and says nothing cannot hold the login
            server_version = "asso"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:
                return

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                if parts.path != CALLBACK_PATH:
                    self._answer(404, "Not found", "This is asso's sign-in listener.")
                    return
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                # Only the answer carrying this login's state ends it: anyone on this machine
                # can reach the port, and a wrong state (code or error) must not abort it.
                if not owner.state_matches(query.get("state")):
                    self._answer(
                        400,
                        "Bad request",
                        "This answer does not belong to the sign-in asso is waiting for.",
                    )
                    return
                if "error" in query:
                    self._answer(200, "Sign-in failed", "Return to the terminal for details.")
                elif "code" in query:
                    self._answer(
                        200, "Signed in", "You can close this window and return to the terminal."
                    )
                else:
                    self._answer(400, "Bad request", "The sign-in answer is incomplete.")
                    return
                if owner.result is None:
                    owner.result = query

            def _answer(self, status: int, title: str, text: str) -> None:
                body = _PAGE.format(title=title, text=text).encode("utf-8")
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.wfile.write(body)
                except OSError:
                    pass

        class Server(HTTPServer):
            def server_bind(self) -> None:
                # HTTPServer's own looks the host name up (socket.getfqdn): slow where DNS is.
                socketserver.TCPServer.server_bind(self)
                self.server_name = "127.0.0.1"
                self.server_port = int(self.server_address[1])

            def handle_error(self, request: Any, client_address: Any) -> None:
                return  # a browser that hangs up early is no reason for a traceback

        try:
            self._server = Server(("127.0.0.1", 0), Handler)
        except OSError as error:
            raise LoginError(
                f"cannot listen on 127.0.0.1 for the sign-in: {error.strerror}; "
                "try --use-device-code"
            ) from None

    def state_matches(self, state: Optional[str]) -> bool:
        import hmac

        expected = self.expected_state
        if expected is None or state is None:
            return False
        return hmac.compare_digest(state.encode("utf-8", "replace"), expected.encode("utf-8"))

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}{CALLBACK_PATH}"

    def wait(self, deadline: Deadline, expected_state: str) -> str:
        """The authorization code, once the browser comes back; LoginError otherwise.

        Answers without ``expected_state`` get a 400 and are ignored: the wait goes on.
        """
        self.expected_state = expected_state
        while self.result is None:
            remaining = deadline.remaining()
            if remaining <= 0:
                raise LoginError(
                    f"timed out after {deadline.seconds:g}s waiting for the sign-in in the "
                    "browser (was it closed?); log in again, or use --use-device-code"
                )
            self._server.timeout = min(0.5, remaining)
            self._server.handle_request()
        result = self.result
        if "error" in result:
            said = result.get("error_description") or result["error"]
            reason = one_line(said, 120, replacement=" ")
            if result["error"] == "access_denied":
                raise LoginError(f"the sign-in was denied in the browser ({reason})")
            raise LoginError(f"the sign-in failed in the browser ({reason})")
        return result["code"]

    def close(self) -> None:
        self._server.server_close()

    def __enter__(self) -> CallbackServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def exchange_code(
    client: Any, registration: Mapping[str, Any], code: str, verifier: str, redirect_uri: str
) -> dict[str, Any]:
    return call(
        client,
        "CreateToken",
        "create_token",
        grantType=GRANT_AUTHORIZATION_CODE,
        clientId=registration["clientId"],
        clientSecret=registration["clientSecret"],
        redirectUri=redirect_uri,
        codeVerifier=verifier,
        code=code,
    )


# -- refresh and logout ------------------------------------------------------------------------


def refresh_token(client: Any, token: Mapping[str, Any]) -> dict[str, Any]:
    """CreateToken(grantType="refresh_token") with the token's own registration."""
    for key in ("clientId", "clientSecret", "refreshToken"):
        if not isinstance(token.get(key), str):
            raise LoginError("the cached token cannot be refreshed (no refresh token)")
    return call(
        client,
        "CreateToken",
        "create_token",
        grantType=GRANT_REFRESH_TOKEN,
        clientId=token["clientId"],
        clientSecret=token["clientSecret"],
        refreshToken=token["refreshToken"],
    )


def portal_logout(client: Any, access_token: str) -> Optional[AssoError]:
    """The Logout API. A refusal (token expired or revoked already) is no failure: None.

    A network failure is returned, not raised, so the caller still deletes local files.
    """
    exceptions = _module("botocore.exceptions")
    try:
        client.logout(accessToken=access_token)
    except exceptions.ClientError as error:
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(status, int) and (status >= 500 or status == 429):
            return translate(error, "Logout", client)
        return None
    except exceptions.BotoCoreError as error:
        return translate(error, "Logout", client)
    return None
