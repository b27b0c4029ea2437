"""``asso logout``: one session (Logout API, token, cached role credentials) or all."""

from __future__ import annotations

import os
import re

from asso import log, paths
from asso.aws import rolecreds, tokens
from asso.errors import (
    AssoError,
    LockTimeout,
    LoginError,
    NetworkError,
)
from asso.lock import FileLock
from asso.sso import oidc
from asso.sso.settings import http_settings
from asso.sso.target import Target, lock_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from asso.aws.config import AwsConfig, SsoSession

LOGOUT_LOCK_WAIT = 10.0


def session_role_credential_files(config: AwsConfig, session: SsoSession) -> list[str]:
    """The CLI's role-credential cache files of every profile of ``session`` that exist."""
    from asso.aws.config import describe

    found: list[str] = []
    for name in config.profiles:
        try:
            info = describe(config, name)
        except AssoError:
            continue
        if info.kind != "sso" or info.sso is None or info.sso.cache_key != session.cache_key:
            continue
        if not info.account_id or not info.role:
            continue
        path = rolecreds.cache_path(rolecreds.sso_key(info.account_id, info.role, info.sso))
        if path not in found and _provider_type(path) == "sso":
            found.append(path)
    return found


def _provider_type(path: str) -> Optional[str]:
    data, _ = tokens.read_token(path)
    if data is None:
        return None
    value = data.get("ProviderType")
    return value if isinstance(value, str) else None


def _remove(path: str) -> bool:
    try:
        os.unlink(path)
    except FileNotFoundError:
        return False
    return True


def logout(config: AwsConfig, target: Target, env: Mapping[str, str] = os.environ) -> int:
    """Log out of one session: Logout API, then its token file and its cached role credentials."""
    lock = FileLock(lock_path(target))
    try:
        lock.acquire(LOGOUT_LOCK_WAIT)
    except LockTimeout:
        raise LoginError(f"a login of {target.label} is running; try again when it ends") from None
    with lock:
        data, _ = tokens.read_token(target.path)
        failure: Optional[AssoError] = None
        access_token = data.get("accessToken") if data is not None else None
        if isinstance(access_token, str) and access_token:
            client = oidc.create_client(
                "sso", target.session.region, http_settings(env), profile=target.sso_profile
            )
            failure = oidc.portal_logout(client, access_token)
        removed_token = _remove(target.path)
        removed = [p for p in session_role_credential_files(config, target.session) if _remove(p)]
    extra = f"; removed {len(removed)} cached role credential(s)" if removed else ""
    if removed_token:
        log.info(f"asso: logged out of {target.label}{extra}")
    else:
        log.info(f"asso: not logged in to {target.label}{extra}")
    if failure is not None:
        raise NetworkError(
            f"removed the token locally, but could not revoke it on the server: {failure}"
        )
    return 0


def logout_all(env: Mapping[str, str] = os.environ) -> int:
    """What ``aws sso logout`` does: every cached SSO token (Logout API, then deleted), and the
    CLI's cached SSO role credentials."""
    failures: list[AssoError] = []
    clients: dict[str, Any] = {}
    sessions = 0
    sso_dir = paths.sso_cache_dir()
    for path in _files(sso_dir):
        data, _ = tokens.read_token(path)
        if data is None or "accessToken" not in data:
            continue
        region = data.get("region")
        access_token = data.get("accessToken")
        # Revoke what can be revoked; whatever happens, the file is deleted after.
        if isinstance(region, str) and _REGION.fullmatch(region) and isinstance(access_token, str):
            try:
                if region not in clients:
                    clients[region] = oidc.create_client("sso", region, http_settings(env))
                failure = oidc.portal_logout(clients[region], access_token)
            except AssoError as error:
                failure = error
            if failure is not None:
                failures.append(failure)
        try:
            if _remove(path):
                sessions += 1
        except OSError as error:
            failures.append(AssoError(f"cannot delete {path}: {error.strerror}"))
    credentials = 0
    for path in _files(paths.cli_cache_dir()):
        try:
            if _provider_type(path) == "sso" and _remove(path):
                credentials += 1
        except OSError as error:
            failures.append(AssoError(f"cannot delete {path}: {error.strerror}"))
    log.info(
        f"asso: logged out of {sessions} SSO session(s)"
        + (f", removed {credentials} cached role credential(s)" if credentials else "")
    )
    if failures:
        raise NetworkError(
            f"removed the tokens locally, but {len(failures)} could not be revoked or deleted: "
            f"{failures[0]}"
        )
    return 0


_REGION = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _files(directory: str) -> list[str]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [
        os.path.join(directory, name)
        for name in names
        if not name.endswith(".partial") and os.path.isfile(os.path.join(directory, name))
    ]
