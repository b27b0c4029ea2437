"""The SSO token cache: states, timestamps, and bytes exactly as the AWS CLI and botocore use them."""

from __future__ import annotations

import json
import math
import os
import stat
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Optional

import dateutil.parser
import pytest
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader
from dateutil.tz import tzutc
from hypothesis import given, settings
from hypothesis import strategies as st

from asso.aws import tokens
from asso.aws.tokens import (
    EXPIRED,
    MISSING,
    REFRESH_WINDOW,
    REFRESHABLE,
    VALID,
    parse_time,
    serialize_token,
    token_status,
    write_token,
)
from asso.digest import sha1_hex

from ..support.samples import START_URL

NOW = 1_900_000_000.0  # 2030-03-17T17:46:40Z: fixed, so nothing depends on the wall clock
CLI_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def iso(epoch: float) -> str:
    return time.strftime(CLI_FORMAT, time.gmtime(epoch))


def cli_token(
    expires_at: float,
    *,
    refresh: bool = False,
    registration_expires_at: float = NOW + 90 * 86400,
) -> dict[str, Any]:
    """A token in the CLI's key order."""
    token: dict[str, Any] = {
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": "aoaAAAAAGV-secret",
        "expiresAt": iso(expires_at),
    }
    if refresh:
        token["clientId"] = "client-id"
        token["clientSecret"] = "client-secret"
        token["registrationExpiresAt"] = iso(registration_expires_at)
        token["refreshToken"] = "aorAAAAAGV-refresh"
    return token


def write_cli_file(path: Path, token: dict[str, Any]) -> Path:
    path.write_text(json.dumps(token, separators=(",", ":")), encoding="utf-8")
    os.chmod(path, 0o600)
    return path


@pytest.fixture
def token_file(tmp_path: Path) -> Path:
    return tmp_path / (sha1_hex("my-sso") + ".json")


# ---------------------------------------------------------------------------------------------
# States


@pytest.mark.parametrize("session", [True, False], ids=["sso-session", "legacy"])
def test_valid(token_file: Path, session: bool) -> None:
    write_cli_file(token_file, cli_token(NOW + 8 * 3600, refresh=True))
    status = token_status(str(token_file), refresh_allowed=session, now=NOW)
    assert status.state == VALID
    assert status.expires_at == NOW + 8 * 3600
    assert status.can_refresh is session
    assert not status.past_expiry and status.problem is None
    assert status.path == str(token_file)


@pytest.mark.parametrize("session", [True, False], ids=["sso-session", "legacy"])
def test_expired_without_refresh_token(token_file: Path, session: bool) -> None:
    write_cli_file(token_file, cli_token(NOW - 60))
    status = token_status(str(token_file), refresh_allowed=session, now=NOW)
    assert status.state == EXPIRED
    assert status.past_expiry and not status.can_refresh


def test_expiry_boundary_is_expired(token_file: Path) -> None:
    write_cli_file(token_file, cli_token(NOW))
    assert token_status(str(token_file), refresh_allowed=False, now=NOW).state == EXPIRED
    assert token_status(str(token_file), refresh_allowed=False, now=NOW - 1).state == VALID


def test_refresh_window_session_is_refreshable(token_file: Path) -> None:
    write_cli_file(token_file, cli_token(NOW + 10 * 60, refresh=True))
    status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    assert status.state == REFRESHABLE
    assert status.can_refresh and not status.past_expiry


def test_refresh_window_legacy_is_valid(token_file: Path) -> None:
    # botocore never refreshes legacy tokens: it keeps using this one until it expires.
    write_cli_file(token_file, cli_token(NOW + 10 * 60, refresh=True))
    status = token_status(str(token_file), refresh_allowed=False, now=NOW)
    assert status.state == VALID
    assert not status.can_refresh


