"""Login-side checks for ``asso doctor``: the AWS CLIs on PATH and whether a browser opens."""

from __future__ import annotations

import os

from asso.checks import OK, WARN, Check
from asso.sso.awscli import probe_version

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


def aws_cli_versions(env: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every ``aws`` on PATH, first first, with the version it reports (or why not)."""
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
        found.append((path, probe_version(path, env)[1]))
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
    """Whether `asso login` can open a browser from here (as the login decides)."""
    from asso.sso.browser import browser_commands

    commands = browser_commands("https://example.invalid/", env)
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
