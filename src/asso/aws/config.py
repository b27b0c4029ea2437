"""The AWS config model: profiles and sso-sessions as botocore sees them, and what each profile is.

Loading follows ``botocore.session.Session.full_config``: the config file through
``load_config``/``build_profile_map``, then every credentials-file section merged over the
profile of the same name. Classifying follows botocore's credential chain order: assume-role,
web identity, SSO, static keys, credential_process.
"""

from __future__ import annotations

import os

from asso import paths
from asso.aws.ini import parse_ini, split_section_name
from asso.aws.parsecache import load_cached
from asso.digest import sha1_hex
from asso.errors import ConfigError, FileTooLargeError, IniParseError, ProfileNotFoundError
from asso.text import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing and collections cost start-up time; mypy alone needs them
    from collections.abc import Callable, Mapping
    from typing import Optional, TypeVar

    T = TypeVar("T")

    from asso.aws.ini import Section, Value

    ProfileMap = dict[str, Section]

# Plain classes rather than dataclasses: importing dataclasses costs ~20 ms on the prompt path.


class AwsConfig:
    __slots__ = ("config_file", "credentials_file", "notes", "profiles", "sso_sessions")

    def __init__(
        self,
        config_file: str,
        credentials_file: str,
        profiles: ProfileMap,
        sso_sessions: ProfileMap,
        notes: list[str],
    ) -> None:
        self.config_file = config_file
        self.credentials_file = credentials_file
        self.profiles = profiles
        self.sso_sessions = sso_sessions
        # Why a file was read as empty (botocore does so silently), to explain a missing profile.
        self.notes = notes

    def require(self, name: str) -> Section:
        """The profile's values; ProfileNotFoundError, with close matches, when there is none."""
        try:
            return self.profiles[name]
        except KeyError:
            close = suggest(name, self.profiles)
            raise ProfileNotFoundError(name, self.config_file, close) from None


def load_config(env: Mapping[str, str] = os.environ) -> AwsConfig:
    """The profile map botocore's Session.full_config gives, from the same files."""
    config_file = paths.aws_config_file(env)
    credentials_file = paths.aws_credentials_file(env)
    notes: list[str] = []
    no_profiles: tuple[ProfileMap, ProfileMap] = ({}, {})
    profiles, sso_sessions = _read_file(config_file, notes, _parse_config, no_profiles)
    no_sections: dict[str, Section] = {}
    for name, values in _read_file(credentials_file, notes, parse_ini, no_sections).items():
        # Every credentials section is a profile; its keys win over the config's.
        if name in profiles:
            profiles[name].update(values)
        else:
            profiles[name] = values
    return AwsConfig(config_file, credentials_file, profiles, sso_sessions, notes)


def _parse_config(text: str) -> tuple[ProfileMap, ProfileMap]:
    return build_profile_map(parse_ini(text))


def _read_file(path: str, notes: list[str], parser: Callable[[str], T], empty: T) -> T:
    """``parser(contents)``, cached on the file's stat; ``empty`` when botocore would skip it."""
    if not os.path.isfile(path):
        if os.path.exists(path):
            notes.append(f"{path} is not a regular file")
        return empty  # botocore: ConfigNotFound, treated as an empty file
    try:
        parsed: T = load_cached(path, parser)
        return parsed
    except (IniParseError, UnicodeDecodeError, FileTooLargeError) as error:
        said = one_line(error, 0, replacement=" ")  # the reason, whole, on one line
        raise ConfigError(f"Unable to parse config file: {path}: {said}") from None
    except OSError as error:
        # configparser.read() skips files it cannot open.
        notes.append(f"{path} could not be read ({error.strerror})")
        return empty


def build_profile_map(parsed: Mapping[str, Section]) -> tuple[ProfileMap, ProfileMap]:
    """botocore.configloader.build_profile_map, for the parts asso uses."""
    profiles: ProfileMap = {}
    sso_sessions: ProfileMap = {}
    for key, values in parsed.items():
        if key.startswith("profile"):
            target = profiles
        elif key.startswith("sso-session"):
            target = sso_sessions
        elif key == "default":
            profiles["default"] = values
            continue
        else:
            continue
        parts = split_section_name(key)
        if parts is not None and len(parts) == 2:
            target[parts[1]] = values
    return profiles, sso_sessions


def suggest(name: str, candidates: Mapping[str, object], limit: int = 5) -> list[str]:
    """Close matches for a mistyped profile name: substrings first, then similar spellings."""
    import difflib

    lowered = name.lower()
    contains = sorted(c for c in candidates if lowered and lowered in c.lower())
    similar = difflib.get_close_matches(name, list(candidates), n=limit, cutoff=0.6)
    merged = list(dict.fromkeys(contains + similar))
    return merged[:limit]


