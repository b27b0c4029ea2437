"""Run a Python snippet that calls ``asso`` in a fresh interpreter and reports, on stderr, one
``PROBE {json}`` line (its exit code, the modules it loaded...): read back as a dict."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any


def run_probe(script: str, args: tuple[str, ...], env: dict[str, str]) -> dict[str, Any]:
    """``script`` with ``args`` (JSON) as its argument, in ``env``: its last PROBE report."""
    result = subprocess.run(
        [sys.executable, "-c", script, json.dumps(args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    marker = [line for line in result.stderr.splitlines() if line.startswith("PROBE ")]
    assert marker, result.stderr
    report: dict[str, Any] = json.loads(marker[-1][len("PROBE ") :])
    return report
