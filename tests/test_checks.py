"""asso.checks: the doctor's findings, their JSON form and the report a terminal shows."""

from __future__ import annotations

import io
import json
from typing import Optional

import pytest

from asso.checks import FAIL, OK, SKIP, WARN, Check, format_report, marks

ASCII = {OK: "ok", WARN: "warn", FAIL: "FAIL", SKIP: "skip"}
UTF8 = {OK: "✓", WARN: "!", FAIL: "✗", SKIP: "-"}


def test_to_json_has_every_field_and_round_trips() -> None:
    check = Check("aws-cli", WARN, "v1 first", "put v2 first", ["/a: aws-cli/1.0", "/b: x"])
    data = check.to_json()
    assert data == {
        "name": "aws-cli",
        "status": "warn",
        "message": "v1 first",
        "fix": "put v2 first",
        "details": ["/a: aws-cli/1.0", "/b: x"],
    }
    assert json.loads(json.dumps(data)) == data
    assert Check("x", OK, "fine").to_json()["details"] == []  # never None
    assert Check("x", OK, "fine").to_json()["fix"] is None


@pytest.mark.parametrize(
    ("encoding", "expected"),
    [("utf-8", UTF8), ("UTF8", UTF8), ("ascii", ASCII), ("latin-1", ASCII), (None, ASCII)],
)
def test_marks_follow_the_stream_encoding(
    encoding: Optional[str], expected: dict[str, str]
) -> None:
    stream = io.TextIOWrapper(io.BytesIO(), encoding=encoding or "ascii")
    if encoding is None:
        stream = object()  # type: ignore[assignment]  # no encoding attribute at all
    assert marks(stream) == expected


def test_report_aligns_names_and_indents_details_and_fix() -> None:
    checks = [
        Check("helper", OK, "asso 1.0"),
        Check("prompt-hook", FAIL, "not installed", "source the plugin", ["one", "two"]),
    ]
    report = format_report(checks, False, ASCII)
    assert report == (
        "ok helper       asso 1.0\n"
        "FAIL prompt-hook  not installed\n"
        "                  - one\n"
        "                  - two\n"
        "                  fix: source the plugin\n"
        "1 problem(s), 0 warning(s).\n"
    )


def test_fix_shows_only_for_warnings_and_failures() -> None:
    checks = [
        Check("a", OK, "fine", "never shown"),
        Check("b", SKIP, "skipped", "not shown either"),
        Check("c", WARN, "meh", "do this"),
    ]
    report = format_report(checks, False, ASCII)
    assert "never shown" not in report and "not shown either" not in report
    assert "fix: do this" in report
    assert report.endswith("0 problem(s), 1 warning(s).\n")


def test_all_well_and_counts() -> None:
    assert format_report([Check("a", OK, "x"), Check("b", SKIP, "y")], False, UTF8).endswith(
        "\nEverything looks right.\n"
    )
    many = [Check("f1", FAIL, "x"), Check("f2", FAIL, "x"), Check("w", WARN, "x")]
    assert format_report(many, False, UTF8).endswith("\n2 problem(s), 1 warning(s).\n")


def test_colour_wraps_only_the_mark() -> None:
    report = format_report([Check("a", FAIL, "broken"), Check("b", OK, "fine")], True, UTF8)
    lines = report.splitlines()
    assert lines[0] == "\x1b[31m✗\x1b[0m a  broken"
    assert lines[1] == "\x1b[32m✓\x1b[0m b  fine"
    assert "\x1b" not in format_report([Check("a", FAIL, "broken")], False, UTF8)


def test_text_from_outside_cannot_control_the_terminal() -> None:
    # Messages, details and fixes quote paths, variables and server words.
    hostile = "evil\x1b]0;title\x07\nsecond line\r$(rm -rf ~) %F{red} 日本"
    check = Check("x", WARN, hostile, hostile, [hostile])
    report = format_report([check], False, ASCII)
    assert "\x1b" not in report and "\x07" not in report and "\r" not in report
    lines = report.splitlines()
    assert len(lines) == 4  # message, one detail, fix, summary: no line break smuggled in
    assert "$(rm -rf ~) %F{red} 日本" in lines[0]
    assert lines[1].strip().startswith("- evil?]0;title?")
    assert lines[2].strip().startswith("fix: evil?")
