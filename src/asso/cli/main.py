"""The ``asso`` command (entry point): route words to a subcommand module, map errors to exit codes.

Commands on the prompt path (resolve, profiles, regions, _shell-state) must not import boto3 or
botocore; network commands import their modules lazily.
"""

from __future__ import annotations

import os
import sys

from asso import __version__, log
from asso.errors import AssoError, CancelledError, ExitCode, UsageError
from asso.fs import file_clock_ns

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, Callable, Optional

    Handler = Callable[[argparse.Namespace], int]


_SHELL_STATE_OPTIONS = ("shell", "key", "format", "region-display", "validate", "out", "table")


def _shell_state(argv: Sequence[str], started_ns: int) -> int:
    """The plugin's protocol, parsed by hand: argparse alone would add ~10 ms to every call.

    The plugin passes every option as ``--name=value``, so values may start with ``-``.
    """
    from asso.shell.facts import REGION_MODES
    from asso.shell.state import build_state, canonical_out, write_state

    options: dict[str, str] = {}
    for arg in argv:
        name, sep, value = arg.partition("=")
        if not sep or name[2:] not in _SHELL_STATE_OPTIONS or not name.startswith("--"):
            raise UsageError(f"_shell-state: unexpected argument {arg!r}")
        options[name[2:]] = value
    shell = options.get("shell")
    if shell not in ("zsh", "bash"):
        raise UsageError("_shell-state: --shell=zsh or --shell=bash is required")
    region_mode = options.get("region-display") or REGION_MODES[0]
    if region_mode not in REGION_MODES:
        modes = ", ".join(REGION_MODES)
        log.error(f"ASSO_PROMPT_REGION must be one of {modes}; using {REGION_MODES[0]!r}")
        region_mode = REGION_MODES[0]
    validate = options.get("validate")
    records = build_state(
        os.environ,
        key=options.get("key", ""),
        shell=shell,
        fmt=options.get("format", ""),
        region_mode=region_mode,
        validate=validate,
    )
    out = options.get("out")
    table = options.get("table")
    if table:
        from asso.shell.profiletable import write_table

        write_table(
            table,
            os.environ,
            key=options.get("key", ""),
            shell=shell,
            fmt=options.get("format", ""),
            region_mode=region_mode,
            started_ns=started_ns,
            refresh=validate is not None,
        )
    if validate is None:
        write_state(out, records, started_ns)
        return 0
    # asp: NAME may have been an alias or a prefix. The state is the canonical profile's, in
    # its own file; the shell exports the name printed on stdout.
    canonical = next(value for name, value in records if name == "profile")
    if out is not None:
        out = canonical_out(out, shell, validate, canonical)
    write_state(out, records, started_ns)
    from asso.shell.recent import note_selected

    remember = os.environ.get("ASSO_REMEMBER_PROFILE", "") == "1"
    try:
        note_selected(canonical, remember=remember)
    except OSError as error:
        log.error(f"cannot remember the profile: {error.strerror}")
    if out is not None:
        os.write(1, canonical.encode("utf-8", "surrogateescape") + b"\n")
    return 0


# name, module (under asso.cli), help. Python owns this list: the shells pass every word to
# the helper, and a first word that is no command is a profile to log in to (`asso PROFILE`).
# Modules are imported only when their command runs or when its arguments are needed, so e.g.
# boto3 never loads for `asso resolve`.
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("resolve", "resolve", "show what the active (or given) profile resolves to"),
    ("profiles", "profiles", "list every profile with its account, role and token"),
    ("regions", "regions", "list the regions botocore knows"),
    ("login", "login", "log in to the SSO session of a profile (once per session)"),
    ("logout", "logout", "log out of a profile's SSO session, or of all (--all)"),
    ("status", "status", "show every SSO session and its token state"),
    ("populate", "populate", "generate profiles for every account and role of a session"),
    ("demo", "demo", "try asso in a subshell against a local Identity Center emulator"),
    ("doctor", "doctor", "check the installation and configuration"),
)
HELP_COMMAND = ("help", "show the help of asso or of one command")
COMMAND_NAMES = frozenset([name for name, _, _ in COMMANDS] + [HELP_COMMAND[0]])
#: The command a bare profile name (or nothing) runs.
DEFAULT_COMMAND = "login"
#: Commands whose positional argument is a profile (completion offers profile names).
PROFILE_COMMANDS = ("login", "logout")
#: Commands the shell runs itself first, to hand over what only it knows (its hooks, version).
SHELL_CONTEXT_COMMANDS = ("doctor",)
# Kept for the name other modules import.
EXTERNAL_COMMANDS = COMMANDS


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
    parser: argparse.ArgumentParser, module_name: str, selected: Optional[str]
) -> None:
    # Only the command being run needs its arguments: skip imports for the others.
    import argparse

    module = _load_command_module(module_name) if module_name == selected else None
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
        _add_module_arguments(p, module_name, selected)
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


def main(argv: Optional[Sequence[str]] = None) -> int:
    started_ns = file_clock_ns()  # before any input is read: the shell state's stamp
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["_shell-state"]:
            return _shell_state(argv[1:], started_ns)
        if argv == ["profiles", "--completion"]:  # every Tab: skip argparse (~10 ms)
            from asso.shell.completion import main as completion_main

            return completion_main()
        if argv[:1] == ["_commands"]:
            from asso.cli.commands import main as commands_main

            return commands_main()
        argv = route(argv)
        parser = build_parser(argv[0])
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return int(ExitCode.USAGE)
        return int(args.handler(args))
    except AssoError as error:
        log.error(str(error))
        return int(error.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # A closed pipe (``asso profiles | head``) is not an error worth a traceback.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
