"""Waiting for something without guessing how long it takes: poll with a generous deadline."""

from __future__ import annotations

import time
from typing import Callable, Optional, TypeVar

T = TypeVar("T")

# Generous: a loaded 2-core machine running two test suites at once is slow, never this slow.
DEADLINE = 60.0


def wait_for(
    probe: Callable[[], Optional[T]],
    what: str,
    timeout: float = DEADLINE,
    interval: float = 0.05,
) -> T:
    """Call ``probe`` until it returns something truthy, and return that; fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(interval)
