"""One home for each fact: the generated plugin files are current, and both shells define the
same functions and settings (minus the documented shell-specific ones)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from asso.shell import facts

from ..conftest import PLUGIN_BASH, PLUGIN_ZSH, REPO, AwsHome

#: Functions only one shell has, and why.
ZSH_ONLY = {
    "_asso_watch_sig",  # zsh checks a state's files with zstat (zsh/stat)
    "_asso_slurp",  # zsh reads files with sysread (zsh/system)
    "_asso_describe_profiles",  # zsh completion groups profiles with _describe
    "_asso_name_free",  # the oh-my-zsh `aws` plugin's names (zsh only)
    "_asso_omz_aws_loaded",
    "_asso_reclaim",
    "agp",
    "agr",
    "acp",
    "aws_profiles",
    "aws_prompt_info",
    "aws_regions",
    "_asso_precmd",  # the hook: precmd in zsh, PROMPT_COMMAND in bash
    "add-zsh-hook",  # autoloaded from zsh itself
    "instant_prompt_asso",  # powerlevel10k segment
    "prompt_asso",
}
BASH_ONLY = {
    "_asso_watch_changed",  # bash has no stat builtin: -nt tests and a generation read
    "_asso_same_generation",
    "_asso_set_stamp",  # and what they compare with (zsh: one zstat, inline in the hook)
    "_asso_current",
    "_asso_prompt_command",  # the hook
    "_asso_now",  # zsh has $EPOCHSECONDS; bash < 5 needs printf or date
    "_asso_complete",  # bash's completion entry (zsh's is the autoloaded _asso)
    "_asso_compgen_from",
    "_asso_subcommands",  # bash 3.2 has no associative arrays: lookups are functions
    "_asso_takes_profile",
    "_asso_find_helper",  # zsh finds the helper in an anonymous function
    "_asso_have_helper",
    "_asso_quote",  # bootstrap: zsh quotes with ${(q+)...} and reads a line with $(<file)
    "_asso_first_line",
}

LIST = {
    "zsh": (
        "typeset -a before=(${(k)functions}); source %s\n"
        "print -l -- ${${(k)functions}:|before}; print -- '=='\n"
        "print -l -- ${(M)${(k)parameters}:#ASSO_*}"
    ),
    "bash": "source %s\ncompgen -A function; echo ==; compgen -v ASSO_",
}


def _defined(shell: str, plugin: str, env: dict[str, str]) -> tuple[set[str], set[str]]:
    flags = ["-f"] if shell == "zsh" else ["--norc", "--noprofile"]
    out = subprocess.run(
        [shell, *flags, "-c", LIST[shell] % plugin],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    functions, _, variables = out.partition("==\n")
    return set(functions.split()), set(variables.split())


def test_generated_files_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "generate_plugin.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr + "\nrun: python scripts/generate_plugin.py"


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_the_generated_file_is_the_only_one_defaulting_settings(shell: str) -> None:
    """No plugin file but the generated one assigns a default to a setting."""
    directory = REPO / "plugin" / shell
    for path in directory.glob(f"*.{shell}"):
        if path.name.startswith("generated"):
            continue
        text = path.read_text(encoding="utf-8")
        for name, _, _ in facts.SETTINGS:
            for pattern in (f"${{+{name}}}", f"${{{name}+set}}", f"typeset -g {name}="):
                assert pattern not in text, (path.name, name)


def test_both_shells_define_the_same_functions_and_settings(aws_home: AwsHome) -> None:
    env = {k: v for k, v in aws_home.env.items() if not k.startswith("ASSO_")}
    env["PATH"] = "/usr/bin:/bin"
    zsh_functions, zsh_variables = _defined("zsh", str(PLUGIN_ZSH), env)
    bash_functions, bash_variables = _defined("bash", str(PLUGIN_BASH), env)
    assert zsh_functions - ZSH_ONLY == bash_functions - BASH_ONLY
    assert zsh_functions | {"add-zsh-hook"} >= ZSH_ONLY and bash_functions >= BASH_ONLY
    # Without a helper found, bash sets ASSO_HELPER empty where zsh leaves it unset.
    assert zsh_variables - {"ASSO_HELPER"} == bash_variables - {"ASSO_HELPER"}
    settings = {name for name, _, _ in facts.SETTINGS}
    assert settings <= zsh_variables
    assert set(facts.OUTPUT_VARIABLES) <= zsh_variables


def test_records_match_what_the_helper_writes() -> None:
    from asso.shell import state

    assert state.RECORD_NAMES == facts.RECORD_NAMES
    assert facts.RECORD_NAMES[0] == "gen"  # the plugin reads only the first record to compare
