"""asso.sso.settings: login settings from the environment (time limits, backend, options)."""

from __future__ import annotations

import pytest

from asso.errors import ExitCode, UsageError
from asso.sso.settings import (
    DEFAULT_HTTP_TIMEOUT,
    DEFAULT_TIMEOUT,
    LoginOptions,
    backend_setting,
    http_settings,
    login_timeout,
)

BAD_SECONDS = [
    "0",
    "-1",
    "-0.5",
    "abc",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "1e999",
    "10s",
    "1 2",
    "1\n2",
    "$(sleep 9)",
    "%s",
    "日本",
]


@pytest.mark.parametrize(("raw", "seconds"), [("30", 30.0), (" 2.5 ", 2.5), ("1e3", 1000.0)])
def test_login_timeout(raw: str, seconds: float) -> None:
    assert login_timeout({"ASSO_LOGIN_TIMEOUT": raw}) == seconds


@pytest.mark.parametrize("raw", [None, "", "   ", "\t\n"])
def test_login_timeout_default(raw: object) -> None:
    env = {} if raw is None else {"ASSO_LOGIN_TIMEOUT": str(raw)}
    assert login_timeout(env) == DEFAULT_TIMEOUT == 600.0


@pytest.mark.parametrize("raw", BAD_SECONDS)
def test_bad_seconds_are_a_usage_error_that_names_the_variable(raw: str) -> None:
    for name, read in (("ASSO_LOGIN_TIMEOUT", login_timeout), ("ASSO_HTTP_TIMEOUT", http_settings)):
        with pytest.raises(UsageError) as raised:
            read({name: raw})
        assert raised.value.exit_code == ExitCode.USAGE
        assert str(raised.value) == (
            f"{name} must be a positive number of seconds, not {raw.strip()!r}"
        )


def test_http_settings() -> None:
    default = http_settings({})
    assert default.read_timeout == DEFAULT_HTTP_TIMEOUT == 15.0
    assert default.connect_timeout == 10.0  # connecting never waits longer than 10 s
    assert default.attempts == 3
    short = http_settings({"ASSO_HTTP_TIMEOUT": "3"})
    assert (short.connect_timeout, short.read_timeout) == (3.0, 3.0)
    long = http_settings({"ASSO_HTTP_TIMEOUT": "120", "ASSO_LOGIN_TIMEOUT": "1"})
    assert (long.connect_timeout, long.read_timeout) == (10.0, 120.0)


@pytest.mark.parametrize(
    ("raw", "backend"),
    [(None, "auto"), ("", "auto"), ("  ", "auto"), ("native", "native"), (" CLI\n", "cli")],
)
def test_backend_setting(raw: object, backend: str) -> None:
    env = {} if raw is None else {"ASSO_LOGIN_BACKEND": str(raw)}
    assert backend_setting(env) == backend


@pytest.mark.parametrize("raw", ["aws", "cli2", "native cli", "$(x)", "ÄUTO", "auto;cli"])
def test_unknown_backend_is_a_usage_error(raw: str) -> None:
    with pytest.raises(UsageError) as raised:
        backend_setting({"ASSO_LOGIN_BACKEND": raw})
    assert raised.value.exit_code == ExitCode.USAGE
    assert "auto, native, cli" in str(raised.value)
    assert repr(raw.strip().lower()) in str(raised.value)


def test_login_options() -> None:
    default = LoginOptions()
    assert (default.force, default.no_browser, default.use_device_code) == (False, False, False)
    assert (default.refresh_only, default.quiet, default.backend) == (False, False, "auto")
    chosen = LoginOptions(force=True, use_device_code=True, backend="cli", quiet=True)
    assert (chosen.force, chosen.use_device_code, chosen.backend, chosen.quiet) == (
        True,
        True,
        "cli",
        True,
    )
    with pytest.raises(TypeError):
        LoginOptions(True)  # type: ignore[misc]  # keyword-only: no option set by position
