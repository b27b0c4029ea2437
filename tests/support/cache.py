"""Things the tests build once and keep between runs, under the user's cache directory: built
under a file lock (parallel runs wait for the first instead of racing it), with a marker written
last (an interrupted build is thrown away and done again). Building may use the package
registries, so it runs with the environment pytest started with, not the sandbox."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import Callable

import pytest

from .env import ORIGINAL_ENV

MARKER = ".asso-tests-complete"


def cache_root() -> Path:
    base = ORIGINAL_ENV.get("XDG_CACHE_HOME") or os.path.join(
        ORIGINAL_ENV.get("HOME", os.path.expanduser("~")), ".cache"
    )
    return Path(base) / "asso-tests"


def build_env() -> dict[str, str]:
    """The environment for a build: pytest's original one, without AWS or Python settings."""
    env = {k: v for k, v in ORIGINAL_ENV.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


def built_once(name: str, build: Callable[[Path], str]) -> Path:
    """``<cache>/name``, made by ``build(directory)`` the first time (it returns what to keep in
    the marker); a failed build fails the test with what went wrong."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    target = root / name
    if (target / MARKER).exists():
        return target
    with open(root / (name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run building it: wait for it
        if not (target / MARKER).exists():
            if target.exists():
                shutil.rmtree(target)
            try:
                note = build(target)
            except Exception as exc:
                pytest.fail(f"could not build {target}: {exc}")
            (target / MARKER).write_text(note)
    return target
