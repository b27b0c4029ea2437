"""The account directory cache: the accounts and roles each SSO session reaches, on disk.

:mod:`asso.sso.directory` fills it (the network half). The prompt path only reads it: there,
:func:`account_name` reads the cache file and nothing else. Names come, first to last, from the
user's overrides file (``<config dir>/accounts.json``: ``{"123456789012": "name"}``), the profile's
``sso_account_name`` key, then this cache.

The cache file, ``<cache dir>/directory/<token cache key>.json``, is valid JSON laid out one
account per line, so looking up one account needs a byte search, not a parse::

    {"version":1,"session":...,"startUrl":...,"region":...,"fetchedAt":...,"accounts":[
    {"accountId":"111111111111","accountName":"Management","emailAddress":...,"roles":[...]},
    ...
    ]}

This module is imported on the prompt path: only ``os`` and ``time`` at the top; json is
imported inside the functions that parse a whole file.
"""

from __future__ import annotations

import os
import time

from asso import log, paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from asso.aws.config import SsoSession

FORMAT_VERSION = 1
_HEADER_PREFIX = b'{"version":1,'
_FOOTER = b"\n]}\n"
_MAX_FILE = 64 * 1024 * 1024
OVERRIDES_FILE = "accounts.json"
MAX_AGE_VARIABLE = "ASSO_DIRECTORY_MAX_AGE"
DEFAULT_MAX_AGE = 7 * 86400


class DirectoryAccount:
    __slots__ = ("account_id", "account_name", "email", "roles")

    def __init__(self, account_id: str, account_name: str, email: str, roles: list[str]) -> None:
        self.account_id = account_id
        self.account_name = account_name
        self.email = email
        self.roles = roles

    def __repr__(self) -> str:
        return f"DirectoryAccount({self.account_id!r}, {self.account_name!r}, roles={self.roles!r})"

    def to_json(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "accountName": self.account_name,
            "emailAddress": self.email,
            "roles": list(self.roles),
        }


class Directory:
    """What one SSO session reaches, and when that was fetched (epoch seconds)."""

    __slots__ = ("accounts", "fetched_at", "region", "session_name", "start_url")

    def __init__(
        self,
        session_name: Optional[str],
        start_url: str,
        region: str,
        fetched_at: float,
        accounts: list[DirectoryAccount],
    ) -> None:
        self.session_name = session_name
        self.start_url = start_url
        self.region = region
        self.fetched_at = fetched_at
        self.accounts = accounts

    def names(self) -> dict[str, str]:
        return {a.account_id: a.account_name for a in self.accounts}

    def age(self, now: Optional[float] = None) -> float:
        return (time.time() if now is None else now) - self.fetched_at

    def is_stale(self, now: Optional[float] = None) -> bool:
        return self.age(now) > max_age()

    @property
    def role_count(self) -> int:
        return sum(len(a.roles) for a in self.accounts)


# -- where things live ---------------------------------------------------------------------------


def cache_dir() -> str:
    return os.path.join(paths.user_cache_dir(), "directory")


def cache_path(cache_key: str) -> str:
    """The directory cache of the session whose token file is ``<cache_key>.json``."""
    return os.path.join(cache_dir(), cache_key + ".json")


def cache_path_for(session: SsoSession) -> str:
    return cache_path(session.cache_key)


def overrides_path() -> str:
    return os.path.join(paths.user_config_dir(), OVERRIDES_FILE)


def max_age() -> float:
    """ASSO_DIRECTORY_MAX_AGE in seconds: a number, optionally with s, m, h or d (``7d``)."""
    raw = os.environ.get(MAX_AGE_VARIABLE, "").strip()
    if not raw:
        return DEFAULT_MAX_AGE
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    factor = units.get(raw[-1:].lower(), 0)
    number = raw[:-1] if factor else raw
    try:
        value = float(number) * (factor or 1)
    except ValueError:
        value = -1.0
    if not value >= 0:  # also rejects NaN
        log.verbose(f"{MAX_AGE_VARIABLE}={raw!r} is not a duration (e.g. 86400, 12h, 7d); using 7d")
        return DEFAULT_MAX_AGE
    return value


