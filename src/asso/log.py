"""Shared leaf: messages for the user. Results go to stdout; everything here goes to stderr."""

from __future__ import annotations

import os
import sys

from asso.text import printable

# A name from a config file or a server must not drive the terminal or forge a line.
clean = printable


def _write(text: str) -> None:
    stream = sys.stderr
    try:
        stream.write(text)
        stream.flush()
    except UnicodeEncodeError:
        # An ASCII-only or C locale: the message still arrives, names escaped.
        encoding = getattr(stream, "encoding", None) or "ascii"
        stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
        stream.flush()
    except (OSError, ValueError):
        pass  # stderr closed or full: nowhere left to say it


def error(message: str) -> None:
    """One line: every control character in it (newlines too) is shown as '?'."""
    _write(f"asso: {clean(message)}\n")


def info(message: str) -> None:
    """Text that may span lines on purpose; other control characters are shown as '?'."""
    text = message if message.endswith("\n") else message + "\n"
    _write(clean(text, keep="\n"))


def verbose(message: str) -> None:
    """Detail that would be noise by default, e.g. why a cache file was skipped."""
    if os.environ.get("ASSO_VERBOSE", "") not in ("", "0"):
        _write(f"asso: {clean(message)}\n")
