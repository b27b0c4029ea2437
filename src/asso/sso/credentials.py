"""A profile's credentials, as the AWS CLI v2 would get them, for tools that want keys.

botocore resolves the chain (SSO GetRoleCredentials, STS role chains with ``mfa_serial``,
static keys, ``credential_process``, web identity) with the CLI's cache directory as its cache,
so asso and the CLI reuse each other's role credentials (see asso.aws.rolecreds). Cached
credentials with more than ten minutes left are answered without importing botocore.

One process at a time fetches a profile's credentials (an flock per cache file): fifty tools
asking at once on an expired session make one login and one GetRoleCredentials, and the others
read what the first wrote. An SSO session that ended is logged in again only when
``interactive`` (a terminal to show the browser prompt in); otherwise NotLoggedInError (exit 7).

botocore reads its settings (``AWS_CONFIG_FILE``, ``AWS_ENDPOINT_URL_*``) from the process
environment; ``env`` supplies asso's own settings.
"""

from __future__ import annotations

import os

from asso import paths
from asso.aws import rolecreds, tokens
from asso.aws.rolecreds import Credentials
from asso.digest import sha1_hex
from asso.errors import (
    AssoError,
    ConfigError,
    CredentialsError,
    LockTimeout,
    NetworkError,
    NotLoggedInError,
)
from asso.lock import FileLock
from asso.text import one_line

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from asso.aws.config import AwsConfig, ProfileInfo

__all__ = ["Credentials", "get_credentials"]

# Waiting for another process's fetch: it may be a whole browser login (ASSO_LOGIN_TIMEOUT).
_FETCH_MARGIN = 60.0

# botocore's credential ``method`` names, as asso's kinds.
_KINDS = {
    "sso": "sso",
    "assume-role": "role",
    "assume-role-with-web-identity": "web_identity",
    "shared-credentials-file": "static",
    "config-file": "static",
    "custom-process": "process",
    "container-role": "container",
    "iam-role": "instance",
    "env": "env",
}


def get_credentials(
    profile: str, *, interactive: bool, env: Mapping[str, str] = os.environ
) -> Credentials:
    """The credentials of ``profile`` (an exact name). Raises AssoError subclasses only."""
    from asso.aws.config import describe, load_config

    config = load_config(env)
    info = describe(config, profile)  # ProfileNotFoundError
    if info.error:
        raise ConfigError(f"profile {profile!r}: {info.error}")
    cached = rolecreds.cached_credentials(config, info)
    if cached is not None:
        return cached
    key = rolecreds.cache_key(config, info)
    if key is None:
        return _resolve(profile, interactive, _sts_region(config, info))
    lock = FileLock(lock_path(key))
    from asso.sso.settings import login_timeout

    try:
        lock.acquire(login_timeout(env) + _FETCH_MARGIN)
    except LockTimeout as error:
        who = f" (process {error.holder})" if error.holder else ""
        raise CredentialsError(
            f"another asso is still fetching the credentials of {profile!r}{who}; gave up waiting"
        ) from None
    with lock:
        cached = rolecreds.cached_credentials(config, info)
        if cached is not None:
            return cached  # another process fetched them while this one waited
        _ensure_session(config, info, interactive, env)
        return _resolve(profile, interactive, _sts_region(config, info))


def lock_path(key: str) -> str:
    return os.path.join(paths.user_cache_dir(), "locks", "credentials-" + sha1_hex(key) + ".lock")


def _ensure_session(
    config: AwsConfig, info: ProfileInfo, interactive: bool, env: Mapping[str, str]
) -> None:
    """Log in (or refresh) the SSO session behind ``info`` if its token cannot be used."""
    if info.sso is None or info.via_granted:
        return
    from asso.sso.login import login
    from asso.sso.settings import LoginOptions, backend_setting
    from asso.sso.target import resolve_target

    target = resolve_target(config, info.name, "get credentials from")
    state = target.status().state
    if state == tokens.VALID:
        return
    if state == tokens.REFRESHABLE:
        try:
            login(target, LoginOptions(refresh_only=True, quiet=True), env)
            return
        except NotLoggedInError:
            if not interactive:
                raise
    if not interactive:
        raise NotLoggedInError(
            f"not logged in to {target.label}: run 'asso login {info.name}' in a terminal"
        )
    login(target, LoginOptions(backend=backend_setting(env)), env)