# -- the prompt path: one small read, no parsing beyond what is needed ----------------------------

# Per process: a listing resolves many profiles; each file is read once.
_raw_cache: dict[str, Optional[bytes]] = {}
_names_cache: dict[str, dict[str, str]] = {}
_overrides_cache: dict[str, dict[str, str]] = {}
_lookups: dict[str, int] = {}


def clear_memo() -> None:
    """Forget what this process has read (tests, and long-lived callers after a refresh)."""
    _raw_cache.clear()
    _names_cache.clear()
    _overrides_cache.clear()
    _lookups.clear()


def _read_raw(path: str) -> Optional[bytes]:
    """The cache file's bytes when it looks whole; None (with a verbose note) otherwise."""
    if path in _raw_cache:
        return _raw_cache[path]
    from asso.fs import read_own

    # asso's own file: ignored unless a regular file of the user's that others cannot write.
    data = read_own(path, _MAX_FILE + 1)
    if data is None and os.path.lexists(path):
        log.verbose(f"ignoring account directory {path}: not a private regular file of yours")
    if data is not None and (
        len(data) > _MAX_FILE or not data.startswith(_HEADER_PREFIX) or not data.endswith(_FOOTER)
    ):
        log.verbose(f"ignoring account directory {path}: damaged; it is rebuilt at the next login")
        data = None
    _raw_cache[path] = data
    return data


def _name_from_line(line: bytes) -> Optional[str]:
    if b"\\" in line:  # escapes (non-ASCII, quotes): let json decode the line
        import json

        try:
            item = json.loads(line.rstrip(b","))
        except ValueError:
            return None
        name = item.get("accountName") if isinstance(item, dict) else None
        return name if isinstance(name, str) else None
    marker = b'"accountName":"'
    start = line.find(marker)
    if start < 0:
        return None
    start += len(marker)
    end = line.find(b'"', start)
    return line[start:end].decode("ascii", "replace") if end > 0 else None


def cached_account_name(cache_key: str, account_id: str) -> Optional[str]:
    """The account's name from the session's directory cache, or None. Never raises."""
    path = cache_path(cache_key)
    names = _names_cache.get(path)
    if names is not None:
        return names.get(account_id)
    data = _read_raw(path)
    if data is None or not (account_id.isdigit() and account_id.isascii()):
        return None
    _lookups[path] = _lookups.get(path, 0) + 1
    if _lookups[path] > 3:  # a listing: parse the whole file once rather than search it often
        directory = _parse(path, data)
        names = _names_cache[path] = directory.names() if directory else {}
        return names.get(account_id)
    at = data.find(b'\n{"accountId":"' + account_id.encode("ascii") + b'",')
    if at < 0:
        return None
    return _name_from_line(data[at + 1 : data.find(b"\n", at + 1)])


def overrides() -> dict[str, str]:
    """The user's names by account id, from ``<config dir>/accounts.json``. Never raises."""
    path = overrides_path()
    cached = _overrides_cache.get(path)
    if cached is not None:
        return cached
    result: dict[str, str] = {}
    from asso.fs import read_regular

    try:
        raw = read_regular(path, _MAX_FILE)  # the user's file; a FIFO is skipped, not waited on
    except FileNotFoundError:
        raw = b""
    except OSError as error:
        log.verbose(f"ignoring {path}: {error.strerror}")
        raw = b""
    if raw.strip():
        import json

        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict):
            log.verbose(f'ignoring {path}: expected a JSON object like {{"123456789012": "name"}}')
            data = {}
        for key, value in data.items():
            if isinstance(key, str) and isinstance(value, str) and value.strip():
                result[key.strip()] = value.strip()
            else:
                log.verbose(f"ignoring {path} entry {key!r}: the name must be a non-empty string")
    _overrides_cache[path] = result
    return result


