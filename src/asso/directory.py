"""The account directory: the accounts and roles each SSO session reaches, cached on disk.

It is fetched (ListAccounts, then ListAccountRoles per account, paging followed) after a login,
in a detached background process, and on request (``asso status --refresh``, ``asso populate``).
It is never fetched on the prompt path: there, :func:`account_name` reads the cache file and
nothing else. Names come, first to last, from the user's overrides file
(``<config dir>/accounts.json``: ``{"123456789012": "name"}``), the profile's
``sso_account_name`` key, then this cache.

The cache file, ``<cache dir>/directory/<token cache key>.json``, is valid JSON laid out one
account per line, so looking up one account needs a byte search, not a parse::

    {"version":1,"session":...,"startUrl":...,"region":...,"fetchedAt":...,"accounts":[
    {"accountId":"111111111111","accountName":"Management","emailAddress":...,"roles":[...]},
    ...
    ]}

This module is imported on the prompt path: only ``os`` and ``time`` at the top; boto3,
botocore, json and concurrency are imported inside the functions that fetch.
"""

from __future__ import annotations

import os
import sys
import time

from . import log, paths

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Optional

    from .config import AwsConfig, SsoSession

FORMAT_VERSION = 1
_HEADER_PREFIX = b'{"version":1,'
_FOOTER = b"\n]}\n"
_MAX_FILE = 64 * 1024 * 1024
OVERRIDES_FILE = "accounts.json"
MAX_AGE_VARIABLE = "ASSO_DIRECTORY_MAX_AGE"
DEFAULT_MAX_AGE = 7 * 86400

# Fetching: bounded concurrency, short time-outs, a few retries (throttling included).
MAX_WORKERS = 8
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_ATTEMPTS = 3
PAGE_SIZE = 100  # the most ListAccounts and ListAccountRoles return per call


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
    data: Optional[bytes] = None
    try:
        with open(path, "rb") as handle:
            data = handle.read(_MAX_FILE + 1)
    except FileNotFoundError:
        pass
    except OSError as error:
        log.verbose(f"ignoring account directory {path}: {error.strerror}")
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
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_MAX_FILE)
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
    from .tokens import parse_time

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

    from .tokens import format_time

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
    from .fsutil import write_atomic

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
    try:
        with open(error_path(session.cache_key), encoding="utf-8", errors="replace") as handle:
            return handle.read(2000).strip() or None
    except OSError:
        return None


def _clear_error(cache_key: str) -> None:
    try:
        os.unlink(error_path(cache_key))
    except FileNotFoundError:
        return


# -- fetching -------------------------------------------------------------------------------


def _module(name: str) -> Any:
    """Import boto3/botocore (untyped: mypy sees Any) only where the network is used."""
    import importlib

    return importlib.import_module(name)


def _sso_client(region: str) -> Any:
    """A portal client: unsigned, bounded time-outs and retries, a pool for MAX_WORKERS."""
    boto3 = _module("boto3")
    exceptions = _module("botocore.exceptions")
    config = _module("botocore.config").Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": MAX_ATTEMPTS},
        max_pool_connections=MAX_WORKERS * 2,
    )
    try:
        return boto3.session.Session().client("sso", region_name=region, config=config)
    except (exceptions.ProfileNotFound, exceptions.ConfigParseError):
        # AWS_PROFILE names a profile that is gone, or the file is one botocore refuses (asso
        # populate may be about to fix it): the portal needs no profile, so go without.
        saved = {k: os.environ.pop(k) for k in _PROFILE_VARIABLES if k in os.environ}
        os.environ["AWS_CONFIG_FILE"] = os.devnull
        try:
            return boto3.session.Session().client("sso", region_name=region, config=config)
        finally:
            os.environ.pop("AWS_CONFIG_FILE", None)
            os.environ.update(saved)


_PROFILE_VARIABLES = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE")