def test_window_edge(token_file: Path) -> None:
    write_cli_file(token_file, cli_token(NOW + REFRESH_WINDOW, refresh=True))
    # botocore refreshes when remaining < 15 minutes, not <=.
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == VALID
    assert token_status(str(token_file), refresh_allowed=True, now=NOW + 1).state == REFRESHABLE


@pytest.mark.parametrize("session", [True, False], ids=["sso-session", "legacy"])
def test_refresh_window_without_refresh_token_is_valid(token_file: Path, session: bool) -> None:
    write_cli_file(token_file, cli_token(NOW + 10 * 60))
    status = token_status(str(token_file), refresh_allowed=session, now=NOW)
    assert status.state == VALID and not status.can_refresh


def test_past_expiry_but_refreshable(token_file: Path) -> None:
    write_cli_file(token_file, cli_token(NOW - 3600, refresh=True))
    status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    assert status.state == REFRESHABLE and status.past_expiry
    legacy = token_status(str(token_file), refresh_allowed=False, now=NOW)
    assert legacy.state == EXPIRED


def test_registration_expired_is_not_refreshable(token_file: Path) -> None:
    write_cli_file(
        token_file, cli_token(NOW + 10 * 60, refresh=True, registration_expires_at=NOW - 1)
    )
    status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    assert status.state == VALID and not status.can_refresh
    write_cli_file(token_file, cli_token(NOW - 60, refresh=True, registration_expires_at=NOW - 1))
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == EXPIRED


@pytest.mark.parametrize("missing_key", ["refreshToken", "clientId", "clientSecret"])
def test_refresh_needs_every_key(token_file: Path, missing_key: str) -> None:
    token = cli_token(NOW + 60, refresh=True)
    del token[missing_key]
    write_cli_file(token_file, token)
    status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    assert status.state == VALID and not status.can_refresh


def test_registration_date_unparseable(token_file: Path) -> None:
    token = cli_token(NOW + 60, refresh=True)
    token["registrationExpiresAt"] = "soon"
    write_cli_file(token_file, token)
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == VALID


