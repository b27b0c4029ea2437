"""The plugin under strict shell options, loaded once or twice, with hostile aliases."""

from __future__ import annotations

import subprocess

import pytest

from ..conftest import AwsHome, plugin_for, shell_command
from ..support.samples import config, session, sso_profile

CONFIG = config(session("s"), sso_profile("dev", "123456789012", "Dev", session="s"))

# Everything a user does, then what the plugin left in the prompt.
EXERCISE = {
    "zsh": """
asp dev >/dev/null
_asso_precmd
asr eu-west-2
_asso_precmd
x=$(asso_prompt_info)
asp >/dev/null
asp - >/dev/null
_asso_precmd
print -r -- "prompt=$ASSO_PROMPT info=$x"
""",
    "bash": """
asp dev >/dev/null
_asso_prompt_command
asr eu-west-2
_asso_prompt_command
x=$(asso_prompt_info)
asp >/dev/null
asp - >/dev/null
_asso_prompt_command
\\printf '%s\\n' "prompt=$ASSO_PROMPT info=$x"
""",
}
EXPECTED = "prompt=123456789012/Dev eu-west-2 no token info=123456789012/Dev eu-west-2 no token"

ZSH_OPTIONS = [
    "ksh_arrays",
    "sh_word_split",
    "glob_subst",
    "no_unset",
    "err_return",
    "posix_builtins",
    "err_exit",
]
HOSTILE_ALIASES = {
    "zsh": "alias read='echo HACKED' print='echo HACKED' local='echo HACKED' printf='echo HACKED' "
    "export='echo HACKED' unset='echo HACKED' source='echo HACKED' emulate='echo HACKED'",
    "bash": "shopt -s expand_aliases; alias read='echo HACKED' printf='echo HACKED' local='echo HACKED' "
    "export='echo HACKED' unset='echo HACKED' shift='echo HACKED' builtin='echo HACKED'",
}


def run(
    shell: str, prelude: str, env: dict[str, str], loads: int
) -> subprocess.CompletedProcess[str]:
    load = f"source {str(plugin_for(shell))!r}\n" * loads
    script = prelude + "\n" + load + EXERCISE[shell]
    return subprocess.run(
        shell_command(shell, script, strict=True),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def env(aws_home: AwsHome) -> dict[str, str]:
    aws_home.write_config(CONFIG)
    return aws_home.env


@pytest.mark.parametrize("loads", [1, 2])
@pytest.mark.parametrize("option", ["", *ZSH_OPTIONS, " ".join(ZSH_OPTIONS)])
def test_zsh_options(env: dict[str, str], option: str, loads: int) -> None:
    prelude = f"setopt {option}" if option else ""
    result = run("zsh", prelude, env, loads)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", EXPECTED + "\n")


@pytest.mark.parametrize("loads", [1, 2])
def test_bash_strict(env: dict[str, str], loads: int) -> None:
    result = run("bash", "", env, loads)
    assert (result.returncode, result.stderr, result.stdout) == (0, "", EXPECTED + "\n")


def test_hostile_aliases(shell: str, env: dict[str, str]) -> None:
    result = run(shell, HOSTILE_ALIASES[shell], env, 1)
    assert "HACKED" not in result.stdout + result.stderr
    assert (result.returncode, result.stderr, result.stdout) == (0, "", EXPECTED + "\n")


def test_hook_keeps_exit_status(shell: str, env: dict[str, str]) -> None:
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    script = (
        f"source {str(plugin_for(shell))!r}\nexport AWS_PROFILE=dev\n"
        f'(exit 3); {hook}; echo "a=$?"\n(exit 42); {hook}; echo "b=$?"\ntrue; {hook}; echo "c=$?"'
    )
    result = subprocess.run(
        shell_command(shell, script), env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["a=3", "b=42", "c=0"]


def test_hooks_installed_once(env: dict[str, str]) -> None:
    zsh = subprocess.run(
        shell_command(
            "zsh",
            f"source {str(plugin_for('zsh'))!r}; source {str(plugin_for('zsh'))!r}; print -r -- ${{(j:,:)precmd_functions}}",
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert zsh.stdout.strip() == "_asso_precmd"
    bash = subprocess.run(
        shell_command(
            "bash",
            "PROMPT_COMMAND='history -a'\n"
            f'source {str(plugin_for("bash"))!r}; source {str(plugin_for("bash"))!r}; echo "$PROMPT_COMMAND"',
        ),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bash.stdout.strip() == "_asso_prompt_command;history -a"
