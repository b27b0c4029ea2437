"""A container credential endpoint: what ECS gives a task, served from a profile.

Every SDK and the AWS CLI read ``AWS_CONTAINER_CREDENTIALS_FULL_URI`` and send
``AWS_CONTAINER_AUTHORIZATION_TOKEN`` as the ``Authorization`` header; the answer is
``{"AccessKeyId", "SecretAccessKey", "Token", "Expiration"}``. The token is random per server
and compared in constant time; any other request gets 401/404 and no keys. Credentials are
fetched again before they expire (a background thread), so a client never gets keys with less
than asso.aws.rolecreds.REUSE_MARGIN left.
"""

from __future__ import annotations

import threading
import time

from asso import log
from asso.aws.rolecreds import REUSE_MARGIN
from asso.errors import AssoError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional

    from asso.aws.rolecreds import Credentials

    Fetch = Callable[[], Credentials]

LOOPBACK = ("127.0.0.1", "::1", "localhost")
DEFAULT_BIND = "127.0.0.1"
PATH = "/credentials"
# Keys that never expire (static ones) are announced with this lifetime so clients come back.
_STATIC_LIFETIME = 3600.0


class Supplier:
    """The current credentials, fetched again when under REUSE_MARGIN from expiry."""

    def __init__(self, fetch: Fetch) -> None:
        self._fetch = fetch
        self._lock = threading.Lock()
        self._creds: Optional[Credentials] = None

    def get(self) -> Credentials:
        with self._lock:
            creds = self._creds
            if creds is None or _left(creds) <= REUSE_MARGIN:
                creds = self._creds = self._fetch()
            return creds

    def next_refresh(self) -> Optional[float]:
        """Seconds until the credentials come within REUSE_MARGIN of expiry, if they expire."""
        creds = self._creds
        if creds is None or creds.expiration is None:
            return None
        return _left(creds) - REUSE_MARGIN + 1.0


def _left(creds: Credentials) -> float:
    return float("inf") if creds.expiration is None else creds.expiration - time.time()


def new_token() -> str:
    import secrets

    return secrets.token_urlsafe(32)


def answer_body(creds: Credentials) -> bytes:
    import json

    expires = creds.expiration if creds.expiration is not None else time.time() + _STATIC_LIFETIME
    return json.dumps(
        {
            "AccessKeyId": creds.access_key_id,
            "SecretAccessKey": creds.secret_access_key,
            "Token": creds.session_token or "",
            "Expiration": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(expires))),
        }
    ).encode("utf-8")


class Endpoint:
    """An HTTP server on ``bind``:``port`` in a daemon thread; ``url`` and ``token`` to hand out."""

    def __init__(self, supplier: Supplier, bind: str = DEFAULT_BIND, port: int = 0) -> None:
        import socket
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        if not 0 <= port <= 65535:
            raise UsageError(f"--port must be 0-65535, not {port}")
        token = self.token = new_token()
        expected = token.encode("ascii")

        class Handler(BaseHTTPRequestHandler):
            server_version = "asso"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:
                pass  # requests are not logged: the header is a secret

            def do_GET(self) -> None:
                import hmac

                given = (self.headers.get("Authorization") or "").encode("utf-8", "replace")
                if not hmac.compare_digest(given, expected):
                    self._send(401, b'{"message": "unauthorized"}')
                    return
                if self.path.split("?", 1)[0] != PATH:
                    self._send(404, b'{"message": "not found"}')
                    return
                try:
                    body = answer_body(supplier.get())
                except AssoError as error:
                    log.error(str(error))
                    self._send(503, b'{"message": "credentials unavailable"}')
                    return
                self._send(200, body)

            def _send(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        family = socket.AF_INET6 if ":" in bind else socket.AF_INET

        class Server(ThreadingHTTPServer):
            address_family = family
            daemon_threads = True

            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a client hanging up is no reason for a traceback

        try:
            self._server = Server((bind, port), Handler)
        except OSError as error:
            raise UsageError(f"cannot listen on {bind}:{port}: {error.strerror}") from None
        address = self._server.server_address
        host = address[0] if isinstance(address[0], str) else address[0].decode()
        real_port = int(address[1])
        shown = f"[{host}]" if ":" in host else host
        self.url = f"http://{shown}:{real_port}{PATH}"
        self.supplier = supplier
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._refresher = threading.Thread(target=self._refresh_loop, daemon=True)
        self._stop = threading.Event()

    def start(self) -> Endpoint:
        self._thread.start()
        self._refresher.start()
        return self

    def _refresh_loop(self) -> None:
        """Fetch before the served credentials come within the margin; after a failure, try
        again a minute later (not at every tick)."""
        while True:
            due = self.supplier.next_refresh()
            if self._stop.wait(60.0 if due is None else max(1.0, due)):
                return
            if due is None:
                continue
            try:
                self.supplier.get()
            except AssoError as error:
                log.error(f"cannot refresh the served credentials: {error}")
                if self._stop.wait(60.0):
                    return

    def variables(self) -> list[tuple[str, str]]:
        return [
            ("AWS_CONTAINER_CREDENTIALS_FULL_URI", self.url),
            ("AWS_CONTAINER_AUTHORIZATION_TOKEN", self.token),
        ]

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive():  # shutdown() waits for a serve_forever that never ran
            self._server.shutdown()
        self._server.server_close()


def check_bind(bind: str) -> None:
    """Warn when serving beyond this machine: anyone who can reach it and has the token can
    take the keys."""
    if bind not in LOOPBACK:
        log.error(
            f"warning: serving credentials on {bind}, beyond this machine: anyone who can reach "
            "it and learns the token gets the keys"
        )


def wait_forever(endpoint: Endpoint, poll: Optional[float] = None) -> None:
    try:
        while True:
            time.sleep(poll or 3600)
    finally:
        endpoint.close()