@pytest.mark.parametrize(
    ("expires_at", "epoch"),
    [
        ("2030-03-17T17:46:40Z", NOW),
        ("2030-03-17T17:46:40UTC", NOW),
        ("2030-03-17T17:46:40+00:00", NOW),
        ("2030-03-17T23:16:40+05:30", NOW),
        ("2030-03-17T12:46:40-05:00", NOW),
        ("2030-03-17T17:46:40.123456Z", NOW + 0.123456),
        ("2030-03-17T17:46:40.5+00:00", NOW + 0.5),
        ("2030-03-17 17:46:40Z", NOW),
        ("9999-12-31T23:59:59Z", 253402300799.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("1900-01-01T00:00:00Z", -2208988800.0),
    ],
)
def test_date_forms(token_file: Path, expires_at: str, epoch: float) -> None:
    token = cli_token(NOW)
    token["expiresAt"] = expires_at
    write_cli_file(token_file, token)
    status = token_status(str(token_file), refresh_allowed=False, now=NOW - 1)
    assert status.expires_at is not None
    assert math.isclose(status.expires_at, epoch, abs_tol=1e-6)
    assert status.state == (VALID if epoch > NOW - 1 else EXPIRED)


def test_far_future_and_past(token_file: Path) -> None:
    token = cli_token(NOW)
    token["expiresAt"] = "9999-12-31T23:59:59Z"
    write_cli_file(token_file, token)
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == VALID
    token["expiresAt"] = "0001-01-01T00:00:00Z"
    write_cli_file(token_file, token)
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == EXPIRED


BROKEN: dict[str, bytes] = {
    "corrupt-json": b'{"accessToken": "x", "expiresAt": ',
    "truncated": json.dumps(cli_token(NOW + 3600), separators=(",", ":")).encode()[:40],
    "empty": b"",
    "json-array": b'["accessToken", "expiresAt"]',
    "json-string": b'"token"',
    "json-null": b"null",
    "expires-number": json.dumps({"accessToken": "x", "expiresAt": NOW + 3600}).encode(),
    "expires-null": json.dumps({"accessToken": "x", "expiresAt": None}).encode(),
    "expires-garbage": json.dumps({"accessToken": "x", "expiresAt": "tomorrow"}).encode(),
    "expires-bad-month": json.dumps(
        {"accessToken": "x", "expiresAt": "2030-13-01T00:00:00Z"}
    ).encode(),
    "access-token-number": json.dumps({"accessToken": 1, "expiresAt": iso(NOW + 3600)}).encode(),
    "missing-access-token": json.dumps({"expiresAt": iso(NOW + 3600)}).encode(),
    "registration-only": json.dumps(
        {"clientId": "c", "clientSecret": "s", "expiresAt": iso(NOW + 3600)}
    ).encode(),
    "not-utf8": b'{"accessToken": "\xff", "expiresAt": "2030-01-01T00:00:00Z"}',
    # botocore reads token files as UTF-8 text: it finds no token in these, so neither may asso.
    "utf8-bom": b"\xef\xbb\xbf" + json.dumps(cli_token(NOW + 3600)).encode(),
    "utf16": json.dumps(cli_token(NOW + 3600)).encode("utf-16"),
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge": b'{"accessToken": "x", "expiresAt": "2099-01-01T00:00:00Z", "pad": "'
    + b"x" * (2 * 1024 * 1024)
    + b'"}',
}


@pytest.mark.parametrize("content", BROKEN.values(), ids=list(BROKEN))
@pytest.mark.parametrize("session", [True, False], ids=["sso-session", "legacy"])
def test_damaged_files_give_a_state(token_file: Path, content: bytes, session: bool) -> None:
    token_file.write_bytes(content)
    status = token_status(str(token_file), refresh_allowed=session, now=NOW)
    assert status.state == MISSING
    assert status.problem is not None and str(token_file) in status.problem
    assert status.expires_at is None


@pytest.mark.parametrize("name", ["utf8-bom", "utf16", "not-utf8", "corrupt-json"])
def test_botocore_finds_no_token_either(tmp_path: Path, name: str) -> None:
    (tmp_path / "k.json").write_bytes(BROKEN[name])
    with pytest.raises(KeyError):
        JSONFileCache(str(tmp_path))["k"]
    assert token_status(str(tmp_path / "k.json"), refresh_allowed=True, now=NOW).state == MISSING


def test_missing_file(tmp_path: Path) -> None:
    status = token_status(str(tmp_path / "absent.json"), refresh_allowed=True, now=NOW)
    assert (status.state, status.problem) == (MISSING, None)


def test_directory_in_place_of_file(token_file: Path) -> None:
    token_file.mkdir()
    status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    assert status.state == MISSING
    assert status.problem is not None and "cannot read" in status.problem


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(token_file: Path) -> None:
    write_cli_file(token_file, cli_token(NOW + 3600))
    os.chmod(token_file, 0)
    try:
        status = token_status(str(token_file), refresh_allowed=True, now=NOW)
    finally:
        os.chmod(token_file, 0o600)
    assert status.state == MISSING and status.problem is not None


def test_extra_keys_are_ignored(token_file: Path) -> None:
    token = cli_token(NOW + 3600)
    token["somethingNew"] = {"nested": [1, 2]}
    write_cli_file(token_file, token)
    assert token_status(str(token_file), refresh_allowed=True, now=NOW).state == VALID


# ---------------------------------------------------------------------------------------------
# parse_time agrees with dateutil, botocore's parser


@st.composite
def timestamps(draw: st.DrawFn) -> str:
    moment = draw(st.datetimes(min_value=datetime(1000, 1, 2), max_value=datetime(9998, 12, 30)))
    text = moment.strftime("%Y-%m-%d") + draw(st.sampled_from(["T", " "]))
    text += moment.strftime("%H:%M:%S")
    digits = draw(st.integers(min_value=0, max_value=9))
    if digits:
        text += "." + draw(st.text(alphabet="0123456789", min_size=digits, max_size=digits))
    sign = draw(st.sampled_from("+-"))
    hours = draw(st.integers(min_value=0, max_value=14))
    minutes = draw(st.sampled_from([0, 15, 30, 45]))
    zone = draw(
        st.sampled_from(
            [
                "Z",
                "UTC",
                "GMT",
                f"{sign}{hours:02d}:{minutes:02d}",
                f"{sign}{hours:02d}{minutes:02d}",
                f"{sign}{hours:02d}",
            ]
        )
    )
    return text + zone


@settings(max_examples=400, deadline=None)
@given(timestamps())
def test_parse_time_agrees_with_dateutil(text: str) -> None:
    expected = dateutil.parser.parse(text).timestamp()
    actual = parse_time(text)
    assert actual is not None, text
    # dateutil keeps microseconds; asso keeps up to nanoseconds.
    assert math.isclose(actual, expected, rel_tol=0, abs_tol=1e-4), text


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=-2e9, max_value=2.5e11, allow_nan=False).map(int))
def test_format_then_parse_round_trips(epoch: int) -> None:
    formatted = tokens.format_time(epoch)
    assert formatted == datetime.fromtimestamp(epoch, timezone.utc).strftime(CLI_FORMAT)
    assert parse_time(formatted) == epoch


