"""Fuzz the helper-to-shell protocol: thousands of generated values, any Unicode, control and
shell/prompt metacharacters, through the plugin's state reader in zsh and bash. Every value must
arrive unchanged and nothing may run."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from asso.shell.state import encode_records

from ..conftest import AwsHome, run_shell

FIELDS = ("profile", "account_id", "account_name", "role", "region", "token_state", "error")
VARIABLES = (
    "ASSO_PROFILE",
    "ASSO_ACCOUNT_ID",
    "ASSO_ACCOUNT_NAME",
    "ASSO_ROLE",
    "ASSO_REGION",
    "ASSO_TOKEN_STATE",
    "ASSO_ERROR",
)

# Environment strings and state records cannot hold NUL; surrogates are not text.
value = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\0"), max_size=40
)
METACHARACTERS = [
    "$(touch PWNED)",
    "`touch PWNED`",
    "%F{red}%~%f",
    "'\"\\",
    "\n\n",
    "${HOME}",
    "*",
    "\x1b[31m",
    "\x1f",
]
value = st.one_of(
    value, st.sampled_from(METACHARACTERS), st.lists(st.sampled_from(METACHARACTERS)).map("".join)
)

LOADER = {
    "zsh": """
for f in "$DIR"/state.*; do
  _asso_load_state "$f" "k${f##*.}" fresh || { echo "load failed: $f" >&2; continue; }
  printf '%s\\0' "$ASSO_PROFILE" "$ASSO_ACCOUNT_ID" "$ASSO_ACCOUNT_NAME" "$ASSO_ROLE" "$ASSO_REGION" "$ASSO_TOKEN_STATE" "$ASSO_ERROR" >> "$DIR/out"
done
""",
    "bash": """
for f in "$DIR"/state.*; do
  _asso_load_state "$f" "k${f##*.}" fresh || { echo "load failed: $f" >&2; continue; }
  printf '%s\\0' "$ASSO_PROFILE" "$ASSO_ACCOUNT_ID" "$ASSO_ACCOUNT_NAME" "$ASSO_ROLE" "$ASSO_REGION" "$ASSO_TOKEN_STATE" "$ASSO_ERROR" >> "$DIR/out"
done
""",
}


@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(rows=st.lists(st.tuples(*[value] * len(FIELDS)), min_size=60, max_size=60))
def test_state_values_arrive_unchanged(
    shell: str, aws_home: AwsHome, tmp_path: Path, rows: list[tuple[str, ...]]
) -> None:
    work = tmp_path / "fuzz"
    if work.exists():
        for f in work.iterdir():
            f.unlink()
    work.mkdir(exist_ok=True)
    for i, row in enumerate(rows):
        records = [("key", f"k{i:04d}"), *zip(FIELDS, row), ("prompt", ""), ("end", "1")]
        (work / f"state.{i:04d}").write_bytes(encode_records(records))
    result = run_shell(shell, LOADER[shell], {**aws_home.env, "DIR": str(work)})
    assert result.stderr == ""
    got = (work / "out").read_bytes().split(b"\0")[:-1]
    expected = [v.encode("utf-8", "surrogateescape") for row in rows for v in row]
    assert len(got) == len(expected)
    # bash drops nothing and zsh drops nothing: byte-exact, value by value.
    assert got == expected
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
