"""Shared leaf: where files live; every location can be overridden from the environment.

AWS locations follow botocore exactly; asso's own directories follow platformdirs' rules.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

APP_NAME = "asso"


def _expand(path: str) -> str:
    # botocore expands variables first, then the user's home: same order here.
    return os.path.expanduser(os.path.expandvars(path))


def aws_config_file(env: Mapping[str, str] = os.environ) -> str:
    # Set but empty means no file at all, as in botocore (not the default path).
    return _expand(env.get("AWS_CONFIG_FILE", "~/.aws/config"))


def aws_credentials_file(env: Mapping[str, str] = os.environ) -> str:
    return _expand(env.get("AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials"))


def sso_cache_dir() -> str:
    """The SSO token cache. Fixed in botocore and the CLI: no variable moves it but HOME."""
    return os.path.expanduser(os.path.join("~", ".aws", "sso", "cache"))


def cli_cache_dir() -> str:
    """Where AWS CLI v2 caches role credentials."""
    return os.path.expanduser(os.path.join("~", ".aws", "cli", "cache"))


# platformdirs' rules for the two platforms asso supports, inline: importing platformdirs costs
# ~20 ms, more than the rest of ``asso resolve``. tests/test_paths.py checks they agree.
XDG_DIRS = {
    "cache": ("XDG_CACHE_HOME", "~/.cache"),
    "config": ("XDG_CONFIG_HOME", "~/.config"),
    "state": ("XDG_STATE_HOME", "~/.local/state"),
    "data": ("XDG_DATA_HOME", "~/.local/share"),
}
MACOS_DIRS = {
    "cache": "~/Library/Caches",
    "config": "~/Library/Application Support",
    "state": "~/Library/Application Support",
    "data": "~/Library/Application Support",
}


#: The variable that moves each of asso's directories.
OVERRIDE_VARIABLES = {kind: f"ASSO_{kind.upper()}_DIR" for kind in XDG_DIRS}


def _user_dir(kind: str) -> str:
    override = os.environ.get(OVERRIDE_VARIABLES[kind])
    if override:
        return _expand(override)
    if sys.platform == "darwin":
        return os.path.join(os.path.expanduser(MACOS_DIRS[kind]), APP_NAME)
    if sys.platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        variable, default = XDG_DIRS[kind]
        base = os.environ.get(variable, "").strip() or os.path.expanduser(default)
        return os.path.join(base, APP_NAME)
    import platformdirs

    getter = {
        "cache": platformdirs.user_cache_dir,
        "config": platformdirs.user_config_dir,
        "state": platformdirs.user_state_dir,
        "data": platformdirs.user_data_dir,
    }[kind]
    return str(getter(APP_NAME, appauthor=False))


def user_cache_dir() -> str:
    return _user_dir("cache")


def user_config_dir() -> str:
    return _user_dir("config")


def user_state_dir() -> str:
    return _user_dir("state")


def user_data_dir() -> str:
    return _user_dir("data")
