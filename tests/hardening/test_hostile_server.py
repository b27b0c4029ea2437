"""A hostile Identity Center over real HTTP: its organisation, wrong types and absurd numbers
reach asso through botocore, and asso writes, shows and exports only what it meant to."""

from __future__ import annotations

import configparser
import re
from typing import Any

import botocore.session
import pytest

from asso.emulator.hostile import ABSURD_NUMBERS, hostile_organization

from ..conftest import AwsHome, run_shell
from ..support.org import (  # noqa: F401 (fixtures)
    SESSION_CONFIG,
    EmulatorFactory,
    helper,
    home,
    login,
    make_emulator,
)

CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
USER_TEXT = SESSION_CONFIG + "\n[profile mine]\nregion = eu-west-1\n"
KEYS = {"sso_session", "sso_account_id", "sso_account_name", "sso_role_name", "region"}


def test_populate_from_a_hostile_organisation(
    home: AwsHome,  # noqa: F811
    make_emulator: EmulatorFactory,  # noqa: F811
    shell: str,
) -> None:
    emu = make_emulator(hostile_organization())
    home.write_config(USER_TEXT)
    login(emu, home, "corp")
    proc = helper(home, "populate")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and not CONTROL.search(proc.stderr), proc.stderr
    # One warning line per skipped entry: three accounts with control characters in their
    # names, one with a bad id, and the role "$(id)" (the rest of that account is kept).
    skipped = [line for line in proc.stderr.splitlines() if "skipped" in line]
    assert len(skipped) == 5, proc.stderr
    text = home.config.read_text(encoding="utf-8")
    assert text.startswith(USER_TEXT)
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    profiles = botocore.session.Session(
        session_vars={"config_file": (None, None, str(home.config), None)}
    ).full_config["profiles"]
    assert "injected" not in profiles
    generated = {n: p for n, p in profiles.items() if n != "mine"}
    assert {(p["sso_account_id"], p["sso_role_name"]) for p in generated.values()} == {
        ("111111111111", "ReadOnlyAccess"),
        ("444444444444", "Dev"),
    }
    assert generated["id-id-F-red-n-Dev"]["sso_account_name"] == "$(id)`id`%F{red}%n"
    for profile in generated.values():
        assert set(profile) == KEYS
        assert not any(CONTROL.search(v) for v in profile.values())
    # Through the prompt: every generated profile, selected in a real shell.
    names = sorted(generated)
    script = "".join(
        f'asp {name} >/dev/null 2>&1 && printf \'%s\\0\' "$ASSO_PROMPT" "$ASSO_ACCOUNT_NAME"\n'
        for name in names
    )
    out = run_shell(shell, script, home.env)
    fields = out.stdout.split("\0")[:-1]
    assert len(fields) == 2 * len(names), out.stderr
    assert not any(CONTROL.search(f) for f in fields), fields


@pytest.mark.parametrize(
    "accounts",
    [
        [{"accountId": 111111111111, "accountName": "n"}],
        [{"accountId": "111111111111", "accountName": {"x": 1}}],
        [{"accountId": "111111111111", "accountName": "n", "emailAddress": ["a"]}],
        [{"accountId": "-1", "accountName": "n"}],
    ],
)
def test_wrong_types_in_list_accounts_are_skipped(
    home: AwsHome,  # noqa: F811
    make_emulator: EmulatorFactory,  # noqa: F811
    accounts: list[dict[str, Any]],
) -> None:
    emu = make_emulator()
    home.write_config(USER_TEXT)
    login(emu, home, "corp")
    emu.tamper("ListAccounts", accountList=accounts)
    proc = helper(home, "status", "--refresh")
    assert "Traceback" not in proc.stderr
    assert "skipped an invalid entry" in proc.stderr, proc.stderr


@pytest.mark.parametrize(
    ("operation", "field"),
    [
        ("CreateToken", "expiresIn"),
        ("StartDeviceAuthorization", "interval"),
        ("StartDeviceAuthorization", "expiresIn"),
        ("RegisterClient", "clientSecretExpiresAt"),
    ],
)
@pytest.mark.parametrize("value", ABSURD_NUMBERS)
def test_absurd_numbers_fail_the_login_in_one_line(
    home: AwsHome,  # noqa: F811
    make_emulator: EmulatorFactory,  # noqa: F811
    operation: str,
    field: str,
    value: Any,
) -> None:
    emu = make_emulator()
    home.write_config(USER_TEXT)
    emu.tamper(operation, **{field: value})
    proc = helper(
        home,
        "login",
        "--session",
        "corp",
        "--use-device-code",
        "--no-browser",
        ASSO_LOGIN_TIMEOUT="30",
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 6, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("asso: unexpected answer from Identity Center"), proc.stderr
    assert not list(home.sso_cache.glob("*.partial"))


@pytest.mark.parametrize(
    "url",
    ["-https://x/", "http://evil.example.com/", "javascript:alert(1)", "https://x/\nline", 7],
)
def test_verification_urls_a_browser_must_not_open(
    home: AwsHome,  # noqa: F811
    make_emulator: EmulatorFactory,  # noqa: F811
    url: Any,
) -> None:
    emu = make_emulator()
    home.write_config(USER_TEXT)
    emu.tamper("StartDeviceAuthorization", verificationUriComplete=url)
    proc = helper(home, "login", "--session", "corp", "--use-device-code", "--no-browser")
    assert proc.returncode == 6, proc.stderr
    assert "verificationUriComplete" in proc.stderr.splitlines()[-1]