def text(values: Mapping[str, Value], key: str) -> Optional[str]:
    """A plain string value; nested sub-dicts do not count as set."""
    value = values.get(key)
    return value if isinstance(value, str) else None


class SsoSession:
    """What one login covers: an ``[sso-session]``, or a legacy start URL."""

    __slots__ = ("name", "region", "scopes", "start_url")

    def __init__(
        self,
        start_url: str,
        region: str,
        name: Optional[str] = None,  # None for legacy profiles
        scopes: Optional[str] = None,
    ) -> None:
        self.start_url = start_url
        self.region = region
        self.name = name
        self.scopes = scopes

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SsoSession) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"SsoSession{self._key()!r}"

    def _key(self) -> tuple[str, str, Optional[str], Optional[str]]:
        return (self.start_url, self.region, self.name, self.scopes)

    @property
    def cache_key(self) -> str:
        """The token file's name without ``.json``, as botocore computes it."""
        basis = self.name if self.name is not None else self.start_url
        return sha1_hex(basis)

    @property
    def label(self) -> str:
        return self.name if self.name is not None else self.start_url


class ProfileInfo:
    """What a profile is, as far as the config alone tells."""

    __slots__ = (
        "account_id",
        "account_name",
        "chain",
        "error",
        "kind",
        "name",
        "region",
        "role",
        "sso",
        "via_granted",
    )

    def __init__(
        self,
        name: str,
        kind: str,  # sso | role | web_identity | static | process | none
        account_id: Optional[str] = None,
        account_name: Optional[str] = None,
        role: Optional[str] = None,
        region: Optional[str] = None,
        sso: Optional[SsoSession] = None,
        # The profiles a role chain passes through, this one first; the last supplies credentials.
        chain: tuple[str, ...] = (),
        error: Optional[str] = None,
        # True when the SSO details come from granted's ``granted_sso_*`` keys.
        via_granted: bool = False,
    ) -> None:
        self.name = name
        self.kind = kind
        self.account_id = account_id
        self.account_name = account_name
        self.role = role
        self.region = region
        self.sso = sso
        self.chain = chain
        self.error = error
        self.via_granted = via_granted


_STATIC_KEYS = ("aws_access_key_id", "aws_secret_access_key")
# What else lets a source profile supply credentials (a secret key alone does not).
_SOURCE_CREDENTIAL_KEYS = ("aws_access_key_id", "credential_process", "login_session")
# botocore's CanonicalNameCredentialSourcer names (case-sensitive).
_CREDENTIAL_SOURCES = ("Environment", "EcsContainer", "Ec2InstanceMetadata")


def describe(config: AwsConfig, name: str) -> ProfileInfo:
    """Classify a profile and gather what the prompt shows; raises ProfileNotFoundError."""
    values = config.require(name)
    region = text(values, "region")
    account_name = text(values, "sso_account_name")
    if _is_role(values):
        account_id, role = parse_role_arn(text(values, "role_arn") or "")
        chain, sso, error = _follow_source_chain(config, name)
        kind = "role"
        return ProfileInfo(name, kind, account_id, account_name, role, region, sso, chain, error)
    if "web_identity_token_file" in values:
        account_id, role = parse_role_arn(text(values, "role_arn") or "")
        return ProfileInfo(
            name,
            "web_identity",
            account_id,
            account_name,
            role,
            region,
            chain=(name,),
            error=_web_identity_error(values),
        )
    if "sso_account_id" in values or "sso_role_name" in values:
        sso, error = _sso_session_of(config, name, values)
        return ProfileInfo(
            name,
            "sso",
            text(values, "sso_account_id"),
            account_name,
            text(values, "sso_role_name"),
            region,
            sso,
            (name,),
            error,
        )
    if any(key in values for key in _STATIC_KEYS):
        return ProfileInfo(name, "static", account_name=account_name, region=region, chain=(name,))
    if "credential_process" in values:
        return _describe_process(name, values, region, account_name)
    return ProfileInfo(name, "none", account_name=account_name, region=region, chain=(name,))


def _is_role(values: Mapping[str, Value]) -> bool:
    # botocore's AssumeRoleProvider: role_arn without web_identity_token_file.
    return "role_arn" in values and "web_identity_token_file" not in values


def _describe_process(
    name: str, values: Mapping[str, Value], region: Optional[str], account_name: Optional[str]
) -> ProfileInfo:
    start_url = text(values, "granted_sso_start_url")
    sso_region = text(values, "granted_sso_region")
    sso = SsoSession(start_url, sso_region) if start_url and sso_region else None
    return ProfileInfo(
        name,
        "process",
        text(values, "granted_sso_account_id"),
        account_name,
        text(values, "granted_sso_role_name"),
        region,
        sso,
        (name,),
        via_granted=sso is not None,
    )


