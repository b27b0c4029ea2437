"""The region names botocore ships, read from its data files without importing botocore."""

from __future__ import annotations

import importlib.util
import json
import os
import re
from typing import Any, Optional

from asso.errors import UsageError

# What any region name, present or future, is made of.
_REGION_CHARS = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def _botocore_data_dir() -> Optional[str]:
    # find_spec locates a top-level package without executing it.
    spec = importlib.util.find_spec("botocore")
    if spec is None or not spec.submodule_search_locations:
        return None
    return os.path.join(next(iter(spec.submodule_search_locations)), "data")


def _load_partitions() -> list[dict[str, Any]]:
    data_dir = _botocore_data_dir()
    if data_dir is None:
        return []
    # partitions.json (botocore >= 1.35) is 7 KB; endpoints.json, its older source, is 1 MB.
    for name, key in (("partitions.json", "id"), ("endpoints.json", "partition")):
        try:
            with open(os.path.join(data_dir, name), encoding="utf-8") as handle:
                partitions = json.load(handle)["partitions"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        return [{"id": p.get(key), "regions": list(p.get("regions", {}))} for p in partitions]
    return []


def known_regions() -> list[str]:
    """Every region of every partition, in botocore's order."""
    names: list[str] = []
    for partition in _load_partitions():
        names.extend(partition["regions"])
    return list(dict.fromkeys(names))


def check_region(name: str) -> Optional[str]:
    """None for a region botocore knows; a warning for a newer-looking one; UsageError otherwise."""
    if name in known_regions():
        return None
    if _REGION_CHARS.fullmatch(name):
        return f"region {name!r} is not known to this botocore; using it anyway"
    raise UsageError(f"{name!r} is not a region name (expected e.g. eu-west-1)")
