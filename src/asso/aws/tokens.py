"""The SSO token cache shared with the AWS CLI and botocore: ``~/.aws/sso/cache/<sha1>.json``.

Reading never raises: a damaged file is reported as a state. Writing matches the CLI byte for
byte (key order, compact JSON, ``%Y-%m-%dT%H:%M:%SZ`` times, no trailing newline, mode 0600)
and is atomic. Times are epoch seconds (floats): ``datetime`` is not needed on this path.
"""

from __future__ import annotations

import os
import time

from asso import paths
from asso.fs import write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

# botocore's SSOTokenProvider refreshes when less than this many seconds remain.
REFRESH_WINDOW = 15 * 60

VALID = "valid"
REFRESHABLE = "refreshable"
EXPIRED = "expired"
MISSING = "missing"

# The CLI's key order; refreshToken is written only when one was issued.
TOKEN_KEYS = (
    "startUrl",
    "region",
    "accessToken",
    "expiresAt",
    "clientId",
    "clientSecret",
    "registrationExpiresAt",
    "refreshToken",
)
_REFRESH_KEYS = ("refreshToken", "clientId", "clientSecret", "registrationExpiresAt")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
_MAX_TOKEN_FILE = 1024 * 1024


def parse_time(value: object) -> Optional[float]:
    """Epoch seconds from the timestamp forms caches hold: ``Z``, ``UTC`` (old CLIs), offsets.

    Accepts ``YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|UTC|GMT|+HH:MM|+HHMM|+HH]``; no zone means UTC.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if (
        len(text) < 19
        or text[4] != "-"
        or text[7] != "-"
        or text[10] not in "Tt "
        or text[13] != ":"
        or text[16] != ":"
    ):
        return None
    fields = (text[0:4], text[5:7], text[8:10], text[11:13], text[14:16], text[17:19])
    if not all(f.isdigit() and f.isascii() for f in fields):
        return None
    year, month, day, hour, minute, second = (int(f) for f in fields)
    rest = text[19:]
    fraction = 0.0
    if rest.startswith("."):
        digits = rest[1:]
        end = 0
        while end < len(digits) and digits[end].isdigit() and digits[end].isascii():
            end += 1
        if end == 0 or end > 9:
            return None
        fraction = int(digits[:end]) / 10**end
        rest = digits[end:]
    offset = _zone_offset(rest.strip())
    if offset is None:
        return None
    if not (1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)):
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    days = _days_from_civil(year, month, day)
    return days * 86400 + hour * 3600 + minute * 60 + second + fraction - offset


def _zone_offset(zone: str) -> Optional[int]:
    if zone in ("", "Z", "z") or zone.upper() in ("UTC", "GMT"):
        return 0
    if zone[0] not in "+-":
        return None
    digits = zone[1:].replace(":", "", 1)
    if not (digits.isdigit() and digits.isascii() and len(digits) in (2, 4)):
        return None
    hours, minutes = int(digits[:2]), int(digits[2:] or 0)
    if hours > 23 or minutes > 59:
        return None
    seconds = hours * 3600 + minutes * 60
    return seconds if zone[0] == "+" else -seconds


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _days_from_civil(year: int, month: int, day: int) -> int:
    """Days since 1970-01-01 (Howard Hinnant's algorithm): no datetime import needed."""
    year -= month <= 2
    era = (year if year >= 0 else year - 399) // 400
    year_of_era = year - era * 400
    day_of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468


def format_time(epoch: float) -> str:
    return time.strftime(TIME_FORMAT, time.gmtime(int(epoch)))


def token_path(cache_key: str) -> str:
    return os.path.join(paths.sso_cache_dir(), cache_key + ".json")


class TokenStatus:
    """The state of one cached token: valid, refreshable, expired or missing."""

    __slots__ = ("can_refresh", "expires_at", "past_expiry", "path", "problem", "state")

    def __init__(
        self,
        state: str,
        path: str,
        expires_at: Optional[float] = None,
        can_refresh: bool = False,
        problem: Optional[str] = None,
        past_expiry: bool = False,
    ) -> None:
        self.state = state
        self.path = path
        self.expires_at = expires_at  # epoch seconds
        # Whether botocore could refresh it silently now (sso-session tokens only).
        self.can_refresh = can_refresh
        self.problem = problem  # why the file was not usable, for verbose output
        self.past_expiry = past_expiry  # a refreshable token can be past its expiry

    def __repr__(self) -> str:
        return f"TokenStatus({self.state!r}, expires_at={self.expires_at!r})"

    def next_change(self, now: float) -> Optional[float]:
        """The next moment the state changes by the clock alone, if any: entering the refresh
        window (only a refreshable token turns "refreshable" there), then expiry."""
        if self.expires_at is None:
            return None
        # Refreshable from just *after* the window opens (fewer than 15 minutes left): at that
        # very moment the state is still valid, and the change is still to come.
        if self.can_refresh and now <= self.expires_at - REFRESH_WINDOW:
            return self.expires_at - REFRESH_WINDOW
        return self.expires_at if now < self.expires_at else None


def read_token(path: str) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """The cached token as a dict, or None and the reason. Never raises."""
    from asso.fs import read_regular

    try:
        raw = read_regular(path, _MAX_TOKEN_FILE)  # a FIFO planted there must not block
    except FileNotFoundError:
        return None, None
    except OSError as error:
        return None, f"cannot read {path}: {error.strerror}"
    if len(raw) > _MAX_TOKEN_FILE:
        return None, f"{path} is too large to be a token"
    import json

    try:
        # Decoded as botocore reads it (text, UTF-8): json.loads(bytes) would also take a BOM
        # or UTF-16, which botocore rejects as "no token".
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None, f"{path} is not valid JSON"
    if not isinstance(data, dict):
        return None, f"{path} does not hold a JSON object"
    return data, None


def token_status(path: str, *, refresh_allowed: bool, now: Optional[float] = None) -> TokenStatus:
    """The state of the token at ``path``. ``refresh_allowed`` is true for sso-session tokens."""
    now = time.time() if now is None else now
    data, problem = read_token(path)
    if data is None:
        return TokenStatus(MISSING, path, problem=problem)
    expires_at = parse_time(data.get("expiresAt"))
    if not isinstance(data.get("accessToken"), str) or expires_at is None:
        return TokenStatus(MISSING, path, problem=f"{path} lacks accessToken or expiresAt")
    can_refresh = refresh_allowed and _can_refresh(data, now)
    remaining = expires_at - now
    if remaining < REFRESH_WINDOW and can_refresh:
        return TokenStatus(REFRESHABLE, path, expires_at, True, past_expiry=remaining <= 0)
    if remaining <= 0:
        return TokenStatus(EXPIRED, path, expires_at, can_refresh, past_expiry=True)
    return TokenStatus(VALID, path, expires_at, can_refresh)


def _can_refresh(data: Mapping[str, Any], now: float) -> bool:
    if not all(isinstance(data.get(key), str) for key in _REFRESH_KEYS):
        return False
    registration_expires = parse_time(data["registrationExpiresAt"])
    return registration_expires is not None and registration_expires > now


def serialize_token(token: Mapping[str, Any]) -> bytes:
    """The CLI's bytes: known keys in its order, then any others, compact, no newline."""
    import json

    ordered = {key: token[key] for key in TOKEN_KEYS if token.get(key) is not None}
    ordered.update((k, v) for k, v in token.items() if k not in ordered and v is not None)
    return json.dumps(ordered, separators=(",", ":")).encode("utf-8")


def write_token(path: str, token: Mapping[str, Any]) -> None:
    write_atomic(path, serialize_token(token), mode=0o600, dir_mode=0o700)
