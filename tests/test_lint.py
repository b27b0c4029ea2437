"""Static checks run with the tests: shellcheck, shfmt, zsh -n, ruff, mypy."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

BIN = Path(sys.executable).parent
BASH_FILES = sorted(
    str(p)
    for p in [REPO / "asso.bash", REPO / "plugin" / "asso.bash", *REPO.glob("plugin/bash/*.bash")]
)
SH_FILES = [str(REPO / "install.sh"), str(REPO / ".ci" / "run")]
ZSH_FILES = sorted(
    str(p)
    for p in [
        REPO / "asso.plugin.zsh",
        *REPO.glob("plugin/**/*.zsh"),
        *REPO.glob("plugin/zsh/functions/_*"),
    ]
)


def check(cmd: list[str]) -> None:
    result = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.skipif(not shutil.which("shellcheck"), reason="shellcheck is not installed")
def test_shellcheck_bash_plugin() -> None:
    check(["shellcheck", "-s", "bash", *BASH_FILES])
    check(["shellcheck", *SH_FILES])


@pytest.mark.skipif(not shutil.which("shfmt"), reason="shfmt is not installed")
def test_shfmt() -> None:
    check(["shfmt", "-i", "2", "-ci", "-d", *BASH_FILES, *SH_FILES])


@pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")
@pytest.mark.parametrize("path", ZSH_FILES, ids=lambda p: Path(p).name)
def test_zsh_syntax(path: str) -> None:
    check(["zsh", "-n", path])


def test_ruff() -> None:
    check([str(BIN / "ruff"), "check", "src", "tests", "benchmarks"])


def test_mypy() -> None:
    check([str(BIN / "mypy")])
