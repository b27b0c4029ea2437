"""asso status: every session and token state, as a table and as JSON, without the network."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import pytest

from asso.aws import accounts as account_cache
from asso.aws.config import SsoSession
from asso.cli import status
from asso.errors import ExitCode

from ..conftest import START_URL, AwsHome
from ..support.org import EmulatorFactory, helper, login
from ..support.samples import config, keys_profile, legacy_profile, section, session, sso_profile

OTHER_URL = "https://d-2222222222.awsapps.com/start"
GONE_URL = "https://d-3333333333.awsapps.com/start"

CONFIG = config(
    session("valid"),
    session("refreshable", sso_region="eu-west-1"),
    session("expired"),
    session("missing"),
    session("unused", sso_region="ap-southeast-2"),
    section("sso-session broken", sso_region="us-east-1"),
    sso_profile("a", "111111111111", "Admin", "valid"),
    sso_profile("b", "222222222222", "ReadOnly", "valid", region="eu-west-1"),
    sso_profile("c", "111111111111", "Admin", "refreshable"),
    sso_profile("d", "111111111111", "Admin", "expired"),
    sso_profile("e", "111111111111", "Admin", "missing"),
    legacy_profile("legacy-ok", "333333333333", "Dev", start_url=OTHER_URL, sso_region="us-west-2"),
    legacy_profile(
        "legacy-ok-too", "444444444444", "Dev", start_url=OTHER_URL, sso_region="us-west-2"
    ),
    legacy_profile("legacy-gone", "555555555555", "Dev", start_url=GONE_URL),
    keys_profile(key_id="AKIDEXAMPLE", secret="secret"),
)


@pytest.fixture
def mixed(home: AwsHome) -> AwsHome:
    home.write_config(CONFIG)
    home.write_token("valid", expires_in=3 * 3600 + 5 * 60, refreshable=True)
    home.write_token("refreshable", expires_in=5 * 60, refreshable=True)
    home.write_token("expired", expires_in=-60)
    home.write_token(OTHER_URL, expires_in=40 * 60, refreshable=True)  # legacy: never refreshed
    home.write_token(GONE_URL, expires_in=-3600)
    known = [
        account_cache.DirectoryAccount("111111111111", "Main Account", "", ["Admin"]),
        account_cache.DirectoryAccount("222222222222", "Reader", "", ["ReadOnly", "Other"]),
    ]
    session = SsoSession(START_URL, "us-east-1", "valid")
    fetched = account_cache.Directory("valid", START_URL, "us-east-1", time.time() - 7200, known)
    account_cache.save(fetched, session.cache_key)
    return home


def test_json_lists_every_session_in_every_state(mixed: AwsHome) -> None:
    result = helper(mixed, "status", "--json")
    assert result.returncode == 0, result.stderr
    sessions = {s["label"]: s for s in json.loads(result.stdout)["sessions"]}
    assert list(sessions) == [
        "valid",
        "refreshable",
        "expired",
        "missing",
        "unused",
        "broken",
        OTHER_URL,
        GONE_URL,
    ]
    states = {label: s["token_state"] for label, s in sessions.items()}
    assert states == {
        "valid": "valid",
        "refreshable": "refreshable",
        "expired": "expired",
        "missing": "missing",
        "unused": "missing",
        "broken": "missing",
        OTHER_URL: "valid",
        GONE_URL: "expired",
    }
    valid = sessions["valid"]
    assert valid["kind"] == "sso-session" and valid["can_refresh"] is True
    assert valid["profiles"] == ["a", "b"] and valid["profile_count"] == 2
    assert valid["accounts"] == 2 and valid["roles"] == 3 and valid["directory_stale"] is False
    assert 3 * 3600 < valid["seconds_left"] <= 3 * 3600 + 5 * 60
    assert sessions["refreshable"]["can_refresh"] is True
    assert sessions["refreshable"]["region"] == "eu-west-1"
    legacy = sessions[OTHER_URL]
    assert legacy["kind"] == "legacy" and legacy["name"] is None
    assert legacy["can_refresh"] is False  # botocore never refreshes legacy tokens
    assert legacy["profiles"] == ["legacy-ok", "legacy-ok-too"] and legacy["region"] == "us-west-2"
    assert sessions["unused"]["profile_count"] == 0
    assert sessions["broken"]["problem"] == "[sso-session broken] lacks sso_start_url"
    assert sessions["missing"]["accounts"] is None
    assert "profiles" not in json.loads(result.stdout)


def test_table(mixed: AwsHome) -> None:
    result = helper(mixed, "status")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "SESSION",
        "TYPE",
        "START",
        "URL",
        "REGION",
        "TOKEN",
        "LEFT",
        "REFRESH",
        "PROFILES",
        "ACCOUNTS",
        "FETCHED",
    ]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert rows["valid"][4] == "valid" and rows["valid"][5] in ("3h04m", "3h05m")
    assert rows["valid"][6:10] == ["yes", "2", "2", "2h"]
    assert rows["refreshable"][4] == "refreshable" and rows["refreshable"][5] in ("4m", "5m")
    assert rows["expired"][4:7] == ["expired", "expired", "no"]
    assert rows["missing"][4:9] == ["missing", "-", "no", "1", "-"]
    legacy = rows[OTHER_URL]
    assert legacy[1] == "legacy" and legacy[4] == "valid" and legacy[5] in ("39m", "40m")
    assert legacy[6] == "no"
    assert rows[GONE_URL][4] == "expired"
    assert "\x1b[" not in result.stdout  # not a terminal: no colour
    assert "lacks sso_start_url" in result.stderr


def test_profiles_table_and_json(mixed: AwsHome) -> None:
    result = helper(mixed, "status", "--profiles")
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("\n\n")[1].splitlines()
    assert table[0].split() == [
        "PROFILE",
        "ACCOUNT",
        "ACCOUNT",
        "ID",
        "ROLE",
        "REGION",
        "SESSION",
        "STATE",
    ]
    rows = {line.split()[0]: line for line in table[1:]}
    assert rows["a"].split() == [
        "a",
        "Main",
        "Account",
        "111111111111",
        "Admin",
        "-",
        "valid",
        "valid",
    ]
    assert rows["b"].split()[1:] == [
        "Reader",
        "222222222222",
        "ReadOnly",
        "eu-west-1",
        "valid",
        "valid",
    ]
    assert rows["keys"].split()[-1] == "static"
    data = json.loads(helper(mixed, "status", "--profiles", "--json").stdout)
    profiles = {p["profile"]: p for p in data["profiles"]}
    assert profiles["a"]["account_name"] == "Main Account"
    assert profiles["d"]["token_state"] == "expired"
    assert profiles["legacy-gone"]["start_url"] == GONE_URL
    only = json.loads(helper(mixed, "status", "--profiles", "--json", "--session", "valid").stdout)
    assert [s["label"] for s in only["sessions"]] == ["valid"]
    assert [p["profile"] for p in only["profiles"]] == ["a", "b"]


def test_colour_on_a_terminal(
    mixed: AwsHome, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("asso.table.use_colour", lambda stream=None: True)
    args = argparse.Namespace(profiles=False, json=False, refresh=False, session=None)
    assert status.run(args) == 0
    out = capsys.readouterr().out
    assert "\x1b[32mvalid\x1b[0m" in out and "\x1b[31mexpired\x1b[0m" in out
    assert "\x1b[33mrefreshable\x1b[0m" in out


def test_plain_status_imports_no_aws_sdk(mixed: AwsHome) -> None:
    code = (
        "import sys\nfrom asso.cli.main import main\nmain(['status', '--profiles'])\n"
        "print('IMPORTED', sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=mixed.env, capture_output=True, text=True, timeout=30
    )
    assert "IMPORTED []" in result.stdout, result.stdout + result.stderr


def test_no_sessions(home: AwsHome) -> None:
    home.write_config("[default]\nregion = eu-west-1\n")
    result = helper(home, "status")
    assert result.returncode == 0 and result.stdout == ""
    assert "No SSO sessions" in result.stderr
    assert json.loads(helper(home, "status", "--json").stdout) == {"sessions": []}
    unknown = helper(home, "status", "--session", "nope")
    assert unknown.returncode == ExitCode.USAGE and "no SSO session 'nope'" in unknown.stderr


def test_refresh_fetches_logged_in_sessions_only(
    home: AwsHome, make_emulator: EmulatorFactory
) -> None:
    emu = make_emulator()
    home.write_config(CONFIG)
    login(emu, home, "valid")
    result = helper(home, "status", "--refresh", "--json")
    assert result.returncode == 0, result.stderr
    sessions = {s["label"]: s for s in json.loads(result.stdout)["sessions"]}
    assert sessions["valid"]["accounts"] == 4
    assert sessions["expired"]["accounts"] is None
    assert "missing: not refreshed" in result.stderr
    assert set(emu.operations()) >= {"ListAccounts", "ListAccountRoles"}
    # Asked for one session that is not logged in: that is an error.
    only = helper(home, "status", "--refresh", "--session", "missing")
    assert (
        only.returncode == ExitCode.NOT_LOGGED_IN and "asso login --session missing" in only.stderr
    )
