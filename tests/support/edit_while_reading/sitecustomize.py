"""Loaded by the helper's interpreter through PYTHONPATH, in tests that need a file to change
*while* the helper runs: right after the helper opens ``$EDIT_WHILE_READING_FILE`` for reading,
the file is replaced (atomically, so the open handle still reads the old bytes) by
``$EDIT_WHILE_READING_TEXT``. It happens once: ``$EDIT_WHILE_READING_ONCE`` (a marker file) is
removed when it does. A deterministic point, inside the helper, between its clock reading and
its state write. ``$EDIT_WHILE_READING_SKIP`` (a number, default 0) lets that many opens of the
file pass first: the helper reads the config once for the state and again for the profile table.
"""

from __future__ import annotations

import builtins
import os
from typing import Any

_open = builtins.open
_target = os.environ.get("EDIT_WHILE_READING_FILE", "")
_marker = os.environ.get("EDIT_WHILE_READING_ONCE", "")
_skip = [int(os.environ.get("EDIT_WHILE_READING_SKIP", "0") or 0)]


def _edit() -> None:
    temp = _target + ".edit-while-reading"
    with _open(temp, "w", encoding="utf-8") as handle:
        handle.write(os.environ.get("EDIT_WHILE_READING_TEXT", ""))
    os.replace(temp, _target)


def _hooked_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
    handle = _open(file, mode, *args, **kwargs)
    if (
        isinstance(file, (str, os.PathLike))
        and os.fspath(file) == _target
        and not set(mode) & set("wax+")
        and _marker
        and os.path.exists(_marker)
    ):
        if _skip[0] > 0:
            _skip[0] -= 1
            return handle
        os.remove(_marker)
        _edit()
    return handle


if _target:
    builtins.open = _hooked_open
