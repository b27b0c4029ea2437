"""The command table: every subcommand (name, module, help), how words route to one, the parser.

``asso.cli.main`` runs what this builds; ``asso.cli.commands`` (``asso _commands``) lists it for
completion; the shells' own command words are generated from it. It imports no command module
until that command runs or its arguments are needed.
"""

from __future__ import annotations

import sys

from asso import __version__
from asso.cli.names import (
    CONSOLE_COMMAND,
    DOCTOR_COMMAND,
    EXPORT_COMMAND,
    LOGIN_COMMAND,
    LOGOUT_COMMAND,
    PROFILES_COMMAND,
    REGIONS_COMMAND,
)
from asso.errors import AssoError, CancelledError, UsageError

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, Callable, Optional

    Handler = Callable[[argparse.Namespace], int]


# name, module (under asso.cli), help. Python owns this list: the shells pass every word to
# the helper, and a first word that is no command is a profile to log in to (`asso PROFILE`).
# Modules are imported only when their command runs or when its arguments are needed, so e.g.
# boto3 never loads for `asso resolve`.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("resolve", "resolve", "show what the active (or given) profile resolves to"),
    (PROFILES_COMMAND, "profiles", "list every profile with its account, role and token"),
    (REGIONS_COMMAND, "regions", "list the regions botocore knows"),
    (LOGIN_COMMAND, "login", "log in to the SSO session of a profile (once per session)"),
    (LOGOUT_COMMAND, "logout", "log out of a profile's SSO session, or of all (--all)"),
    ("status", "status", "show every SSO session and its token state"),
    ("populate", "populate", "generate profiles for every account and role of a session"),
    (CONSOLE_COMMAND, "console", "open the AWS web console as a profile's role, in the browser"),
    ("demo", "demo", "try asso in a subshell against a local Identity Center emulator"),
    (DOCTOR_COMMAND, "doctor", "check the installation and configuration"),
    ("init", "init", "print the rc file line that loads the plugin: asso init zsh|bash"),
    (
        EXPORT_COMMAND,
        "export",
        "print a profile's credentials (the AWS CLI's export-credentials formats)",
    ),
    ("exec", "execute", "run a command with a profile's credentials in its environment"),
    ("credential-process", "credential_process", "the credential_process protocol for a profile"),
    ("serve", "serve", "serve a profile's credentials to containers (the ECS endpoint shape)"),
)
HELP_COMMAND = ("help", "show the help of asso or of one command")
COMMAND_NAMES = frozenset([name for name, _, _ in COMMANDS] + [HELP_COMMAND[0]])
#: The command a bare profile name (or nothing) runs.
DEFAULT_COMMAND = LOGIN_COMMAND
#: Commands whose positional argument is a profile (completion offers profile names).
PROFILE_COMMANDS = (LOGIN_COMMAND, LOGOUT_COMMAND, CONSOLE_COMMAND)
#: Commands whose first argument only is a profile (what follows is theirs).
PROFILE_FIRST_COMMANDS = (EXPORT_COMMAND, "exec", "serve")
#: What `asp PROFILE ACTION` runs on the profile.
ASP_ACTIONS = PROFILE_COMMANDS[:2]
#: Commands the shell runs itself first, to hand over what only it knows (its hooks, version).
SHELL_CONTEXT_COMMANDS = (DOCTOR_COMMAND,)


def route(argv: Sequence[str]) -> list[str]:
    """``asso WORDS...`` as the helper runs it: a first word that is not a command (nor an
    option, nor a private ``_`` word) is a profile, and nothing at all logs in."""
    if not argv:
        return [DEFAULT_COMMAND]
    first = argv[0]
    if first in COMMAND_NAMES or first.startswith(("-", "_")):
        return list(argv)
    return [DEFAULT_COMMAND, *argv]


def _load_command_module(module_name: str) -> Any:
    import importlib

    try:
        return importlib.import_module(f"asso.cli.{module_name}")
    except ModuleNotFoundError as error:
        if error.name != f"asso.cli.{module_name}":
            raise
        return None


def _add_module_arguments(
    parser: argparse.ArgumentParser, module_name: str, selected: bool
) -> None:
    # Only the command being run needs its arguments: skip imports for the others.
    import argparse

    module = _load_command_module(module_name) if selected else None
    if module is not None:
        module.add_arguments(parser)
    else:
        parser.add_argument("rest", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)


def _run_module(module_name: str) -> Handler:
    def handler(args: argparse.Namespace) -> int:
        module = _load_command_module(module_name)
        if module is None:
            raise AssoError(f"'asso {module_name}' is not available in this version")
        try:
            return int(module.run(args))
        except KeyboardInterrupt:
            # The one Ctrl-C handler: one line (the module may say more), exit 130.
            message = getattr(module, "CANCELLED", f"{module_name} cancelled")
            raise CancelledError(message) from None

    return handler


def build_parser(selected: Optional[str] = None) -> argparse.ArgumentParser:
    """The parser; ``selected`` is the command about to run, whose module adds its arguments."""
    import argparse

    parser = argparse.ArgumentParser(
        prog="asso",
        description="AWS profiles and IAM Identity Center (SSO) sessions for zsh and bash.",
    )
    parser.add_argument("--version", action="version", version=f"asso {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: Optional[str]) -> argparse.ArgumentParser:
        kwargs: dict[str, Any] = {"help": help_text} if help_text else {}
        p = sub.add_parser(name, description=help_text, **kwargs)
        p.set_defaults(handler=handler)
        return p

    # Commands with modules of their own: each module has add_arguments(parser) and run(args).
    for name, module_name, help_text in COMMANDS:
        p = command(name, _run_module(module_name), help_text)
        _add_module_arguments(p, module_name, name == selected)
    p = command(HELP_COMMAND[0], _help, HELP_COMMAND[1])
    p.add_argument("topic", nargs="?", metavar="COMMAND", help="the command to explain")
    return parser


def _help(args: argparse.Namespace) -> int:
    """``asso help [COMMAND]``: the help on stdout (it is the result asked for)."""
    topic = args.topic
    if topic is not None and topic not in COMMAND_NAMES:
        names = ", ".join(sorted(COMMAND_NAMES))
        raise UsageError(f"help: no command {topic!r} (commands: {names})")
    parser = build_parser(topic)
    if topic is None:
        parser.print_help(sys.stdout)
        return 0
    parser.parse_args([topic, "--help"])  # prints and exits 0 (SystemExit)
    return 0