@pytest.mark.parametrize(
    "text",
    [
        None,
        42,
        "",
        "2030-03-17",
        "2030-03-17T17:46",
        "2030-02-30T00:00:00Z",
        "2030-03-17T24:00:00Z",
        "2030-03-17T17:46:40+25:00",
        "2030-03-17T17:46:40 Mars",
        "2030-03-17T17:46:40.Z",
        "２０３０-03-17T17:46:40Z",
    ],
)
def test_parse_time_rejects(text: Any) -> None:
    assert parse_time(text) is None


# ---------------------------------------------------------------------------------------------
# Writing: the CLI's bytes, readable by botocore; botocore's files readable by asso

CLI_BYTES_WITH_REFRESH = (
    b'{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1",'
    b'"accessToken":"aoaAAAAAGV-secret","expiresAt":"2030-03-17T17:46:40Z",'
    b'"clientId":"client-id","clientSecret":"client-secret",'
    b'"registrationExpiresAt":"2030-06-15T17:46:40Z","refreshToken":"aorAAAAAGV-refresh"}'
)
CLI_BYTES_WITHOUT_REFRESH = (
    b'{"startUrl":"https://d-1234567890.awsapps.com/start","region":"us-east-1",'
    b'"accessToken":"aoaAAAAAGV-secret","expiresAt":"2030-03-17T17:46:40Z",'
    b'"clientId":"client-id","clientSecret":"client-secret",'
    b'"registrationExpiresAt":"2030-06-15T17:46:40Z"}'
)


def _shuffled(token: dict[str, Any]) -> dict[str, Any]:
    return dict(reversed(list(token.items())))


def test_serialize_token_is_cli_bytes() -> None:
    token = cli_token(NOW, refresh=True)
    assert serialize_token(_shuffled(token)) == CLI_BYTES_WITH_REFRESH
    del token["refreshToken"]
    assert serialize_token(_shuffled(token)) == CLI_BYTES_WITHOUT_REFRESH
    token["refreshToken"] = None  # "not issued" is left out, as the CLI does
    assert serialize_token(token) == CLI_BYTES_WITHOUT_REFRESH


def test_serialize_token_minimal_and_extra_keys() -> None:
    minimal = {"expiresAt": "2030-03-17T17:46:40Z", "accessToken": "a"}
    assert serialize_token(minimal) == b'{"accessToken":"a","expiresAt":"2030-03-17T17:46:40Z"}'
    extra = {"unknown": 1, **minimal}
    assert serialize_token(extra).endswith(b',"unknown":1}')


