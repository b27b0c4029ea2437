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
import sys
import time

from . import log, oidc, paths, tokens
from .digest import sha1_hex
from .errors import (
    AssoError,
    ConfigError,
    LoginError,
    NetworkError,
    NotLoggedInError,
    UsageError,
)
from .fsutil import remove_stale_partials
from .lock import FileLock, LockTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any, Optional

    from .config import AwsConfig, SsoSession

BACKENDS = ("auto", "native", "cli")
DEFAULT_TIMEOUT = 600.0
DEFAULT_HTTP_TIMEOUT = 15.0
REFRESH_LOCK_WAIT = 5.0  # --refresh-only does not queue behind an interactive login
REFRESH_ONLY_TIMEOUT = 15.0
LOGOUT_LOCK_WAIT = 10.0
MIN_CLI_VERSION_SSO_SESSION = (2, 9)
MIN_CLI_VERSION_DEVICE_FLAG = (2, 22)


# -- what to log in to -----------------------------------------------------------------------


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
    from .config import describe

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
    from .config import SsoSession, suggest, text

    values = config.sso_sessions.get(name)
    if values is None:
        close = suggest(name, config.sso_sessions)
        hint = f" (did you mean: {', '.join(close)}?)" if close else ""
        raise ConfigError(f'The specified sso-session does not exist: "{name}"{hint}')
    start_url, region = text(values, "sso_start_url"), text(values, "sso_region")
    missing = [
        key for key, value in (("sso_start_url", start_url), ("sso_region", region)) if not value
    ]
    if missing or start_url is None or region is None:
        raise ConfigError(f"sso-session {name!r} is missing {', '.join(missing)}")
    session = SsoSession(start_url, region, name, text(values, "sso_registration_scopes"))
    label = f"sso-session {name}"
    return Target(label, label, session)


# -- settings --------------------------------------------------------------------------------


