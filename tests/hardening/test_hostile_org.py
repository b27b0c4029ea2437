"""Hostile organisations: whatever Identity Center sends, the config gains only what asso meant.

Random account ids, names, e-mails and role names (any Unicode, control characters, wrong
types) go through the directory fetch (with a stub portal client), ``asso populate``'s
generation, botocore's parser and ``asso resolve``. Properties: botocore parses the file, every
byte outside the managed block is unchanged, every section in the block is a profile with
exactly the keys asso writes, every value is one the checks allow, and nothing printed carries a
control character.
"""

from __future__ import annotations

import configparser
import io
import os
import re
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asso.aws import populate
from asso.aws.config import SsoSession, load_config
from asso.aws.populate import ConfigText, session_config
from asso.aws.sessions import find_session
from asso.cli.main import main as asso_main
from asso.shell.state import build_state
from asso.sso import directory

from ..support.samples import START_URL, config, session, sso_profile
from ..support.samples import section as ini_section

USER_TEXT = "# mine: every byte of this must survive\n" + config(
    ini_section("default", region="eu-west-1"),
    session(),
    sso_profile("mine", "123456789012", "Admin"),
)
ALLOWED_KEYS = {"sso_session", "sso_account_id", "sso_account_name", "sso_role_name", "region"}
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
ROLE = re.compile(r"[A-Za-z0-9+=,.@_-]{1,64}")

# Text that tries to break out: newlines, brackets, keys, escapes, any Unicode.
hostile_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "x\n[profile injected]\ncredential_process = sh -c 'touch /tmp/pwned'",
            "x\r[default]\rcredential_process=evil",
            "x\u2028[profile u]\u2029",
            "\x1b]0;title\x07\x1b[31mred",
            "\x9b31m",
            "a = b",
            "  [profile y]  ",
            "-rf",
            "%F{red}$(id)`id`",
        ]
    ),
    st.integers(),
    st.none(),
    st.lists(st.text(max_size=3), max_size=2),
)
account_ids = st.one_of(st.from_regex(r"\A[0-9]{12}\Z"), hostile_text)
role_names = st.one_of(st.from_regex(r"\A[A-Za-z0-9+=,.@_-]{1,20}\Z"), hostile_text)
accounts = st.lists(
    st.fixed_dictionaries(
        {
            "accountId": account_ids,
            "accountName": hostile_text,
            "emailAddress": hostile_text,
        }
    ),
    max_size=6,
)


class _Paginator:
    def __init__(self, pages: list[dict[str, Any]]) -> None:
        self.pages = pages

    def paginate(self, **_: Any) -> list[dict[str, Any]]:
        return self.pages


class StubPortal:
    """The two paginators fetch uses, answering what the test says, whatever its types."""

    def __init__(self, account_list: list[Any], roles: dict[str, list[Any]]) -> None:
        self.account_list = account_list
        self.roles = roles

    def get_paginator(self, name: str) -> _Paginator:
        if name == "list_accounts":
            return _Paginator([{"accountList": self.account_list}])
        return _AccountRoles(self.roles)


class _AccountRoles(_Paginator):
    def __init__(self, roles: dict[str, list[Any]]) -> None:
        self.roles = roles

    def paginate(self, **kwargs: Any) -> list[dict[str, Any]]:
        return [{"roleList": [{"roleName": r} for r in self.roles.get(kwargs["accountId"], [])]}]


SESSION = SsoSession(START_URL, "us-east-1", "corp", None)


