"""What the next AWS command in this shell will use: profile, account, role, region, token."""

from __future__ import annotations

import os
import time

from asso.aws import accounts, tokens
from asso.aws.config import describe

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from asso.aws.config import AwsConfig, ProfileInfo

DEFAULT_PROFILE = "default"


def active_profile(env: Mapping[str, str] = os.environ) -> tuple[str, str]:
    """The profile name and where it came from, in the AWS CLI's order."""
    for variable in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
        value = env.get(variable)
        if value:
            return value, variable
    return DEFAULT_PROFILE, "default"


def region_of(info: ProfileInfo, env: Mapping[str, str]) -> tuple[Optional[str], Optional[str]]:
    """The region and its source (``env`` or ``profile``), in the AWS CLI's order."""
    for variable in ("AWS_REGION", "AWS_DEFAULT_REGION"):
        value = env.get(variable)
        if value:
            return value, "env"
    if info.region:
        return info.region, "profile"
    return None, None


ENV_KEY_VARIABLES = ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")


def credential_source(env: Mapping[str, str]) -> str:
    """``env`` when keys in the environment take precedence over any profile (botocore's
    EnvProvider comes first in every SDK and the CLI unless a profile is passed explicitly),
    else ``profile``."""
    return "env" if all(env.get(v) for v in ENV_KEY_VARIABLES) else "profile"


class Resolution:
    """A profile as the prompt and ``asso resolve`` show it."""

    __slots__ = (
        "account_id",
        "account_name",
        "credential_source",
        "error",
        "keys_expire_at",
        "keys_exported",
        "kind",
        "profile",
        "region",
        "region_source",
        "role",
        "sso_session",
        "start_url",
        "token",
    )

    def __init__(
        self,
        profile: str,
        kind: str,
        account_id: Optional[str],
        account_name: Optional[str],
        role: Optional[str],
        region: Optional[str],
        region_source: Optional[str],
        sso_session: Optional[str],
        start_url: Optional[str],
        token: Optional[tokens.TokenStatus],
        error: Optional[str],
        credential_source: str = "profile",
    ) -> None:
        self.profile = profile
        self.kind = kind
        self.account_id = account_id
        self.account_name = account_name
        self.role = role
        self.region = region
        self.region_source = region_source
        self.sso_session = sso_session
        self.start_url = start_url
        self.token = token
        self.error = error
        self.credential_source = credential_source
        # Set by the shell state when the env keys are ones asso exported (asp -x).
        self.keys_exported = False
        self.keys_expire_at: Optional[float] = None

    @property
    def token_state(self) -> Optional[str]:
        return self.token.state if self.token else None

    @property
    def expires_at(self) -> Optional[float]:
        return self.token.expires_at if self.token else None

    def to_json(self) -> dict[str, Any]:
        expires = self.expires_at
        return {
            "profile": self.profile,
            "kind": self.kind,
            "account_id": self.account_id,
            "account_name": self.account_name,
            "role": self.role,
            "region": self.region,
            "region_source": self.region_source,
            "sso_session": self.sso_session,
            "start_url": self.start_url,
            "token_state": self.token_state,
            "expires_at": tokens.format_time(expires) if expires is not None else None,
            "can_refresh": bool(self.token and self.token.can_refresh),
            "credential_source": self.credential_source,
            "error": self.error,
        }


class TokenStates:
    """Token status per SSO session, read once per command however many profiles share it."""

    def __init__(self, now: Optional[float] = None) -> None:
        self.now = time.time() if now is None else now
        self._by_key: dict[str, tokens.TokenStatus] = {}

    def for_profile(self, info: ProfileInfo) -> Optional[tokens.TokenStatus]:
        if info.sso is None:
            return None
        key = info.sso.cache_key
        if key not in self._by_key:
            self._by_key[key] = tokens.token_status(
                tokens.token_path(key), refresh_allowed=info.sso.name is not None, now=self.now
            )
        status = self._by_key[key]
        if info.via_granted and status.state == tokens.MISSING:
            return None  # granted keeps its own token store: no standard cache file is no news
        return status


def resolve_profile(
    config: AwsConfig,
    name: str,
    env: Mapping[str, str] = os.environ,
    token_states: Optional[TokenStates] = None,
) -> Resolution:
    """Describe ``name`` for display; raises ProfileNotFoundError for an unknown profile."""
    info = describe(config, name)
    region, region_source = region_of(info, env)
    token = (token_states or TokenStates()).for_profile(info)
    return Resolution(
        profile=name,
        kind=info.kind,
        account_id=info.account_id,
        # The user's override file, else the profile's sso_account_name, else the directory cache.
        account_name=accounts.account_name(
            info.account_id, info.account_name, info.sso.cache_key if info.sso else None
        ),
        role=info.role,
        region=region,
        region_source=region_source,
        sso_session=info.sso.name if info.sso else None,
        start_url=info.sso.start_url if info.sso else None,
        token=token,
        error=info.error,
        credential_source=credential_source(env),
    )


def session_profiles(config: AwsConfig, session_label: Optional[str]) -> list[Resolution]:
    """Every profile that resolves (of one SSO session, by name or start URL, when given)."""
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