def account_name(
    account_id: Optional[str], profile_name: Optional[str], cache_key: Optional[str]
) -> Optional[str]:
    """The name to show: the user's override, else the profile's key, else the directory's."""
    if not account_id:
        return profile_name
    override = overrides().get(account_id)
    if override:
        return override
    if profile_name:
        return profile_name
    if cache_key:
        return cached_account_name(cache_key, account_id)
    return None


# -- reading and writing whole directories ----------------------------------------------------


def _parse(path: str, data: bytes) -> Optional[Directory]:
    import json

    try:
        raw = json.loads(data)
        return _from_json(raw)
    except (ValueError, TypeError, KeyError, AttributeError, RecursionError):
        log.verbose(f"ignoring account directory {path}: damaged; it is rebuilt at the next login")
        return None


def _from_json(raw: Any) -> Directory:
    from asso.aws.tokens import parse_time

    if raw.get("version") != FORMAT_VERSION:
        raise ValueError("unknown version")
    fetched_at = parse_time(raw["fetchedAt"])
    if fetched_at is None:
        raise ValueError("bad fetchedAt")
    session = raw.get("session")
    accounts = []
    for item in raw["accounts"]:
        roles = item.get("roles") or []
        if not all(isinstance(r, str) for r in roles):
            raise ValueError("bad roles")
        account_id, name = item["accountId"], item.get("accountName") or item["accountId"]
        email = item.get("emailAddress") or ""
        if not (isinstance(account_id, str) and isinstance(name, str) and isinstance(email, str)):
            raise ValueError("bad account")
        accounts.append(DirectoryAccount(account_id, name, email, list(roles)))
    return Directory(
        session if isinstance(session, str) else None,
        str(raw["startUrl"]),
        str(raw["region"]),
        fetched_at,
        accounts,
    )


def load(session: SsoSession) -> Optional[Directory]:
    """The session's cached directory; None when there is none or it is damaged (verbose note)."""
    path = cache_path_for(session)
    _raw_cache.pop(path, None)
    data = _read_raw(path)
    return _parse(path, data) if data is not None else None


def serialize(directory: Directory) -> bytes:
    """One account per line, ASCII only (so a line never holds a raw newline), sorted by id."""
    import json

    from asso.aws.tokens import format_time

    header = {
        "version": FORMAT_VERSION,
        "session": directory.session_name,
        "startUrl": directory.start_url,
        "region": directory.region,
        "fetchedAt": format_time(directory.fetched_at),
        "accounts": None,
    }
    head = json.dumps(header, separators=(",", ":"))
    assert head.endswith('"accounts":null}')
    lines = [head[: -len("null}")] + "["]
    accounts = sorted(directory.accounts, key=lambda a: a.account_id)
    for index, account in enumerate(accounts):
        comma = "," if index < len(accounts) - 1 else ""
        lines.append(json.dumps(account.to_json(), separators=(",", ":")) + comma)
    lines.append("]}")
    return ("\n".join(lines) + "\n").encode("ascii")


def save(directory: Directory, cache_key: str) -> str:
    from asso.fs import write_atomic

    path = cache_path(cache_key)
    write_atomic(path, serialize(directory), mode=0o600, dir_mode=0o700)
    _raw_cache.pop(path, None)
    _names_cache.pop(path, None)
    _lookups.pop(path, None)
    _clear_error(cache_key)
    return path


def error_path(cache_key: str) -> str:
    return os.path.join(cache_dir(), cache_key + ".error")


def last_error(session: SsoSession) -> Optional[str]:
    """Why the last background refresh failed, if it did (and no refresh succeeded since)."""
    from asso.fs import read_own

    data = read_own(error_path(session.cache_key), 2000)
    return data.decode("utf-8", "replace").strip() or None if data else None


def _clear_error(cache_key: str) -> None:
    try:
        os.unlink(error_path(cache_key))
    except FileNotFoundError:
        return
