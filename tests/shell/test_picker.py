"""asso.shell.picker: the rows of asp's picker (``asso profiles --picker``): recently used
profiles first, aligned one-line cells, NUL-terminated name/line pairs."""

from __future__ import annotations

import pytest

from asso.shell.picker import HEADER, MAX_WIDTH, format_lines, output, rows
from asso.shell.recent import note_selected

from ..conftest import AwsHome
from ..support.samples import config, keys_profile, profile, session, sso_profile

CONFIG = config(
    session("corp"),
    sso_profile("prod", "111122223333", "Admin", sso_account_name="Production 日本"),
    sso_profile('"sand box"', "444455556666", "Dev"),
    sso_profile('"$(touch pwned)"', "777788889999", "100%"),
    sso_profile("evil", "222233334444", "Role\x1b[31m", sso_account_name="Bad\x1b]0;t\x07name"),
    sso_profile("long", "555566667777", "R" * 60),
    keys_profile("keys"),
    profile("lost", sso_session="nowhere", sso_account_id="1", sso_role_name="A"),
)


@pytest.fixture
def env(aws_home: AwsHome, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    for name, value in aws_home.env.items():
        monkeypatch.setenv(name, value)
    aws_home.write_config(CONFIG)
    return aws_home.env


def by_name(env: dict[str, str]) -> dict[str, tuple[str, ...]]:
    return dict(rows(env))


def test_config_order_without_recent_use(env: dict[str, str]) -> None:
    assert [name for name, _ in rows(env)] == [
        "prod",
        "sand box",
        "$(touch pwned)",
        "evil",
        "long",
        "keys",
        "lost",
    ]


def test_recently_used_first_most_recent_first(env: dict[str, str]) -> None:
    note_selected("keys", remember=False)
    note_selected("gone from the config", remember=False)
    note_selected("sand box", remember=False)
    names = [name for name, _ in rows(env)]
    assert names == ["sand box", "keys", "prod", "$(touch pwned)", "evil", "long", "lost"]


def test_cells(env: dict[str, str], aws_home: AwsHome) -> None:
    cells = by_name(env)
    assert cells["prod"] == ("prod", "Production 日本", "Admin", "missing")
    assert cells["sand box"] == ("sand box", "444455556666", "Dev", "missing")  # no name: the id
    assert cells["$(touch pwned)"] == ("$(touch pwned)", "777788889999", "100%", "missing")
    assert cells["keys"] == ("keys", "-", "-", "-")
    assert cells["lost"][3] == "error"
    aws_home.write_token("corp")
    assert by_name(env)["prod"][3] == "valid"
    aws_home.write_token("corp", expires_in=-60)
    assert by_name(env)["prod"][3] == "expired"


def test_cells_show_no_control_characters(env: dict[str, str]) -> None:
    evil = by_name(env)["evil"]
    assert evil == ("evil", "Bad?]0;t?name", "Role?[31m", "missing")


def test_long_cells_are_cut_with_an_ellipsis(env: dict[str, str]) -> None:
    role = by_name(env)["long"][2]
    assert len(role) == MAX_WIDTH
    assert role == "R" * (MAX_WIDTH - 1) + "…"


def test_format_lines_aligns_by_display_width() -> None:
    lines = format_lines([HEADER, ("日本", "1", "r", "valid"), ("abcd", "22", "role", "")])
    assert lines == [
        "PROFILE  ACCOUNT  ROLE  TOKEN",
        "日本     1        r     valid",  # 日本 takes four columns, as abcd does
        "abcd     22       role",  # trailing blanks stripped
    ]


def test_output_is_nul_terminated_pairs_header_first(env: dict[str, str]) -> None:
    note_selected("prod", remember=False)
    data = output(env)
    assert data.endswith(b"\0")
    fields = data.decode("utf-8").split("\0")[:-1]
    names, lines = fields[0::2], fields[1::2]
    assert names == ["", "prod", "sand box", "$(touch pwned)", "evil", "long", "keys", "lost"]
    assert lines[0].split() == ["PROFILE", "ACCOUNT", "ROLE", "TOKEN"]
    assert lines[1].split() == ["prod", "Production", "日本", "Admin", "missing"]
    for line in lines:
        assert "\t" not in line and "\n" not in line and "\x1b" not in line
        assert line == line.rstrip()
    # Each column starts where its header does.
    assert lines[2].index("444455556666") == lines[0].index("ACCOUNT")
    assert lines[3].index("100%") == lines[0].index("ROLE")


def test_no_profiles_is_the_header_alone(env: dict[str, str], aws_home: AwsHome) -> None:
    aws_home.write_config("")
    assert rows(env) == []
    assert output(env) == b"\0PROFILE  ACCOUNT  ROLE  TOKEN\0"
