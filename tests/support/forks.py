"""Counting what a shell starts: processes after a marker (strace), and helper calls (a wrapper)."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from ..conftest import HELPER, AwsHome, shell_command

requires_strace = pytest.mark.skipif(not shutil.which("strace"), reason="strace is not installed")

# A failed open of this path marks where counting starts: everything before it is set-up.
MARK = ": >/dev/null/asso-mark 2>/dev/null || true"
_CALLS = ("fork(", "vfork(", "clone(", "clone3(", "execve(")


def forks_after_mark(shell: str, script: str, env: dict[str, str], workdir: Path) -> list[str]:
    """The fork/clone/execve calls ``script`` makes after it runs MARK."""
    return calls_after_mark(shell, script, env, workdir, _CALLS)


def reads_after_mark(shell: str, script: str, env: dict[str, str], workdir: Path) -> list[str]:
    """The files ``script`` opens for reading after it runs MARK (but the message catalogues
    the marker's own error looks up once)."""
    opens = calls_after_mark(shell, script, env, workdir, ("openat(",))
    return [line for line in opens if "O_RDONLY" in line and "/LC_MESSAGES/" not in line]


def calls_after_mark(
    shell: str, script: str, env: dict[str, str], workdir: Path, calls: tuple[str, ...]
) -> list[str]:
    """The traced lines of ``calls`` (fork, clone, execve, openat) after ``script`` runs MARK."""
    trace = workdir / "strace.out"
    subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-e",
            "trace=fork,vfork,clone,clone3,execve,openat",
            "-o",
            str(trace),
            *shell_command(shell, script),
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=60,
    )
    lines = trace.read_text().splitlines()
    marks = [i for i, line in enumerate(lines) if "asso-mark" in line]
    assert marks, "the marker was not traced"
    return [line for line in lines[marks[-1] + 1 :] if any(c in line for c in calls)]


def counting_helper(home: AwsHome) -> tuple[Path, Path]:
    """A wrapper that logs each call, then runs the real helper."""
    log = home.root / "calls.log"
    wrapper = home.root / "counting-asso"
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{HELPER}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return wrapper, log
