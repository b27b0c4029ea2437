"""What to log in to: the SSO session a profile (or an ``[sso-session]``) needs."""

from __future__ import annotations

import os

from asso import paths
from asso.aws import tokens
from asso.digest import sha1_hex
from asso.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from asso.aws.config import AwsConfig, SsoSession


class Target:
    """The SSO session a profile needs, and the profile that configures it."""

    __slots__ = ("path", "profile", "session", "sso_profile")

    def __init__(self, profile: str, sso_profile: str, session: SsoSession) -> None:
        self.profile = profile
        self.sso_profile = sso_profile  # the end of the source_profile chain
        self.session = session
        self.path = tokens.token_path(session.cache_key)

    @property
    def refresh_allowed(self) -> bool:
        # botocore refreshes sso-session tokens only, never legacy ones.
        return self.session.name is not None

    @property
    def label(self) -> str:
        if self.session.name is not None:
            return f"sso-session {self.session.name}"
        return f"start URL {self.session.start_url}"

    def status(self) -> tokens.TokenStatus:
        return tokens.token_status(self.path, refresh_allowed=self.refresh_allowed)


def resolve_target(config: AwsConfig, profile: str, action: str = "log in to") -> Target:
    """The session ``profile`` logs in to; ConfigError when it has none or is misconfigured."""
    from asso.aws.config import describe

    info = describe(config, profile)  # ProfileNotFoundError, with suggestions
    if info.error:
        raise ConfigError(f"profile {profile!r}: {info.error}")
    if info.via_granted:
        raise ConfigError(
            f"profile {profile!r} gets its credentials from granted (credential_process): "
            "log in with granted"
        )
    if info.sso is None:
        end = info.chain[-1] if info.chain else profile
        what = "" if end == profile else f" (its credentials come from profile {end!r})"
        raise ConfigError(
            f"profile {profile!r} does not use IAM Identity Center{what}: nothing to {action}"
        )
    return Target(profile, info.chain[-1] if info.chain else profile, info.sso)


def resolve_session_target(config: AwsConfig, name: str) -> Target:
    """An ``[sso-session NAME]`` on its own, before any profile uses it (e.g. to populate)."""
    from asso.aws.config import suggest
    from asso.aws.sessions import sso_session_section

    if name not in config.sso_sessions:
        close = suggest(name, config.sso_sessions)
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise ConfigError(f'The specified sso-session does not exist: "{name}"{hint}')
    session, missing = sso_session_section(config, name)
    if missing:
        raise ConfigError(f"sso-session {name!r} is missing {', '.join(missing)}")
    label = f"sso-session {name}"
    return Target(label, label, session)


def lock_path(target: Target) -> str:
    """The session's lock file: in asso's cache dir, named after the token file it guards."""
    return os.path.join(paths.user_cache_dir(), "locks", sha1_hex(target.path) + ".lock")