def _fetch(account_list: list[Any], roles: dict[str, list[Any]]) -> tuple[Any, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        fetched = directory.fetch(SESSION, "token", client=StubPortal(account_list, roles))
    return fetched, err.getvalue()


def _sections(text: str) -> configparser.RawConfigParser:
    parser = configparser.RawConfigParser()
    parser.read_string(text)
    return parser


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    account_list=accounts,
    role_lists=st.lists(st.lists(role_names, max_size=3), min_size=6, max_size=6),
)
def test_hostile_directory_adds_nothing_but_profiles(
    account_list: list[dict[str, Any]],
    role_lists: list[list[Any]],
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    root = tmp_path_factory.mktemp("org")
    config_file = root / "config"
    config_file.write_text(USER_TEXT)
    for name in list(os.environ):
        if name.startswith(("AWS_", "ASSO_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config_file))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(root / "credentials"))
    monkeypatch.setenv("ASSO_CACHE_DIR", str(root / "cache"))
    monkeypatch.setenv("ASSO_STATE_DIR", str(root / "state"))
    monkeypatch.setenv("ASSO_CONFIG_DIR", str(root / "asso-config"))
    roles = {
        a["accountId"]: role_lists[i]
        for i, a in enumerate(account_list)
        if isinstance(a["accountId"], str)
    }
    fetched, warnings = _fetch(account_list, roles)
    assert not CONTROL.search(warnings)
    for account in fetched.accounts:
        assert re.fullmatch(r"[0-9]{12}", account.account_id)
        assert all(ROLE.fullmatch(r) for r in account.roles)
        assert not CONTROL.search(account.account_name)

    entry = find_session(session_config(str(config_file), str(root / "credentials")), "corp")
    outcome = populate.generate(
        ConfigText(str(config_file), "corp", config_file.read_bytes()), entry, fetched
    )
    new_text = outcome.new_text
    # Every byte outside the block is unchanged.
    begin, end = populate.markers("corp")
    if outcome.plan.entries:
        head, rest = new_text.split(begin, 1)
        block, tail = rest.split(end, 1)
        assert (head + tail).strip() == USER_TEXT.strip()
        assert head.startswith(USER_TEXT)
    else:
        assert new_text == USER_TEXT
        block = ""
    # configparser (botocore's reader) accepts it, and the block holds only asso's keys.
    parsed = _sections(new_text)
    block_sections = _sections(block).sections() if block else []
    assert set(parsed.sections()) == {"default", "sso-session corp", "profile mine"} | set(
        block_sections
    )
    expected = {f"profile {e.name}" for e in outcome.plan.entries}
    assert set(block_sections) == expected
    pairs = {(a.account_id, r) for a in fetched.accounts for r in a.roles}
    for section in block_sections:
        keys = set(parsed[section])
        assert keys <= ALLOWED_KEYS
        assert (parsed[section]["sso_account_id"], parsed[section]["sso_role_name"]) in pairs
        assert not CONTROL.search("".join(parsed[section].values()))
    for name in ("default", "sso-session corp", "profile mine"):
        assert dict(parsed[name]) == dict(_sections(USER_TEXT)[name])

    # botocore itself reads the file, and every generated profile resolves with clean output.
    import botocore.session

    config_file.write_bytes(outcome.new_bytes)
    profiles = botocore.session.Session().full_config["profiles"]
    assert {e.name for e in outcome.plan.entries} <= set(profiles)
    for profile in profiles.values():
        assert "credential_process" not in profile
    config = load_config()
    for item in outcome.plan.entries[:3]:
        assert item.name in config.profiles
        # The prompt: the records the shell reads for this profile, in both shells.
        for shell in ("zsh", "bash"):
            records = build_state(
                dict(os.environ),
                key="k",
                shell=shell,
                fmt="{profile} {account} {role} {account_id}",
                region_mode="always",
                validate=item.name,
            )
            prompt = dict(records)["prompt"]
            assert item.account_id in prompt and not CONTROL.search(prompt)
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = asso_main(["resolve", "--profile", item.name])
        assert code == 0, err.getvalue()
        assert not CONTROL.search(out.getvalue() + err.getvalue())


def test_injected_role_name_never_reaches_the_config(tmp_path: Path) -> None:
    """The finding that started this: a role name carrying a profile with a command."""
    hostile = "x\n[profile injected]\ncredential_process = sh -c 'touch /tmp/pwned'"
    fetched, warnings = _fetch(
        [{"accountId": "111111111111", "accountName": "Prod\n[profile p2]", "emailAddress": 7}],
        {"111111111111": [hostile, "ReadOnly"]},
    )
    # The account's e-mail has the wrong type: the whole account is skipped, with one line.
    assert fetched.accounts == []
    assert warnings.count("\n") == 1 and "account '111111111111'" in warnings
    fetched, warnings = _fetch(
        [{"accountId": "111111111111", "accountName": "Prod", "emailAddress": "p@x"}],
        {"111111111111": [hostile, "ReadOnly"]},
    )
    assert [a.roles for a in fetched.accounts] == [["ReadOnly"]]
    assert warnings.count("\n") == 1 and "role name" in warnings
    assert "[profile injected]" not in warnings.replace("?", "\n")


@pytest.mark.parametrize(
    "item",
    [
        {"accountId": 111111111111, "accountName": "n"},
        {"accountId": "11111111111", "accountName": "n"},
        {"accountId": "1111111111111", "accountName": "n"},
        {"accountId": "١١١١١١١١١١١١", "accountName": "n"},  # Arabic-Indic digits
        {"accountId": "111111111111", "accountName": "a" * 1000},
        {"accountId": "111111111111", "accountName": ["n"]},
        {"accountId": "111111111111", "accountName": "n", "emailAddress": {"a": 1}},
        "not an object",
    ],
)
def test_invalid_accounts_are_skipped_with_one_line(item: Any) -> None:
    fetched, warnings = _fetch([item], {"111111111111": ["Admin"]})
    assert fetched.accounts == []
    assert warnings.count("\n") == 1 and warnings.startswith("asso: skipped an invalid entry")


def test_many_invalid_entries_are_counted_not_listed() -> None:
    items = [{"accountId": f"bad{i}", "accountName": "n"} for i in range(50)]
    _, warnings = _fetch(items, {})
    assert warnings.count("\n") == directory.MAX_WARNINGS + 1
    assert "45 more" in warnings


def test_server_error_messages_are_one_filtered_line() -> None:
    import botocore.exceptions

    class Refusing:
        def get_paginator(self, name: str) -> Any:
            raise botocore.exceptions.ClientError(
                {"Error": {"Code": "Boom", "Message": "line1\n\x1b[2Jline2"}}, "ListAccounts"
            )

    with pytest.raises(Exception) as raised:
        directory.fetch(SESSION, "token", client=Refusing())
    message = str(raised.value)
    assert "\n" not in message and "\x1b" not in message and "line2" in message
