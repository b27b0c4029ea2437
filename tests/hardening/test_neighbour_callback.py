"""A neighbour on this machine cannot end, abort or steer a PKCE sign-in.

The loopback listener accepts connections from any local user. Only the answer carrying this
login's ``state`` ends the wait; anything else gets a 400 page and the login keeps waiting.
"""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from typing import Optional

import pytest

from asso.errors import LoginError
from asso.sso import oidc

STATE = "2b7f3c1e-0000-4000-8000-123456789abc"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as reply:
            return reply.status, reply.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


class Waiting:
    """CallbackServer.wait in a thread, its outcome kept."""

    def __init__(self, server: oidc.CallbackServer, seconds: float = 60) -> None:
        self.code: Optional[str] = None
        self.error: Optional[BaseException] = None
        self.thread = threading.Thread(target=self._run, args=(server, seconds), daemon=True)
        self.thread.start()

    def _run(self, server: oidc.CallbackServer, seconds: float) -> None:
        try:
            self.code = server.wait(oidc.Deadline(seconds), STATE)
        except BaseException as error:
            self.error = error


@pytest.mark.parametrize(
    "query",
    [
        "code=stolen&state=wrong",
        "code=stolen",
        "error=access_denied&error_description=<script>alert(1)</script>",
        "error=access_denied&state=wrong",
        "state=",
        "code=x&state=" + STATE[:-1],
        "code=x&state=" + STATE + "x",
    ],
)
def test_wrong_or_missing_state_gets_400_and_the_login_keeps_waiting(query: str) -> None:
    with oidc.CallbackServer() as server:
        waiting = Waiting(server)
        status, body = _get(f"{server.redirect_uri}?{query}")
        assert status == 400
        assert "script" not in body and "stolen" not in body and "access_denied" not in body
        assert waiting.thread.is_alive() and waiting.error is None
        status, body = _get(f"{server.redirect_uri}?code=the-code&state={STATE}")
        assert status == 200 and "Signed in" in body
        waiting.thread.join(30)
    assert waiting.error is None and waiting.code == "the-code"


def test_the_right_state_with_an_error_ends_the_login_in_asso_words() -> None:
    with oidc.CallbackServer() as server:
        waiting = Waiting(server)
        status, body = _get(
            f"{server.redirect_uri}?error=access_denied&state={STATE}"
            "&error_description=%1b%5b2J%0a<b>forged</b>"
        )
        assert status == 200 and "forged" not in body
        waiting.thread.join(30)
    assert isinstance(waiting.error, LoginError)
    message = str(waiting.error)
    assert "\n" not in message and "\x1b" not in message


def test_a_neighbour_that_says_nothing_does_not_hold_the_login() -> None:
    import socket

    with oidc.CallbackServer() as server:
        waiting = Waiting(server)
        port = int(server.redirect_uri.split(":")[2].split("/")[0])
        silent = socket.create_connection(("127.0.0.1", port))
        try:
            status, _ = _get(f"{server.redirect_uri}?code=c&state={STATE}")
        finally:
            silent.close()
        assert status == 200
        waiting.thread.join(30)
    assert waiting.code == "c"
