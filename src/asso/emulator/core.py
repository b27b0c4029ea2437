"""Emulator core: settings, lifecycle, clock, request log, fault injection and routing.

Services (``oidc.py``, ``portal.py``, ...) are mixins on :class:`EmulatorCore` whose handlers
carry :func:`asso.emulator.wire.route`; ``service.py`` assembles them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Optional, TypeVar
from urllib.parse import parse_qs, urlsplit

from asso.emulator.model import Organization, RequestRecord
from asso.emulator.server import Server
from asso.emulator.wire import (
    REDACTED,
    SECRET_HEADERS,
    ApiError,
    Request,
    Response,
    Route,
    json_bytes,
    message_error,
    redact_mapping,
    route,
    routes_of,
)


@dataclass
class _Fault:
    operation: str
    status: int
    body: Optional[bytes]
    delay: float
    remaining: int  # < 0: unlimited
    error_type: Optional[str]


_E = TypeVar("_E", bound="EmulatorCore")

# Unrouted: answered 404/405 whatever the body (never parsed).
_UNKNOWN = Route("*", "*", "Unknown", lambda emu, request: Response(404), body="raw")


class EmulatorCore:
    """Serving on ``http://127.0.0.1:PORT`` with no service yet: lifecycle, clock, log, faults.

    All state is in memory and guarded by one lock (held while a handler runs).
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
        self._server: Optional[Server] = None
        self._thread: Optional[threading.Thread] = None
        self._url: Optional[str] = None
        self._time_offset = 0.0

        self._log: list[RequestRecord] = []
        self._faults: list[_Fault] = []
        self._routes = routes_of(type(self))
        self._known_paths = frozenset(r.path for r in self._routes)
        self._init_state()

    # -- lifecycle ---------------------------------------------------------------------------

    def _init_state(self) -> None:
        """Services extend this (calling ``super()``) to create their in-memory state."""

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``; only valid after :meth:`start`."""
        if self._url is None:
            raise RuntimeError("IdentityCenterEmulator is not started")
        return self._url

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self: _E) -> _E:
        if self._server is not None:
            raise RuntimeError("IdentityCenterEmulator is already started")
        self._stopping.clear()
        server = Server((self.host, self.port), self)
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

    def __enter__(self: _E) -> _E:
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
        return {"AWS_ENDPOINT_URL_SSO_OIDC": self.url, "AWS_ENDPOINT_URL_SSO": self.url}

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

    # -- request entry point --------------------------------------------------------------------

    def _find_route(self, method: str, path: str, request: Request) -> Route:
        for candidate in self._routes:
            if (candidate.method, candidate.path) == (method, path) and (
                candidate.when is None or candidate.when(request)
            ):
                return candidate
        return _UNKNOWN

    def handle_request(
        self, method: str, target: str, headers: Mapping[str, str], raw_body: bytes
    ) -> Optional[Response]:
        """Answer one request (``None``: drop the connection, the emulator is stopping)."""
        parts = urlsplit(target)
        path = parts.path.rstrip("/") or "/"
        query = {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        request = Request(method, path, query, headers, raw_body)
        found = self._find_route(method, path, request)

        body_error: Optional[str] = None
        if found.body == "form":
            request.body = dict(request.form())
        elif found.body == "json" and raw_body:
            try:
                parsed = json.loads(raw_body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                body_error = "request body is not valid JSON"
            else:
                if isinstance(parsed, dict):
                    request.body = parsed
                else:
                    body_error = "request body must be a JSON object"

        record = RequestRecord(
            method=method,
            path=path,
            operation=found.operation,
            query=redact_mapping(query),
            body=redact_mapping(request.body) if body_error is None else {"<unparsed>": REDACTED},
            headers={k: (REDACTED if k in SECRET_HEADERS else v) for k, v in headers.items()},
        )
        with self._lock:
            self._log.append(record)

        fault = self._take_fault(found.operation)
        if fault is not None:
            record.fault = True
            if fault.delay > 0 and self._stopping.wait(fault.delay):
                return None
            if self._stopping.is_set():
                return None
            if fault.status != 0:
                response = self._fault_response(found, fault)
                record.status = response.status
                return response

        try:
            if body_error is not None:
                raise ApiError("InvalidRequestException", body_error)
            response = self._dispatch(found, request)
        except ApiError as error:
            response = found.errors(error)
        except Exception as exc:  # a bug in the emulator: answer 500, keep serving
            response = found.errors(ApiError("InternalServerException", f"emulator error: {exc!r}"))
        record.status = response.status
        return response

    @staticmethod
    def _fault_response(found: Route, fault: _Fault) -> Response:
        if fault.body is not None:
            headers = [("x-amzn-ErrorType", fault.error_type)] if fault.error_type else []
            return Response(status=fault.status, body=fault.body, headers=headers)
        if fault.error_type:
            return found.errors(ApiError(fault.error_type, "Injected fault", status=fault.status))
        return Response(status=fault.status, body=json_bytes({"message": "Injected fault"}))

    def _dispatch(self, found: Route, request: Request) -> Response:
        if found is _UNKNOWN:
            method, path = request.method, request.path
            if path in self._known_paths:
                raise ApiError("MethodNotAllowedException", f"{method} not allowed on {path}")
            raise ApiError("UnknownOperationException", f"no route for {method} {path}")
        with self._lock:
            return found.handler(self, request)

    @staticmethod
    def _json(data: Mapping[str, Any], status: int = 200) -> Response:
        return Response(status=status, body=json_bytes(data))

    @route("GET", "/", "Index", errors=message_error)
    def _op_index(self, request: Request) -> Response:
        return self._json({"service": "asso IdentityCenterEmulator", "url": self.url})