def _translate(error: BaseException, session: SsoSession, operation: str) -> Exception:
    """A botocore failure as the asso error the user should see."""
    from .errors import NetworkError, NotLoggedInError

    exceptions = _module("botocore.exceptions")
    if isinstance(error, exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("UnauthorizedException", "ExpiredTokenException"):
            return NotLoggedInError(
                f"the token of SSO session {session.label} was rejected (expired or signed out): "
                "run `asso login`"
            )
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        return NetworkError(f"{operation} failed for SSO session {session.label}: {code} {message}")
    if isinstance(error, exceptions.BotoCoreError):
        return NetworkError(f"{operation} failed for SSO session {session.label}: {error}")
    return error if isinstance(error, Exception) else RuntimeError(str(error))


def fetch(session: SsoSession, access_token: str, client: Any = None) -> Directory:
    """ListAccounts and ListAccountRoles for the session, every page; nothing is written."""
    from concurrent.futures import ThreadPoolExecutor

    exceptions = _module("botocore.exceptions")
    failures = (exceptions.ClientError, exceptions.BotoCoreError)
    client = client if client is not None else _sso_client(session.region)
    fetched_at = time.time()
    accounts: list[DirectoryAccount] = []
    try:
        pages = client.get_paginator("list_accounts").paginate(
            accessToken=access_token, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            for item in page.get("accountList", []):
                account_id = item.get("accountId")
                if not account_id:
                    continue
                accounts.append(
                    DirectoryAccount(
                        account_id,
                        item.get("accountName") or account_id,
                        item.get("emailAddress") or "",
                        [],
                    )
                )
    except failures as error:
        raise _translate(error, session, "ListAccounts") from None

    def roles_of(account: DirectoryAccount) -> list[str]:
        roles: list[str] = []
        paginator = client.get_paginator("list_account_roles")
        try:
            for page in paginator.paginate(
                accessToken=access_token,
                accountId=account.account_id,
                PaginationConfig={"PageSize": PAGE_SIZE},
            ):
                roles.extend(r["roleName"] for r in page.get("roleList", []) if r.get("roleName"))
        except exceptions.ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            if code in ("ForbiddenException", "ResourceNotFoundException"):
                return []  # access removed since ListAccounts: no roles to offer
            raise
        return sorted(set(roles))

    seen: dict[str, DirectoryAccount] = {}
    for account in accounts:
        seen.setdefault(account.account_id, account)
    unique = list(seen.values())
    try:
        with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
            for account, roles in zip(unique, pool.map(roles_of, unique)):
                account.roles = roles
    except failures as error:
        raise _translate(error, session, "ListAccountRoles") from None
    return Directory(session.name, session.start_url, session.region, fetched_at, unique)


def refresh(session: SsoSession, access_token: str) -> Directory:
    """Fetch the session's directory now and cache it; raises NotLoggedIn/Network errors."""
    directory = fetch(session, access_token)
    save(directory, session.cache_key)
    return directory


def refresh_in_background(session: SsoSession, *, only_if_stale: bool = False) -> bool:
    """Start a detached process that refreshes the session's directory; return at once.

    Call it after every successful login. With ``only_if_stale`` (e.g. when a login was not
    needed because the token was still valid) nothing starts unless the cache is missing,
    damaged, or older than ASSO_DIRECTORY_MAX_AGE. Returns whether a process was started.
    Never raises: the directory is a convenience.
    """
    if only_if_stale:
        current = load(session)
        if current is not None and not current.is_stale():
            return False
    import subprocess

    argv = [sys.executable, "-m", "asso.directory", "--refresh", "--start-url", session.start_url]
    argv += ["--region", session.region]
    if session.name is not None:
        argv += ["--session-name", session.name]
    if session.scopes is not None:
        argv += ["--scopes", session.scopes]
    try:
        subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
            close_fds=True,
        )
    except OSError as error:
        log.verbose(f"cannot start the account directory refresh: {error.strerror}")
        return False
    return True


def _lock_path(cache_key: str) -> str:
    return os.path.join(cache_dir(), cache_key + ".lock")


def running_refreshes(root: Optional[str] = None) -> list[int]:
    """Process ids of background refreshes still running (their lock is held)."""
    import fcntl

    directory = os.path.join(root, "directory") if root else cache_dir()
    pids: list[int] = []
    try:
        names = os.listdir(directory)
    except OSError:
        return pids
    for name in names:
        if not name.endswith(".lock"):
            continue
        try:
            fd = os.open(os.path.join(directory, name), os.O_RDONLY)
        except OSError:
            continue
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
                continue  # nobody holds it
            except OSError:
                pass
            text = os.read(fd, 32).decode("ascii", "replace").strip()
            if text.isdigit():
                pids.append(int(text))
        finally:
            os.close(fd)
    return pids


def _background_refresh(session: SsoSession) -> int:
    """The detached process: one refresh per session at a time; failures go to a file."""
    import fcntl

    from . import tokens
    from .errors import AssoError
    from .fsutil import write_atomic

    key = session.cache_key
    if os.environ.get("ASSO_DEMO") and not os.path.isdir(paths.user_cache_dir()):
        return 0
    os.makedirs(cache_dir(), mode=0o700, exist_ok=True)
    fd = os.open(_lock_path(key), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return 0  # another refresh of this session is running
    try:
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        token, problem = tokens.read_token(tokens.token_path(key))
        access_token = token.get("accessToken") if token else None
        try:
            if not isinstance(access_token, str):
                raise AssoError(problem or f"no token for SSO session {session.label}")
            fetched = fetch(session, access_token)
            if os.environ.get("ASSO_DEMO") and not os.path.isdir(paths.user_cache_dir()):
                return 0  # the demo ended and removed its files: do not bring them back
            save(fetched, key)
        except AssoError as error:
            write_atomic(error_path(key), (str(error) + "\n").encode("utf-8"), mode=0o600)
            return 1
        return 0
    finally:
        os.close(fd)


# -- sessions in a config ---------------------------------------------------------------------


class SessionEntry:
    """One SSO session of the config: an ``[sso-session]`` or a legacy start URL."""

    __slots__ = ("kind", "problem", "profiles", "session")

    def __init__(
        self, session: SsoSession, kind: str, profiles: list[str], problem: Optional[str] = None
    ) -> None:
        self.session = session
        self.kind = kind  # "sso-session" | "legacy"
        self.profiles = profiles
        self.problem = problem


def list_sessions(config: AwsConfig) -> list[SessionEntry]:
    """Every sso-session section (used or not), then every legacy start URL, in file order."""
    from .config import SsoSession, describe, text

    entries: dict[str, SessionEntry] = {}
    for name, values in config.sso_sessions.items():
        start_url, region = text(values, "sso_start_url"), text(values, "sso_region")
        missing = [k for k, v in (("sso_start_url", start_url), ("sso_region", region)) if not v]
        problem = f"[sso-session {name}] lacks {', '.join(missing)}" if missing else None
        scopes = text(values, "sso_registration_scopes")
        session = SsoSession(start_url or "", region or "", name, scopes)
        entries["s:" + name] = SessionEntry(session, "sso-session", [], problem)
    for profile in config.profiles:
        info = describe(config, profile)
        if info.kind != "sso" or info.via_granted:
            continue
        values = config.profiles[profile]
        session_name = text(values, "sso_session")
        if session_name is not None:
            entry = entries.get("s:" + session_name)
            if entry is not None:
                entry.profiles.append(profile)
            continue
        if info.sso is None:
            continue
        key = "l:" + info.sso.start_url
        if key not in entries:
            entries[key] = SessionEntry(info.sso, "legacy", [])
        entries[key].profiles.append(profile)
    return list(entries.values())


def find_session(config: AwsConfig, name: Optional[str]) -> SessionEntry:
    """The session named (an sso-session name or a legacy start URL); the only one if no name."""
    from .errors import ConfigError, UsageError

    entries = list_sessions(config)
    labels = [e.session.label for e in entries]
    if name is None:
        if len(entries) == 1:
            chosen = entries[0]
        elif not entries:
            raise ConfigError(
                f"no SSO session in {config.config_file}: add an [sso-session NAME] section "
                "(aws configure sso-session does it)"
            )
        else:
            choices = ", ".join(labels)
            raise UsageError(f"several SSO sessions, choose one with --session: {choices}")
    else:
        matches = [e for e in entries if e.session.label == name]
        if not matches:
            from .config import suggest

            close = suggest(name, dict.fromkeys(labels))
            hint = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise UsageError(f"no SSO session {name!r} in {config.config_file}{hint}")
        chosen = matches[0]
    if chosen.problem:
        raise ConfigError(chosen.problem)
    return chosen


def access_token_for(session: SsoSession, profiles: Iterable[str] = ()) -> str:
    """A usable access token for the session from the token cache, or NotLoggedInError."""
    from . import tokens
    from .errors import NotLoggedInError

    status = tokens.token_status(
        tokens.token_path(session.cache_key), refresh_allowed=session.name is not None
    )
    if status.state in (tokens.VALID, tokens.REFRESHABLE) and not status.past_expiry:
        data, _ = tokens.read_token(status.path)
        token = data.get("accessToken") if data else None
        if isinstance(token, str):
            return token
    if status.state == tokens.REFRESHABLE:
        token = _refresh_token(session, list(profiles))
        if token is not None:
            return token
    state = "expired" if status.state in (tokens.EXPIRED, tokens.REFRESHABLE) else "not logged in"
    first = next(iter(profiles), None)
    if session.name is not None:
        how = f"run `asso login --session {session.name}` first"
    elif first is not None:
        how = f"run `asso login {first}` first"
    else:
        how = "run `asso login` first"
    raise NotLoggedInError(f"SSO session {session.label}: {state}; {how}")


def _refresh_token(session: SsoSession, profiles: list[str]) -> Optional[str]:
    """Let botocore refresh an sso-session token past its expiry, as any AWS call would."""
    if not profiles or session.name is None:
        return None
    try:
        botocore_session = _module("botocore.session").Session()
        provider = _module("botocore.tokens").SSOTokenProvider(
            botocore_session, profile_name=profiles[0]
        )
        token = provider.load_token()
        return str(token.get_frozen_token().token) if token is not None else None
    except Exception as error:  # any failure means: log in again
        log.verbose(f"refreshing the token of {session.label} failed: {error}")
        return None


# -- python -m asso.directory --refresh ... (the background process) ----------------------------


def main(argv: Optional[list[str]] = None) -> int:
    import argparse

    from .config import SsoSession

    parser = argparse.ArgumentParser(prog="python -m asso.directory")
    parser.add_argument("--refresh", action="store_true", required=True)
    parser.add_argument("--start-url", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--session-name")
    parser.add_argument("--scopes")
    args = parser.parse_args(argv)
    session = SsoSession(args.start_url, args.region, args.session_name, args.scopes)
    return _background_refresh(session)


if __name__ == "__main__":
    sys.exit(main())
