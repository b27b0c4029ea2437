"""The benchmarks and scripts still start: each imports its modules and answers --help.

They are not run in CI, so a module that moved would otherwise break them unnoticed (one did).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .support.env import sandbox_env

REPO = Path(__file__).resolve().parent.parent
# The runnable ones; a shared module (benchmarks/emulated.py) is checked through its users.
TOOLS = sorted(
    path
    for path in [*REPO.glob("benchmarks/*.py"), *REPO.glob("scripts/*.py")]
    if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
)


@pytest.mark.parametrize("tool", TOOLS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_tool_starts(tool: Path, tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(tool), "--help"],
        cwd=REPO,
        env=sandbox_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "usage:" in result.stdout