def _resolve(profile: str, interactive: bool, sts_region: Optional[str]) -> Credentials:
    """botocore's credential chain for ``profile``, with the CLI's cache directory."""
    from asso.sso import oidc

    session_module = oidc._module("botocore.session")
    credentials_module = oidc._module("botocore.credentials")
    exceptions = oidc._module("botocore.exceptions")
    utils = oidc._module("botocore.utils")
    cache_dir = paths.cli_cache_dir()
    try:
        os.makedirs(cache_dir, mode=0o700, exist_ok=True)
    except OSError as error:
        raise CredentialsError(f"cannot create {cache_dir}: {error.strerror}") from None
    try:
        session = session_module.Session(profile=profile)
        region = session.get_config_variable("region") or sts_region
        resolver = credentials_module.create_credential_resolver(
            session, cache=utils.JSONFileCache(cache_dir), region_name=region
        )
        if not interactive:
            assume_role = resolver.get_provider("assume-role")
            assume_role._prompter = _no_prompt  # mfa_serial without a terminal: fail, not hang
        session.register_component("credential_provider", resolver)
        found = session.get_credentials()
        if found is None:
            raise ConfigError(f"profile {profile!r} has no credentials")
        frozen = found.get_frozen_credentials()
    except AssoError:
        raise
    except _MfaNeeded:
        raise NotLoggedInError(
            f"profile {profile!r} needs an MFA code (mfa_serial): run it in a terminal"
        ) from None
    except (
        exceptions.UnauthorizedSSOTokenError,
        exceptions.SSOTokenLoadError,
        exceptions.TokenRetrievalError,
    ):
        raise NotLoggedInError(
            f"the SSO session of profile {profile!r} has ended: run 'asso login {profile}'"
        ) from None
    except exceptions.ClientError as error:
        raise _client_error(profile, error) from None
    except (exceptions.ConnectTimeoutError, exceptions.EndpointConnectionError) as error:
        raise NetworkError(f"cannot get the credentials of {profile!r}: {_line(error)}") from None
    except exceptions.ReadTimeoutError:
        raise NetworkError(f"no answer in time for the credentials of {profile!r}") from None
    except (
        exceptions.ConfigParseError,
        exceptions.InvalidConfigError,
        exceptions.PartialCredentialsError,
        exceptions.ProfileNotFound,
    ) as error:
        raise ConfigError(f"profile {profile!r}: {_line(error)}") from None
    except exceptions.CredentialRetrievalError as error:
        raise CredentialsError(f"profile {profile!r}: {_line(error)}") from None
    except exceptions.BotoCoreError as error:
        raise CredentialsError(
            f"cannot get the credentials of {profile!r}: {_line(error)}"
        ) from None
    expiry = getattr(found, "_expiry_time", None)
    expiration = expiry.timestamp() if expiry is not None else None
    method = str(getattr(found, "method", "") or "")
    creds = Credentials(
        frozen.access_key,
        frozen.secret_key,
        frozen.token or None,
        expiration,
        _KINDS.get(method, method or "unknown"),
    )
    if not rolecreds.well_formed(creds):
        raise CredentialsError(f"the credentials received for {profile!r} are malformed; not used")
    return creds


def _sts_region(config: AwsConfig, info: ProfileInfo) -> Optional[str]:
    """A region for STS when the profile has none: the first one along its role chain.
    (botocore alone stops at "You must specify a region" for such a chain.)"""
    from asso.aws.config import text

    for name in info.chain:
        region = text(config.profiles[name], "region")
        if region:
            return region
    return None


class _MfaNeeded(Exception):
    pass


def _no_prompt(prompt: str) -> str:
    raise _MfaNeeded()


def _line(error: BaseException) -> str:
    return one_line(error, replacement=" ")


def _client_error(profile: str, error: Any) -> AssoError:
    response = error.response if isinstance(error.response, dict) else {}
    details = response.get("Error", {})
    code = str(details.get("Code", "") or "")
    status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    message = one_line(details.get("Message", "") or "", replacement=" ")
    said = f": {message}" if message and message != code else ""
    if isinstance(status, int) and (status >= 500 or status == 429):
        return NetworkError(f"AWS failed to answer for {profile!r} (HTTP {status}{said})")
    if code in ("UnauthorizedException", "ExpiredToken", "ExpiredTokenException"):
        return NotLoggedInError(f"the session behind profile {profile!r} has ended ({code})")
    return CredentialsError(f"AWS refused the credentials of {profile!r} ({code or status}{said})")
