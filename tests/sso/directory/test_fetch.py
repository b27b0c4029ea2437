"""The account directory: fetched with paging after a login, read with no network afterwards."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from asso import errors
from asso.aws import accounts as account_cache
from asso.aws import tokens
from asso.aws.config import SsoSession
from asso.emulator.idc import Account, Organization
from asso.shell.state import build_state
from asso.sso import directory

from ...conftest import START_URL, AwsHome, run_shell
from ...support.org import SESSION_CONFIG, EmulatorFactory, helper, login, wait_for

CONFIG = (
    SESSION_CONFIG
    + """
[profile prod]
sso_session = corp
sso_account_id = 000000000002
sso_role_name = ReadOnlyAccess
region = eu-west-1

[profile named]
sso_session = corp
sso_account_id = 000000000003
sso_role_name = AdministratorAccess
sso_account_name = Named In Profile

[profile static]
aws_access_key_id = AKIDEXAMPLE
aws_secret_access_key = secret
"""
)
SESSION = SsoSession(START_URL, "us-east-1", "corp", "sso:account:access")


def cache_file(session: SsoSession = SESSION) -> Path:
    return Path(account_cache.cache_path_for(session))


@pytest.fixture
def logged_in(home: AwsHome, make_emulator: EmulatorFactory) -> tuple[AwsHome, object, str]:
    emu = make_emulator(Organization.generated(7), page_size=2)
    home.write_config(CONFIG)
    token = login(emu, home, "corp")
    emu.reset_log()
    return home, emu, token


def test_refresh_follows_every_page_of_accounts_and_roles(logged_in: tuple) -> None:
    _home, emu, token = logged_in
    fetched = directory.refresh(SESSION, token)
    org = Organization.generated(7)
    assert {a.account_id: (a.account_name, a.roles) for a in fetched.accounts} == {
        a.account_id: (a.account_name, sorted(a.roles)) for a in org.accounts
    }
    ops = emu.operations()
    # 7 accounts, 2 per page: 4 pages. Roles: one call per account, two for the 3-role ones.
    assert ops.count("ListAccounts") == 4
    three_roles = sum(1 for a in org.accounts if len(a.roles) == 3)
    assert ops.count("ListAccountRoles") == 7 + three_roles
    assert set(ops) == {"ListAccounts", "ListAccountRoles"}
    path = cache_file()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    loaded = account_cache.load(SESSION)
    assert loaded is not None
    assert [a.account_id for a in loaded.accounts] == sorted(a.account_id for a in org.accounts)
    assert abs(loaded.fetched_at - time.time()) < 60
    assert json.loads(path.read_bytes())["session"] == "corp"  # the file is plain JSON


def test_background_refresh_runs_once_per_login_and_never_blocks(logged_in: tuple) -> None:
    _home, emu, _ = logged_in
    started = time.monotonic()
    assert directory.refresh_in_background(SESSION) is True
    assert time.monotonic() - started < 0.5  # returns at once: the fetch is detached
    wait_for(cache_file().exists)
    wait_for(lambda: not directory.running_refreshes())
    ops = emu.operations()
    assert ops.count("ListAccounts") == 4 and ops.count("ListAccountRoles") >= 7
    emu.reset_log()
    # Logged in again while the cache is fresh: only_if_stale starts nothing.
    assert directory.refresh_in_background(SESSION, only_if_stale=True) is False
    time.sleep(0.3)
    assert emu.operations() == []


def test_resolve_and_prompt_read_names_from_the_cache_with_no_network(logged_in: tuple) -> None:
    home, emu, token = logged_in
    directory.refresh(SESSION, token)
    emu.reset_log()
    result = helper(home, "resolve", "--profile", "prod", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["account_name"] == "account-0002"
    # The profile key wins over the directory.
    named = json.loads(helper(home, "resolve", "--profile", "named", "--json").stdout)
    assert named["account_name"] == "Named In Profile"
    records = dict(
        build_state(
            {**home.env, "AWS_PROFILE": "prod"}, key="k", shell="zsh", fmt="", region_mode="env"
        )
    )
    assert records["account_name"] == "account-0002"
    assert records["prompt"].startswith("account-0002/ReadOnlyAccess")
    listing = helper(home, "profiles", "--json")
    names = {p["profile"]: p["account_name"] for p in json.loads(listing.stdout)}
    assert names == {"prod": "account-0002", "named": "Named In Profile", "static": None}
    assert emu.operations() == []  # nothing of this touched the network


def test_the_prompt_path_imports_no_aws_sdk(logged_in: tuple) -> None:
    home, _, token = logged_in
    directory.refresh(SESSION, token)
    code = (
        "import sys\n"
        "from asso.cli.main import main\n"
        "main(['resolve', '--profile', 'prod'])\n"
        "main(['_shell-state', '--shell=bash', '--key=k'])\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'typing')]\n"
        "print('IMPORTED', bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={**home.env, "AWS_PROFILE": "prod"},
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "account-0002" in result.stdout
    assert "IMPORTED []" in result.stdout, result.stdout


def test_shell_state_watches_the_directory_and_overrides(logged_in: tuple) -> None:
    home, _, _ = logged_in
    records = build_state(
        {**home.env, "AWS_PROFILE": "prod"}, key="k", shell="bash", fmt="", region_mode="env"
    )
    watched = [value for name, value in records if name == "watch"]
    assert "-" + str(cache_file()) in watched  # not there yet: its arrival triggers a re-read
    assert "-" + account_cache.overrides_path() in watched


def test_the_prompt_shows_the_name_once_a_background_fetch_lands(
    logged_in: tuple, shell: str
) -> None:
    home, _, _ = logged_in
    script = f"""
