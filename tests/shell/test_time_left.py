"""The time left, as the shells draw it from the epoch clock and as the helper words it, at every
boundary: the expiry is set relative to the clock the shell just read, in the same second (the
shell checks that the second did not change, and tries again if it did)."""

from __future__ import annotations

import pytest

from asso.text import time_left

from ..conftest import AwsHome, run_shell
from ..support.clock import left

# Seconds left -> what every part shows.
CASES = {
    -3600: "expired",
    -1: "expired",
    0: "expired",
    1: "<1m",
    59: "<1m",
    60: "1m",
    119: "1m",
    3599: "59m",
    3600: "1h00m",
    3660: "1h01m",
    8 * 3600 - 1: "7h59m",
    8 * 3600: "8h00m",
    100 * 3600 + 9 * 60: "100h09m",
}

RENDER = {
    "zsh": """
_asso_template=$'\\x1f'
for d in {deltas}; do
  while true; do
    t=$EPOCHSECONDS
    ASSO_EXPIRES_AT=$(( t + d ))
    _asso_render
    (( t == EPOCHSECONDS )) && break
  done
  print -r -- "$d=$ASSO_PROMPT"
done
""",
    "bash": """
_asso_template=$'\\x1f'
for d in {deltas}; do
  while true; do
    _asso_now; t=$REPLY
    ASSO_EXPIRES_AT=$(( t + d ))
    _asso_render
    _asso_now; (( t == REPLY )) && break
  done
  printf '%s\\n' "$d=$ASSO_PROMPT"
done
""",
}


def test_the_shell_draws_each_boundary(shell: str, aws_home: AwsHome) -> None:
    script = RENDER[shell].format(deltas=" ".join(str(d) for d in CASES))
    result = run_shell(shell, script, aws_home.env)
    assert result.stderr == ""
    shown = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert shown == {str(d): text for d, text in CASES.items()}


@pytest.mark.parametrize(("seconds", "text"), CASES.items())
def test_the_helper_words_it_the_same(seconds: int, text: str) -> None:
    assert time_left(seconds) == text
    if seconds >= 1:
        assert time_left(seconds + 0.9) == text  # whole minutes, rounded down
    assert left(seconds) == text  # the tests' own reckoning agrees too
