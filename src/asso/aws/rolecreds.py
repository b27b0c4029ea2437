"""Role credentials shared with the AWS CLI v2: ``~/.aws/cli/cache/<key>.json``.

The CLI gives botocore's credential fetchers this directory as their cache, so a file here is
what botocore's SSOCredentialFetcher (GetRoleCredentials) or AssumeRoleCredentialFetcher wrote:
``{"ProviderType": "sso", "Credentials": {...}}`` or an STS AssumeRole response. Reading needs
no botocore: ``asso credential-process`` answers from here in a few milliseconds.
"""

from __future__ import annotations

import os
import time

from asso import paths
from asso.digest import sha1_hex

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from asso.aws.config import AwsConfig, ProfileInfo, SsoSession

# Cached credentials are reused until this many seconds before they expire.
REUSE_MARGIN = 10 * 60
_MAX_FILE = 256 * 1024
# Keys and tokens are base64 or upper-case alphanumerics: anything else did not come from AWS
# and must never reach an ``eval`` of ``asso export``.
_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-.")
_MAX_FIELD = 8192


class Credentials:
    """AWS keys and when they end. ``repr`` shows neither the secret nor the session token."""

    __slots__ = ("access_key_id", "expiration", "kind", "secret_access_key", "session_token")

    def __init__(
        self,
        access_key_id: str,
        secret_access_key: str,
        session_token: Optional[str] = None,
        expiration: Optional[float] = None,  # epoch seconds; None for keys that do not expire
        kind: str = "static",  # sso | role | static | process | web_identity | container | ...
    ) -> None:
        self.access_key_id = access_key_id
        self.secret_access_key = secret_access_key
        self.session_token = session_token
        self.expiration = expiration
        self.kind = kind

    def __repr__(self) -> str:
        key = self.access_key_id
        shown = key[:4] + "..." + key[-4:] if len(key) > 12 else "..."
        return (
            f"Credentials(kind={self.kind!r}, access_key_id={shown!r}, "
            f"expiration={self.expiration!r})"
        )

    def seconds_left(self, now: Optional[float] = None) -> Optional[float]:
        if self.expiration is None:
            return None
        return self.expiration - (time.time() if now is None else now)


def well_formed(creds: Credentials) -> bool:
    fields = [creds.access_key_id, creds.secret_access_key]
    if creds.session_token is not None:
        fields.append(creds.session_token)
    if any(
        not isinstance(v, str) or not v or len(v) > _MAX_FIELD or not _KEY_CHARS.issuperset(v)
        for v in fields
    ):
        return False
    exp = creds.expiration
    return exp is None or (isinstance(exp, (int, float)) and exp == exp and abs(exp) < 1e11)


def sso_key(account_id: str, role_name: str, session: SsoSession) -> str:
    """botocore's SSOCredentialFetcher._create_cache_key: compact sorted JSON, sha1."""
    import json

    args = {"roleName": role_name, "accountId": account_id}
    if session.name:
        args["sessionName"] = session.name
    else:
        args["startUrl"] = session.start_url
    return sha1_hex(json.dumps(args, sort_keys=True, separators=(",", ":")))


def assume_role_key(values: Mapping[str, Any]) -> Optional[str]:
    """botocore's AssumeRoleCredentialFetcher._create_cache_key for a role profile's keys
    (default ``json.dumps`` separators, sorted; a generated session name is left out)."""
    import json

    role_arn = values.get("role_arn")
    if not isinstance(role_arn, str):
        return None
    args: dict[str, Any] = {"RoleArn": role_arn}
    for key, name in (
        ("role_session_name", "RoleSessionName"),
        ("external_id", "ExternalId"),
        ("mfa_serial", "SerialNumber"),
    ):
        value = values.get(key)
        if isinstance(value, str):
            args[name] = value
    duration = values.get("duration_seconds")
    if isinstance(duration, str):
        try:
            args["DurationSeconds"] = int(duration)
        except ValueError:
            pass
    return sha1_hex(json.dumps(args, sort_keys=True))


def cache_key(config: AwsConfig, info: ProfileInfo) -> Optional[str]:
    """The cache file name (without ``.json``) a profile's credentials go to, if any."""
    if info.error or info.via_granted:
        return None
    if info.kind == "sso" and info.sso is not None and info.account_id and info.role:
        return sso_key(info.account_id, info.role, info.sso)
    if info.kind == "role":
        return assume_role_key(config.profiles[info.name])
    return None


def cache_path(key: str) -> str:
    return os.path.join(paths.cli_cache_dir(), key + ".json")


def read_cached(path: str) -> tuple[Optional[dict[str, Any]], Optional[str]]:
    """A cache file's JSON object, if it is a private regular file of this user's. Never raises."""
    from asso.fs import read_own

    raw = read_own(path, _MAX_FILE)
    if raw is None:
        if not os.path.lexists(path):
            return None, None
        return None, f"{path} is not a private regular file of yours: ignored"
    try:
        data = loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError, StopIteration):
        return None, f"{path} is not valid JSON"
    return (data, None) if isinstance(data, dict) else (None, f"{path} is not a JSON object")


class _ScanContext:
    """What the C JSON scanner reads from its context: json.loads's defaults."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = float  # NaN, Infinity


def loads(text: str) -> Any:
    """``json.loads`` through the C scanner alone: importing json loads ``re`` (~7 ms), more
    than the rest of a cached ``asso credential-process``. Malformed input raises ValueError
    (or StopIteration where no value starts)."""
    try:
        import _json
    except ImportError:  # pragma: no cover - CPython always has it
        import json

        return json.loads(text)
    scanner = _json.make_scanner(_ScanContext())  # type: ignore[arg-type]  # duck-typed context
    start = len(text) - len(text.lstrip(" \t\n\r"))
    value, end = scanner(text, start)
    if text[end:].strip(" \t\n\r"):
        raise ValueError("extra data after the JSON value")
    return value


def from_cache(data: Mapping[str, Any], kind: str) -> Optional[Credentials]:
    """Credentials from a cache file's object; None when a field is missing or malformed."""
    from asso.aws.tokens import parse_time

    creds = data.get("Credentials")
    if not isinstance(creds, dict):
        return None
    access, secret, token = (
        creds.get(k) for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")
    )
    expiration = parse_time(creds.get("Expiration"))
    if not (isinstance(access, str) and access and isinstance(secret, str) and secret):
        return None
    if not isinstance(token, str) or expiration is None:
        return None
    creds = Credentials(access, secret, token, expiration, kind)
    return creds if well_formed(creds) else None


def cached_credentials(
    config: AwsConfig, info: ProfileInfo, now: Optional[float] = None
) -> Optional[Credentials]:
    """The profile's cached credentials when they have more than REUSE_MARGIN left."""
    key = cache_key(config, info)
    return None if key is None else cached_by_key(key, info.kind, now)


def cached_by_key(key: str, kind: str, now: Optional[float] = None) -> Optional[Credentials]:
    data, _ = read_cached(cache_path(key))
    if data is None:
        return None
    creds = from_cache(data, kind)
    if creds is None or creds.expiration is None:
        return None
    if creds.expiration - (time.time() if now is None else now) <= REUSE_MARGIN:
        return None
    return creds
