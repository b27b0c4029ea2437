"""Fetching the account directory: ListAccounts and ListAccountRoles after a login.

The network half of the account directory (the cache it fills, which the prompt path reads, is
:mod:`asso.aws.accounts`). A fetch runs in a detached background process after every login, and
on request (``asso status --refresh``, ``asso populate``); paging is followed, concurrency and
time-outs are bounded. boto3, botocore, json and concurrency are imported inside the functions.
"""

from __future__ import annotations

import os
import sys
import time

from asso import log, paths, validate
from asso.aws.accounts import Directory, DirectoryAccount, cache_dir, error_path, load, save
from asso.errors import InvalidValueError
from asso.text import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, Optional

    from asso.aws.config import SsoSession
    from asso.aws.sessions import SessionEntry

# Fetching: bounded concurrency, short time-outs, a few retries (throttling included).
MAX_WORKERS = 8
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 15.0
MAX_ATTEMPTS = 3
PAGE_SIZE = 100  # the most ListAccounts and ListAccountRoles return per call

# -- fetching -------------------------------------------------------------------------------


def _module(name: str) -> Any:
    """Import boto3/botocore (untyped: mypy sees Any) only where the network is used."""
    import importlib

    return importlib.import_module(name)


def _sso_client(region: str) -> Any:
    """A portal client: unsigned, bounded time-outs and retries, a pool for MAX_WORKERS."""
    from asso.errors import ConfigError

    problem = validate.endpoint_problem(os.environ)
    if problem:
        raise ConfigError(problem)
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
    except ValueError as error:  # an endpoint_url botocore cannot use
        raise ConfigError(f"cannot create the sso client: {one_line(error)}") from None
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
    from asso.errors import NetworkError, NotLoggedInError

    exceptions = _module("botocore.exceptions")
    if isinstance(error, exceptions.ClientError):
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("UnauthorizedException", "ExpiredTokenException"):
            return NotLoggedInError(
                f"the token of SSO session {session.label} was rejected (expired or signed out): "
                "run `asso login`"
            )
        message = error.response.get("Error", {}).get("Message", "") or str(error)
        said = one_line(f"{code} {message}")
        return NetworkError(f"{operation} failed for SSO session {session.label}: {said}")
    if isinstance(error, exceptions.BotoCoreError):
        said = one_line(str(error))
        return NetworkError(f"{operation} failed for SSO session {session.label}: {said}")
    return error if isinstance(error, Exception) else RuntimeError(str(error))


def fetch(session: SsoSession, access_token: str, client: Any = None) -> Directory:
    """ListAccounts and ListAccountRoles for the session, every page; nothing is written."""
    from concurrent.futures import ThreadPoolExecutor

    exceptions = _module("botocore.exceptions")
    failures = (exceptions.ClientError, exceptions.BotoCoreError)
    client = client if client is not None else _sso_client(session.region)
    fetched_at = time.time()
    accounts: list[DirectoryAccount] = []
    problems: list[str] = []  # entries skipped as invalid, for one warning each
    try:
        pages = client.get_paginator("list_accounts").paginate(
            accessToken=access_token, PaginationConfig={"PageSize": PAGE_SIZE}
        )
        for page in pages:
            for item in _items(page, "accountList"):
                account = _account(item, problems)
                if account is not None:
                    accounts.append(account)
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
                for item in _items(page, "roleList"):
                    role = _role(item, account.account_id, problems)
                    if role is not None:
                        roles.append(role)
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
    _warn(problems, session)
    return Directory(session.name, session.start_url, session.region, fetched_at, unique)


# -- what Identity Center sends is checked before use ---------------------------------------

MAX_WARNINGS = 5


def _items(page: Any, key: str) -> list[Any]:
    items = page.get(key) if isinstance(page, dict) else None
    return items if isinstance(items, list) else []


