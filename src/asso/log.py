"""Shared leaf: messages for the user. Results go to stdout; everything here goes to stderr."""

from __future__ import annotations

import os
import sys


def error(message: str) -> None:
    print(f"asso: {message}", file=sys.stderr)


def info(message: str) -> None:
    sys.stderr.write(message if message.endswith("\n") else message + "\n")
    sys.stderr.flush()


def verbose(message: str) -> None:
    """Detail that would be noise by default, e.g. why a cache file was skipped."""
    if os.environ.get("ASSO_VERBOSE", "") not in ("", "0"):
        print(f"asso: {message}", file=sys.stderr)
