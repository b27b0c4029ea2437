"""Shared leaf: SHA-1 hex digests, as botocore names its cache files."""

from __future__ import annotations

try:
    from _sha1 import sha1  # type: ignore[import-not-found,unused-ignore]  # hashlib: +10 ms
except ImportError:  # pragma: no cover - CPython builds without the builtin module
    from hashlib import sha1


def sha1_hex(text: str) -> str:
    return str(sha1(text.encode("utf-8", "surrogateescape")).hexdigest())
