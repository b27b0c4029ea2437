"""Whatever the prompt shows of a name is made safe for the prompt, in every state: zsh's `%`
escaped and control characters shown as `?`, also when the config is broken or the profile is
unknown (the name then comes from the environment, not from the config)."""

from __future__ import annotations

import pytest

from ..conftest import START_URL, AwsHome, run_shell

BROKEN = f"""\
[sso-session corp]
sso_start_url = {START_URL}
[sso-session corp]
sso_region = us-east-1
"""

GOOD = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
"""


def hook(shell: str) -> str:
    return "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"


@pytest.mark.parametrize(
    ("config", "suffix"), [(BROKEN, "(config error)"), (GOOD, "(unknown profile)")]
)
def test_a_name_from_the_environment_is_made_safe(
    shell: str, aws_home: AwsHome, config: str, suffix: str
) -> None:
    aws_home.write_config(config)
    name = "50%d\x1b[31m"
    show = (
        'print -r -- "$ASSO_PROMPT"; print -rP -- "$ASSO_PROMPT"'
        if shell == "zsh"
        else ('printf "%s\\n" "$ASSO_PROMPT"')
    )
    result = run_shell(shell, f"{hook(shell)}\n{show}", {**aws_home.env, "AWS_PROFILE": name})
    assert result.stderr == ""
    if shell == "zsh":
        assert result.stdout.splitlines() == [f"50%%d?[31m {suffix}", f"50%d?[31m {suffix}"]
    else:
        assert result.stdout.splitlines() == [f"50%d?[31m {suffix}"]
