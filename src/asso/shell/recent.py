"""What ``asp`` leaves behind for later: recently used profiles, and the remembered one.

Both live in the state dir (``ASSO_STATE_DIR``, platformdirs' user state dir) and are replaced
atomically, so any number of shells may write at once: a reader sees one writer's whole file.
(Two ``asp`` at the same instant may each miss the other's entry in the recent list; its order is
a convenience, never a correctness matter.)

- ``recent-profiles``: profile names, most recent first, one per line (names cannot hold a
  newline: they come from INI section headers). The picker lists these first.
- ``recent-log``: names ``asp`` selected without the helper (from the profile table), one per
  line, oldest first: the shell appends to it with a builtin (one short O_APPEND write, whole),
  only once this module created it. Read before ``recent-profiles``; emptied when that is
  rewritten (an entry appended in between may be lost: the order is a convenience).
- ``remembered-profile``: one name and a newline, written by ``asp`` when
  ``ASSO_REMEMBER_PROFILE=1``. When a new interactive shell starts, zsh reads it with builtins
  (zstat checks its mode); bash, which has no builtin that reads a mode, asks the helper
  (read_remembered). ``asp`` clearing the profile has the helper empty it (forget_remembered).
"""

from __future__ import annotations

import os

from asso import paths
from asso.fs import read_own, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Optional

RECENT_FILE = "recent-profiles"
RECENT_LOG = "recent-log"
REMEMBERED_FILE = "remembered-profile"
RECENT_MAX = 20


def recent_path() -> str:
    return os.path.join(paths.user_state_dir(), RECENT_FILE)


def remembered_path() -> str:
    return os.path.join(paths.user_state_dir(), REMEMBERED_FILE)


def _encode(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def recent_log_path() -> str:
    return os.path.join(paths.user_state_dir(), RECENT_LOG)


_LOG_MAX = 1 << 14  # bytes of the log the table's writer lets stand before merging it


def _read_lines(path: str) -> list[str]:
    data = read_own(path, limit=1 << 20)
    if data is None:
        return []
    return [n for n in data.decode("utf-8", "surrogateescape").split("\n") if n]


def read_recent() -> list[str]:
    names = [*reversed(_read_lines(recent_log_path())), *_read_lines(recent_path())]
    return list(dict.fromkeys(names))[:RECENT_MAX]


def ensure_log() -> None:
    """Create an empty recent-log unless there is one: the shell appends only to ours. One
    grown past _LOG_MAX (asp without the helper all day) is merged into the list first."""
    try:
        if os.path.getsize(recent_log_path()) > _LOG_MAX:
            names = read_recent()
            data = b"".join(_encode(n) + b"\n" for n in names)
            write_atomic(recent_path(), data, durable=False)
            write_atomic(recent_log_path(), b"", durable=False)
            return
    except OSError:
        pass
    try:
        os.makedirs(paths.user_state_dir(), mode=0o700, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        os.close(os.open(recent_log_path(), flags, 0o600))
    except OSError:
        pass  # there already, or no state dir: the recent order is a convenience


def note_selected(name: str, *, remember: bool) -> None:
    """``asp`` selected ``name``: move it to the front of the recent list, remember it if asked.

    Best effort for the recent list (a cache); OSError for the remembered profile.
    """
    names = [name, *(n for n in read_recent() if n != name)][:RECENT_MAX]
    try:
        write_atomic(recent_path(), b"".join(_encode(n) + b"\n" for n in names), durable=False)
        write_atomic(recent_log_path(), b"", durable=False)  # merged above: start it anew
    except OSError:
        pass
    if remember:
        write_atomic(remembered_path(), _encode(name) + b"\n", durable=False)


def read_remembered() -> Optional[str]:
    """The remembered profile, or None when there is none, or its file is not a private regular
    file of the user's (another user must not pick the profile new shells start with)."""
    data = read_own(remembered_path(), limit=1 << 16)
    if not data:
        return None
    name = data.split(b"\n", 1)[0].decode("utf-8", "surrogateescape")
    return name or None


def forget_remembered(name: Optional[str] = None) -> bool:
    """Empty the remembered profile; with ``name``, only while it names that. True when emptied.

    Only a regular file of the user's is emptied (a link, a FIFO or a neighbour's file there is
    left alone: the plugin restores none of them), and by write_atomic: a link planted between
    the check and the write is replaced, never followed, and the new file is 0600 whatever the
    old one's mode. OSError when it cannot be written.
    """
    data = read_own(remembered_path(), others_may_write=True)
    if not data:
        return False
    if name is not None and data.split(b"\n", 1)[0] != _encode(name):
        return False
    write_atomic(remembered_path(), b"", durable=False)
    return True
