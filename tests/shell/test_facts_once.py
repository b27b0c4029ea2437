"""No fact by hand in two languages: the plugin's shell files name no subcommand, no separator
and no file name rule of their own (generated.zsh and generated.bash carry them from Python),
and the state and table file names the shells compute are the ones Python computes."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from asso.cli.names import PLUGIN_COMMANDS
from asso.cli.parser import COMMAND_NAMES
from asso.shell import facts
from asso.shell.state import file_word, state_file_name

from ..conftest import PLUGIN_BASH, PLUGIN_ZSH, REPO

PLUGIN = REPO / "plugin"
#: Every shell file of the plugin a person writes (the generated ones are checked for staleness
#: by test_generated).
HAND_WRITTEN = sorted(
    path
    for path in [
        *PLUGIN.glob("zsh/*.zsh"),
        *PLUGIN.glob("zsh/functions/_*"),
        *PLUGIN.glob("bash/*.bash"),
        PLUGIN / "asso.plugin.zsh",
        PLUGIN / "asso.bash",
        REPO / "asso.plugin.zsh",
        REPO / "asso.bash",
    ]
    if not path.name.startswith("generated")
)
#: Lines left as they are, and why: (file, text the line holds).
KNOWN: set[tuple[str, str]] = set()  # (file, text) allowed by hand: none
COMMANDS = sorted(COMMAND_NAMES | set(PLUGIN_COMMANDS.values()), key=len, reverse=True)
_WORD = "(" + "|".join(re.escape(name) for name in COMMANDS) + r")(?![\w-])"
#: A command name written as a word the plugin runs or compares: after "$ASSO_HELPER" (the
#: word that follows must be a variable, an option or "$@"), after the asso function, in a
#: comparison, or as the default arguments of a function.
COMMAND_PATTERNS = [
    re.compile(r"\"\$ASSO_HELPER\"\s+(\w|'|\"\w)"),
    re.compile(r"(?<![\w$-])asso\s+['\"]?" + _WORD),
    re.compile(r"==\s*['\"]?" + _WORD),
    re.compile(r"set\s+--\s+['\"]?" + _WORD),
]
SEPARATOR_PATTERNS = [
    re.compile(re.escape(text))
    for text in ("\\x1f", "\\x1e", "\\037", "\\036", "\\C-_", "\\C-^", "\\u001f", "\\u001e")
] + [re.compile("[\x1e\x1f]")]
RULE_PATTERNS = [
    re.compile(re.escape(text))
    for text in ("A-Za-z", "a-zA-Z", "ABCDEFGHIJ", facts.FILE_NAME_OTHER)
] + [
    re.compile(rf"(-gt|>)\s*{facts.FILE_NAME_MAX}\b"),
    re.compile(r"prompt/(zsh|bash)[-.]"),  # the prompt dir's file names: facts.*_STEM
]


def _code_lines(path: Path) -> list[tuple[int, str]]:
    """The lines that are not comments (a trailing comment is kept: it is rarely a fact)."""
    return [
        (number, line)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if not line.lstrip().startswith("#")
    ]


def _hits(patterns: list[re.Pattern[str]]) -> list[str]:
    hits = []
    for path in HAND_WRITTEN:
        relative = path.relative_to(PLUGIN).as_posix() if PLUGIN in path.parents else path.name
        for number, line in _code_lines(path):
            if any(name == relative and text in line for name, text in KNOWN):
                continue
            if any(pattern.search(line) for pattern in patterns):
                hits.append(f"{relative}:{number}: {line.strip()}")
    return hits


def test_the_scan_sees_every_shell_file() -> None:
    names = {path.relative_to(PLUGIN).as_posix() for path in HAND_WRITTEN if PLUGIN in path.parents}
    assert {"zsh/state.zsh", "zsh/functions/_asso", "bash/completion.bash", "asso.bash"} <= names
    assert not any("generated" in name for name in names)


def test_no_subcommand_name_by_hand_in_the_shell_files() -> None:
    """The shells run and compare commands through _asso_cmd_* (generated from asso.cli.names),
    so renaming a command in Python renames every shell use."""
    assert _hits(COMMAND_PATTERNS) == []


def test_the_command_patterns_catch_what_they_are_for() -> None:
    """Each pattern flags the hand-written forms this test exists to keep out."""
    lines = [
        'if "$ASSO_HELPER" login --refresh-only -- "$name"; then',
        "out=$(\"$ASSO_HELPER\" console --services 2>/dev/null)",
        'asso login -- "$name"',
        "print -ru2 -- \"log in with 'asso login ${(V)name}'\"",
        "elif [[ $words[2] == console && $words[CURRENT-1] == --service ]]; then",
        "(( $# )) || set -- doctor",
    ]
    for line in lines:
        assert any(pattern.search(line) for pattern in COMMAND_PATTERNS), line
    fine = [
        'if "$ASSO_HELPER" "$_asso_cmd_login" --refresh-only -- "$name"; then',
        '"$ASSO_HELPER" "$@" || status=$?',
        'helper_version=$("$ASSO_HELPER" --version 2>/dev/null)',
        'asso "$_asso_cmd_login" -- "$name"',
        "export AWS_PROFILE=$name",
        "local status=0",
    ]
    for line in fine:
        assert not any(pattern.search(line) for pattern in COMMAND_PATTERNS), line


def test_the_command_variables_the_shells_use_are_generated() -> None:
    used = set()
    for path in HAND_WRITTEN:
        used |= set(re.findall(r"_asso_cmd_(\w+)", path.read_text(encoding="utf-8")))
    assert used and used <= set(PLUGIN_COMMANDS), used - set(PLUGIN_COMMANDS)
    for shell in ("zsh", "bash"):
        generated = (PLUGIN / shell / f"generated.{shell}").read_text(encoding="utf-8")
        for key, name in PLUGIN_COMMANDS.items():
            assert f"_asso_cmd_{key}='{name}'" in generated, (shell, key)


def test_no_separator_by_hand_in_the_shell_files() -> None:
    assert _hits(SEPARATOR_PATTERNS) == []


def test_no_file_name_rule_by_hand_in_the_shell_files() -> None:
    assert _hits(RULE_PATTERNS) == []


def test_the_separators_are_control_characters_no_value_holds() -> None:
    """The key's fields are environment strings and the table's are record values: the
    separators must be characters neither the shells nor Python ever produce in them."""
    for sep in (facts.KEY_SEPARATOR, facts.TABLE_SEPARATOR, facts.TIME_LEFT_MARK):
        assert len(sep) == 1 and ord(sep) < 32 and sep not in "\0\t\n\r"
    assert facts.KEY_SEPARATOR != facts.TABLE_SEPARATOR


# -- the shells and Python name the same files ---------------------------------------------------

AWKWARD = [
    "",
    "default",
    "dev",
    "prod-admin.eu_1",
    "a b",
    "tab\there",
    "new\nline",
    "ünïcödé",
    "名前",
    "%F{red}x%f",
    "$(touch pwned)",
    "`id`",
    "a'b\"c",
    "x*",
    "[ab]",
    "back\\slash",
    "a/b",
    "..",
    ".",
    "-",
    "-n",
    facts.FILE_NAME_OTHER,
    "a" * facts.FILE_NAME_MAX,
    "a" * (facts.FILE_NAME_MAX + 1),
    "é" * (facts.FILE_NAME_MAX // 2),  # 100 bytes, 50 characters
    "b" * (facts.FILE_NAME_MAX - 1) + "é",
]

# Each name read NUL-separated from the file $1; prints the state file's and the table's base
# names, NUL-separated. Strict options: the functions must hold up under them.
SCRIPTS = {
    "zsh": (
        "source {plugin}\n"
        "setopt err_exit no_unset pipe_fail\n"
        "data=$(<$1); parts=(\"${{(@0)data}}\"); shift -p parts # the empty field after the last\n"
        "for name in \"${{parts[@]}}\"; do\n"
        "  _asso_state_path \"$name\"; print -rn -- \"${{REPLY:t}}\"$'\\0'\n"
        "  AWS_REGION=$name AWS_DEFAULT_REGION= _asso_table_path; print -rn -- \"${{REPLY:t}}\"$'\\0'\n"
        "done\n"
    ),
    "bash": (
        "source {plugin}\n"
        "set -euo pipefail\n"
        "while IFS='' read -r -d '' name; do\n"
        "  _asso_state_path \"$name\"; printf '%s\\0' \"${{REPLY##*/}}\"\n"
        "  AWS_REGION=$name AWS_DEFAULT_REGION='' _asso_table_path; printf '%s\\0' \"${{REPLY##*/}}\"\n"
        "done <\"$1\"\n"
    ),
}


def _expected(shell: str, name: str) -> list[str]:
    table = facts.TABLE_STEM.format(shell=shell) + (f"-{file_word(name)}" if name else "")
    return [state_file_name(shell, name), table]


@pytest.mark.parametrize("locale", ["C.UTF-8", "C"])
@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_state_and_table_file_names_agree_with_python(
    shell: str, locale: str, tmp_path: Path
) -> None:
    names = tmp_path / "names"
    # A last name after the empty one and the long ones: nothing is dropped at the end.
    names.write_bytes(b"".join(n.encode("utf-8") + b"\0" for n in [*AWKWARD, "end"]))
    plugin = PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH
    script = tmp_path / f"names.{shell}"
    body = SCRIPTS[shell].format(plugin=str(plugin))
    script.write_text(body, encoding="utf-8")
    flags = ["-f"] if shell == "zsh" else ["--norc", "--noprofile"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ASSO_STATE_DIR": str(tmp_path / "state"),
        "LANG": locale,
        "LC_ALL": locale,
    }
    result = subprocess.run(
        [shell, *flags, str(script), str(names)],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    got = result.stdout.decode("utf-8").split("\0")
    assert got.pop() == ""
    want = [part for name in [*AWKWARD, "end"] for part in _expected(shell, name)]
    assert got == want
    # The cases the rule is about, spelled out (not only "the same as Python").
    by_name = dict(zip([*AWKWARD, "end"], got[0::2]))
    assert by_name[""] == f"{shell}-default"
    assert by_name["a" * facts.FILE_NAME_MAX] == f"{shell}-" + "a" * facts.FILE_NAME_MAX
    for name in ("a b", "ünïcödé", "%F{red}x%f", "a/b", "a" * (facts.FILE_NAME_MAX + 1)):
        assert by_name[name] == f"{shell}-{facts.FILE_NAME_OTHER}", name
    assert by_name[".."] == f"{shell}-.."  # plain characters: the prefix keeps it a file name
