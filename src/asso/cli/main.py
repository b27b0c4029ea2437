"""The ``asso`` command (entry point): route words to a subcommand module, map errors to exit codes.

Commands on the prompt path (resolve, profiles, regions, _shell-state) must not import boto3 or
botocore; network commands import their modules lazily. The command table and the parser are
``asso.cli.parser``'s; the fast paths below skip even that.
"""

from __future__ import annotations

import os
import sys

from asso import log
from asso.cli.names import (
    CHOICES_COMMAND,
    COMMANDS_COMMAND,
    CONSOLE_COMMAND,
    FORGET_PROFILE_COMMAND,
    PROFILES_COMMAND,
    REMEMBERED_PROFILE_COMMAND,
    SHELL_STATE_COMMAND,
)
from asso.errors import AssoError, ExitCode, LocalIOError, UsageError
from asso.fs import file_clock_ns

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Optional


_SHELL_STATE_OPTIONS = (
    "shell",
    "key",
    "format",
    "region-display",
    "validate",
    "out",
    "table",
    "fallback",
)


def _shell_state(argv: Sequence[str], started_ns: int) -> int:
    """The plugin's protocol, parsed by hand: argparse alone would add ~10 ms to every call.

    The plugin passes every option as ``--name=value``, so values may start with ``-``.

    ``--fallback=stdout`` (the plugin's failure path): the records go to stdout too, and when the
    state file (``--out``) cannot be written (a read-only or full disk, an unwritable state dir)
    one line goes to stderr and the exit code is 11: the prompt keeps working from stdout.
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
    fallback = options.get("fallback")
    if fallback not in (None, "stdout"):
        raise UsageError("_shell-state: --fallback=stdout is the only fallback")
    # What the state and the profile table are both built for.
    rendering = {
        "key": options.get("key", ""),
        "shell": shell,
        "fmt": options.get("format", ""),
        "region_mode": region_mode,
    }
    records = build_state(os.environ, validate=validate, **rendering)
    out = options.get("out")
    table = options.get("table")
    if table:
        from asso.shell.profiletable import write_table

        write_table(
            table, os.environ, started_ns=started_ns, refresh=validate is not None, **rendering
        )
    if validate is None:
        if fallback is None or out is None:
            write_state(out, records, started_ns)
            return 0
        # The plugin's failure path: the records go to stdout as well, so that it can tell this
        # answer from an old file (the same gen record as the file, when that was written).
        code = 0
        try:
            write_state(out, records, started_ns)
        except LocalIOError as error:
            log.error(f"{error}; the state went to stdout")
            code = ExitCode.STATE_ON_STDOUT
        write_state(None, records, started_ns)
        return int(code)
    # asp: NAME may have been an alias or a prefix. The state is the canonical profile's, in
    # its own file; the shell exports the name printed on stdout.
    canonical = next(value for name, value in records if name == "profile")
    if out is not None:
        out = canonical_out(out, shell, validate, canonical)
    warned = False
    try:
        write_state(out, records, started_ns)
    except LocalIOError as error:
        # Switching is what the user asked for; the state is only a cache of it.
        log.error(f"{error}; the profile is set, the prompt refreshes once a minute")
        warned = True
    from asso.shell.recent import note_selected

    remember = os.environ.get("ASSO_REMEMBER_PROFILE", "") == "1"
    try:
        note_selected(canonical, remember=remember)
    except OSError as error:
        if not warned:  # one warning: the same unwritable directory, most likely
            log.error(f"cannot remember the profile: {error.strerror}")
    if out is not None:
        os.write(1, canonical.encode("utf-8", "surrogateescape") + b"\n")
    return 0


def _remembered_profile(argv: Sequence[str]) -> int:
    """``_remembered-profile``: print the remembered profile (one line), or nothing when there
    is none or its file is not private: bash's start-up, which cannot read a file's mode."""
    from asso.shell.recent import read_remembered

    if argv:
        raise UsageError(f"_remembered-profile: unexpected argument {argv[0]!r}")
    name = read_remembered()
    if name is not None:
        os.write(1, name.encode("utf-8", "surrogateescape") + b"\n")
    return 0


def _forget_profile(argv: Sequence[str]) -> int:
    """``_forget-profile [--name=NAME]``: empty the remembered profile (the plugin's ``asp``
    clearing the profile, or a restored profile that no longer exists); with NAME, only while
    it names that. The helper writes it so that the write never follows a planted link."""
    from asso.shell.recent import forget_remembered

    name: Optional[str] = None
    for arg in argv:
        if not arg.startswith("--name="):
            raise UsageError(f"_forget-profile: unexpected argument {arg!r}")
        name = arg[len("--name=") :]
    try:
        forget_remembered(name)
    except OSError as error:
        raise LocalIOError(
            f"cannot forget the remembered profile: {error.strerror or error}"
        ) from None
    return 0


def _closed_streams() -> list[int]:
    """Occupy closed descriptors 0-2 with /dev/null, so no file asso opens becomes stdout."""
    closed = []
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            closed.append(fd)
    for fd in closed:
        try:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
        except OSError:
            pass
    return closed


def _prepare_stdout() -> None:
    """Results are UTF-8 whatever the locale: a C or ASCII locale must not fail on a name."""
    closed = _closed_streams()
    if 2 in closed:
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115 (for the life of the process)
    if 1 in closed:
        raise LocalIOError("cannot write results: standard output is closed")
    stream = sys.stdout
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
    if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8", errors="surrogateescape")


def _flush_stdout() -> None:
    if sys.stdout is not None:
        sys.stdout.flush()  # here, not at exit, so a full disk is reported as one line


def _io_failure(error: OSError) -> int:
    import errno

    if error.errno == errno.EPIPE:
        return _quiet_stdout(0)
    what = error.filename or "the output"
    log.error(f"cannot write {what}: {error.strerror or error}")
    return _quiet_stdout(int(ExitCode.LOCAL_IO))


def _quiet_stdout(code: int) -> int:
    # Python flushes stdout at exit: point it somewhere that cannot fail again.
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, 1)
        os.close(fd)
    except OSError:
        pass
    return code


def main(argv: Optional[Sequence[str]] = None) -> int:
    started_ns = file_clock_ns()  # before any input is read: the shell state's stamp
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        _prepare_stdout()
        return _main(argv, started_ns)
    except AssoError as error:
        log.error(str(error))
        return int(error.exit_code)
    except KeyboardInterrupt:
        return int(ExitCode.INTERRUPTED)
    except BrokenPipeError:
        # A closed pipe (``asso profiles | head``) is not an error worth a traceback.
        return _quiet_stdout(0)
    except OSError as error:
        return _io_failure(error)


def _main(argv: list[str], started_ns: int) -> int:
    try:
        if argv[:1] == [SHELL_STATE_COMMAND]:
            return _shell_state(argv[1:], started_ns)
        if argv[:1] == ["credential-process"]:  # once per tool start: no argparse (~10 ms)
            from asso.cli import credential_process

            profile = credential_process.fast_profile(argv[1:])
            if profile is not None:
                return credential_process.answer(profile)
        if argv == [PROFILES_COMMAND, "--completion"]:  # every Tab: skip argparse (~10 ms)
            from asso.shell.completion import main as completion_main

            return completion_main()
        if argv == [CONSOLE_COMMAND, "--services"]:  # the list `--service` takes: no argparse
            from asso.shell.completion import services_output

            sys.stdout.buffer.write(services_output())
            sys.stdout.buffer.flush()
            return 0
        if argv[:1] == [CHOICES_COMMAND]:  # completion of an option's value (--service)
            from asso.shell.completion import choices_main

            return choices_main(argv[1:])
        if argv[:1] == [FORGET_PROFILE_COMMAND]:
            return _forget_profile(argv[1:])
        if argv[:1] == [REMEMBERED_PROFILE_COMMAND]:
            return _remembered_profile(argv[1:])
        if argv[:1] == [COMMANDS_COMMAND]:
            from asso.cli.commands import main as commands_main

            return commands_main()
        from asso.cli.parser import build_parser, route

        argv = route(argv)
        parser = build_parser(argv[0])
        args = parser.parse_args(argv)
        if not getattr(args, "handler", None):
            parser.print_help(sys.stderr)
            return int(ExitCode.USAGE)
        return int(args.handler(args))
    finally:
        _flush_stdout()


if __name__ == "__main__":
    sys.exit(main())
