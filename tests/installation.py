"""Helpers for tests that install asso as a user would: a Git host on disk, a wheelhouse, a PATH.

A Git "host": a bare repository holding this checkout's HEAD as ``main``, and a Git config that
rewrites ``https://github.com/`` to it, so ``git clone https://github.com/OWNER/asso`` and the
plugin managers' own clones work with no network. pip installs from a wheelhouse built once per
session (``--no-index``): the dependencies come from the package index only while building it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO
from .support.cache import build_env

OWNER = "OWNER"  # as the README writes it
FIXED_PATH = ["/usr/local/bin", "/usr/bin", "/bin"]


def vendor(name: str, variable: str) -> Path:
    """A real third-party tree: $variable, else ../shared/vendor/<name>; skip when missing."""
    path = Path(os.environ.get(variable) or REPO.parent / "shared" / "vendor" / name)
    if not path.is_dir():
        pytest.skip(f"{name} not found at {path}: set {variable} to a copy of it")
    return path


def bin_dir(root: Path) -> Path:
    """A directory with python3 (the interpreter running the tests), to put first on PATH."""
    directory = root / "bin"
    directory.mkdir(parents=True, exist_ok=True)
    link = directory / "python3"
    if not link.exists():
        link.symlink_to(sys.executable)
    return directory


def path_with(*dirs: Path) -> str:
    return ":".join([*(str(d) for d in dirs), *FIXED_PATH])


def git_host(root: Path) -> dict[str, str]:
    """A bare repository with HEAD as main, at https://github.com/OWNER/asso(.git) for git."""
    bare = root / "host" / OWNER / "asso.git"
    bare.parent.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    subprocess.run(
        ["git", "-C", str(REPO), "push", "-q", str(bare), "HEAD:refs/heads/main"], check=True
    )
    subprocess.run(["git", "-C", str(bare), "symbolic-ref", "HEAD", "refs/heads/main"], check=True)
    (bare.parent / "asso").symlink_to("asso.git")
    config = root / "host" / "gitconfig"
    config.write_text(
        f'[url "file://{root / "host"}/"]\n\tinsteadOf = https://github.com/\n'
        "[init]\n\tdefaultBranch = main\n"
        "[advice]\n\tdetachedHead = false\n"
    )
    return {"GIT_CONFIG_GLOBAL": str(config), "GIT_CONFIG_NOSYSTEM": "1"}


def build_wheelhouse(directory: Path) -> Path:
    """Wheels of asso and its dependencies, setuptools to build asso from a checkout, pipx."""
    python = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    subprocess.run(
        [*python, "wheel", "--quiet", "-w", str(directory), str(REPO)],
        env=build_env(),  # the test sandbox's proxies point nowhere: this step needs the index
        check=True,
        capture_output=True,
        timeout=600,
    )
    subprocess.run(
        [
            *python,
            "download",
            "--quiet",
            "-d",
            str(directory),
            "setuptools>=64",
            "wheel",
            "pip",
            "pipx",
        ],
        env=build_env(),
        check=True,
        capture_output=True,
        timeout=600,
    )
    return directory


def offline_pip(wheelhouse: Path) -> dict[str, str]:
    """Environment for pip (and install.sh's pip) to install only from the wheelhouse."""
    return {
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(wheelhouse),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
