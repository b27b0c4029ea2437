"""``asso status``: every SSO session, its token and what its directory knows.

Plain status reads files only (no boto3); ``--refresh`` fetches the directories first.
"""

from __future__ import annotations

import sys
import time
from typing import TYPE_CHECKING, Any, Optional

from asso import log, text
from asso.aws import tokens

if TYPE_CHECKING:
    import argparse

    from asso.aws.sessions import SessionState


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
    return "-" if seconds is None else text.time_left(seconds)


def _row(state: SessionState) -> tuple[str, ...]:
    session, cached = state.entry.session, state.directory
    if state.token.state in (tokens.VALID, tokens.REFRESHABLE) and state.token.past_expiry:
        left = "refresh"  # botocore refreshes it on the next call
    elif state.token.state == tokens.MISSING:
        left = "-"
    else:
        left = time_left(state.seconds_left)
    if cached is None:
        accounts, fetched = "-", "-"
    else:
        accounts = str(len(cached.accounts))
        stale = " (stale)" if cached.is_stale(state.now) else ""
        fetched = text.age(cached.age(state.now)) + stale
    return (
        session.label,
        state.entry.kind,
        session.start_url or "-",
        session.region or "-",
        state.token.state,
        left,
        "yes" if state.token.can_refresh else "no",
        str(len(state.entry.profiles)),
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


def run(args: argparse.Namespace) -> int:
    import json

    from asso.aws import accounts
    from asso.aws.config import load_config
    from asso.aws.resolve import session_profiles
    from asso.aws.sessions import SessionState, list_sessions
    from asso.errors import UsageError

    config = load_config()
    entries = list_sessions(config)
    if args.session is not None:
        entries = [e for e in entries if e.session.label == args.session]
        if not entries:
            raise UsageError(f"no SSO session {args.session!r} in {config.config_file}")
    code = 0
    if args.refresh:
        from asso.sso.directory import refresh_sessions

        code = refresh_sessions(entries, args.session is not None)
    accounts.clear_memo()
    now = time.time()
    states = [SessionState(entry, now) for entry in entries]
    profiles = session_profiles(config, args.session) if args.profiles else None
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
        rows = [_row(s) for s in states]
        sys.stdout.write(format_table(SESSION_HEADER, rows, colour=colour, colour_column=4))
    for state in states:
        if state.entry.problem:
            log.info(f"{state.entry.session.label}: {state.entry.problem}")
        elif state.directory_error:
            label = state.entry.session.label
            log.info(f"{label}: the last directory fetch failed: {state.directory_error}")
    if profiles is not None:
        profile_rows = [
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
        sys.stdout.write(format_table(PROFILE_HEADER, profile_rows, colour=colour, colour_column=6))
    return code
