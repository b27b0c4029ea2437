"""What ``asp`` leaves behind for later: recently used profiles, and the remembered one.

Both live in the state dir (``ASSO_STATE_DIR``, platformdirs' user state dir) and are replaced
atomically, so any number of shells may write at once: a reader sees one writer's whole file.
(Two ``asp`` at the same instant may each miss the other's entry in the recent list; its order is
a convenience, never a correctness matter.)

- ``recent-profiles``: profile names, most recent first, one per line (names cannot hold a
  newline: they come from INI section headers). The picker lists these first.
- ``remembered-profile``: one name and a newline, written by ``asp`` when
  ``ASSO_REMEMBER_PROFILE=1``. The plugin reads it with a shell builtin when a new interactive
  shell starts, and empties it when ``asp`` clears the profile.
"""

from __future__ import annotations

import os

from asso import paths
from asso.fs import read_own, write_atomic

RECENT_FILE = "recent-profiles"
REMEMBERED_FILE = "remembered-profile"
RECENT_MAX = 20


def recent_path() -> str:
    return os.path.join(paths.user_state_dir(), RECENT_FILE)


def remembered_path() -> str:
    return os.path.join(paths.user_state_dir(), REMEMBERED_FILE)


def _encode(name: str) -> bytes:
    return name.encode("utf-8", "surrogateescape")


def read_recent() -> list[str]:
    data = read_own(recent_path(), limit=1 << 20)
    if data is None:
        return []
    names = data.decode("utf-8", "surrogateescape").split("\n")
    return list(dict.fromkeys(n for n in names if n))[:RECENT_MAX]


def note_selected(name: str, *, remember: bool) -> None:
    """``asp`` selected ``name``: move it to the front of the recent list, remember it if asked.

    Best effort for the recent list (a cache); OSError for the remembered profile.
    """
    names = [name, *(n for n in read_recent() if n != name)][:RECENT_MAX]
    try:
        write_atomic(recent_path(), b"".join(_encode(n) + b"\n" for n in names), durable=False)
    except OSError:
        pass
    if remember:
        write_atomic(remembered_path(), _encode(name) + b"\n", durable=False)
