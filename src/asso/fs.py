"""Shared leaf: atomic file replacement: readers see the old file or the new one, never a part.

Plain ``os`` calls only: ``tempfile`` costs ~20 ms to import and this runs on the prompt path.
"""

from __future__ import annotations

import os
import sys
import time

# Linux stamps files from the coarse realtime clock, which lags time.time() by up to a tick.
_CLOCK_REALTIME_COARSE = 5


def file_clock_ns() -> int:
    """Now, on the clock the kernel stamps file times with (as close as we can read it).

    A file written after this call gets an mtime >= the value returned, so "newer than
    (this - 1 ns)" catches every later write, at the cost of also catching writes in the
    same clock tick just before.
    """
    if sys.platform.startswith("linux"):
        try:
            return time.clock_gettime_ns(_CLOCK_REALTIME_COARSE)
        except OSError:
            pass
    return time.time_ns() - 10_000_000  # elsewhere: allow for a 10 ms coarse clock


def write_atomic(
    path: str, data: bytes, *, mode: int = 0o600, dir_mode: int = 0o700, durable: bool = True
) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename it over ``path``.

    ``durable=False`` skips the fsync, for caches whose readers detect a file lost in a crash.
    """
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, mode=dir_mode, exist_ok=True)
    remove_stale_partials(path)
    temp_path = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.partial"
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        try:
            os.fchmod(fd, mode)  # the umask may have narrowed the mode given to open
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temp_path, path)
    except BaseException:
        try:
            os.unlink(temp_path)
        except OSError:
            pass
        raise


def remove_stale_partials(path: str) -> None:
    """Delete temp files a killed writer of ``path`` left: ``PATH.PID.RANDOM.partial``, PID gone."""
    directory, base = os.path.split(path)
    try:
        names = os.listdir(directory or ".")
    except OSError:
        return
    prefix = base + "."
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".partial")):
            continue
        pid = name[len(prefix) :].split(".", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        try:
            os.unlink(os.path.join(directory, name))
        except OSError:
            pass


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # another thread of this process may be writing it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
