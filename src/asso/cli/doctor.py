"""``asso doctor``: check the installation and the AWS configuration, say what to fix.

Each check gives ok, warn or fail with a one-line finding and, when something is wrong, what to
do about it. The exit status is 1 when any check fails (0 with warnings only; ``--strict``
makes warnings fail too).

What only the shell knows (which shell, whether the prompt hook is installed once, whose ``asp``
is active) comes from ``ASSO_DOCTOR_*`` variables that the plugin's ``_asso_doctor`` sets for
this one command; run plainly, those checks say they were skipped.
"""

from __future__ import annotations

import os
import sys
import time
from typing import TYPE_CHECKING, Any, Optional

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping

OK, WARN, FAIL, SKIP = "ok", "warn", "fail", "skip"
# The longest an IAM Identity Center access token lasts by default; --max-session-hours moves it.
DEFAULT_MAX_SESSION_HOURS = 12.0
# Client registrations last 90 days: one that ends later was issued "in the future".
REGISTRATION_DAYS = 90
# Clock tolerance: file times and token times within this of now are not skew.
CLOCK_SLACK = 5 * 60


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--strict", action="store_true", help="exit non-zero on warnings too, not only failures"
    )
    parser.add_argument(
        "--max-session-hours",
        type=float,
        default=DEFAULT_MAX_SESSION_HOURS,
        metavar="H",
        help="a token expiring more than H hours from now means a wrong clock (default: 12)",
    )


class Check:
    __slots__ = ("details", "fix", "message", "name", "status")

    def __init__(
        self,
        name: str,
        status: str,
        message: str,
        fix: Optional[str] = None,
        details: Optional[list[str]] = None,
    ) -> None:
        self.name = name
        self.status = status
        self.message = message
        self.fix = fix
        self.details = details or []

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "message": self.message,
            "fix": self.fix,
            "details": self.details,
        }


# -- the checks --------------------------------------------------------------------------------


def check_helper(env: Mapping[str, str]) -> list[Check]:
    import platform

    from asso import __version__, paths

    me = os.path.abspath(sys.argv[0]) if sys.argv and sys.argv[0] else sys.executable
    checks = [
        Check(
            "helper",
            OK,
            f"asso {__version__} at {me} (Python {platform.python_version()}, {sys.executable})",
        )
    ]
    # What install.sh recorded, and what the plugin uses.
    recorded_file = os.path.join(paths.user_data_dir(), "helper-path")
    recorded: Optional[str] = None
    try:
        with open(recorded_file, encoding="utf-8") as handle:
            recorded = handle.readline().rstrip("\n")
    except OSError:
        pass
    if recorded is not None and not _is_executable(recorded):
        checks.append(
            Check(
                "helper-path",
                FAIL,
                f"{recorded_file} names {recorded!r}, which is not an executable file",
                "re-run ./install.sh (or delete that file and set ASSO_HELPER)",
            )
        )
    plugin_helper = env.get("ASSO_DOCTOR_HELPER")
    if plugin_helper is not None:
        if not plugin_helper:
            checks.append(
                Check(
                    "helper-path",
                    FAIL,
                    "the plugin found no helper (ASSO_HELPER is empty)",
                    "run ./install.sh, or set ASSO_HELPER to the helper's absolute path",
                )
            )
        elif not _is_executable(plugin_helper):
            checks.append(
                Check(
                    "helper-path",
                    FAIL,
                    f"the plugin's ASSO_HELPER {plugin_helper!r} is not an executable file",
                    "re-run ./install.sh, or fix ASSO_HELPER",
                )
            )
        elif not _same_file(plugin_helper, me):
            checks.append(
                Check(
                    "helper-path",
                    WARN,
                    f"the plugin uses {plugin_helper}, but this doctor is {me}",
                    "run `asso doctor` from the shell, or point ASSO_HELPER at one install",
                )
            )
        else:
            message = f"the plugin uses this helper ({plugin_helper})"
            checks.append(Check("helper-path", OK, message))
    return checks


def _is_executable(path: str) -> bool:
    return os.path.isabs(path) and os.path.isfile(path) and os.access(path, os.X_OK)


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


# Oldest versions the plugin is written for.
MIN_VERSIONS = {"zsh": (5, 1), "bash": (3, 2)}


def _version_tuple(text: str) -> tuple[int, ...]:
    parts: list[int] = []
    for piece in text.replace("(", ".").split("."):
        digits = "".join(c for c in piece if c.isdigit())
        if not digits or not piece[:1].isdigit():
            break
        parts.append(int(digits))
    return tuple(parts)


