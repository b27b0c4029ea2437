"""Config text reaches the shell byte for byte and never runs: fixed cases plus a property test."""

from __future__ import annotations

import shlex
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from ..conftest import AwsHome, run_shell

NASTY = [
    "it's",
    'say "hi"',
    "$(touch PWNED)",
    "`touch PWNED`",
    "${HOME}",
    "%F{red}red%f",
    "%~ %n %(?.a.b)",
    "back\\slash",
    "semi;colon && echo PWNED",
    "ünïcødé ✓ 日本語",
    "tab\there",
    "*?[glob]",
    "&amp;",
    "-leading-dash",
    "emoji 🚀",
]

# Read the names to try from a NUL-separated file (no shell quoting involved), asp each one,
# and write back what the plugin's variables hold, NUL-separated.
LOOP = {
    "zsh": """
local -a names=("${(@0)$(<"$NAMES")}")
for n in "${names[@]}"; do
  [[ -n $n ]] || continue
  asp "$n" >/dev/null || { printf 'asp failed for %s\\n' "$n" >&2; continue; }
  printf '%s\\0%s\\0%s\\0%s\\0' "$AWS_PROFILE" "$ASSO_PROFILE" "$ASSO_ROLE" "$ASSO_ACCOUNT_NAME" >> "$OUT"
  print -rn -- "${(%)ASSO_PROMPT}" >> "$OUT"; printf '\\0' >> "$OUT"
done
""",
    "bash": """
while IFS= read -r -d '' n; do
  asp "$n" >/dev/null || { printf 'asp failed for %s\\n' "$n" >&2; continue; }
  printf '%s\\0%s\\0%s\\0%s\\0' "$AWS_PROFILE" "$ASSO_PROFILE" "$ASSO_ROLE" "$ASSO_ACCOUNT_NAME" >> "$OUT"
  printf '%s\\0' "$ASSO_PROMPT" >> "$OUT"
done < "$NAMES"
""",
}


def ini_value_ok(value: str) -> bool:
    """Values an INI line can carry unchanged: no line breaks, no edge whitespace, no NUL."""
    return bool(value) and value == value.strip() and not any(c in value for c in "\n\r\0")


def printable(value: str) -> str:
    return "".join("?" if ord(c) < 32 or 0x7F <= ord(c) <= 0x9F else c for c in value)


def run_round_trip(shell: str, home: AwsHome, cases: list[tuple[str, str]], workdir: Path) -> None:
    """cases: (profile name, role/account name value). Asserts exact values and that nothing ran."""
    sections = []
    for i, (name, value) in enumerate(cases):
        sections.append(
            f"[profile {shlex.quote(name)}]\n"
            f"sso_start_url = https://example.awsapps.com/start\nsso_region = us-east-1\n"
            f"sso_account_id = {100000000000 + i}\nsso_role_name = {value}\n"
            f"sso_account_name = {value}\n"
        )
    home.write_config("\n".join(sections))
    names_file = workdir / "names"
    names_file.write_bytes(b"".join(n.encode() + b"\0" for n, _ in cases))
    out_file = workdir / "out"
    out_file.unlink(missing_ok=True)
    env = {**home.env, "NAMES": str(names_file), "OUT": str(out_file)}
    result = run_shell(shell, LOOP[shell], env)
    assert result.stderr == "", result.stderr
    fields = out_file.read_bytes().split(b"\0")[:-1]
    assert len(fields) == 5 * len(cases)
    for i, (name, value) in enumerate(cases):
        aws_profile, asso_profile, role, account, prompt = (
            f.decode() for f in fields[5 * i : 5 * i + 5]
        )
        assert aws_profile == name and asso_profile == name
        assert role == value and account == value
        # zsh: the prompt expands to the literal text (% escaped); bash: the variable is literal.
        assert prompt == f"{printable(value)}/{printable(value)} no token"
    assert not list(workdir.glob("PWNED")) and not (home.home / "PWNED").exists()


def test_nasty_names_and_values(shell: str, aws_home: AwsHome, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    cases = [(f"p {v}", v) for v in NASTY]
    run_round_trip(shell, aws_home, cases, tmp_path)


def test_multiline_value_reaches_shell_exactly(shell: str, aws_home: AwsHome) -> None:
    # An indented continuation line makes a value with a newline in it (configparser rules).
    aws_home.write_config(
        "[profile m]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
        "sso_account_id = 123456789012\nsso_role_name = first\n  $(touch PWNED)\n"
    )
    result = run_shell(
        shell, 'asp m; printf "%s" "$ASSO_ROLE"; printf "|%s" "$ASSO_PROMPT"', aws_home.env
    )
    assert result.stdout == "first\n$(touch PWNED)|123456789012/first?$(touch PWNED) no token"
    assert not (aws_home.home / "PWNED").exists()


# Names and values the config format can hold: any text but line breaks, NUL and edge spaces.
text = st.text(
    alphabet=st.characters(
        blacklist_categories=("Cs",),
        blacklist_characters="\n\r\0\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029",
    ),
    min_size=1,
    max_size=20,
).filter(ini_value_ok)


# Each example runs a real shell over dozens of profiles: few examples, many values, no shrinking
# (a failure still prints its example).
@settings(
    max_examples=6,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(values=st.lists(text, min_size=20, max_size=60, unique=True))
def test_property_round_trip(
    shell: str, aws_home: AwsHome, tmp_path: Path, values: list[str]
) -> None:
    # Names are made unique and non-empty after INI/shlex parsing by a numbered prefix.
    cases = [(f"n{i} {v}".strip(), v) for i, v in enumerate(values)]
    cases = [(n, v) for n, v in cases if n == n.strip() and ini_value_ok(n)]
    run_round_trip(shell, aws_home, cases, tmp_path)
