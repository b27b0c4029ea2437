"""Keys in the shell: asp -x exports them (the prompt shows their time left), asp removes only
asso's, and keys the user set make the prompt say "env keys" and asp warn once."""

from __future__ import annotations

import json
import re

import pytest
from loginkit import LoginHome

from tests.conftest import run_shell

SHOW = 'printf "%s|%s|%s\\n" "$ASSO_CREDENTIAL_SOURCE" "$ASSO_PROMPT" "${AWS_ACCESS_KEY_ID-unset}"'


@pytest.mark.parametrize("strict", [False, True])
def test_user_keys_win_and_the_prompt_says_so(home: LoginHome, shell: str, strict: bool) -> None:
    script = (
        "export AWS_ACCESS_KEY_ID=AKIAUSERSOWNKEY00000 AWS_SECRET_ACCESS_KEY='s3cr$(x)%t'\n"
        f"asp prod\n{SHOW}\nasp prod-admin\n{SHOW}\nasp\n{SHOW}\n"
    )
    result = run_shell(shell, script, home.env, strict=strict)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "env|env keys|AKIAUSERSOWNKEY00000"
    assert lines[1] == "env|env keys|AKIAUSERSOWNKEY00000"
    assert lines[2] == "AWS profile cleared."
    assert lines[3].endswith("|AKIAUSERSOWNKEY00000")  # asp never removes the user's keys
    assert result.stderr.count("win over profile") == 1, result.stderr  # once per key
    assert "prod" in result.stderr and "s3cr" not in result.stdout + result.stderr


def test_asp_x_exports_keys_and_asp_removes_only_those(home: LoginHome, shell: str) -> None:
    home.emu.role_credentials_ttl = 5 * 3600 + 1800  # far from any display boundary
    assert home.asso("login", "prod").returncode == 0
    script = (
        f"asp -x prod\n{SHOW}\n"
        'printf "%s\\n" "${AWS_SESSION_TOKEN:+token}" "${AWS_CREDENTIAL_EXPIRATION-}"\n'
        f"asp prod-admin\n{SHOW}\n"
        f"asp -x prod\nasp\n{SHOW}\n"
        # Keys the user set afterwards are theirs: asp -x refuses to replace them.
        "export AWS_ACCESS_KEY_ID=AKIAUSERSOWNKEY00000 AWS_SECRET_ACCESS_KEY=x\n"
        "asp -x prod || echo refused=$?\n"
    )
    result = run_shell(shell, script, {**home.env, "ASSO_PROMPT_FORMAT": "{account}[ {time_left}]"})
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    issued = home.emu.issued_role_credentials[-1]
    source, prompt, key = lines[0].split("|")
    assert source == "exported" and key == issued["accessKeyId"]
    # The account (its name once the directory is fetched), and the keys' own time left.
    account, left = prompt.split()
    assert account in ("222222222222", "Production") and re.fullmatch(r"5h[23]\dm", left)
    assert lines[1] == "token"
    assert lines[2].endswith("+00:00")
    assert lines[3].split("|")[0] == "profile" and lines[3].endswith("|unset")
    assert lines[-2].endswith("|unset")  # asp alone removed them too
    assert lines[-1] == "refused=1"
    assert issued["secretAccessKey"] not in result.stdout + result.stderr


def test_resolve_json_has_credential_source(home: LoginHome) -> None:
    keys = {"AWS_ACCESS_KEY_ID": "AKIAUSERSOWNKEY00000", "AWS_SECRET_ACCESS_KEY": "x"}
    plain = json.loads(home.asso("resolve", "--json", AWS_PROFILE="prod").stdout)
    assert plain["credential_source"] == "profile"
    with_keys = json.loads(home.asso("resolve", "--json", AWS_PROFILE="prod", **keys).stdout)
    assert with_keys["credential_source"] == "env"
    # As `aws --profile prod`: a profile named explicitly wins over the keys.
    explicit = json.loads(home.asso("resolve", "--json", "--profile", "prod", **keys).stdout)
    assert explicit["credential_source"] == "profile"


def test_asp_x_that_cannot_get_keys_changes_nothing(home: LoginHome, shell: str) -> None:
    # 'other' was never logged in and no terminal is there: exit 7, the profile stays.
    script = f"export AWS_PROFILE=prod\nasp -x other || echo failed=$?\n{SHOW}\necho $AWS_PROFILE"
    result = run_shell(shell, script, home.env, strict=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "failed=7" and lines[1].endswith("|unset") and lines[2] == "prod"
    assert result.stderr.count("\n") == 1 and "asso login other" in result.stderr


def test_acp_and_the_asso_function_reach_the_new_commands(home: LoginHome, shell: str) -> None:
    assert home.asso("login", "prod").returncode == 0
    script = (
        "asso export prod --format env-no-export | while IFS= read -r l; do echo ${l%%=*}; done\n"
        "asso exec prod -- sh -c 'echo exec:$ASSO_EXEC_PROFILE'\n"
    )
    if shell == "zsh":  # oh-my-zsh's name, defined when free
        script += f"acp prod\n{SHOW}\nacp\n{SHOW}\n"
    result = run_shell(shell, script, home.env)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:5] == [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
        "exec:prod",
    ]
    if shell == "zsh":
        assert lines[5].startswith("exported|") and lines[-1].endswith("|unset")
