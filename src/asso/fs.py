"""Shared leaf: atomic file replacement: readers see the old file or the new one, never a part.

Plain ``os`` calls only: ``tempfile`` costs ~20 ms to import and this runs on the prompt path.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

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
    path: str,
    data: bytes,
    *,
    mode: int = 0o600,
    dir_mode: int = 0o700,
    durable: bool = True,
    mtime_ns: Optional[int] = None,
    also_name: Optional[str] = None,
) -> None:
    """Write ``data`` to a temp file beside ``path``, fsync it, then rename it over ``path``.

    ``durable=False`` skips the fsync, for caches whose readers detect a file lost in a crash.
    ``mtime_ns`` dates the file and ``also_name`` gives it a second (hard) link, both before it
    appears at ``path``. A second name that cannot be made is left out: readers check for it.
    """
    directory = os.path.dirname(path) or "."
    make_private_dirs(directory, dir_mode)
    remove_stale_partials(path)
    temp_path = f"{path}.{os.getpid()}.{os.urandom(4).hex()}.partial"
    # O_EXCL|O_NOFOLLOW: a link planted under the temp name is never followed. The rename
    # replaces a link planted at ``path`` itself, never what it points to.
    fd = os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC, mode)
    try:
        try:
            os.fchmod(fd, mode)  # the umask may have narrowed the mode given to open
            write_all(fd, data)
            if durable:
                os.fsync(fd)
            if mtime_ns is not None:
                os.utime(fd, ns=(time.time_ns(), mtime_ns))
        finally:
            os.close(fd)
        if also_name is not None:
            _link_replacing(temp_path, also_name)
        os.replace(temp_path, path)
    except BaseException:
        try:
            os.unlink(temp_path)
        except OSError:
            pass
        raise


def write_all(fd: int, data: bytes) -> None:
    """Write all of ``data`` to ``fd``: a pipe or a full disk may take it in parts."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _link_replacing(source: str, name: str) -> None:
    """Make ``name`` a hard link to ``source``; a file already there (a link is not followed)
    is replaced. On a file system without hard links ``name`` is left out."""
    for _ in range(2):
        try:
            os.link(source, name, follow_symlinks=False)
            return
        except FileExistsError:
            try:
                os.unlink(name)
            except OSError:
                return
        except OSError:
            return


_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)


def make_private_dirs(directory: str, mode: int = 0o700) -> None:
    """Create ``directory`` and every missing parent with exactly ``mode``, whatever the umask.

    Directories that exist already are left as they are (they may be the user's own choice).
    """
    missing: list[str] = []
    current = os.path.abspath(directory)
    while not os.path.isdir(current):
        missing.append(current)
        parent = os.path.dirname(current)
        if parent == current:
            break
        current = parent
    for path in reversed(missing):
        try:
            os.mkdir(path, mode)
        except FileExistsError:
            if not os.path.isdir(path):
                raise
            continue  # made meanwhile by another process: theirs to set
        os.chmod(path, mode)  # mkdir's mode was narrowed (or widened) by the umask


def keep_private_dir(directory: str) -> None:
    """Make ``directory`` (and its missing parents, see make_private_dirs) and make sure it is
    a directory of the user's that no one else may enter: the shells read the files in it with
    builtins, which cannot check a file's mode (bash), so the directory stands for them. An
    existing one open to others is narrowed to 0700; one that is not the user's raises
    PermissionError."""
    import errno
    import stat

    make_private_dirs(directory)
    info = os.lstat(directory)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(errno.EPERM, "not a directory of yours", directory)
    if info.st_mode & 0o077:
        os.chmod(directory, stat.S_IMODE(info.st_mode) & 0o700)


def open_private(path: str, flags: int = os.O_RDWR) -> int:
    """Open or create one of asso's own files (a lock), never through a symbolic link.

    The file must be a regular file owned by the user: a planted FIFO, device, link or a
    neighbour's file raises PermissionError (ELOOP for a link).
    """
    fd = os.open(path, flags | os.O_CREAT | _NOFOLLOW | _CLOEXEC | _NONBLOCK, 0o600)
    try:
        info = os.fstat(fd)
        if not _own_regular(info, writable_by_others_ok=False):
            import errno

            raise PermissionError(errno.EPERM, "not a private regular file of yours", path)
        if info.st_mode & 0o777 != 0o600:
            os.fchmod(fd, 0o600)  # the umask narrowed it: a later open for writing must work
        return fd
    except BaseException:
        os.close(fd)
        raise


def read_regular(path: str, limit: int) -> bytes:
    """Up to ``limit`` + 1 bytes of a regular file (links followed: it may be the user's).

    A FIFO, device or directory raises OSError at once instead of blocking or failing later;
    a missing file raises FileNotFoundError as open() would.
    """
    import errno
    import stat

    fd = os.open(path, os.O_RDONLY | _CLOEXEC | _NONBLOCK)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", path)
        chunks: list[bytes] = []
        left = limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_own(
    path: str, limit: int = 64 * 1024 * 1024, *, others_may_write: bool = False
) -> Optional[bytes]:
    """The bytes of one of asso's own files (a cache, the state, the remembered profile), or
    None when it is missing, a link, not a regular file, not the user's, writable by others
    (unless ``others_may_write``: a file only to be emptied), or larger than ``limit``. Never
    blocks: a FIFO is opened non-blocking and refused.
    """
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _CLOEXEC | _NONBLOCK)
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if not _own_regular(info, writable_by_others_ok=others_may_write):
            return None
        if info.st_size > limit:
            return None
        chunks = []
        while True:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _own_regular(info: os.stat_result, *, writable_by_others_ok: bool) -> bool:
    import stat

    if not stat.S_ISREG(info.st_mode):
        return False
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        return False
    return writable_by_others_ok or not info.st_mode & 0o022


def is_regular(path: str) -> bool:
    """Whether ``path`` is a regular file (after links): FIFOs, devices and dirs are not."""
    import stat

    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


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
