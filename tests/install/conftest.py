"""Fixtures for installing asso as a user would: a wheelhouse for offline pip, a fresh HOME."""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

import pytest

from ..conftest import START_URL, sha1_hex
from ..installation import bin_dir, build_wheelhouse, offline_pip, path_with
from ..support.samples import config, session, sso_profile


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """asso's wheel and its dependencies, built once (the only step that reaches the index)."""
    return build_wheelhouse(tmp_path_factory.mktemp("wheelhouse"))


def user_env(root: Path, wheelhouse: Path) -> dict[str, str]:
    """A new user: HOME under ``root``, PATH from a fixed list plus python3, offline pip."""
    home = root / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {
        "HOME": str(home),
        "PATH": path_with(bin_dir(root)),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        **offline_pip(wheelhouse),
    }


PYTHON = sys.executable

CONFIG = config(session(), sso_profile("dev", "123456789012", "Dev"))
# The prompt's segment: 3h and some minutes, however long an install under load takes.
PROMPT = re.compile(r"123456789012/Dev 3h[0-5][0-9]m")


def write_aws(home: Path) -> None:
    """A profile with a token valid for 3h45m: the prompt shows PROMPT for three quarters of an
    hour."""
    aws = home / ".aws"
    (aws / "sso" / "cache").mkdir(parents=True)
    (aws / "config").write_text(CONFIG)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3 * 3600 + 45 * 60))
    token = {"startUrl": START_URL, "region": "us-east-1", "accessToken": "t", "expiresAt": expires}
    (aws / "sso" / "cache" / (sha1_hex("corp") + ".json")).write_text(json.dumps(token))
