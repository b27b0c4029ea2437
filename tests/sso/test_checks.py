"""asso.sso.checks: the doctor's login-side findings: every ``aws`` on PATH with its version,
and whether ``asso login`` can open a browser from here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from asso.checks import OK, WARN
from asso.sso.checks import aws_cli_versions, check_aws_cli, check_browser

from ..support.awscli import aws_only_bin
from ..support.env import SYSTEM_BIN


def fake_aws(directory: Path, says: str, *, on_stderr: bool = False) -> Path:
    """An ``aws`` that answers ``--version`` as a CLI of that version does."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "aws"
    quoted = says.replace("'", "'\\''")
    path.write_text(f"#!/bin/sh\nprintf '%s\\n' '{quoted}'{' >&2' if on_stderr else ''}\n")
    path.chmod(0o755)
    return path


def path_env(*directories: Path) -> dict[str, str]:
    return {"PATH": os.pathsep.join([*map(str, directories), str(SYSTEM_BIN)])}


def test_no_aws_on_path() -> None:
    env = path_env()
    assert aws_cli_versions(env) == []
    [check] = check_aws_cli(env)
    assert (check.name, check.status) == ("aws-cli", WARN)
    assert check.message.startswith("no `aws` on PATH")
    assert check.fix and "AWS CLI v2" in check.fix


def test_every_aws_in_path_order_each_real_file_once(tmp_path: Path) -> None:
    v1 = fake_aws(tmp_path / "old bin", "aws-cli/1.18.69 Python/2.7", on_stderr=True)
    v2 = fake_aws(tmp_path / "new $(x) bin", "aws-cli/2.15.0 Python/3.11 Linux/6")
    again = tmp_path / "link to old"
    again.mkdir()
    (again / "aws").symlink_to(v1)  # the same CLI again, through a link: listed once
    not_executable = tmp_path / "plain"
    not_executable.mkdir()
    (not_executable / "aws").write_text("#!/bin/sh\n")
    env = path_env(not_executable, v1.parent, again, v2.parent)
    assert aws_cli_versions(env) == [
        (str(v1), "aws-cli/1.18.69"),
        (str(v2), "aws-cli/2.15.0"),
    ]


def test_v1_before_v2_is_a_warning_with_both_listed(tmp_path: Path) -> None:
    v1 = fake_aws(tmp_path / "a", "aws-cli/1.18.69 Python/2.7", on_stderr=True)
    v2 = fake_aws(tmp_path / "b", "aws-cli/2.15.0 Python/3.11")
    [check] = check_aws_cli(path_env(v1.parent, v2.parent))
    assert check.status == WARN
    assert check.message == f"AWS CLI v1 at {v1} comes before a v2 on PATH"
    assert check.details == [f"{v1}: aws-cli/1.18.69", f"{v2}: aws-cli/2.15.0"]
    # The other way round is fine: the first one is what `aws` runs.
    [check] = check_aws_cli(path_env(v2.parent, v1.parent))
    assert check.status == OK
    assert check.message == f"AWS CLI aws-cli/2.15.0 at {v2}"


def test_v1_alone(tmp_path: Path) -> None:
    v1 = fake_aws(tmp_path / "a", "aws-cli/1.2.3 Python/3.8")
    [check] = check_aws_cli(path_env(v1.parent))
    assert check.status == WARN
    assert (
        check.message
        == "AWS CLI v1 (aws-cli/1.2.3): it has no `aws sso login` (asso logs in for it)"
    )


def test_something_else_called_aws(tmp_path: Path) -> None:
    other = fake_aws(tmp_path / "a", "Amazing Web Server 0.1")
    [check] = check_aws_cli(path_env(other.parent))
    assert check.status == WARN and check.fix is None
    assert check.message == f"`aws` at {other}: `{other} --version` said no version (exit 0)"


def test_the_real_cli_v2(tmp_path: Path) -> None:
    directory = aws_only_bin(tmp_path)
    [check] = check_aws_cli(path_env(directory))
    assert check.status == OK
    assert check.message == f"AWS CLI aws-cli/2.36.7 at {directory / 'aws'}"


def test_browser_from_browser_variable(tmp_path: Path) -> None:
    opener = tmp_path / "my browser"
    opener.write_text("#!/bin/sh\n")
    opener.chmod(0o755)
    env = {**path_env(), "BROWSER": f"'{opener}' --new-tab %s"}
    [check] = check_browser(env)
    assert (check.name, check.status) == ("browser", OK)
    assert check.message == f"`asso login` opens a browser with {opener}"
    # The check opens nothing: it only looks.
    python = {**path_env(), "BROWSER": f"{sys.executable} -c pass"}
    assert check_browser(python)[0].message == f"`asso login` opens a browser with {sys.executable}"


@pytest.mark.parametrize(
    ("extra", "why"),
    [
        ({}, "no DISPLAY or WAYLAND_DISPLAY, no BROWSER"),
        ({"DISPLAY": ":0"}, "no BROWSER"),  # a display, but no opener on PATH
        ({"WAYLAND_DISPLAY": "wayland-0"}, "no BROWSER"),
        ({"BROWSER": "no-such-browser-here"}, "no DISPLAY or WAYLAND_DISPLAY"),
        ({"BROWSER": "'unbalanced", "DISPLAY": ":0"}, "no opener found"),
    ],
)
def test_no_browser(extra: dict[str, str], why: str, tmp_path: Path) -> None:
    # A PATH with nothing on it: the machine's own openers (gio, ...) must not count.
    [check] = check_browser({"PATH": str(tmp_path), **extra})
    assert check.status == WARN
    assert check.message == f"no browser can be opened from here ({why})"
    assert check.fix and "--no-browser" in check.fix


def test_a_display_and_the_desktop_opener(tmp_path: Path) -> None:
    opener = tmp_path / "xdg-open"
    opener.write_text("#!/bin/sh\n")
    opener.chmod(0o755)
    [check] = check_browser({"PATH": str(tmp_path), "DISPLAY": ":0"})
    assert check.status == OK
    assert check.message == "`asso login` opens a browser with xdg-open"
    [check] = check_browser({"PATH": str(tmp_path)})  # no display: the opener cannot show one
    assert check.status == WARN
