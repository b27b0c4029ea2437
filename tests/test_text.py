"""asso.text: what reaches a terminal, and how times are said."""

from __future__ import annotations

import pytest

from asso.text import age, one_line, printable, span, time_left, width


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain", "plain"),
        ("a\nb\tc\x1b[31m", "a?b?c?[31m"),
        ("\x7f\x85\x9f", "???"),
        ("é 日本 %F{red}", "é 日本 %F{red}"),
        ("", ""),
    ],
)
def test_printable(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_one_line_shows_controls_as_question_marks() -> None:
    # Values (an account id, an endpoint variable): every control seen, blanks kept.
    assert one_line("a\nb\x1b[31m\x9b\u2028c") == "a?b?[31m??c"
    assert one_line("two  blanks\t") == "two  blanks?"
    assert one_line(ValueError("bad\r\nX: 1")) == "bad??X: 1"


def test_one_line_in_blanks_folds_prose() -> None:
    # Messages (botocore's, a server's, the config parser's): what does not print is a blank,
    # runs of blanks are one; format characters (a bidi override, a zero-width space) too.
    said = one_line("Invalid\n  endpoint:\x1b[2J \u202ehttps://x\u200b \t", replacement=" ")
    assert said == "Invalid endpoint: [2J https://x"
    assert (
        one_line(OSError(5, "é 日本 %F{red} $(x)"), replacement=" ")
        == "[Errno 5] é 日本 %F{red} $(x)"
    )


@pytest.mark.parametrize("replacement", ["?", " "])
def test_one_line_is_bounded(replacement: str) -> None:
    assert one_line("x" * 500, 50, replacement) == "x" * 49 + "…"
    assert one_line("x" * 200, replacement=replacement) == "x" * 200
    assert one_line("x" * 201, replacement=replacement) == "x" * 199 + "…"
    assert one_line("x" * 5000, 0, replacement) == "x" * 5000  # 0: unbounded


def test_width_counts_wide_characters_twice() -> None:
    assert width("abc") == 3 and width("日本") == 4 and width("é") == 1


@pytest.mark.parametrize(
    ("seconds", "said"),
    [(-5, "expired"), (0, "expired"), (59, "<1m"), (60, "1m"), (3599, "59m"), (7 * 3600 + 300, "7h05m")],
)
def test_time_left(seconds: float, said: str) -> None:
    assert time_left(seconds) == said


@pytest.mark.parametrize(
    ("seconds", "said"), [(30, "just now"), (300, "5m ago"), (7200, "2h ago"), (3 * 86400, "3d ago")]
)
def test_age(seconds: float, said: str) -> None:
    assert age(seconds) == said


@pytest.mark.parametrize(
    ("seconds", "said"), [(-600, "10m"), (3 * 3600 + 300, "3h05m"), (40 * 86400, "40 days")]
)
def test_span(seconds: float, said: str) -> None:
    assert span(seconds) == said
