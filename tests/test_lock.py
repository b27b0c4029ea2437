"""asso.lock: one exclusive flock per path, with its holder named, across processes."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from asso.errors import LockTimeout
from asso.lock import FileLock

HOLD = """
import sys, time
from asso.lock import FileLock
lock = FileLock(sys.argv[1])
lock.acquire(timeout=30)
print("held", flush=True)
sys.stdin.read()
"""


def test_acquire_release_and_reuse(tmp_path: Path) -> None:
    path = tmp_path / "dir with space" / "x.lock"
    with FileLock(str(path)) as lock:
        assert lock.acquire(timeout=1) is False and lock.held
        assert path.stat().st_mode & 0o777 == 0o600
        with pytest.raises(RuntimeError):
            lock.acquire(timeout=1)
    assert not lock.held
    assert FileLock(str(path)).acquire(timeout=1) is False


def test_another_process_holds_it(tmp_path: Path) -> None:
    path = str(tmp_path / "x.lock")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        seen: list[object] = []
        start = time.monotonic()
        with pytest.raises(LockTimeout) as timeout:
            FileLock(path).acquire(timeout=0.3, on_wait=seen.append)
        assert time.monotonic() - start >= 0.3
        assert seen == [holder.pid] and timeout.value.holder == holder.pid
        assert str(holder.pid) in str(timeout.value)
    finally:
        holder.communicate("", timeout=30)
    lock = FileLock(path)
    assert lock.acquire(timeout=5) is False  # the holder is gone: free at once
    lock.release()
