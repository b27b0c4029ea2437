"""asso.text: what reaches a terminal, and how times are said."""

from __future__ import annotations

import pytest

from asso.text import age, printable, span, time_left, width


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
