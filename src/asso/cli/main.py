"""The ``asso`` command: parse arguments, route to a module, map errors to exit codes.

Commands on the prompt path (resolve, profiles, regions, _shell-state) must not import boto3 or
botocore; network commands import their modules lazily.
"""

from __future__ import annotations

import os
import sys

from asso import __version__, log
from asso.errors import AssoError, ExitCode, UsageError
from asso.fs import file_clock_ns

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence
    from typing import Any, Callable, Optional

    Handler = Callable[[argparse.Namespace], int]


def _cmd_resolve(args: argparse.Namespace) -> int:
    import json

    from asso.aws.config import load_config
    from asso.aws.resolve import active_profile, resolve_profile

    config = load_config()
    if args.profile == "":
        raise UsageError("--profile needs a profile name")
    if args.profile is not None:
        from asso.aws.names import resolve_name

        name = resolve_name(config, args.profile)  # exact, alias, unique prefix or substring
    else:
        name = active_profile()[0]
    res = resolve_profile(config, name)
    if res.error:
        from asso.errors import ConfigError

        raise ConfigError(f"profile {name!r}: {res.error}")
    data = res.to_json()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
    else:
        for key, value in data.items():
            print(f"{key}: {'' if value is None else value}")
    return 0


def _cmd_profiles(args: argparse.Namespace) -> int:
    import json

    from asso.aws.config import load_config
    from asso.aws.resolve import TokenStates, resolve_profile

    if args.completion:
        from asso.shell.completion import main as completion_main

        return completion_main()
    if args.picker:
        from asso.shell.picker import output

        sys.stdout.buffer.write(output())
        sys.stdout.buffer.flush()
        return 0
    config = load_config()
    if args.names:
        end = "\0" if args.null else "\n"
        sys.stdout.write("".join(name + end for name in config.profiles))
        return 0
    states = TokenStates()
    listing = [resolve_profile(config, name, token_states=states) for name in config.profiles]
    if args.json:
        print(json.dumps([r.to_json() for r in listing], ensure_ascii=False))
        return 0
    from asso.table import format_table, use_colour

    rows = [
        (r.profile, r.kind, r.account_name or r.account_id, r.role, r.region, r.token_state)
        for r in listing
    ]
    header = ("PROFILE", "KIND", "ACCOUNT", "ROLE", "REGION", "TOKEN")
    sys.stdout.write(format_table(header, rows, colour=use_colour(), colour_column=5))
    return 0


def _cmd_regions(args: argparse.Namespace) -> int:
    from asso.aws.regions import check_region, known_regions

    if args.check is not None:
        warning = check_region(args.check)
        if warning:
            log.error(warning)
        return 0
    sys.stdout.write("".join(name + "\n" for name in known_regions()))
    return 0


_SHELL_STATE_OPTIONS = ("shell", "key", "format", "region-display", "validate", "out", "table")


def _shell_state(argv: Sequence[str], started_ns: int) -> int:
    """The plugin's protocol, parsed by hand: argparse alone would add ~10 ms to every call.

    The plugin passes every option as ``--name=value``, so values may start with ``-``.
    """
    from asso.shell.render import REGION_MODES
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
    region_mode = options.get("region-display") or "env"
    if region_mode not in REGION_MODES:
        log.error(f"ASSO_PROMPT_REGION must be one of {', '.join(REGION_MODES)}; using 'env'")
        region_mode = "env"
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


# name, module (under asso.cli), help. Modules are imported only when their command runs
# or when its arguments are needed, so e.g. boto3 never loads for `asso resolve`.
EXTERNAL_COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("login", "login", "log in to the SSO session of a profile (once per session)"),
    ("logout", "logout", "log out of a profile's SSO session, or of all (--all)"),
    ("status", "status", "show every SSO session and its token state"),
    ("populate", "populate", "generate profiles for every account and role of a session"),
    ("demo", "demo", "try asso in a subshell against a local Identity Center emulator"),
    ("doctor", "doctor", "check the installation and configuration"),
)


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
        return int(module.run(args))

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

    p = command("resolve", _cmd_resolve, "show what the active (or given) profile resolves to")
    p.add_argument(
        "--profile",
        help="resolve this profile instead of the active one (a name, alias, unique prefix or"
        " substring)",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")

    p = command("profiles", _cmd_profiles, "list every profile with its account, role and token")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--names", action="store_true", help="print profile names only")
    p.add_argument("-0", "--null", action="store_true", help="with --names: end names with NUL")
    p.add_argument(
        "--completion",
        action="store_true",
        help="for shell completion: NUL-ended name, description, group triples (cached)",
    )
    p.add_argument(
        "--picker",
        action="store_true",
        help="for asp -i: NUL-ended name, line pairs, a header first, recently used first",
    )

    p = command("regions", _cmd_regions, "list the regions botocore knows")
    p.add_argument("--check", metavar="REGION", help="warn if REGION is unknown; fail if malformed")

    # Commands with modules of their own: each module has add_arguments(parser) and run(args).
    for name, module_name, help_text in EXTERNAL_COMMANDS:
        p = command(name, _run_module(module_name), help_text)
        _add_module_arguments(p, module_name, selected)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    started_ns = file_clock_ns()  # before any input is read: the shell state's stamp
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv[:1] == ["_shell-state"]:
            return _shell_state(argv[1:], started_ns)
        if argv == ["profiles", "--completion"]:  # every Tab: skip argparse (~10 ms)
            from asso.shell.completion import main as completion_main

            return completion_main()
        parser = build_parser(argv[0] if argv else None)
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
