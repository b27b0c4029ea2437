"""The SSO sessions of a config: every ``[sso-session]`` and every legacy start URL.

Used by login and logout (which session a name means), the directory fetch, ``status`` and
``populate``. No network, no token reads.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Optional

    from asso.aws.config import AwsConfig, SsoSession


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


def sso_session_section(config: AwsConfig, name: str) -> tuple[SsoSession, list[str]]:
    """The ``[sso-session NAME]`` section as a session, and the required keys it lacks."""
    from asso.aws.config import SsoSession, text

    values = config.sso_sessions[name]
    start_url, region = text(values, "sso_start_url"), text(values, "sso_region")
    missing = [k for k, v in (("sso_start_url", start_url), ("sso_region", region)) if not v]
    scopes = text(values, "sso_registration_scopes")
    return SsoSession(start_url or "", region or "", name, scopes), missing


def list_sessions(config: AwsConfig) -> list[SessionEntry]:
    """Every sso-session section (used or not), then every legacy start URL, in file order."""
    from asso.aws.config import describe, text

    entries: dict[str, SessionEntry] = {}
    for name in config.sso_sessions:
        session, missing = sso_session_section(config, name)
        problem = f"[sso-session {name}] lacks {', '.join(missing)}" if missing else None
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
    from asso.errors import ConfigError, UsageError

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
            from asso.aws.config import suggest

            close = suggest(name, dict.fromkeys(labels))
            hint = f" (did you mean: {', '.join(close)}?)" if close else ""
            raise UsageError(f"no SSO session {name!r} in {config.config_file}{hint}")
        chosen = matches[0]
    if chosen.problem:
        raise ConfigError(chosen.problem)
    return chosen


class SessionState:
    """One SSO session as `asso status` shows it: its token and its cached account directory."""

    def __init__(self, entry: SessionEntry, now: float) -> None:
        from asso.aws import accounts, tokens

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
        from asso.aws import tokens

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
