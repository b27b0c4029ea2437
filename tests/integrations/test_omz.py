"""oh-my-zsh: `plugins=(... asso)` through a loader that follows oh-my-zsh's rules, with and
without its `aws` plugin (a stand-in with the same function names), in both orders."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import REPO, AwsHome
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux
from .conftest import OMZ, precmd

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")

COMMANDS = str((REPO / "plugin" / "zsh" / "commands.zsh").resolve())
INTEGRATIONS = str((REPO / "plugin" / "zsh" / "integrations.zsh").resolve())
STAND_IN_AWS = "plugins/aws/aws.plugin.zsh"


def oh_my_zsh(root: Path) -> Path:
    """$ZSH: the loader and stand-ins, with asso linked into custom/plugins as install.sh does."""
    zsh_dir = root / "ohmyzsh"
    shutil.copytree(OMZ, zsh_dir)
    (zsh_dir / "custom" / "plugins").mkdir(parents=True)
    (zsh_dir / "custom" / "plugins" / "asso").symlink_to(REPO / "plugin")
    return zsh_dir


def omz_script(zsh_dir: Path, plugins: str, body: str, rc_extra: str = "") -> str:
    return f"""export ZSH={str(zsh_dir)!r}
ZSH_THEME=robbyrussell
plugins=({plugins})
{rc_extra}
source $ZSH/oh-my-zsh.sh
RPROMPT='${{ASSO_PROMPT}}'
{body}"""


def run_omz(home: AwsHome, plugins: str, body: str, rc_extra: str = "") -> list[str]:
    zsh_dir = oh_my_zsh(home.root)
    result = subprocess.run(
        ["zsh", "-f", "-c", omz_script(zsh_dir, plugins, body, rc_extra)],
        env=home.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stderr == "", result.stderr
    return result.stdout.splitlines()


def source_of(*names: str) -> str:
    return "; ".join(f'print -r -- "{n}=${{functions_source[{n}]-none}}"' for n in names)


def test_asso_alone_gives_the_familiar_names(home: AwsHome) -> None:
    body = "\n".join(
        [
            source_of("asp", "agp", "agr", "aws_profiles", "aws_regions", "aws_prompt_info"),
            'print -r -- "comp=${_comps[asp]-}"',
            "asp prod-admin",
            precmd("zsh"),
            'print -r -- "hooks=${precmd_functions[*]}"',
            "agp; agr; aws_prompt_info",
            "ZSH_THEME_AWS_PROFILE_PREFIX='[' ZSH_THEME_AWS_PROFILE_SUFFIX=']' "
            "ZSH_THEME_AWS_DIVIDER=/ ZSH_THEME_AWS_REGION_PREFIX='(' "
            "ZSH_THEME_AWS_REGION_SUFFIX=')' aws_prompt_info",
            "SHOW_AWS_PROMPT=false aws_prompt_info; print -r -- end",
            "aws_profiles | head -2",
            'print -r -- "rprompt=${(%)${(e)RPROMPT}}"',
        ]
    )
    out = run_omz(home, "git asso", body)
    assert out[:6] == [
        f"asp={COMMANDS}",
        f"agp={INTEGRATIONS}",
        f"agr={INTEGRATIONS}",
        f"aws_profiles={INTEGRATIONS}",
        f"aws_regions={INTEGRATIONS}",
        f"aws_prompt_info={INTEGRATIONS}",
    ]
    assert out[6] == "comp=_asso"  # compinit ran before the plugin: compdef registered it
    # The one-shot reclaim check ran at the "first prompt" and removed itself.
    assert out[7] == "hooks=_asso_precmd"
    assert out[8:12] == [
        "prod-admin",
        "eu-west-1",
        "<aws:prod-admin> <region:eu-west-1>",
        "[prod-admin]/(eu-west-1)",
    ]
    assert out[12] == "end"
    assert out[13:15] == ["prod-admin", "dev"]
    assert out[15] == "rprompt=111122223333/AdministratorAccess 3h05m"


def test_aws_plugin_first_asso_wins_asp_and_leaves_the_rest(home: AwsHome) -> None:
    body = "\n".join(
        [
            source_of("asp", "asr", "agp", "aws_prompt_info"),
            'print -r -- "aws_regions=${+functions[aws_regions]}"',
            "asp prod-admin",
            precmd("zsh"),
            'print -r -- "prompt=$ASSO_PROMPT"',
            "aws_prompt_info",
            'print -r -- "rprompt=$RPROMPT"',
        ]
    )
    out = run_omz(home, "git aws asso", body)
    assert out[0] == f"asp={COMMANDS}"
    assert out[1] == f"asr={COMMANDS}"
    assert out[2].endswith(STAND_IN_AWS) and out[2].startswith("agp=")
    assert out[3].endswith(STAND_IN_AWS)
    assert out[4] == "aws_regions=0"  # asso adds none of the names when the aws plugin is there
    assert out[5] == "prompt=111122223333/AdministratorAccess 3h05m"
    assert out[6] == "omz:<aws:prod-admin>"  # its aws_prompt_info, untouched
    assert out[7] == "rprompt=${ASSO_PROMPT}"


def test_aws_plugin_after_asso_asp_is_reclaimed_at_the_first_prompt(home: AwsHome) -> None:
    body = "\n".join(
        [
            source_of("asp", "agp"),
            precmd("zsh"),  # the first prompt
            source_of("asp", "asr", "agp", "aws_prompt_info"),
            'print -r -- "hooks=${precmd_functions[*]} comp=${_comps[asp]-}"',
            "asp prod-admin",
            precmd("zsh"),
            'print -r -- "prompt=$ASSO_PROMPT"',
        ]
    )
    out = run_omz(home, "asso aws", body)
    assert out[0].endswith(STAND_IN_AWS)  # the aws plugin replaced asp while loading
    assert out[1].endswith(STAND_IN_AWS)  # and agp: asso never fights over its other names
    assert out[2] == f"asp={COMMANDS}"
    assert out[3] == f"asr={COMMANDS}"
    assert out[4].endswith(STAND_IN_AWS)
    assert out[5].endswith(STAND_IN_AWS)
    assert out[6] == "hooks=_asso_precmd comp=_asso"
    assert out[7] == "prompt=111122223333/AdministratorAccess 3h05m"


def test_reclaim_can_be_turned_off(home: AwsHome) -> None:
    body = "\n".join([precmd("zsh"), source_of("asp")])
    out = run_omz(home, "asso aws", body, rc_extra="ASSO_RECLAIM=0")
    assert out[0].endswith(STAND_IN_AWS)


@pytest.fixture
def omz_term(home: AwsHome, tmp_path: Path) -> Iterator[TmuxShell]:
    zsh_dir = oh_my_zsh(tmp_path)
    rc = omz_script(zsh_dir, "git asso aws", "")
    term = interactive_shell("zsh", home.env, tmp_path, rc)
    try:
        yield term
    finally:
        term.close()


@requires_tmux
def test_interactive_oh_my_zsh_with_both_plugins(omz_term: TmuxShell) -> None:
    omz_term.wait_text("➜")
    omz_term.type("asp dev")
    omz_term.wait_text("Sandbox/Developer 3h05m")
    omz_term.type("asp prod-admin")
    screen = omz_term.wait_text("111122223333/AdministratorAccess 3h05m")
    assert "omz-asp" not in screen
