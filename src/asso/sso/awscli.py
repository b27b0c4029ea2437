"""The AWS CLI v2 login backend: ``aws sso login`` inside asso's lock and time limit."""

from __future__ import annotations

import os
import sys

from asso.aws import tokens
from asso.errors import (
    LoginError,
)
from asso.sso import oidc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional

    from asso.sso.settings import LoginOptions
    from asso.sso.target import Target


MIN_CLI_VERSION_SSO_SESSION = (2, 9)
MIN_CLI_VERSION_DEVICE_FLAG = (2, 22)


def probe_version(
    path: str, env: Mapping[str, str] = os.environ
) -> tuple[Optional[tuple[int, int, int]], str]:
    """What ``PATH --version`` reports (CLI v1 and v2 both answer): the version, and its
    ``aws-cli/X.Y.Z`` word or why there is none."""
    import re
    import subprocess

    try:
        proc = subprocess.run(
            [path, "--version"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=15,
            env=dict(env),
        )
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"cannot run `{path} --version`: {type(error).__name__}"
    words = (proc.stdout + " " + proc.stderr).split()
    word = next((w for w in words if w.startswith("aws-cli/")), "")
    match = re.match(r"aws-cli/(\d+)\.(\d+)\.(\d+)", word)
    if match is None:
        return None, word or f"`{path} --version` said no version (exit {proc.returncode})"
    major, minor, patch = (int(g) for g in match.groups())
    return (major, minor, patch), word


def aws_cli_version(
    env: Mapping[str, str] = os.environ,
) -> tuple[Optional[tuple[int, int, int]], str]:
    """The version of the first ``aws`` on PATH, and its first word (or why there is none)."""
    import shutil

    aws = shutil.which("aws", path=env.get("PATH", os.defpath))
    if aws is None:
        return None, "no `aws` command on PATH"
    return probe_version(aws, env)


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
