"""``asso status``: every SSO session, its token and what its directory knows.

Plain status reads files only (no boto3); ``--refresh`` fetches the directories first.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Optional

from asso import log
from asso.aws import tokens

if TYPE_CHECKING:
    import argparse

    from asso.aws.config import AwsConfig
    from asso.aws.sessions import SessionEntry


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--profiles", action="store_true", help="also list every profile and its state"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--refresh",
        action="store_true",
        help="fetch the account directory of every logged-in session first",
    )
    parser.add_argument("--session", metavar="NAME", help="only this session (name or start URL)")


def time_left(seconds: Optional[float]) -> str:
    """``7h05m``, ``42m``, ``<1m`` as the prompt shows it; ``-`` without a token."""
    from asso.aws.tokens import format_left

    return "-" if seconds is None else format_left(seconds)


def age(seconds: float) -> str:
    if seconds < 60:
        return "just now"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // 86400)}d ago"


class SessionState:
    def __init__(self, entry: SessionEntry, now: float) -> None:
        from asso.aws import accounts

        self.entry = entry
        session = entry.session
        self.token = tokens.token_status(
            tokens.token_path(session.cache_key),
            refresh_allowed=session.name is not None,
            now=now,
        )
        self.seconds_left = (
            self.token.expires_at - now if self.token.expires_at is not None else None
        )
        self.directory = accounts.load(session)
        self.directory_error = accounts.last_error(session)
        self.now = now

    def to_json(self) -> dict[str, Any]:
        session, cached = self.entry.session, self.directory
        expires = self.token.expires_at
        return {
            "name": session.name,
            "label": session.label,
            "kind": self.entry.kind,
            "start_url": session.start_url or None,
            "region": session.region or None,
            "token_state": self.token.state,
            "expires_at": tokens.format_time(expires) if expires is not None else None,
            "seconds_left": int(self.seconds_left) if self.seconds_left is not None else None,
            "can_refresh": self.token.can_refresh,
            "token_file": self.token.path,
            "profiles": list(self.entry.profiles),
            "profile_count": len(self.entry.profiles),
            "accounts": len(cached.accounts) if cached else None,
            "roles": cached.role_count if cached else None,
            "directory_fetched_at": tokens.format_time(cached.fetched_at) if cached else None,
            "directory_stale": cached.is_stale(self.now) if cached else None,
            "directory_error": self.directory_error,
            "problem": self.entry.problem,
        }

    def row(self) -> tuple[str, ...]:
        session, cached = self.entry.session, self.directory
        if self.token.state in (tokens.VALID, tokens.REFRESHABLE) and self.token.past_expiry:
            left = "refresh"  # botocore refreshes it on the next call
        elif self.token.state == tokens.MISSING:
            left = "-"
        else:
            left = time_left(self.seconds_left)
        if cached is None:
            accounts, fetched = "-", "-"
        else:
            accounts = str(len(cached.accounts))
            fetched = age(cached.age(self.now)) + (" (stale)" if cached.is_stale(self.now) else "")
        return (
            session.label,
            self.entry.kind,
            session.start_url or "-",
            session.region or "-",
            self.token.state,
            left,
            "yes" if self.token.can_refresh else "no",
            str(len(self.entry.profiles)),
            accounts,
            fetched,
        )


SESSION_HEADER = (
    "SESSION",
    "TYPE",
    "START URL",
    "REGION",
    "TOKEN",
    "LEFT",
    "REFRESH",
    "PROFILES",
    "ACCOUNTS",
    "FETCHED",
)
PROFILE_HEADER = ("PROFILE", "ACCOUNT", "ACCOUNT ID", "ROLE", "REGION", "SESSION", "STATE")


def _refresh(entries: list[SessionEntry], explicit: bool) -> int:
    """Fetch the directories; returns the exit code the failures call for."""
    from asso.errors import AssoError, ExitCode, NotLoggedInError
    from asso.sso import directory

    code = 0
    for entry in entries:
        if entry.problem:
            continue
        session = entry.session
        try:
            token = directory.access_token_for(session, entry.profiles)
        except NotLoggedInError as error:
            if explicit:
                raise
            log.info(f"{session.label}: not refreshed, {error}")
            continue
        try:
            fetched = directory.refresh(session, token)
        except AssoError as error:
            log.error(str(error))
            code = code or int(error.exit_code)
            continue
        log.verbose(
            f"{session.label}: {len(fetched.accounts)} accounts, {fetched.role_count} roles"
        )
    return code or int(ExitCode.OK)


def run(args: argparse.Namespace) -> int:
    import json

    from asso.aws import accounts
    from asso.aws.config import load_config
    from asso.aws.sessions import list_sessions
    from asso.errors import UsageError

    config = load_config()
    entries = list_sessions(config)
    if args.session is not None:
        entries = [e for e in entries if e.session.label == args.session]
        if not entries:
            raise UsageError(f"no SSO session {args.session!r} in {config.config_file}")
    code = _refresh(entries, args.session is not None) if args.refresh else 0
    accounts.clear_memo()
    now = time.time()
    states = [SessionState(entry, now) for entry in entries]
    profiles = _profiles(config, args.session) if args.profiles else None
    if args.json:
        data: dict[str, Any] = {"sessions": [s.to_json() for s in states]}
        if profiles is not None:
            data["profiles"] = [r.to_json() for r in profiles]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return code
    from asso.table import format_table, use_colour

    colour = use_colour()
    if not states:
        log.info(f"No SSO sessions in {config.config_file} (try `asso demo`).")
    else:
        rows = [s.row() for s in states]
        sys.stdout.write(format_table(SESSION_HEADER, rows, colour=colour, colour_column=4))
    for state in states:
        if state.entry.problem:
            log.info(f"{state.entry.session.label}: {state.entry.problem}")
        elif state.directory_error:
            label = state.entry.session.label
            log.info(f"{label}: the last directory fetch failed: {state.directory_error}")
    if profiles is not None:
        rows = [
            (
                r.profile,
                r.account_name,
                r.account_id,
                r.role,
                r.region,
                r.sso_session or r.start_url,
                "config error" if r.error else (r.token_state or r.kind),
            )
            for r in profiles
        ]
        if states:
            sys.stdout.write("\n")
        sys.stdout.write(format_table(PROFILE_HEADER, rows, colour=colour, colour_column=6))
    return code


def _profiles(config: AwsConfig, session_label: Optional[str]) -> list[Any]:
    from asso.aws.resolve import TokenStates, resolve_profile
    from asso.errors import ConfigError

    states = TokenStates()
    result = []
    for name in config.profiles:
        try:
            res = resolve_profile(config, name, token_states=states)
        except ConfigError:
            continue
        if session_label is not None and session_label not in (res.sso_session, res.start_url):
            continue
        result.append(res)
    return result