def test_write_token_mode_and_content(tmp_path: Path) -> None:
    cache_dir = tmp_path / "new" / "cache"
    path = cache_dir / (sha1_hex("my-sso") + ".json")
    old_umask = os.umask(0o022)
    try:
        write_token(str(path), cli_token(NOW, refresh=True))
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(cache_dir).st_mode) == 0o700
    assert path.read_bytes() == CLI_BYTES_WITH_REFRESH
    assert sorted(p.name for p in cache_dir.iterdir()) == [path.name]  # no temp file left


def test_write_token_replaces_and_tightens_mode(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text("old", encoding="utf-8")
    os.chmod(path, 0o644)
    write_token(str(path), cli_token(NOW))
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_bytes())["accessToken"] == "aoaAAAAAGV-secret"


@pytest.mark.parametrize("session_name", [None, "my-sso"], ids=["legacy", "sso-session"])
def test_botocore_reads_what_asso_writes(tmp_path: Path, session_name: Optional[str]) -> None:
    key = sha1_hex(session_name if session_name is not None else START_URL)
    token = cli_token(NOW, refresh=True)
    write_token(str(tmp_path / (key + ".json")), token)
    loader = SSOTokenLoader(cache=JSONFileCache(str(tmp_path)))
    assert loader(START_URL, session_name=session_name) == token


@pytest.mark.parametrize(
    "dumps_func", [None, _sso_json_dumps], ids=["JSONFileCache-default", "SSOTokenProvider"]
)
@pytest.mark.parametrize("session_name", [None, "my-sso"], ids=["legacy", "sso-session"])
def test_asso_reads_what_botocore_writes(
    tmp_path: Path, dumps_func: Any, session_name: Optional[str]
) -> None:
    expires = datetime(2030, 3, 17, 17, 46, 40, tzinfo=tzutc())
    token = {
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": "aoa-from-botocore",
        "expiresAt": expires,  # a datetime, as botocore's refresh stores it
        "clientId": "client-id",
        "clientSecret": "client-secret",
        "registrationExpiresAt": "2030-06-15T17:46:40Z",
        "refreshToken": "aor-from-botocore",
    }
    cache = JSONFileCache(str(tmp_path), dumps_func=dumps_func)
    SSOTokenLoader(cache=cache).save_token(START_URL, token, session_name=session_name)
    key = sha1_hex(session_name if session_name is not None else START_URL)
    path = tmp_path / (key + ".json")
    raw = path.read_text(encoding="utf-8")
    assert ", " in raw  # botocore's json.dumps defaults, not the CLI's compact form
    status = token_status(str(path), refresh_allowed=session_name is not None, now=NOW - 3600)
    assert status.state == VALID
    assert status.expires_at == NOW
    inside_window = token_status(str(path), refresh_allowed=session_name is not None, now=NOW - 60)
    assert inside_window.state == (REFRESHABLE if session_name else VALID)


def test_token_path_uses_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    key = sha1_hex("my-sso")
    assert tokens.token_path(key) == str(tmp_path / ".aws" / "sso" / "cache" / (key + ".json"))


def test_expiry_seen_by_botocore_matches(tmp_path: Path) -> None:
    """botocore's own reading of expiresAt (dateutil) gives asso's expires_at."""
    for text in ["2030-03-17T17:46:40Z", "2030-03-17T17:46:40UTC", "2030-03-17T19:46:40+02:00"]:
        token = cli_token(NOW)
        token["expiresAt"] = text
        path = write_cli_file(tmp_path / "t.json", token)
        status = token_status(str(path), refresh_allowed=True, now=NOW - 3600)
        botocore_view = dateutil.parser.parse(token["expiresAt"]) - datetime(
            1970, 1, 1, tzinfo=timezone.utc
        )
        assert status.expires_at == botocore_view / timedelta(seconds=1)
