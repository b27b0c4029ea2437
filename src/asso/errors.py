"""Shared leaf: every error class; each AssoError carries the exit code the CLI returns."""

from __future__ import annotations

from asso.text import printable

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional


class ExitCode:
    """Named exit codes (plain ints: enum would cost start-up time on the prompt path)."""

    OK = 0
    FAILURE = 1
    USAGE = 2
    CONFIG = 3
    PROFILE_NOT_FOUND = 4
    LOGIN_FAILED = 5
    NETWORK = 6
    NOT_LOGGED_IN = 7
    PROFILE_AMBIGUOUS = 8
    LOCAL_IO = 9  # a local file or stream failed: disk full or read-only, stdout closed
    CREDENTIALS = 10  # no credentials could be had for the profile
    STATE_ON_STDOUT = 11  # _shell-state --fallback=stdout: the state file could not be written
    INTERRUPTED = 130


class AssoError(Exception):
    """A failure the user can act on: printed as one line, never as a traceback."""

    exit_code: int = ExitCode.FAILURE


class UsageError(AssoError):
    exit_code = ExitCode.USAGE


class ConfigError(AssoError):
    """The AWS config or credentials file cannot be used as written."""

    exit_code = ExitCode.CONFIG


class ProfileNotFoundError(AssoError):
    exit_code = ExitCode.PROFILE_NOT_FOUND

    def __init__(self, profile: str, config_file: str, suggestions: list[str]) -> None:
        message = f"profile {profile!r} not found in {config_file}"
        if suggestions:
            message += " (did you mean: " + ", ".join(suggestions) + "?)"
        super().__init__(message)
        self.profile = profile
        self.suggestions = suggestions


class AmbiguousProfileError(AssoError):
    """A prefix or substring that more than one profile matches: the user must say which."""

    exit_code = ExitCode.PROFILE_AMBIGUOUS
    SHOWN = 8  # names listed in the message; the rest are counted

    def __init__(self, name: str, candidates: list[str]) -> None:
        shown = ", ".join(printable(c) for c in candidates[: self.SHOWN])
        if len(candidates) > self.SHOWN:
            shown += f", ... ({len(candidates) - self.SHOWN} more)"
        super().__init__(f"{name!r} matches {len(candidates)} profiles: {shown}")
        self.name = name
        self.candidates = candidates


class LocalIOError(AssoError):
    """asso's own files or its output cannot be written (or read): one line, exit 9."""

    exit_code = ExitCode.LOCAL_IO


class LoginError(AssoError):
    exit_code = ExitCode.LOGIN_FAILED


class NetworkError(AssoError):
    exit_code = ExitCode.NETWORK


class NotLoggedInError(AssoError):
    exit_code = ExitCode.NOT_LOGGED_IN


class AliasTargetError(AssoError):
    """An alias naming a profile that does not exist."""

    exit_code = ExitCode.PROFILE_NOT_FOUND


class InvalidClientError(LoginError):
    """The registration was refused (expired or deleted server-side): register again."""


class CredentialsError(AssoError):
    """A profile's credentials could not be had: AWS refused them, credential_process failed."""

    exit_code = ExitCode.CREDENTIALS


class CancelledError(AssoError):
    """Ctrl-C during a command: said in one line, with the shell's usual 130."""

    exit_code = ExitCode.INTERRUPTED


class FederationError(NetworkError):
    """The console sign-in endpoint refused or failed: one line, never the URL or the keys."""


class ConsoleRefusedError(CredentialsError):
    """Credentials that cannot sign in to the console (static keys without GetFederationToken)."""


# Internal errors: the modules that raise them turn them into AssoErrors before the user sees
# them.


class IniParseError(ValueError):
    """The file breaks a rule configparser enforces; ``line`` is 1-based, 0 when unknown."""

    def __init__(self, reason: str, line: int = 0) -> None:
        super().__init__(f"{reason} (line {line})" if line else reason)
        self.reason = reason
        self.line = line


class InvalidValueError(ValueError):
    """A value from outside (a server's answer, an option) that fails its check in
    ``asso.validate``; the message says why, without the value. Callers turn it into a
    UsageError or NetworkError, or skip the item."""


class FileTooLargeError(ValueError):
    """A config file larger than any real one: parsing it would stall the shell."""


class LockTimeout(Exception):
    """The lock stayed held by another process until the deadline."""

    def __init__(self, holder: Optional[int]) -> None:
        super().__init__(f"held by process {holder}" if holder else "held by another process")
        self.holder = holder