def check_shell(env: Mapping[str, str]) -> list[Check]:
    checks: list[Check] = []
    detected = "unknown"
    try:
        import shellingham  # type: ignore[import-untyped,unused-ignore]

        name, path = shellingham.detect_shell()
        detected = f"{name} ({path})"
    except Exception:  # shellingham.ShellDetectionFailure, or not installed
        pass
    login_shell = env.get("SHELL", "") or "unset"
    shell = env.get("ASSO_DOCTOR_SHELL")
    if not shell:
        checks.append(
            Check(
                "shell",
                SKIP,
                f"parent shell {detected}, $SHELL {login_shell}; the plugin's state was not "
                "passed (run `asso doctor` in a shell that loads the plugin to check it)",
            )
        )
        return checks
    version = env.get("ASSO_DOCTOR_SHELL_VERSION", "")
    minimum = MIN_VERSIONS.get(shell)
    message = f"{shell} {version} (parent {detected}, $SHELL {login_shell})"
    if minimum and _version_tuple(version)[:2] < minimum:
        need = ".".join(map(str, minimum))
        checks.append(Check("shell", FAIL, message, f"asso needs {shell} {need} or later"))
    else:
        checks.append(Check("shell", OK, message))
    plugin_dir = env.get("ASSO_DOCTOR_PLUGIN_DIR", "")
    if plugin_dir and not os.path.isdir(plugin_dir):
        message = f"the plugin's directory {plugin_dir} is gone"
        checks.append(Check("plugin", FAIL, message, "reload the shell"))
    hooks = env.get("ASSO_DOCTOR_HOOKS", "")
    hook = "precmd hook _asso_precmd" if shell == "zsh" else "PROMPT_COMMAND entry"
    if hooks == "1":
        checks.append(Check("prompt-hook", OK, f"{hook} installed once"))
    elif hooks == "0":
        checks.append(
            Check(
                "prompt-hook",
                FAIL,
                f"the {hook} is not installed: the prompt variables never update",
                "source the plugin after anything that resets "
                + ("precmd_functions" if shell == "zsh" else "PROMPT_COMMAND"),
            )
        )
    elif hooks.isdigit():
        checks.append(
            Check(
                "prompt-hook",
                FAIL,
                f"the {hook} is installed {hooks} times: every prompt does the work {hooks} times",
                "load the plugin once (check for both a plugin manager and a `source` line)",
            )
        )
    asp_source = env.get("ASSO_DOCTOR_ASP", "")
    if asp_source and asp_source != "asso":
        checks.append(
            Check(
                "asp",
                FAIL,
                f"`asp` is not asso's: it comes from {asp_source}",
                "load asso after oh-my-zsh's aws plugin, or run `_asso_reclaim` (see docs)",
            )
        )
    elif asp_source:
        checks.append(Check("asp", OK, "asp, asr and asso are asso's"))
    uses = env.get("ASSO_DOCTOR_PROMPT")
    if uses == "0":
        example = "RPROMPT='${ASSO_PROMPT}'" if shell == "zsh" else "PS1='${ASSO_PROMPT} '$PS1"
        checks.append(
            Check(
                "prompt",
                WARN,
                "the prompt does not show asso (no ASSO_PROMPT, asso_prompt_info or p10k asso)",
                f"e.g. {example}; see docs/integrations.md",
            )
        )
    elif uses:
        checks.append(Check("prompt", OK, f"the prompt shows asso ({uses})"))
    return checks


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
            problems.append(f"{name} was written {_span(mtime - now)} in the future")
        expires = tokens.parse_time(data.get("expiresAt"))
        # A client registration (botocore names it by a sha1 like a token): no accessToken.
        is_client = "accessToken" not in data and isinstance(data.get("clientId"), str)
        if expires is not None and not is_client and expires - now > limit:
            problems.append(
                f"{name} expires in {_span(expires - now)}, more than the "
                f"{max_session_hours:g} h a session lasts"
            )
        registration = tokens.parse_time(
            data.get("expiresAt") if is_client else data.get("registrationExpiresAt")
        )
        if registration is not None and registration - now > REGISTRATION_DAYS * 86400 + 86400:
            problems.append(
                f"{name}: its client registration ends in {_span(registration - now)}, "
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


def _span(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds >= 2 * 86400:
        return f"{seconds / 86400:.0f} days"
    if seconds >= 3600:
        return f"{int(seconds // 3600)}h{int(seconds % 3600 // 60):02d}m"
    return f"{int(seconds // 60)}m"


def aws_cli_versions(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every ``aws`` on PATH, first first, with the version it reports (or why not)."""
    import subprocess

    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    for directory in env.get("PATH", os.defpath).split(os.pathsep):
        path = os.path.join(directory or ".", "aws")
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            continue
        real = os.path.realpath(path)
        if real in seen:
            continue
        seen.add(real)
        try:
            result = subprocess.run(
                [path, "--version"],
                capture_output=True,
                text=True,
                timeout=15,
                env=dict(env),
                stdin=subprocess.DEVNULL,
            )
            words = (result.stdout + " " + result.stderr).split()
            version = next((w for w in words if w.startswith("aws-cli/")), "")
            found.append((path, version or f"no version (exit {result.returncode})"))
        except (OSError, subprocess.SubprocessError) as error:
            found.append((path, f"cannot run: {error}"))
    return found


def check_aws_cli(env: Mapping[str, str]) -> list[Check]:
    found = aws_cli_versions(env)
    if not found:
        return [
            Check(
                "aws-cli",
                WARN,
                "no `aws` on PATH (asso does not need it; your AWS commands do)",
                "install the AWS CLI v2: https://docs.aws.amazon.com/cli/latest/userguide/",
            )
        ]
    details = [f"{path}: {version}" for path, version in found]
    majors = [v.split("/")[1].split(".")[0] if v.startswith("aws-cli/") else "" for _, v in found]
    first = majors[0]
    if first == "1" and "2" in majors:
        return [
            Check(
                "aws-cli",
                WARN,
                f"AWS CLI v1 at {found[0][0]} comes before a v2 on PATH",
                "put the v2 first: v1 has no `aws sso login` and older v1 lacks sso-session",
                details,
            )
        ]
    if first == "1":
        return [
            Check(
                "aws-cli",
                WARN,
                f"AWS CLI v1 ({found[0][1]}): it has no `aws sso login` (asso logs in for it)",
                "install the AWS CLI v2 for full SSO support",
                details,
            )
        ]
    if first != "2":
        return [Check("aws-cli", WARN, f"`aws` at {found[0][0]}: {found[0][1]}", None, details)]
    return [Check("aws-cli", OK, f"AWS CLI {found[0][1]} at {found[0][0]}", None, details)]


def check_browser(env: Mapping[str, str]) -> list[Check]:
    """Whether `asso login` can open a browser from here (as login.py decides)."""
    try:
        from asso.sso.browser import browser_commands

        commands = browser_commands("https://example.invalid/", env)
    except (ImportError, AttributeError):  # pragma: no cover - login without these helpers
        commands = _fallback_browser_commands(env)
    if commands:
        return [Check("browser", OK, f"`asso login` opens a browser with {commands[0][0]}")]
    why = []
    if not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY")):
        why.append("no DISPLAY or WAYLAND_DISPLAY")
    if not env.get("BROWSER"):
        why.append("no BROWSER")
    return [
        Check(
            "browser",
            WARN,
            "no browser can be opened from here (" + ", ".join(why or ["no opener found"]) + ")",
            "`asso login --no-browser` prints the URL and code to open on another device; "
            "or set BROWSER",
        )
    ]


def _fallback_browser_commands(env: Mapping[str, str]) -> list[list[str]]:
    import shutil

    search = env.get("PATH", os.defpath)
    names = [env.get("BROWSER", "").split(" ")[0]] if env.get("BROWSER") else []
    if sys.platform == "darwin":
        names.append("open")
    names.append("wslview")
    if env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"):
        names.append("xdg-open")
    return [[n] for n in names if n and shutil.which(n, path=search)]


def check_state_dir() -> list[Check]:
    from asso import paths

    state = paths.user_state_dir()
    probe = state
    while probe and not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if os.access(probe or "/", os.W_OK):
        return [Check("state-dir", OK, f"{state} is writable")]
    return [
        Check(
            "state-dir",
            FAIL,
            f"{state} is not writable: the prompt cannot keep its state",
            "fix its permissions, or set ASSO_STATE_DIR",
        )
    ]


def run_checks(env: Mapping[str, str], max_session_hours: float) -> list[Check]:
    checks: list[Check] = []
    checks += check_helper(env)
    checks += check_shell(env)
    checks += check_state_dir()
    checks += check_config(env)
    checks += check_clock(max_session_hours)
    checks += check_aws_cli(env)
    checks += check_browser(env)
    return checks


# -- output ------------------------------------------------------------------------------------


def _marks(stream: Any) -> dict[str, str]:
    encoding = (getattr(stream, "encoding", "") or "").lower().replace("-", "")
    if encoding == "utf8":
        return {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}
    return {OK: "ok", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}


def format_report(checks: list[Check], colour: bool, marks: dict[str, str]) -> str:
    colours = {OK: "32", WARN: "33", FAIL: "31", SKIP: "2"}
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        mark = marks[check.status]
        if colour:
            mark = f"\x1b[{colours[check.status]}m{mark}\x1b[0m"
        lines.append(f"{mark} {check.name.ljust(width)}  {_printable(check.message)}")
        pad = " " * (len(marks[check.status]) + 1 + width + 2)
        for detail in check.details:
            lines.append(f"{pad}- {_printable(detail)}")
        if check.fix and check.status in (WARN, FAIL):
            lines.append(f"{pad}fix: {_printable(check.fix)}")
    failures = sum(c.status == FAIL for c in checks)
    warnings = sum(c.status == WARN for c in checks)
    if failures or warnings:
        summary = f"{failures} problem(s), {warnings} warning(s)."
    else:
        summary = "Everything looks right."
    return "\n".join([*lines, summary]) + "\n"


def _printable(text: str) -> str:
    return "".join("?" if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F else c for c in text)


def run(args: argparse.Namespace) -> int:
    import json

    from asso.table import use_colour

    checks = run_checks(os.environ, args.max_session_hours)
    failed = any(c.status == FAIL for c in checks) or (
        args.strict and any(c.status == WARN for c in checks)
    )
    if args.json:
        print(
            json.dumps(
                {"ok": not failed, "checks": [c.to_json() for c in checks]}, ensure_ascii=False
            )
        )
    else:
        sys.stdout.write(format_report(checks, use_colour(), _marks(sys.stdout)))
    return 1 if failed else 0
