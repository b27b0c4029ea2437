"""Checks for values asso did not choose: server answers, and options that reach a file.

Identity Center is a remote party: every value it sends is checked here before it is used,
shown, or written. A check returns the clean value or raises ``asso.errors.InvalidValueError``
with a short reason (never the value itself when it may be a secret). Plain ``re`` only: this
leaf is imported on the paths that fetch and write, not on the prompt path.
"""

from __future__ import annotations

import re

from asso.errors import InvalidValueError
from asso.text import has_control, one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

ACCOUNT_ID = re.compile(r"[0-9]{12}")
# IAM role names: letters, digits and +=,.@_- (ASCII), 1 to 64 characters.
ROLE_NAME = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")
MAX_ACCOUNT_NAME = 256  # AWS allows 50; room for what other partitions may send
MAX_EMAIL = 320
MAX_URL = 2048
MAX_SECRET = 64 * 1024  # tokens, client ids and secrets
LOOPBACK_HOSTS = ("localhost", "::1")

# Seconds: an access or device code lifetime, a poll interval.
TOKEN_LIFETIME = (1, 90 * 86400)
DEVICE_CODE_LIFETIME = (1, 86400)
POLL_INTERVAL = (1, 60)


def account_id(value: Any) -> str:
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise InvalidValueError("an account id must be 12 digits")
    return value


def role_name(value: Any) -> str:
    if not isinstance(value, str) or not ROLE_NAME.fullmatch(value):
        raise InvalidValueError("a role name must be 1 to 64 of A-Z a-z 0-9 + = , . @ _ -")
    return value


def account_name(value: Any) -> str:
    """A display name: any Unicode text on one line, bounded."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidValueError("an account name must be non-empty text")
    if len(value) > MAX_ACCOUNT_NAME or has_control(value):
        raise InvalidValueError(
            f"an account name must be one line of at most {MAX_ACCOUNT_NAME} characters"
        )
    return value


def email(value: Any) -> str:
    """An optional address: missing or empty is ''."""
    if value is None or value == "":
        return ""
    if not isinstance(value, str) or len(value) > MAX_EMAIL or has_control(value):
        raise InvalidValueError("an email address must be one line of text")
    return value


def secret(value: Any, what: str) -> str:
    """A token, client id or secret: visible ASCII only (it goes into headers and files)."""
    if (
        not isinstance(value, str)
        or not value
        or len(value) > MAX_SECRET
        or not all("!" <= c <= "~" for c in value)
    ):
        raise InvalidValueError(f"{what} is not a well-formed token")
    return value


def seconds(value: Any, what: str, bounds: tuple[int, int]) -> int:
    """A whole number of seconds within ``bounds`` (bools and floats refused)."""
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidValueError(f"{what} must be a whole number from {low} to {high}")
    return value


def is_loopback(host: str) -> bool:
    return host in LOOPBACK_HOSTS or bool(re.fullmatch(r"127(\.[0-9]{1,3}){3}", host))


def url(value: Any, what: str = "a URL") -> str:
    """A URL fit to hand to a browser: https (http only to a loopback host), one token.

    Never starts with '-' (a browser command would read it as an option), no blanks or
    controls, a host present.
    """
    if not isinstance(value, str) or not value or len(value) > MAX_URL:
        raise InvalidValueError(f"{what} must be text of at most {MAX_URL} characters")
    if value.startswith("-") or has_control(value) or any(c.isspace() for c in value):
        raise InvalidValueError(f"{what} must be one token without blanks or control characters")
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        host = parts.hostname or ""
        parts.port  # noqa: B018 (raises on a malformed port)
    except ValueError:
        raise InvalidValueError(f"{what} must be an absolute https URL") from None
    if not host:
        raise InvalidValueError(f"{what} must be an absolute https URL")
    if parts.scheme == "https" or (parts.scheme == "http" and is_loopback(host)):
        return value
    raise InvalidValueError(f"{what} must use https (http only for 127.0.0.1)")


def file_text(value: str, what: str) -> str:
    """An option written into a config file: one line, no controls."""
    if has_control(value):
        raise InvalidValueError(f"{what} must be one line without control characters")
    return value


ENDPOINT_VARIABLES = (
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_SSO_OIDC",
    "AWS_ENDPOINT_URL_SSO",
    "AWS_ENDPOINT_URL_STS",
)


def endpoint_problem(env: Mapping[str, str]) -> Optional[str]:
    """Why an ``AWS_ENDPOINT_URL*`` variable botocore would use is unusable, or None.

    botocore fails on these with a traceback-shaped ValueError; asso says it in one line.
    """
    from urllib.parse import urlsplit

    for name in ENDPOINT_VARIABLES:
        value = env.get(name)
        if not value:
            continue
        try:
            parts = urlsplit(value)
            port = parts.port
            ok = (
                parts.scheme in ("http", "https")
                and bool(parts.hostname)
                and not has_control(value)
                and not any(c.isspace() for c in value)
                and (port is None or 0 < port < 65536)
            )
        except ValueError:
            ok = False
        if not ok:
            return f"{name} is not an http(s) URL: {one_line(value, 80)!r}"
    return None