def _seconds_setting(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise UsageError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def login_timeout(env: Mapping[str, str] = os.environ) -> float:
    return _seconds_setting(env, "ASSO_LOGIN_TIMEOUT", DEFAULT_TIMEOUT)


def http_settings(env: Mapping[str, str] = os.environ) -> oidc.HttpSettings:
    read = _seconds_setting(env, "ASSO_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT)
    return oidc.HttpSettings(connect_timeout=min(10.0, read), read_timeout=read, attempts=3)


class LoginOptions:
    __slots__ = ("backend", "force", "no_browser", "quiet", "refresh_only", "use_device_code")

    def __init__(
        self,
        *,
        force: bool = False,
        no_browser: bool = False,
        use_device_code: bool = False,
        refresh_only: bool = False,
        backend: str = "auto",
        quiet: bool = False,
    ) -> None:
        self.force = force
        self.no_browser = no_browser
        self.use_device_code = use_device_code
        self.refresh_only = refresh_only
        self.backend = backend
        self.quiet = quiet


def backend_setting(env: Mapping[str, str] = os.environ) -> str:
    value = env.get("ASSO_LOGIN_BACKEND", "").strip().lower() or "auto"
    if value not in BACKENDS:
        raise UsageError(f"ASSO_LOGIN_BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value


# -- messages --------------------------------------------------------------------------------


def _say(text: str) -> None:
    sys.stderr.write(text if text.endswith("\n") else text + "\n")
    sys.stderr.flush()


# -- the browser -----------------------------------------------------------------------------


def is_wsl(
    env: Mapping[str, str] = os.environ, osrelease: str = "/proc/sys/kernel/osrelease"
) -> bool:
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        return True
    try:
        with open(osrelease, encoding="ascii", errors="replace") as handle:
            return "microsoft" in handle.read().lower()
    except OSError:
        return False


def _has_display(env: Mapping[str, str]) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _in_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def loopback_browser_possible(
    env: Mapping[str, str] = os.environ, platform: str = sys.platform, wsl: Optional[bool] = None
) -> bool:
    """Whether a browser on this machine can reach a 127.0.0.1 listener here (PKCE works).

    No on WSL (the browser runs on Windows), in an SSH session without a display, and on Linux
    without DISPLAY/WAYLAND_DISPLAY, unless $BROWSER names a browser for this machine.
    """
    if is_wsl(env) if wsl is None else wsl:
        return False
    if _in_ssh(env) and not _has_display(env):
        return False
    if env.get("BROWSER", "").strip():
        return True
    if platform == "darwin" or platform.startswith("win"):
        return True
    return _has_display(env)


def browser_commands(
    url: str, env: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> list[list[str]]:
    """The commands that may open ``url``, best first: $BROWSER, then the platform's opener."""
    import shlex
    import shutil

    search = env.get("PATH", os.defpath)
    commands: list[list[str]] = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            argv = shlex.split(entry)
        except ValueError:
            continue
        if not argv or not shutil.which(argv[0], path=search):
            continue
        if any("%s" in arg for arg in argv[1:]):
            argv = [argv[0]] + [arg.replace("%s", url) for arg in argv[1:]]
        else:
            argv.append(url)
        commands.append(argv)
    candidates: list[list[str]] = []
    if is_wsl(env):
        candidates = [["wslview", url]]
    elif platform == "darwin":
        if not (_in_ssh(env) and not _has_display(env)):
            candidates = [["open", url]]
    elif _has_display(env):
        candidates = [
            ["xdg-open", url],
            ["gio", "open", url],
            ["sensible-browser", url],
            ["x-www-browser", url],
        ]
    commands += [argv for argv in candidates if shutil.which(argv[0], path=search)]
    return commands


def open_browser(url: str, env: Mapping[str, str] = os.environ) -> bool:
    """Start a browser on ``url`` and return at once; False when none could be started.

    The one place a login opens a browser. It never waits for the browser (``webbrowser``'s
    generic $BROWSER handler does, and a console browser would take the terminal): the process
    starts in its own session, detached from the terminal, its output discarded.
    """
    import subprocess

    for argv in browser_commands(url, env):
        try:
            subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                close_fds=True,
                env=dict(env),
            )
        except OSError:
            continue
        return True
    return False


# -- locking ---------------------------------------------------------------------------------


def lock_path(target: Target) -> str:
    """The session's lock file: in asso's cache dir, named after the token file it guards."""
    return os.path.join(paths.user_cache_dir(), "locks", sha1_hex(target.path) + ".lock")


def _fingerprint(path: str) -> Optional[tuple[int, int, int]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


# -- login -----------------------------------------------------------------------------------


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
            _say(f"asso: another login of {target.label} is running{who}; waiting for it")

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
                rejected_registration = isinstance(error, oidc.InvalidClientError)
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
        from . import directory

        directory.refresh_in_background(target.session, only_if_stale=outcome.action != "logged-in")
    except Exception as error:  # a convenience: nothing to fail the login for
        log.verbose(f"cannot start the account directory refresh: {error}")


def _report(
    target: Target, options: LoginOptions, action: str, expires_at: Optional[float]
) -> None:
    if options.quiet:
        return
    left = tokens.format_left(expires_at - time.time()) if expires_at is not None else "unknown"
    if action == "valid":
        hint = "" if options.refresh_only else " (--force logs in again)"
        _say(f"asso: already logged in to {target.label}, {left} left{hint}")
    elif action == "shared":
        _say(f"asso: logged in to {target.label} by the other login, {left} left")
    elif action == "refreshed":
        _say(f"asso: refreshed the token of {target.label}, {left} left")
    else:
        _say(f"asso: logged in to {target.label}, {left} left")


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


# -- native flows ----------------------------------------------------------------------------


def native_login(
    target: Target,
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    *,
    new_registration: bool = False,
) -> dict[str, Any]:
    """A new token by PKCE or device code, written to the cache; returns it."""
    session = target.session
    scopes = oidc.parse_scopes(session.scopes)
    use_pkce = session.name is not None and not options.use_device_code
    if use_pkce and not loopback_browser_possible(env):
        use_pkce = False
        if not options.quiet:
            _say("asso: no local browser can complete a sign-in here: using a device code")
    client = oidc.create_client(
        "sso-oidc",
        session.region,
        http_settings(env),
        profile=target.sso_profile,
        deadline=deadline,
    )
    if use_pkce:
        response, registration = _pkce_flow(
            target, client, scopes, options, env, deadline, new_registration
        )
    else:
        response, registration = _device_flow(
            target, client, scopes, options, env, deadline, new_registration
        )
    token = oidc.make_token(session.start_url, session.region, response, registration)
    tokens.write_token(target.path, token)
    return token


def _registration(
    target: Target, client: Any, scopes: Optional[list[str]], *, auth_code: bool, force: bool
) -> dict[str, Any]:
    return oidc.registration_for(
        client,
        start_url=target.session.start_url,
        region=target.session.region,
        session_name=target.session.name,
        scopes=scopes,
        auth_code=auth_code,
        force=force,
    )


def _device_flow(
    target: Target,
    client: Any,
    scopes: Optional[list[str]],
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    new_registration: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    registration = _registration(target, client, scopes, auth_code=False, force=new_registration)
    try:
        authorization = oidc.start_device_authorization(
            client, registration, target.session.start_url
        )
    except oidc.InvalidClientError:
        # Expired or deleted on the server before its time: register again, once.
        registration = _registration(target, client, scopes, auth_code=False, force=True)
        authorization = oidc.start_device_authorization(
            client, registration, target.session.start_url
        )

    def show() -> None:
        auth = authorization
        opened = False
        if not options.no_browser:
            _say(
                "Attempting to automatically open the SSO authorization page in your default "
                "browser.\nIf the browser does not open or you wish to use a different device "
                "to authorize this request, open the following URL:\n\n"
                f"{auth.verification_uri}\n\nThen enter the code:\n\n{auth.user_code}\n"
            )
            opened = open_browser(auth.verification_uri_complete, env)
            if not opened:
                _say("(No browser could be started here: open the URL on any device.)\n")
        else:
            _say(
                "Browser will not be automatically opened.\nPlease visit the following URL:\n\n"
                f"{auth.verification_uri}\n\nThen enter the code:\n\n{auth.user_code}\n\n"
                "Alternatively, you may visit the following URL which will autofill the code "
                f"upon loading:\n{auth.verification_uri_complete}\n"
            )

    response = oidc.poll_device_token(
        client, registration, authorization, deadline, on_pending=show
    )
    return response, registration


def _pkce_flow(
    target: Target,
    client: Any,
    scopes: Optional[list[str]],
    options: LoginOptions,
    env: Mapping[str, str],
    deadline: oidc.Deadline,
    new_registration: bool,
) -> tuple[dict[str, Any], dict[str, Any]]:
    import uuid

    registration = _registration(target, client, scopes, auth_code=True, force=new_registration)
    verifier, challenge = oidc.pkce_pair()
    state = str(uuid.uuid4())
    with oidc.CallbackServer() as server:
        redirect_uri = server.redirect_uri
        url = oidc.authorization_url(
            oidc.endpoint_of(client),
            client_id=registration["clientId"],
            redirect_uri=redirect_uri,
            state=state,
            challenge=challenge,
            scopes=scopes,
        )
        if options.no_browser:
            _say(
                "Browser will not be automatically opened.\n"
                f"Please visit the following URL:\n\n{url}\n"
            )
        else:
            _say(
                "Attempting to automatically open the SSO authorization page in your default "
                "browser.\nIf the browser does not open, open the following URL on this "
                f"machine:\n\n{url}\n"
            )
            if not open_browser(url, env):
                _say(
                    "(No browser could be started: open the URL yourself, "
                    "or use --use-device-code.)\n"
                )
        code = server.wait(deadline, state)
    response = oidc.exchange_code(client, registration, code, verifier, redirect_uri)
    return response, registration


def refresh(target: Target, env: Mapping[str, str], deadline: oidc.Deadline) -> Optional[float]:
    """Refresh the token with its refresh token, as botocore does; returns the new expiry."""
    data, _ = tokens.read_token(target.path)
    if data is None:
        raise NotLoggedInError(f"no token for {target.label}")
    session = target.session
    client = oidc.create_client(
        "sso-oidc",
        session.region,
        http_settings(env),
        profile=target.sso_profile,
        deadline=deadline,
    )
    response = oidc.refresh_token(client, data)
    registration = {
        "clientId": data["clientId"],
        "clientSecret": data["clientSecret"],
        "expiresAt": data.get("registrationExpiresAt"),
    }
    token = oidc.make_token(session.start_url, session.region, response, registration)
    if "refreshToken" not in token and isinstance(data.get("refreshToken"), str):
        token["refreshToken"] = data["refreshToken"]  # not rotated: the old one still serves
    tokens.write_token(target.path, token)
    return tokens.parse_time(token["expiresAt"])


# -- the AWS CLI v2 backend ------------------------------------------------------------------


def aws_cli_version(
    env: Mapping[str, str] = os.environ,
) -> tuple[Optional[tuple[int, int, int]], str]:
    """The version ``aws --version`` reports (CLI v1 and v2 both answer), and its first word."""
    import re
    import shutil
    import subprocess

    aws = shutil.which("aws", path=env.get("PATH", os.defpath))
    if aws is None:
        return None, "no `aws` command on PATH"
    try:
        proc = subprocess.run(
            [aws, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
            env=dict(env),
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, f"`aws --version` failed ({type(error).__name__})"
    text = (proc.stdout.strip() or proc.stderr.strip()).split()
    word = text[0] if text else ""
    match = re.match(r"aws-cli/(\d+)\.(\d+)\.(\d+)", word)
    if match is None:
        return None, f"`aws --version` said {word!r}" if word else "`aws --version` said nothing"
    major, minor, patch = (int(g) for g in match.groups())
    return (major, minor, patch), word


def cli_login(
    target: Target, options: LoginOptions, env: Mapping[str, str], deadline: oidc.Deadline
) -> Optional[float]:
    """``aws sso login`` of AWS CLI v2, bounded by the deadline; returns the new expiry."""
    import shutil
    import subprocess

    version, word = aws_cli_version(env)
    if version is None or version[0] != 2:
        found = word if version is None else f"`aws` is {word} (v{version[0]})"
        raise LoginError(
            "ASSO_LOGIN_BACKEND=cli needs AWS CLI v2 for `aws sso login`, but "
            + found
            + "; use ASSO_LOGIN_BACKEND=native (or auto)"
        )
    aws = shutil.which("aws", path=env.get("PATH", os.defpath)) or "aws"
    argv = [aws, "sso", "login"]
    if target.session.name is not None and version >= MIN_CLI_VERSION_SSO_SESSION:
        argv += ["--sso-session", target.session.name]
    else:
        argv += ["--profile", target.sso_profile]
    if options.no_browser:
        argv.append("--no-browser")
    if options.use_device_code and version >= MIN_CLI_VERSION_DEVICE_FLAG:
        argv.append("--use-device-code")
    child_env = dict(env)
    child_env["AWS_PROFILE"] = target.sso_profile
    child_env.pop("AWS_DEFAULT_PROFILE", None)
    # The CLI talks on stdout; asso keeps stdout for results: its words go to stderr.
    sys.stderr.flush()
    process = subprocess.Popen(argv, stdout=2, env=child_env)
    try:
        code = process.wait(timeout=max(0.1, deadline.remaining()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise LoginError(f"`aws sso login` did not finish within {deadline.seconds:g}s") from None
    except KeyboardInterrupt:
        # The terminal's Ctrl-C reached the CLI too; give it a moment to end by itself.
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        raise
    if code != 0:
        raise LoginError(f"`aws sso login` failed (exit status {code})")
    status = target.status()
    if status.state not in (tokens.VALID, tokens.REFRESHABLE):
        raise LoginError(f"`aws sso login` succeeded but left no valid token in {target.path}")
    return status.expires_at


# -- logout ----------------------------------------------------------------------------------


def role_credential_key(account_id: str, role_name: str, session: SsoSession) -> str:
    """The CLI's cache name for a profile's role credentials (botocore SSOCredentialFetcher)."""
    import json

    args = {"roleName": role_name, "accountId": account_id}
    if session.name:
        args["sessionName"] = session.name
    else:
        args["startUrl"] = session.start_url
    return sha1_hex(json.dumps(args, sort_keys=True, separators=(",", ":")))


def session_role_credential_files(config: AwsConfig, session: SsoSession) -> list[str]:
    """The CLI's role-credential cache files of every profile of ``session`` that exist."""
    from .config import describe

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
        key = role_credential_key(info.account_id, info.role, info.sso)
        path = os.path.join(paths.cli_cache_dir(), key + ".json")
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
        _say(f"asso: logged out of {target.label}{extra}")
    else:
        _say(f"asso: not logged in to {target.label}{extra}")
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
        if isinstance(region, str) and region and isinstance(access_token, str):
            if region not in clients:
                clients[region] = oidc.create_client("sso", region, http_settings(env))
            failure = oidc.portal_logout(clients[region], access_token)
            if failure is not None:
                failures.append(failure)
        if _remove(path):
            sessions += 1
    credentials = 0
    for path in _files(paths.cli_cache_dir()):
        if _provider_type(path) == "sso" and _remove(path):
            credentials += 1
    _say(
        f"asso: logged out of {sessions} SSO session(s)"
        + (f", removed {credentials} cached role credential(s)" if credentials else "")
    )
    if failures:
        raise NetworkError(
            f"removed the tokens locally, but could not revoke {len(failures)} on the server: "
            f"{failures[0]}"
        )
    return 0


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
