"""Keep parsed INI files on disk, keyed by their stat, so large configs are not re-parsed.

Parsing 5,000 profiles takes ~60 ms in pure Python; loading the cached result takes a few.
The key includes ctime and inode, which any write or atomic replace changes, so a stale entry
is never used. Small files are parsed directly: caching them would cost more than it saves.
"""

from __future__ import annotations

import marshal
import os

from asso import paths
from asso.digest import sha1_hex
from asso.errors import FileTooLargeError
from asso.fs import read_own, write_atomic

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

MIN_CACHED_SIZE = 64 * 1024
# Far beyond any real AWS config (5,000 profiles is ~0.7 MB); parsing more would stall the shell.
MAX_SIZE = 16 * 1024 * 1024


_FORMAT = 1


def _stat_key(st: os.stat_result) -> tuple[int, ...]:
    return (_FORMAT, st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino, st.st_dev)


def load_cached(path: str, text_parser: Callable[[str], Any]) -> Any:
    """Return ``text_parser(contents of path)``, from the cache when the file is unchanged."""
    st = os.stat(path)
    if st.st_size > MAX_SIZE:
        raise FileTooLargeError(
            f"{st.st_size // (1024 * 1024)} MB is over the {MAX_SIZE // (1024 * 1024)} MB limit"
        )
    if st.st_size < MIN_CACHED_SIZE:
        return text_parser(_read_text(path))
    key = _stat_key(st)
    cache_file = os.path.join(paths.user_cache_dir(), "parsed", sha1_hex(path))
    # marshal input: only a regular file of the user's that no one else can write.
    data = read_own(cache_file)
    try:
        if data is not None:
            # loads(bytes): marshal.load on a file object reads it piecemeal, 5x slower.
            cached_key, cached_value = marshal.loads(data)
            if cached_key == key:
                return cached_value
    except (ValueError, EOFError, TypeError):
        pass  # no entry, or a damaged one: parse again and overwrite it
    value = text_parser(_read_text(path))
    try:
        write_atomic(cache_file, marshal.dumps((key, value)), mode=0o600, durable=False)
    except OSError:
        pass  # a read-only cache dir only costs speed
    return value


def _read_text(path: str) -> str:
    # Same decoding as configparser.read(): the locale's encoding, strict.
    with open(path) as handle:
        return handle.read()
