"""Loaded by the helper's interpreter through PYTHONPATH: SIGKILL at a chosen point while it
writes ``$KILL_PATH`` (the file itself, or a ``$KILL_PATH.<pid>.<hex>.partial`` temp file),
whatever way it writes it (``os.open``/``os.write`` or ``open()``):

- ``open``: just after the file is opened for writing, before any byte is written;
- ``half``: after half of the first write's bytes reached the file;
- ``replace``: just before the temp file is renamed over the target;
- ``after-replace``: just after that rename.

``$KILL_AT`` names the point. A writer that never reaches it is not killed: the test sees that.
"""

from __future__ import annotations

import builtins
import os
import signal
from typing import Any

_target = os.environ.get("KILL_PATH", "")
_point = os.environ.get("KILL_AT", "")


def _ours(path: Any) -> bool:
    if not isinstance(path, (str, bytes, os.PathLike)):
        return False
    name = os.fsdecode(os.fspath(path))
    if name == _target:
        return True
    # A temp file of the target's own (TARGET.<pid>.<hex>.partial), not of a sibling such as
    # a backup (TARGET.asso-backup.<pid>.<hex>.partial).
    middle = name[len(_target) + 1 : -len(".partial")]
    return (
        name.startswith(_target + ".")
        and name.endswith(".partial")
        and bool(middle)
        and set(middle) <= set("0123456789abcdef.")
    )


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


_os_open, _os_write, _open = os.open, os.write, builtins.open
_replace, _rename = os.replace, os.rename
_fds: set[int] = set()


def _hooked_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
    fd = _os_open(path, flags, *args, **kwargs)
    if _ours(path) and flags & (os.O_WRONLY | os.O_RDWR):
        if _point == "open":
            _die()
        _fds.add(fd)
    return fd


def _hooked_os_write(fd: int, data: Any) -> int:
    if fd in _fds and _point == "half":
        _os_write(fd, bytes(data)[: max(1, len(data) // 2)])
        _die()
    return _os_write(fd, data)


class _HalfWriter:
    def __init__(self, handle: Any) -> None:
        self._handle = handle

    def write(self, data: Any) -> int:
        self._handle.write(data[: max(1, len(data) // 2)])
        self._handle.flush()
        _die()
        return 0

    def __enter__(self) -> _HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self._handle.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _hooked_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    handle = _open(file, mode, *args, **kwargs)
    if _ours(file) and set(mode) & set("wax+"):
        if _point == "open":
            _die()
        if _point == "half":
            return _HalfWriter(handle)
    return handle


def _around_rename(real: Any) -> Any:
    def hooked(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        moving = _ours(dst) and os.fsdecode(os.fspath(dst)) == _target
        if moving and _point == "replace":
            _die()
        real(src, dst, *args, **kwargs)
        if moving and _point == "after-replace":
            _die()

    return hooked


if _target and _point:
    os.open = _hooked_os_open
    os.write = _hooked_os_write
    builtins.open = _hooked_open
    os.replace = _around_rename(_replace)
    os.rename = _around_rename(_rename)
