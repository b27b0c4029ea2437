"""Config-model checks for ``asso doctor``: the config and credentials files, and the SSO
cache's times against this clock. No network."""

from __future__ import annotations

import os
import time

from asso.checks import FAIL, OK, SKIP, WARN, Check
from asso.text import span

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

# The longest an IAM Identity Center access token lasts by default; --max-session-hours moves it.
DEFAULT_MAX_SESSION_HOURS = 12.0


# Client registrations last 90 days: one that ends later was issued "in the future".
REGISTRATION_DAYS = 90


# Clock tolerance: file times and token times within this of now are not skew.
CLOCK_SLACK = 5 * 60


def check_config(env: Mapping[str, str]) -> list[Check]:
    import stat

    from asso.aws.config import describe, load_config
    from asso.errors import AssoError

    try:
        config = load_config(env)
    except AssoError as error:
        return [
            Check(
                "config",
                FAIL,
                str(error),
                "fix the file (the AWS CLI reads it the same way), then run `asso doctor` again",
            )
        ]
    checks: list[Check] = []
    for note in config.notes:
        checks.append(Check("config", WARN, note))
    broken: list[str] = []
    for name in config.profiles:
        try:
            info = describe(config, name)
        except AssoError as error:
            broken.append(f"profile {name!r}: {error}")
            continue
        if info.error:
            broken.append(f"profile {name!r}: {info.error}")
    count = len(config.profiles)
    where = config.config_file
    if broken:
        checks.append(
            Check(
                "profiles",
                FAIL,
                f"{len(broken)} of {count} profiles in {where} cannot be used",
                "fix the settings named below (`asso resolve --profile NAME` shows one)",
                broken,
            )
        )
    elif count == 0:
        checks.append(
            Check(
                "profiles",
                WARN,
                f"no profiles in {where}",
                "add one (`aws configure sso`), or `asso populate` for an SSO session",
            )
        )
    else:
        sessions = len(config.sso_sessions)
        checks.append(
            Check("profiles", OK, f"{count} profiles, {sessions} sso-sessions in {where}")
        )
    try:
        mode = os.stat(config.credentials_file).st_mode
    except OSError:
        mode = None
    if mode is not None and mode & (stat.S_IRWXG | stat.S_IRWXO):
        checks.append(
            Check(
                "credentials",
                WARN,
                f"{config.credentials_file} is readable by others (mode {stat.S_IMODE(mode):o})",
                f"chmod 600 {config.credentials_file}",
            )
        )
    return checks


def check_clock(max_session_hours: float, now: Optional[float] = None) -> list[Check]:
    """Token times against this clock: an SSO token never lasts more than a session does."""
    import json

    from asso import paths
    from asso.aws import tokens
    from asso.fs import read_regular

    now = time.time() if now is None else now
    cache = paths.sso_cache_dir()
    try:
        names = sorted(n for n in os.listdir(cache) if n.endswith(".json"))
    except OSError:
        return [Check("clock", SKIP, f"no SSO token cache ({cache}): nothing to compare with")]
    problems: list[str] = []
    seen = 0
    limit = max_session_hours * 3600 + CLOCK_SLACK
    for name in names:
        path = os.path.join(cache, name)
        try:
            data = json.loads(read_regular(path, 1024 * 1024).decode("utf-8"))
            mtime = os.stat(path).st_mtime
        except (OSError, ValueError, UnicodeDecodeError):
            continue
        if not isinstance(data, dict):
            continue
        seen += 1
        if mtime > now + CLOCK_SLACK:
            problems.append(f"{name} was written {span(mtime - now)} in the future")
        expires = tokens.parse_time(data.get("expiresAt"))
        # A client registration (botocore names it by a sha1 like a token): no accessToken.
        is_client = "accessToken" not in data and isinstance(data.get("clientId"), str)
        if expires is not None and not is_client and expires - now > limit:
            problems.append(
                f"{name} expires in {span(expires - now)}, more than the "
                f"{max_session_hours:g} h a session lasts"
            )
        registration = tokens.parse_time(
            data.get("expiresAt") if is_client else data.get("registrationExpiresAt")
        )
        if registration is not None and registration - now > REGISTRATION_DAYS * 86400 + 86400:
            problems.append(
                f"{name}: its client registration ends in {span(registration - now)}, "
                f"more than the {REGISTRATION_DAYS} days a registration lasts: issued in the future"
            )
    if problems:
        return [
            Check(
                "clock",
                FAIL,
                f"this clock disagrees with {len(problems)} SSO cache time(s): the clock is "
                "probably behind (or was ahead when they were written)",
                "set the clock right (NTP: `timedatectl set-ntp true`), then `asso login`; "
                "if sessions really last longer, pass --max-session-hours",
                problems,
            )
        ]
    if not seen:
        return [Check("clock", SKIP, "no SSO tokens cached: nothing to compare the clock with")]
    return [Check("clock", OK, f"{seen} SSO cache file(s) agree with this clock")]
