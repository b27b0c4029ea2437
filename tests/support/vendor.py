"""Real third-party components for tests, found through ``ASSO_TEST_*`` variables.

Each defaults to ``<repo>/../shared/vendor/...`` when that exists. Without it, the test that needs
the component skips with a reason that names the variable. The vendor folder may be read-only:
``copy_tree`` makes a private, writable copy.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Optional

import pytest

from .env import ORIGINAL_ENV

REPO = Path(__file__).resolve().parents[2]
VENDOR = REPO.parent / "shared" / "vendor"

COMPONENTS = {
    "ASSO_TEST_OMZ": ("ohmyzsh", "oh-my-zsh.sh"),
    "ASSO_TEST_P10K": ("powerlevel10k", "powerlevel10k.zsh-theme"),
    "ASSO_TEST_ZINIT": ("zinit", "zinit.zsh"),
    "ASSO_TEST_ANTIDOTE": ("antidote", "antidote.zsh"),
    "ASSO_TEST_AWSCLI_WHEEL": ("awscli-2.36.7-py3-none-any.whl", ""),
}


def find(variable: str) -> Optional[Path]:
    """The component the variable names (or its default beside the checkout), if it is there."""
    default, marker = COMPONENTS[variable]
    given = ORIGINAL_ENV.get(variable, "")
    path = Path(given).expanduser() if given else VENDOR / default
    if not path.exists() or (marker and not (path / marker).exists()):
        return None
    return path.resolve()


def require(variable: str) -> Path:
    """The component, or skip the test with a reason that names the variable."""
    path = find(variable)
    if path is None:
        default, _ = COMPONENTS[variable]
        pytest.skip(f"set {variable} to a copy of {default} (not found at {VENDOR / default})")
    return path


def copy_tree(source: Path, destination: Path) -> Path:
    """A writable copy of a (possibly read-only) vendor tree."""
    shutil.copytree(source, destination, symlinks=True)
    for root, dirs, files in os.walk(destination):
        for name in dirs + files:
            path = os.path.join(root, name)
            if not os.path.islink(path):
                os.chmod(path, os.stat(path).st_mode | 0o200)
    os.chmod(destination, os.stat(destination).st_mode | 0o200)
    return destination
