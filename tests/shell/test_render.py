"""The prompt segment: format groups and escapes, value sanitizing, region display modes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Optional

import pytest

from asso.aws import tokens
from asso.aws.resolve import Resolution
from asso.shell.facts import DEFAULT_FORMAT, REGION_MODES
from asso.shell.render import (
    FIELDS,
    TIME_LEFT_MARK,
    field_values,
    render,
    render_format,
    sanitize,
)

REPO = Path(__file__).resolve().parents[2]


def make(
    *,
    profile: str = "prod",
    kind: str = "sso",
    account_id: Optional[str] = "123456789012",
    account_name: Optional[str] = "Production",
    role: Optional[str] = "Admin",
    region: Optional[str] = "eu-west-1",
    region_source: Optional[str] = "profile",
    sso_session: Optional[str] = "my-sso",
    start_url: Optional[str] = "https://d-1234567890.awsapps.com/start",
    state: Optional[str] = tokens.VALID,
    expires_at: Optional[float] = 2_000_000_000.0,
    past_expiry: bool = False,
    error: Optional[str] = None,
) -> Resolution:
    token = (
        tokens.TokenStatus(state, "/t.json", expires_at, past_expiry=past_expiry)
        if state is not None
        else None
    )
    return Resolution(
        profile,
        kind,
        account_id,
        account_name,
        role,
        region,
        region_source,
        sso_session,
        start_url,
        token,
        error,
    )


# ---------------------------------------------------------------------------------------------
# render_format

VALUES = {"a": "A", "b": "B", "empty": "", "pct": "%"}


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("", ""),
        ("plain text", "plain text"),
        ("{a}", "A"),
        ("{a}{b}", "AB"),
        ("x{a}y", "xAy"),
        ("[{a}]", "A"),
        ("[<{a}>]", "<A>"),
        ("[<{empty}>]", ""),
        ("[{a}/{empty}]", ""),  # any empty field drops the whole group
        ("[{a}/{b}]", "A/B"),
        ("{a}[ {empty}][ {b}]", "A B"),
        ("[literal only]", "literal only"),
        ("{empty}[{a}]", "A"),  # an empty field outside a group drops nothing
        ("{nope}", "{nope}"),  # unknown field: literal
        ("[{nope}]", "{nope}"),
        ("{a", "{a"),  # unclosed brace: literal
        ("{}", "{}"),
        ("}", "}"),
        ("]", "]"),  # stray close: literal
        ("[{a}", "[A"),  # unclosed group: literal, with its "["
        ("[{empty}", "["),
        ("[a[b]c]", "a[bc]"),  # groups do not nest: the inner "[" is literal
        ("\\[{a}\\]", "[A]"),
        ("\\{a}", "{a}"),
        ("\\\\{a}", "\\A"),
        ("[\\]{empty}]", ""),
        ("trailing\\", "trailing\\"),
        ("{pct}", "%"),  # render_format itself never escapes: sanitize does
        ("%F{red}{a}%f", "%F{red}A%f"),
    ],
)
def test_render_format(fmt: str, expected: str) -> None:
    assert render_format(fmt, VALUES) == expected


def test_field_values_are_not_reinterpreted() -> None:
    values = {"a": "{b}[x]\\", "b": "B"}
    assert render_format("{a}", values) == "{b}[x]\\"


# ---------------------------------------------------------------------------------------------
# sanitize


@pytest.mark.parametrize("code", [*range(0x20), 0x7F, *range(0x80, 0xA0)])
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_control_characters_become_question_marks(code: int, shell: str) -> None:
    assert sanitize(f"a{chr(code)}b", shell) == "a?b"


@pytest.mark.parametrize(
    ("value", "zsh", "bash"),
    [
        ("50%", "50%%", "50%"),
        ("%F{red}", "%%F{red}", "%F{red}"),
        ("\x1b[31mred", "?[31mred", "?[31mred"),
        ("caf\u00e9 \u00a0 \u2028 \U0001f600", "caf\u00e9 \u00a0 \u2028 \U0001f600", None),
        ("$(rm -rf ~)`x`\\", "$(rm -rf ~)`x`\\", "$(rm -rf ~)`x`\\"),
        ("", "", ""),
    ],
)
def test_sanitize(value: str, zsh: str, bash: Optional[str]) -> None:
    assert sanitize(value, "zsh") == zsh
    assert sanitize(value, "bash") == (zsh if bash is None else bash)


# ---------------------------------------------------------------------------------------------
# render


def test_default_format_matches_plugins() -> None:
    pattern = re.compile(r"ASSO_PROMPT_FORMAT='([^']*)'")
    for settings in ("plugin/zsh/generated.zsh", "plugin/bash/generated.bash"):
        text = (REPO / settings).read_text(encoding="utf-8")
        defaults = pattern.findall(text)
        assert defaults == [DEFAULT_FORMAT], settings


def test_default_format_output() -> None:
    res = make(region_source="env")
    assert render(res, "", "env", "zsh") == f"Production/Admin eu-west-1 {TIME_LEFT_MARK}"
    assert render(res, DEFAULT_FORMAT, "env", "zsh") == render(res, "", "env", "zsh")


@pytest.mark.parametrize(
    ("mode", "source", "shown"),
    [
        ("env", "env", True),
        ("env", "profile", False),
        ("always", "env", True),
        ("always", "profile", True),
        ("never", "env", False),
        ("never", "profile", False),
    ],
)
def test_region_modes(mode: str, source: str, shown: bool) -> None:
    assert mode in REGION_MODES
    res = make(region_source=source)
    out = render(res, "{profile}[ {region}]", mode, "bash")
    assert out == ("prod eu-west-1" if shown else "prod")
    assert field_values(res, mode)["region"] == ("eu-west-1" if shown else "")


def test_region_absent_drops_group() -> None:
    res = make(region=None, region_source=None)
    assert render(res, "{profile}[ {region}]", "always", "zsh") == "prod"


@pytest.mark.parametrize(
    ("state", "past_expiry", "expected"),
    [
        (tokens.VALID, False, TIME_LEFT_MARK),
        (tokens.REFRESHABLE, False, TIME_LEFT_MARK),
        (tokens.REFRESHABLE, True, "refresh"),
        (tokens.EXPIRED, True, "expired"),
        (tokens.MISSING, False, "no token"),
        (None, False, ""),
    ],
)
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_time_left(state: Optional[str], past_expiry: bool, expected: str, shell: str) -> None:
    expires = None if state in (tokens.MISSING, None) else 2_000_000_000.0
    res = make(state=state, expires_at=expires, past_expiry=past_expiry)
    # The mark survives sanitizing: the shell replaces it with the live countdown.
    assert render(res, "{profile}[ {time_left}]", "never", shell) == (
        "prod" + (" " + expected if expected else "")
    )


@pytest.mark.parametrize(
    ("account_name", "account_id", "expected"),
    [
        ("Production", "123456789012", "Production"),
        (None, "123456789012", "123456789012"),
        (None, None, "prod"),
    ],
)
def test_account_falls_back(account_name: Any, account_id: Any, expected: str) -> None:
    res = make(account_name=account_name, account_id=account_id)
    assert render(res, "{account}", "never", "zsh") == expected


def test_every_field_has_a_value() -> None:
    values = field_values(make(region_source="env"), "env")
    assert set(values) == set(FIELDS)
    assert values["session"] == "my-sso"
    assert values["state"] == "valid"
    assert values["kind"] == "sso"
    legacy = field_values(make(sso_session=None), "env")
    assert legacy["session"] == "https://d-1234567890.awsapps.com/start"


def test_values_are_sanitized_but_format_is_not() -> None:
    res = make(profile="50%\x1b", account_name="A%B\n", role="r\x07")
    out = render(res, "%F{red}{profile} {account}/{role}%f", "never", "zsh")
    assert out == "%F{red}50%%? A%%B?/r?%f"
    assert render(res, "{profile} {account}", "never", "bash") == "50%? A%B?"


def test_config_error_and_none() -> None:
    assert render(None, DEFAULT_FORMAT, "env", "zsh") == ""
    res = make(profile="br%ken\x1b", error="Infinite loop")
    assert render(res, DEFAULT_FORMAT, "env", "zsh") == "br%%ken? (config error)"
    assert render(res, DEFAULT_FORMAT, "env", "bash") == "br%ken? (config error)"