asp prod >/dev/null
{"_asso_precmd" if shell == "zsh" else "_asso_prompt_command"}
printf 'before=%s\\n' "$ASSO_PROMPT"
{sys.executable} -m asso.sso.directory --refresh --start-url {START_URL} --region us-east-1 \\
  --session-name corp --scopes sso:account:access
{"_asso_precmd" if shell == "zsh" else "_asso_prompt_command"}
printf 'after=%s\\n' "$ASSO_PROMPT"
"""
    result = run_shell(shell, script, home.env)
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert lines["before"].startswith("000000000002/ReadOnlyAccess")
    assert lines["after"].startswith("account-0002/ReadOnlyAccess")


def test_a_stale_cache_is_refreshed_at_the_next_login(
    logged_in: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, _emu, _ = logged_in
    old = account_cache.Directory(
        "corp",
        START_URL,
        "us-east-1",
        time.time() - 8 * 86400,
        [account_cache.DirectoryAccount("000000000002", "Old Name", "", ["ReadOnlyAccess"])],
    )
    account_cache.save(old, SESSION.cache_key)
    loaded = account_cache.load(SESSION)
    assert loaded is not None and loaded.is_stale()
    status = json.loads(helper(home, "status", "--json").stdout)
    assert status["sessions"][0]["directory_stale"] is True
    # A longer maximum age: still fresh, nothing starts.
    monkeypatch.setenv("ASSO_DIRECTORY_MAX_AGE", "30d")
    assert directory.refresh_in_background(SESSION, only_if_stale=True) is False
    monkeypatch.setenv("ASSO_DIRECTORY_MAX_AGE", "7d")
    before = cache_file().stat().st_mtime_ns
    assert directory.refresh_in_background(SESSION, only_if_stale=True) is True
    wait_for(lambda: cache_file().stat().st_mtime_ns != before)
    wait_for(lambda: not directory.running_refreshes())
    fresh = account_cache.load(SESSION)
    assert fresh is not None and not fresh.is_stale() and len(fresh.accounts) == 7
    account_cache.clear_memo()
    assert account_cache.cached_account_name(SESSION.cache_key, "000000000002") == "account-0002"


@pytest.mark.parametrize(
    "content",
    [
        b"not json at all",
        b'{"version":1,"session":"corp","accounts":[\n{"accountId":"000000000002",',  # cut short
        b'{"version":1,"startUrl":"x","region":"r","fetchedAt":"bad","accounts":[\n]}\n',
        b'{"version":1,"startUrl":"x","region":"r","fetchedAt":"2024-01-01T00:00:00Z",'
        b'"accounts":[\n{"accountId":"000000000002","accountName":7}\n]}\n',
        b"\xff\xfe\x00garbage",
    ],
)
def test_a_corrupt_cache_is_ignored_then_rebuilt(logged_in: tuple, content: bytes) -> None:
    home, _, token = logged_in
    path = cache_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    quiet = helper(home, "resolve", "--profile", "prod", "--json")
    assert quiet.returncode == 0 and quiet.stderr == ""
    assert json.loads(quiet.stdout)["account_name"] in (None, "7")
    assert account_cache.load(SESSION) is None
    loud = helper(home, "status", ASSO_VERBOSE="1")
    assert loud.returncode == 0
    assert "ignoring account directory" in loud.stderr and "rebuilt" in loud.stderr
    directory.refresh(SESSION, token)
    rebuilt = helper(home, "resolve", "--profile", "prod", "--json")
    assert json.loads(rebuilt.stdout)["account_name"] == "account-0002"


def test_user_overrides_win_over_the_profile_key_and_the_cache(logged_in: tuple) -> None:
    home, _, token = logged_in
    directory.refresh(SESSION, token)
    overrides = Path(account_cache.overrides_path())
    overrides.parent.mkdir(parents=True, exist_ok=True)
    overrides.write_text(
        json.dumps({"000000000002": "prod (mine)", "000000000003": "named (mine)"}),
        encoding="utf-8",
    )
    for profile, expected in (("prod", "prod (mine)"), ("named", "named (mine)")):
        result = helper(home, "resolve", "--profile", profile, "--json")
        assert json.loads(result.stdout)["account_name"] == expected
    # A broken overrides file is ignored (said so in verbose mode), not fatal.
    overrides.write_text("{broken", encoding="utf-8")
    result = helper(home, "resolve", "--profile", "prod", "--json", ASSO_VERBOSE="1")
    assert json.loads(result.stdout)["account_name"] == "account-0002"
    assert "ignoring" in result.stderr and str(overrides) in result.stderr


def test_many_lookups_in_one_process_agree_with_single_lookups(logged_in: tuple) -> None:
    _, _, token = logged_in
    fetched = directory.refresh(SESSION, token)
    account_cache.clear_memo()
    expected = fetched.names()
    for _ in range(3):  # searches first, then one parse for the rest
        for account_id, name in expected.items():
            assert account_cache.cached_account_name(SESSION.cache_key, account_id) == name
    assert account_cache.cached_account_name(SESSION.cache_key, "999999999999") is None


def test_names_with_escapes_survive_the_fast_lookup(home: AwsHome) -> None:
    odd = ['Ünïcødé "Team"', "back\\slash", "日本 本番", "tab\there"]
    accounts = [
        account_cache.DirectoryAccount(f"{i:012d}", name, "", ["R"])
        for i, name in enumerate(odd, 1)
    ]
    account_cache.save(
        account_cache.Directory("corp", START_URL, "us-east-1", time.time(), accounts), "k"
    )
    account_cache.clear_memo()
    for account in accounts:
        assert account_cache.cached_account_name("k", account.account_id) == account.account_name


def test_fetch_failures_are_one_line_errors(
    logged_in: tuple, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, emu, token = logged_in
    monkeypatch.setattr(directory, "MAX_ATTEMPTS", 1)
    monkeypatch.setattr(directory, "READ_TIMEOUT", 0.5)
    emu.inject("ListAccounts", status=500, error_type="InternalServerException")
    with pytest.raises(errors.NetworkError, match="ListAccounts failed for SSO session corp"):
        directory.refresh(SESSION, token)
    emu.inject("ListAccountRoles", delay=2.0, status=0)
    with pytest.raises(errors.NetworkError, match="ListAccountRoles"):
        directory.refresh(SESSION, token)
    emu.clear_faults()
    emu.revoke_all()
    with pytest.raises(errors.NotLoggedInError, match="asso login"):
        directory.refresh(SESSION, token)
    assert not cache_file().exists()  # no partial cache is ever written
    # In the background, the failure is kept for `asso status` to show.
    assert directory.refresh_in_background(SESSION)
    wait_for(lambda: account_cache.last_error(SESSION))
    shown = helper(home, "status")
    assert "the last directory fetch failed" in shown.stderr and "asso login" in shown.stderr


def test_an_unknown_account_loses_its_roles_not_the_fetch(
    home: AwsHome, make_emulator: EmulatorFactory
) -> None:
    org = Organization([Account("111111111111", "One", "one@example.com", ["R"])])
    emu = make_emulator(org)
    home.write_config(CONFIG)
    token = login(emu, home, "corp")
    emu.inject("ListAccountRoles", status=403, error_type="ForbiddenException")
    fetched = directory.refresh(SESSION, token)
    assert [(a.account_id, a.roles) for a in fetched.accounts] == [("111111111111", [])]


def test_max_age_accepts_units(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, seconds in (("90", 90), ("15m", 900), ("12h", 43200), ("2d", 172800)):
        monkeypatch.setenv("ASSO_DIRECTORY_MAX_AGE", raw)
        assert account_cache.max_age() == seconds
    monkeypatch.setenv("ASSO_DIRECTORY_MAX_AGE", "soon")
    assert account_cache.max_age() == account_cache.DEFAULT_MAX_AGE


def test_tokens_module_is_untouched_by_a_refresh(logged_in: tuple) -> None:
    home, _, token = logged_in
    before = home.token_file("corp").read_bytes()
    directory.refresh(SESSION, token)
    assert home.token_file("corp").read_bytes() == before
    assert tokens.token_path(SESSION.cache_key) == str(home.token_file("corp"))
    assert os.path.dirname(account_cache.cache_path("x")).startswith(str(home.cache_dir))


def test_asso_login_fetches_the_directory_in_the_background(
    home: AwsHome, make_emulator: EmulatorFactory
) -> None:
    emu = make_emulator(Organization.generated(5), page_size=2)
    home.write_config(CONFIG)
    result = helper(home, "login", "prod", "--use-device-code", "--no-browser")
    assert result.returncode == 0, result.stderr
    wait_for(cache_file().exists)
    wait_for(lambda: not directory.running_refreshes())
    assert emu.operations().count("ListAccounts") == 3  # 5 accounts, 2 per page
    shown = json.loads(helper(home, "resolve", "--profile", "prod", "--json").stdout)
    assert shown["account_name"] == "account-0002"
