"""``asso login`` and ``asso logout``: one IAM Identity Center login per SSO session.

Which session: the profile's own (``sso_session`` or legacy ``sso_start_url``); a role profile
logs in for the SSO profile at the end of its ``source_profile`` chain. The token goes to
``~/.aws/sso/cache/<sha1>.json`` in the AWS CLI's format, atomically, mode 0600, so botocore,
boto3 and the CLI use it as their own.

Backends, chosen with ``ASSO_LOGIN_BACKEND``:

``auto`` (the default)
    The native backend. The AWS CLI v2 is used only when botocore cannot be imported (a broken
    install), and then only if ``aws --version`` says ``aws-cli/2.``. ``auto`` never starts
    ``aws`` when the native backend works: it needs nothing but python3 and this package, is
    faster (no second Python start), and gives the same files the CLI writes.
``native``
    botocore's sso-oidc client: PKCE (authorization code, loopback callback on 127.0.0.1) for
    sso-session profiles, as the CLI does since 2.22; the device code flow for legacy profiles,
    with ``--use-device-code``, and wherever no local browser can come back to 127.0.0.1: WSL,
    SSH sessions without a display, Linux without DISPLAY/WAYLAND_DISPLAY.
``cli``
    ``aws sso login`` of AWS CLI v2 (``--sso-session NAME``, else ``--profile P``), with asso's
    lock, deadline and checks around it. Fails clearly when ``aws`` is missing or is CLI v1.

Either way: a valid token means nothing to do (unless ``--force``); a token inside botocore's
15-minute refresh window is refreshed silently with its refresh token instead of opening a
browser; concurrent logins of one session wait for the first (an flock), then use its token.

Time limits: ``ASSO_LOGIN_TIMEOUT`` (seconds, default 600) bounds the whole login: waiting for
another login, for the browser callback, for the device approval. ``ASSO_HTTP_TIMEOUT``
(seconds, default 15) bounds each HTTP read; each call is tried at most 3 times.
"""

from __future__ import annotations

import os
import time

from asso import log, text
from asso.aws import tokens
from asso.errors import (
    AssoError,
    InvalidClientError,
    LockTimeout,
    LoginError,
    NetworkError,
    NotLoggedInError,
)
from asso.fs import remove_stale_partials
from asso.lock import FileLock
from asso.sso import oidc
from asso.sso.awscli import aws_cli_version, cli_login
from asso.sso.flows import native_login, refresh
from asso.sso.settings import LoginOptions, login_timeout
from asso.sso.target import Target, lock_path

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


REFRESH_LOCK_WAIT = 5.0  # --refresh-only does not queue behind an interactive login
REFRESH_ONLY_TIMEOUT = 15.0