def _account(item: Any, problems: list[str]) -> Optional[DirectoryAccount]:
    """A ListAccounts entry, or None (and a problem noted) when any field is invalid."""
    if not isinstance(item, dict):
        problems.append("an account entry that is not an object")
        return None
    raw_id = item.get("accountId")
    try:
        account_id = validate.account_id(raw_id)
        name = item.get("accountName")
        blank = name is None or (isinstance(name, str) and not name.strip())
        account_name = account_id if blank else validate.account_name(name)
        email = validate.email(item.get("emailAddress"))
    except InvalidValueError as error:
        shown = one_line(raw_id, 40) if isinstance(raw_id, str) else "?"
        problems.append(f"account {shown!r}: {error}")
        return None
    return DirectoryAccount(account_id, account_name, email, [])


def _role(item: Any, account_id: str, problems: list[str]) -> Optional[str]:
    try:
        if not isinstance(item, dict):
            raise InvalidValueError("a role entry must be an object")
        return validate.role_name(item.get("roleName"))
    except InvalidValueError as error:
        problems.append(f"a role of account {account_id}: {error}")
        return None


def _warn(problems: list[str], session: SsoSession) -> None:
    """One line per skipped entry, a few at most: the rest are counted."""
    label = one_line(session.label, 80)
    for problem in problems[:MAX_WARNINGS]:
        log.error(f"skipped an invalid entry from Identity Center ({label}): {problem}")
    if len(problems) > MAX_WARNINGS:
        log.error(f"skipped {len(problems) - MAX_WARNINGS} more invalid entries from {label}")


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
    from asso.proc import spawn_detached

    argv = [
        sys.executable,
        "-m",
        "asso.sso.directory",
        "--refresh",
        "--start-url",
        session.start_url,
    ]
    argv += ["--region", session.region]
    if session.name is not None:
        argv += ["--session-name", session.name]
    if session.scopes is not None:
        argv += ["--scopes", session.scopes]
    try:
        spawn_detached(argv)
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
            flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
            fd = os.open(os.path.join(directory, name), flags)
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

    from asso.aws import tokens
    from asso.errors import AssoError
    from asso.fs import write_atomic

    key = session.cache_key
    if os.environ.get("ASSO_DEMO") and not os.path.isdir(paths.user_cache_dir()):
        return 0
    from asso.fs import make_private_dirs, open_private

    make_private_dirs(cache_dir())
    try:
        fd = open_private(_lock_path(key))
    except OSError:
        return 1  # a planted link or a neighbour's file: no refresh rather than a write
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


def access_token_for(session: SsoSession, profiles: Iterable[str] = ()) -> str:
    """A usable access token for the session from the token cache, or NotLoggedInError."""
    from asso.aws import tokens
    from asso.errors import NotLoggedInError

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


# -- python -m asso.sso.directory --refresh ... (the background process) -----------------------


def main(argv: Optional[list[str]] = None) -> int:
    import argparse

    from asso.aws.config import SsoSession

    parser = argparse.ArgumentParser(prog="python -m asso.sso.directory")
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


def refresh_sessions(entries: list[SessionEntry], explicit: bool) -> int:
    """Fetch the directories of these sessions (``asso status --refresh``); returns the exit
    code the failures call for. Sessions not logged in are skipped unless ``explicit``."""
    from asso.errors import AssoError, ExitCode, NotLoggedInError

    code = 0
    for entry in entries:
        if entry.problem:
            continue
        session = entry.session
        try:
            token = access_token_for(session, entry.profiles)
        except NotLoggedInError as error:
            if explicit:
                raise
            log.info(f"{session.label}: not refreshed, {error}")
            continue
        try:
            fetched = refresh(session, token)
        except AssoError as error:
            log.error(str(error))
            code = code or int(error.exit_code)
            continue
        log.verbose(
            f"{session.label}: {len(fetched.accounts)} accounts, {fetched.role_count} roles"
        )
    return code or int(ExitCode.OK)
