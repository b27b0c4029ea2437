"""Expected prompt times computed from the clock read before and after, never guessed."""

from __future__ import annotations

import calendar
import json
import math
import time
from pathlib import Path


def left(seconds: int) -> str:
    """The prompt's time left (written out here again, not imported: a test must not share a
    bug with the code it checks)."""
    if seconds <= 0:
        return "expired"
    if seconds < 60:
        return "<1m"
    minutes = seconds // 60
    return f"{minutes}m" if minutes < 60 else f"{minutes // 60}h{minutes % 60:02d}m"


def shown_between(expires_at: float, before: float, after: float) -> set[str]:
    """Every time left a prompt drawn at some whole second between ``before`` and ``after`` may
    show for a token expiring at ``expires_at``."""
    return {
        left(int(expires_at) - second) for second in range(math.floor(before), math.ceil(after) + 1)
    }


def token_expiry(path: Path) -> float:
    """``expiresAt`` of a token file, in epoch seconds."""
    stamp = json.loads(path.read_text())["expiresAt"]
    return float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ")))