def _fingerprint(path: str) -> Optional[tuple[int, int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class LoginOutcome:
    """What a login did: ``valid`` (nothing), ``refreshed``, ``shared`` (another process logged
    in while this one waited) or ``logged-in``."""

    __slots__ = ("action", "expires_at")

    def __init__(self, action: str, expires_at: Optional[float]) -> None:
        self.action = action
        self.expires_at = expires_at


def login(
    target: Target, options: LoginOptions, env: Mapping[str, str] = os.environ
) -> LoginOutcome:
    """Make the target's token usable; raises an AssoError, leaving the old token, on failure."""
    timeout = login_timeout(env)
    # asp waits for --refresh-only in the foreground: it gets a short deadline of its own.
    deadline = oidc.Deadline(
        min(timeout, REFRESH_ONLY_TIMEOUT) if options.refresh_only else timeout
    )
    status = target.status()
    if status.state == tokens.VALID and (options.refresh_only or not options.force):
        _report(target, options, "valid", status.expires_at)
        return LoginOutcome("valid", status.expires_at)
    if options.refresh_only and status.state != tokens.REFRESHABLE:
        raise NotLoggedInError(f"the token of {target.label} cannot be refreshed ({status.state})")
    before = _fingerprint(target.path)
    lock = FileLock(lock_path(target))

    def waiting(holder: Optional[int]) -> None:
        if not options.quiet:
            who = f" (process {holder})" if holder else ""
            log.info(f"asso: another login of {target.label} is running{who}; waiting for it")

    wait = (
        min(REFRESH_LOCK_WAIT, deadline.remaining())
        if options.refresh_only
        else deadline.remaining()
    )
    try:
        waited = lock.acquire(max(0.0, wait), on_wait=waiting)
    except LockTimeout as error:
        who = f" (process {error.holder})" if error.holder else ""
        raise LoginError(
            f"another login of {target.label} is still running{who}; gave up waiting"
        ) from None
    with lock:
        remove_stale_partials(target.path)
        status = target.status()
        if (
            waited
            and status.state == tokens.VALID
            and (not options.force or _fingerprint(target.path) != before)
        ):
            _report(target, options, "shared", status.expires_at)
            return LoginOutcome("shared", status.expires_at)
        if not options.force and status.state == tokens.VALID:
            _report(target, options, "valid", status.expires_at)
            return LoginOutcome("valid", status.expires_at)
        rejected_registration = False
        if status.state == tokens.REFRESHABLE and not options.force:
            try:
                expires_at = refresh(target, env, deadline)
            except NetworkError:
                raise  # offline or failing: a browser login could not work either
            except AssoError as error:
                if options.refresh_only:
                    raise NotLoggedInError(
                        f"the token of {target.label} cannot be refreshed: {error}"
                    ) from None
                rejected_registration = isinstance(error, InvalidClientError)
                log.verbose(f"silent refresh of {target.label} failed ({error}); logging in")
            else:
                _report(target, options, "refreshed", expires_at)
                return LoginOutcome("refreshed", expires_at)
        if options.refresh_only:
            raise NotLoggedInError(f"the token of {target.label} cannot be refreshed")
        backend = choose_backend(options.backend, env)
        if backend == "cli":
            expires_at = cli_login(target, options, env, deadline)
        else:
            token = native_login(
                target, options, env, deadline, new_registration=rejected_registration
            )
            expires_at = tokens.parse_time(token["expiresAt"])
        _report(target, options, "logged-in", expires_at)
        return LoginOutcome("logged-in", expires_at)


def refresh_directory(target: Target, outcome: LoginOutcome) -> None:
    """After a login, have the account directory (names for the prompt) fetched in the
    background: directory.refresh_in_background, its contract. A new login refreshes it; a
    login that found the token valid, refreshed it or shared another's only when it is stale.
    Never fails the login."""
    try:
        from asso.sso import directory

        directory.refresh_in_background(target.session, only_if_stale=outcome.action != "logged-in")
    except Exception as error:  # a convenience: nothing to fail the login for
        log.verbose(f"cannot start the account directory refresh: {error}")


def _report(
    target: Target, options: LoginOptions, action: str, expires_at: Optional[float]
) -> None:
    if options.quiet:
        return
    left = text.time_left(expires_at - time.time()) if expires_at is not None else "unknown"
    if action == "valid":
        hint = "" if options.refresh_only else " (--force logs in again)"
        log.info(f"asso: already logged in to {target.label}, {left} left{hint}")
    elif action == "shared":
        log.info(f"asso: logged in to {target.label} by the other login, {left} left")
    elif action == "refreshed":
        log.info(f"asso: refreshed the token of {target.label}, {left} left")
    else:
        log.info(f"asso: logged in to {target.label}, {left} left")


def choose_backend(setting: str, env: Mapping[str, str] = os.environ) -> str:
    """``native`` or ``cli`` for an ASSO_LOGIN_BACKEND value (see the module docstring)."""
    if setting == "cli":
        return "cli"
    if native_available():
        return "native"
    if setting == "native":
        raise LoginError("the native login needs botocore, which cannot be imported here")
    version, _ = aws_cli_version(env)
    if version is not None and version[0] == 2:
        return "cli"
    raise LoginError(
        "cannot log in: botocore cannot be imported and no AWS CLI v2 is installed "
        "(reinstall asso with install.sh)"
    )


def native_available() -> bool:
    try:
        oidc._module("botocore.session")
    except ImportError:
        return False
    return True
