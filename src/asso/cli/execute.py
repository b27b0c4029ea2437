"""``asso exec [--server] [--force] PROFILE [--] [CMD [ARGS...]]``: run CMD with a profile's
credentials.

CMD (default: ``$SHELL``) gets the keys, the profile's region unless one is already set, and
``ASSO_EXEC_PROFILE``; ``AWS_PROFILE``/``AWS_DEFAULT_PROFILE`` are removed so nothing points CMD
at another profile. asso replaces itself with CMD (``execve``): CMD's exit code is asso's and
signals reach CMD directly. With ``--server``, CMD gets a container credential endpoint instead
of keys (fresh credentials for as long as it runs); asso stays as its parent, passes signals on
and exits with CMD's code.

Keys already in the environment are refused unless ``--force``: running one profile's command
inside another's is a classic accident.
"""

from __future__ import annotations

import os

from asso.errors import UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping, Sequence
    from typing import Optional

# Variables that hand credentials to a process: present ones mean we are nested.
CREDENTIAL_VARIABLES = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
)
_REMOVED = (
    *CREDENTIAL_VARIABLES,
    "AWS_CONTAINER_AUTHORIZATION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_PROFILE",
    "AWS_DEFAULT_PROFILE",
)
_FORWARDED_SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    import argparse

    parser.add_argument(
        "--server",
        action="store_true",
        help="give CMD a container credential endpoint (refreshed) instead of keys",
    )
    parser.add_argument(
        "--force", action="store_true", help="run even when credentials are already in the env"
    )
    parser.add_argument("profile", help="the profile (a name, alias, unique prefix or substring)")
    parser.add_argument(
        "command", nargs=argparse.REMAINDER, help="the command and its arguments (default: $SHELL)"
    )


def run(args: argparse.Namespace) -> int:
    import sys

    from asso.cli.profilearg import profile_and_region
    from asso.sso.credentials import get_credentials

    command = list(args.command)
    if command[:1] == ["--"]:
        command = command[1:]
    present = [name for name in CREDENTIAL_VARIABLES if os.environ.get(name)]
    if present and not args.force:
        raise UsageError(
            f"{present[0]} is already set (asso exec inside another?); --force runs anyway"
        )
    if not command:
        command = [os.environ.get("SHELL") or "/bin/sh"]
    profile, region = profile_and_region(args.profile)
    interactive = sys.stdin.isatty()
    env = child_environment(os.environ, profile, region)
    if not args.server:
        from asso.cli.credformat import variables

        env.update(variables(get_credentials(profile, interactive=interactive)))
        return _exec(command, env)
    from asso.sso.endpoint import Endpoint, Supplier

    supplier = Supplier(lambda: get_credentials(profile, interactive=interactive))
    supplier.get()
    endpoint = Endpoint(supplier).start()
    try:
        env.update(endpoint.variables())
        return _run_child(command, env)
    finally:
        endpoint.close()


def child_environment(
    base: Mapping[str, str], profile: str, region: Optional[str]
) -> dict[str, str]:
    env = {k: v for k, v in base.items() if k not in _REMOVED}
    env["ASSO_EXEC_PROFILE"] = profile
    if region and not (base.get("AWS_REGION") or base.get("AWS_DEFAULT_REGION")):
        env["AWS_REGION"] = env["AWS_DEFAULT_REGION"] = region
    return env


def _exec(command: Sequence[str], env: Mapping[str, str]) -> int:
    import sys

    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.execvpe(command[0], list(command), dict(env))
    except FileNotFoundError:
        return _cannot_run(command[0], "command not found", 127)
    except OSError as error:
        return _cannot_run(command[0], error.strerror or "cannot run", 126)
    return 126  # not reached: execvpe returns only by raising


def _cannot_run(name: str, why: str, code: int) -> int:
    from asso import log

    log.error(f"{name}: {why}")
    return code


def _run_child(command: Sequence[str], env: Mapping[str, str]) -> int:
    """CMD as a child (asso serves its credentials meanwhile): signals passed on, its exit code
    returned (a signal's death repeated on asso itself, as a shell would report it)."""
    import signal
    import subprocess

    # Handlers first: a signal that arrives while CMD starts is passed on once it runs.
    started: list[subprocess.Popen[bytes]] = []
    pending: list[int] = []

    def forward(signum: int, frame: object) -> None:
        if not started:
            pending.append(signum)
            return
        try:
            started[0].send_signal(signum)
        except ProcessLookupError:
            pass

    for name in _FORWARDED_SIGNALS:
        signal.signal(getattr(signal, name), forward)
    try:
        child = subprocess.Popen(list(command), env=dict(env))
    except FileNotFoundError:
        return _cannot_run(command[0], "command not found", 127)
    except OSError as error:
        return _cannot_run(command[0], error.strerror or "cannot run", 126)
    started.append(child)
    for signum in pending:
        child.send_signal(signum)
    code = child.wait()
    if code < 0:
        signum = -code
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return 128 + signum
    return code
