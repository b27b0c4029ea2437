"""Login settings from the environment: backend, time limits, options."""

from __future__ import annotations

import os

from asso.errors import (
    UsageError,
)
from asso.sso import oidc

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping


BACKENDS = ("auto", "native", "cli")
DEFAULT_TIMEOUT = 600.0
DEFAULT_HTTP_TIMEOUT = 15.0


def _seconds_setting(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0 or value != value or value == float("inf"):
        raise UsageError(f"{name} must be a positive number of seconds, not {raw!r}")
    return value


def login_timeout(env: Mapping[str, str] = os.environ) -> float:
    return _seconds_setting(env, "ASSO_LOGIN_TIMEOUT", DEFAULT_TIMEOUT)


def http_settings(env: Mapping[str, str] = os.environ) -> oidc.HttpSettings:
    read = _seconds_setting(env, "ASSO_HTTP_TIMEOUT", DEFAULT_HTTP_TIMEOUT)
    return oidc.HttpSettings(connect_timeout=min(10.0, read), read_timeout=read, attempts=3)


class LoginOptions:
    __slots__ = ("backend", "force", "no_browser", "quiet", "refresh_only", "use_device_code")

    def __init__(
        self,
        *,
        force: bool = False,
        no_browser: bool = False,
        use_device_code: bool = False,
        refresh_only: bool = False,
        backend: str = "auto",
        quiet: bool = False,
    ) -> None:
        self.force = force
        self.no_browser = no_browser
        self.use_device_code = use_device_code
        self.refresh_only = refresh_only
        self.backend = backend
        self.quiet = quiet


def backend_setting(env: Mapping[str, str] = os.environ) -> str:
    value = env.get("ASSO_LOGIN_BACKEND", "").strip().lower() or "auto"
    if value not in BACKENDS:
        raise UsageError(f"ASSO_LOGIN_BACKEND must be one of {', '.join(BACKENDS)}, not {value!r}")
    return value
