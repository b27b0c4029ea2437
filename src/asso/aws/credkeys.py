"""Which cache file holds a profile's role credentials, remembered per state of the files that
decide it (the config, the credentials file, the aliases file).

``asso credential-process`` runs once per tool start: with this it answers from the CLI's cache
without parsing the config, whose parser's ``re`` alone costs more than the rest of the command.
An entry names no secret: the profile, its kind and the cache file's key. Each file's stat
(mtime, ctime, size, inode, device) must match, so any write or replace invalidates it.
"""

from __future__ import annotations

import marshal
import os

from asso import paths
from asso.digest import sha1_hex
from asso.fs import read_own, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any, Optional

    Snapshot = list[tuple[str, Optional[tuple[int, ...]]]]

_FORMAT = 1
_MAX_ENTRY = 64 * 1024


def _stat(path: str) -> Optional[tuple[int, ...]]:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def _entry_path(name: str, env: Mapping[str, str]) -> str:
    basis = "\0".join((paths.aws_config_file(env), paths.aws_credentials_file(env), name))
    return os.path.join(paths.user_cache_dir(), "credkeys", sha1_hex(basis))


def snapshot(files: Sequence[str]) -> Snapshot:
    """The files' stats: taken before they are read, so a change while reading is seen."""
    return [(path, _stat(path)) for path in files]


def lookup(name: str, env: Mapping[str, str] = os.environ) -> Optional[tuple[str, str, str]]:
    """(profile, kind, cache key) for the name typed, if remembered and still true."""
    try:
        raw = read_own(_entry_path(name, env), _MAX_ENTRY)
        if raw is None:
            return None
        data: Any = marshal.loads(raw)
        version, files, result = data
        if version != _FORMAT or not isinstance(files, list) or not isinstance(result, tuple):
            return None
        for path, stat_key in files:
            if _stat(path) != stat_key:
                return None
        profile, kind, key = result
    except (OSError, ValueError, EOFError, TypeError):
        return None  # a damaged entry is a miss
    return str(profile), str(kind), str(key)


def remember(
    name: str, before: Snapshot, result: tuple[str, str, str], env: Mapping[str, str] = os.environ
) -> None:
    if any(stat_key != _stat(path) for path, stat_key in before):
        return  # a file changed while it was read: remember nothing
    try:
        data = marshal.dumps((_FORMAT, before, result))
        write_atomic(_entry_path(name, env), data, mode=0o600, durable=False)
    except OSError:
        pass  # a read-only cache dir only costs speed