def parse_role_arn(arn: str) -> tuple[Optional[str], Optional[str]]:
    """``arn:aws:iam::123456789012:role/path/Name`` -> ("123456789012", "Name")."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return None, None
    account_id = parts[4] or None
    resource = parts[5]
    role = resource.rsplit("/", 1)[-1] if resource.startswith("role/") else None
    return account_id, role or None


def _follow_source_chain(
    config: AwsConfig, start: str
) -> tuple[tuple[str, ...], Optional[SsoSession], Optional[str]]:
    """Walk source_profile links as botocore's AssumeRoleProvider does.

    Returns the chain, the SSO session of the profile at its end (if that is an SSO profile), and
    botocore's error message for a broken chain.
    """
    visited = [start]
    current = start
    while True:
        values = config.profiles[current]
        if current != start and (
            any(key in values for key in _STATIC_KEYS) or not _is_role(values)
        ):
            # The source supplies credentials itself (static keys win over its own role_arn).
            return _chain_end(config, visited, current, values)
        credential_source = text(values, "credential_source")
        source = text(values, "source_profile")
        if credential_source is not None and source is not None:
            return (
                tuple(visited),
                None,
                (f'The profile "{current}" contains both source_profile and credential_source.'),
            )
        if credential_source is not None:
            if credential_source not in _CREDENTIAL_SOURCES:
                invalid = (
                    f'The credential source "{credential_source}" referenced in profile '
                    f'"{current}" is not valid.'
                )
                return tuple(visited), None, invalid
            return tuple(visited), None, None
        if source is None:
            return (
                tuple(visited),
                None,
                (
                    "Partial credentials found in assume-role, missing: "
                    "source_profile or credential_source"
                ),
            )
        if source not in config.profiles:
            return (
                tuple(visited),
                None,
                (
                    f'The source_profile "{source}" referenced in the profile "{current}" '
                    "does not exist."
                ),
            )
        if source in visited:
            if source == current and any(key in values for key in _STATIC_KEYS):
                # Allowed: a role profile sourcing its own keys (or whatever else it holds).
                return _chain_end(config, visited, current, values)
            return (
                tuple(visited),
                None,
                (
                    "Infinite loop in credential configuration detected. Attempting to load from "
                    f"profile {source} which has already been visited. Visited profiles: {visited}"
                ),
            )
        visited.append(source)
        current = source


def _chain_end(
    config: AwsConfig, visited: list[str], name: str, values: Mapping[str, Value]
) -> tuple[tuple[str, ...], Optional[SsoSession], Optional[str]]:
    """The profile supplying a role chain's credentials, as botocore's source-profile chain
    (web identity, SSO, credentials file, login, process, config file) reads it."""
    sso: Optional[SsoSession] = None
    error: Optional[str] = None
    if "web_identity_token_file" in values:  # first in that chain: SSO keys are never read
        error = _web_identity_error(values)
    elif "sso_account_id" in values or "sso_role_name" in values:
        sso, error = _sso_session_of(config, name, values)
    elif not any(key in values for key in _SOURCE_CREDENTIAL_KEYS):
        error = f'The source profile "{name}" must have credentials.'
    return tuple(visited), sso, error


def _web_identity_error(values: Mapping[str, Value]) -> Optional[str]:
    if "role_arn" in values:
        return None
    # botocore's AssumeRoleWithWebIdentityProvider, word for word (the missing space too).
    return (
        "The provided profile or the current environment is configured to assume role with "
        "web identity but has no role ARN configured. Ensure that the profile has the "
        "role_arnconfiguration set or the AWS_ROLE_ARN env var is set."
    )


def _sso_session_of(
    config: AwsConfig, name: str, values: Mapping[str, Value]
) -> tuple[Optional[SsoSession], Optional[str]]:
    """botocore's SSOProvider._load_sso_config: merge the sso-session, validate, or explain."""
    merged: dict[str, Value] = dict(values)
    session_name = text(values, "sso_session")
    required = ["sso_role_name", "sso_account_id", "sso_start_url", "sso_region"]
    if session_name is not None:
        if session_name not in config.sso_sessions:
            return None, f'The specified sso-session does not exist: "{session_name}"'
        for key, session_value in config.sso_sessions[session_name].items():
            if merged.get(key, session_value) != session_value:
                return None, (
                    f"The value for {key} is inconsistent between profile ({merged[key]}) "
                    f"and sso-session ({session_value})."
                )
            merged[key] = session_value
        required.append("sso_session")
    missing = [key for key in required if key not in merged]
    if missing:
        return None, (
            f'The profile "{name}" is configured to use SSO but is missing required '
            f"configuration: {', '.join(missing)}"
        )
    start_url = text(merged, "sso_start_url") or ""
    sso_region = text(merged, "sso_region") or ""
    scopes = text(merged, "sso_registration_scopes")
    return SsoSession(start_url, sso_region, session_name, scopes), None
