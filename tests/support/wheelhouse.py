"""Wheels for installing asso with no network: what install.sh's pip needs (pip, setuptools to
build asso, and asso's dependencies), downloaded once into the cache (see cache.py). The install
test then runs pip with PIP_NO_INDEX and this folder, so it reaches no address at all."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from .cache import build_env, built_once

REQUIREMENTS = (
    "pip",
    "setuptools>=64",
    "boto3>=1.28",
    "botocore>=1.31",
    "shellingham>=1.5",
    "platformdirs>=3",
)


def _build(directory: Path) -> str:
    directory.mkdir(parents=True)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "-d", str(directory), *REQUIREMENTS],
        env=build_env(),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if result.returncode != 0:
        raise RuntimeError(f"pip download failed:\n{result.stderr[-3000:]}")
    return "\n".join(sorted(p.name for p in directory.iterdir()))


def wheelhouse() -> Path:
    key = hashlib.sha1(repr((REQUIREMENTS, sys.version_info[:2])).encode()).hexdigest()[:12]
    return built_once(f"wheelhouse-py{sys.version_info[0]}{sys.version_info[1]}-{key}", _build)


def offline_pip_env() -> dict[str, str]:
    return {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheelhouse())}
