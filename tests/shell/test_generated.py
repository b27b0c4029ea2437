"""One home for each fact: the generated plugin files are current, and both shells define the
same functions and settings (minus the documented shell-specific ones)."""

from __future__ import annotations

import shlex
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
    "_asso_table_part",  # a table part as one read (bash reads its buckets and names apart)
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


#: Awkward values for every input of the key: spaces, quotes, $( ), %, backslashes, globs, a
#: newline, UTF-8, the key's own separator; and keys asp -x exported, glob characters included.
AWKWARD_INPUTS = {
    "AWS_PROFILE": "a b\x1fc'd\"",
    "AWS_DEFAULT_PROFILE": "$(touch pwned)",
    "AWS_REGION": "${HOME}`id`",
    "AWS_DEFAULT_REGION": "",
    "AWS_CONFIG_FILE": "/x/%y\nz*[",
    "ASSO_PROMPT_FORMAT": "{account} %F{red}$x\\",
    "TERM": "é\\",
    "NO_COLOR": "",
    "AWS_ACCESS_KEY_ID": "AK*[x]\\?(|)",
    "AWS_SECRET_ACCESS_KEY": "s",
    "AWS_CREDENTIAL_EXPIRATION": "2099 $(x)",
}
KEY_PRINTERS = {
    # The hook's own key (zsh builds it inline), then _asso_inputs with and without a name.
    "zsh": "_asso_precmd; print -rn -- \"$_asso_key|\"; _asso_inputs; print -rn -- \"$REPLY|\"; "
    "_asso_inputs 'n m'; print -rn -- \"$REPLY\"",
    "bash": "_asso_prompt_command; printf %s \"$_asso_key|\"; _asso_inputs; printf %s \"$REPLY|\"; "
    "_asso_inputs 'n m'; printf %s \"$REPLY\"",
}


@pytest.mark.parametrize("exported", [False, True])
def test_both_shells_build_the_same_key(aws_home: AwsHome, exported: bool) -> None:
    """The key (facts.KEY_INPUTS) is byte for byte the same in zsh and bash, for the same
    environment, in C and UTF-8 locales and under strict options: a state file one shell wrote
    is the other's only when their inputs are the same."""
    env = {**aws_home.env, **AWKWARD_INPUTS, "ASSO_HELPER": "/nonexistent"}
    xkey = "_asso_xkey=" + shlex.quote(AWKWARD_INPUTS["AWS_ACCESS_KEY_ID"] if exported else "")
    runs = {
        ("zsh", ""): "",
        ("zsh", "strict"): "setopt ksh_arrays sh_word_split glob_subst no_unset; set -euo pipefail",
        ("bash", ""): "",
        ("bash", "strict"): "set -euo pipefail",
    }
    keys: dict[tuple[str, str, str], bytes] = {}
    for (shell, options), prelude in runs.items():
        plugin = PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH
        script = f"{prelude}\nsource {str(plugin)!r}\n{xkey}\n{KEY_PRINTERS[shell]}"
        flags = ["-f"] if shell == "zsh" else ["--norc", "--noprofile"]
        for locale in ("C", "C.UTF-8"):
            result = subprocess.run(
                [shell, *flags, "-c", script],
                env={**env, "LC_ALL": locale, "LANG": locale},
                capture_output=True,
                timeout=60,
                cwd=aws_home.root,
            )
            assert result.stderr == b""
            keys[shell, options, locale] = result.stdout
    assert not (aws_home.root / "pwned").exists()
    hook, plain, named = keys["bash", "", "C"].split(b"|")
    assert hook == plain
    assert plain.endswith(b"\x1fks\x1f2099 $(x)" + (b"\x1fx" if exported else b""))
    assert named.startswith(b"n m\x1fn m\x1f")
    # After the profile pair (AWS_PROFILE holds one separator): the same rest.
    assert named.split(b"\x1f", 2)[2] == plain.split(b"\x1f", 3)[3]
    assert {shown: key for shown, key in keys.items() if key != keys["bash", "", "C"]} == {}
