"""When a token's state changes by the clock alone, with a fixed "now": next_change, the shell's
next_check, and the 15-minute refresh window. Nothing here reads the wall clock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from asso.aws import tokens
from asso.aws.tokens import EXPIRED, REFRESH_WINDOW, REFRESHABLE, VALID, TokenStatus, token_status
from asso.shell.state import next_check

NOW = 1_900_000_000.0  # fixed
EXPIRES = NOW + 8 * 3600
WINDOW = EXPIRES - REFRESH_WINDOW


def stamp(epoch: float) -> str:
    import time

    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


@pytest.fixture
def token(tmp_path: Path) -> Path:
    path = tmp_path / "token.json"
    path.write_text(
        json.dumps(
            {
                "startUrl": "https://d-1234567890.awsapps.com/start",
                "region": "us-east-1",
                "accessToken": "a",
                "expiresAt": stamp(EXPIRES),
                "clientId": "c",
                "clientSecret": "s",
                "registrationExpiresAt": stamp(NOW + 90 * 86400),
                "refreshToken": "r",
            }
        )
    )
    return path


def state(path: Path, session: bool, now: float) -> str:
    return token_status(str(path), refresh_allowed=session, now=now).state


def shown(path: Path, session: bool, now: float) -> tuple[str, bool]:
    """What the prompt depends on: the state, and whether the expiry has passed."""
    status = token_status(str(path), refresh_allowed=session, now=now)
    return status.state, status.past_expiry


@pytest.mark.parametrize(
    ("now", "session", "expected"),
    [
        (NOW, True, WINDOW),  # refreshable: the window comes first
        (NOW, False, EXPIRES),  # legacy: never refreshed, only expiry
        (WINDOW - 1, True, WINDOW),
        (WINDOW, True, WINDOW),  # still valid at this very moment: the change is yet to come
        (WINDOW + 1, True, EXPIRES),  # in the window: next is expiry
        (EXPIRES - 1, True, EXPIRES),
        (EXPIRES - 1, False, EXPIRES),
        (EXPIRES, False, None),  # expired: nothing changes by the clock any more
        (EXPIRES, True, None),
        (EXPIRES + 3600, True, None),
    ],
)
def test_next_change(token: Path, now: float, session: bool, expected: float | None) -> None:
    status = token_status(str(token), refresh_allowed=session, now=now)
    assert status.next_change(now) == expected


def test_next_change_without_expiry_is_none() -> None:
    assert TokenStatus(tokens.MISSING, "/nowhere").next_change(NOW) is None


@pytest.mark.parametrize("session", [True, False], ids=["sso-session", "legacy"])
@pytest.mark.parametrize(
    "now",
    [NOW, WINDOW - 1, WINDOW - 0.5, WINDOW, WINDOW + 0.5, WINDOW + 1, EXPIRES - 1, EXPIRES - 0.5],
)
def test_the_state_holds_until_next_change_and_changes_there(
    token: Path, session: bool, now: float
) -> None:
    """The contract the shell relies on: until next_change the state is what it is now (so it
    may reuse it), and just after it the state is different (so it must ask again)."""
    here = shown(token, session, now)
    moment = token_status(str(token), refresh_allowed=session, now=now).next_change(now)
    assert moment is not None and moment >= now
    for t in (now + (moment - now) * f for f in (0.0, 0.25, 0.5, 0.99)):
        if t < moment:
            assert shown(token, session, t) == here, (now, t, moment)
    assert shown(token, session, moment + 0.5) != here


def test_the_refresh_window_boundaries(token: Path) -> None:
    # botocore refreshes when fewer than 15 minutes remain: at exactly 15, not yet.
    assert state(token, True, WINDOW) == VALID
    assert state(token, True, WINDOW + 0.001) == REFRESHABLE
    assert state(token, True, EXPIRES - 0.001) == REFRESHABLE
    assert state(token, True, EXPIRES) == REFRESHABLE  # past expiry, still refreshable
    assert token_status(str(token), refresh_allowed=True, now=EXPIRES).past_expiry
    # Legacy tokens are never refreshed: valid to the end, then expired.
    assert state(token, False, EXPIRES - 0.001) == VALID
    assert state(token, False, EXPIRES) == EXPIRED


def test_next_check_is_whole_seconds_for_the_shell(token: Path) -> None:
    status = token_status(str(token), refresh_allowed=True, now=NOW)
    assert next_check(status, NOW) == str(int(WINDOW))
    assert next_check(status, WINDOW + 1) == str(int(EXPIRES))
    assert next_check(status, EXPIRES) == ""
    assert next_check(None, NOW) == ""
    fractional = TokenStatus(VALID, "/x", expires_at=NOW + 10.7)
    # Truncated: the shell asks again at the start of that second, never after it.
    assert next_check(fractional, NOW) == str(int(NOW + 10))
