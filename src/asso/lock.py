"""Shared leaf: one login per SSO session at a time, across processes: an ``flock`` on a file.

The kernel releases an flock when its process ends however it ends (Ctrl-C, SIGKILL, a crash),
so a lock is never left stale; the file itself is only a name and may stay. Waiting polls with a
non-blocking flock, so a deadline bounds it and Ctrl-C interrupts it at once.
"""

from __future__ import annotations

import os
import time

from asso.errors import LockTimeout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from types import TracebackType
    from typing import Callable, Optional


class FileLock:
    """An exclusive flock on ``path``; the holder's pid is written in it, for messages."""

    POLL = 0.05

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: Optional[int] = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(
        self,
        timeout: float,
        on_wait: Optional[Callable[[Optional[int]], None]] = None,
    ) -> bool:
        """Take the lock within ``timeout`` seconds; returns whether it had to wait.

        ``on_wait(holder_pid)`` runs once, when the lock is found busy. Raises LockTimeout.
        """
        import fcntl

        if self._fd is not None:
            raise RuntimeError("lock already held")
        from asso.fs import make_private_dirs, open_private

        make_private_dirs(os.path.dirname(self.path) or ".")
        fd = open_private(self.path)  # never through a planted link
        waited = False
        end = time.monotonic() + timeout
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    pass
                if not waited:
                    waited = True
                    if on_wait is not None:
                        on_wait(self._holder(fd))
                if time.monotonic() >= end:
                    raise LockTimeout(self._holder(fd))
                time.sleep(self.POLL)
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return waited

    @staticmethod
    def _holder(fd: int) -> Optional[int]:
        try:
            text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            # Closing the last descriptor releases the flock.
            os.close(fd)

    def __enter__(self) -> FileLock:
        return self

    def __exit__(
        self,
        exc_type: Optional[type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.release()
