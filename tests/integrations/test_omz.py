"""oh-my-zsh: `plugins=(... asso)` with the real oh-my-zsh (``ASSO_TEST_OMZ``), with and without
its real `aws` plugin, in both orders."""

from __future__ import annotations

import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Callable

import pytest

from ..conftest import REPO, AwsHome
from ..support.tmux import TmuxShell, interactive_shell, requires_tmux
from ..support.vendor import copy_tree, require
from .conftest import precmd

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")

COMMANDS = str((REPO / "plugin" / "zsh" / "commands.zsh").resolve())
INTEGRATIONS = str((REPO / "plugin" / "zsh" / "integrations.zsh").resolve())
AWS_PLUGIN = "plugins/aws/aws.plugin.zsh"


@pytest.fixture(scope="module")
def omz(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """$ZSH: a private copy of the real oh-my-zsh (its folder may be read-only)."""
    return copy_tree(require("ASSO_TEST_OMZ"), tmp_path_factory.mktemp("omz") / "ohmyzsh")


def omz_script(zsh_dir: Path, root: Path, plugins: str, body: str, rc_extra: str = "") -> str:
    """A .zshrc as oh-my-zsh writes it, with asso linked into $ZSH_CUSTOM/plugins as install.sh
    does, and everything oh-my-zsh writes (cache, completion dump) in the test's directory."""
    custom = root / "omz-custom"
    if not custom.exists():
        (custom / "plugins").mkdir(parents=True)
        (custom / "plugins" / "asso").symlink_to(REPO / "plugin")
    return f"""export ZSH={str(zsh_dir)!r}
ZSH_CUSTOM={str(custom)!r}
ZSH_CACHE_DIR={str(root / "omz-cache")!r}
ZSH_COMPDUMP={str(root / "zcompdump")!r}
DISABLE_AUTO_UPDATE=true
ZSH_DISABLE_COMPFIX=true
zstyle ':omz:update' mode disabled
ZSH_THEME=robbyrussell
plugins=({plugins})
{rc_extra}
source $ZSH/oh-my-zsh.sh
RPROMPT='${{ASSO_PROMPT}}'
{body}"""


@pytest.fixture
def run_omz(home: AwsHome, omz: Path) -> Callable[..., list[str]]:
    return lambda *args, **kwargs: _run_omz(home, omz, *args, **kwargs)


def _run_omz(home: AwsHome, omz: Path, plugins: str, body: str, rc_extra: str = "") -> list[str]:
    result = subprocess.run(
        ["zsh", "-f", "-c", omz_script(omz, home.root, plugins, body, rc_extra)],
        env=home.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stderr == "", result.stderr
    return result.stdout.splitlines()


def source_of(*names: str) -> str:
    return "; ".join(f'print -r -- "{n}=${{functions_source[{n}]-none}}"' for n in names)


def test_asso_alone_gives_the_familiar_names(run_omz: Callable[..., list[str]]) -> None:
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
    out = run_omz("git asso", body)
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
    hooks = out[7].removeprefix("hooks=").split()
    assert hooks.count("_asso_precmd") == 1 and not [h for h in hooks if "reclaim" in h]
    assert out[8:12] == [
        "prod-admin",
        "eu-west-1",
        "<aws:prod-admin> <region:eu-west-1>",
        "[prod-admin]/(eu-west-1)",
    ]
    assert out[12] == "end"
    assert out[13:15] == ["prod-admin", "dev"]
    assert out[15] == "rprompt=111122223333/AdministratorAccess 3h05m"


def test_aws_plugin_first_asso_wins_asp_and_leaves_the_rest(
    run_omz: Callable[..., list[str]],
) -> None:
    body = "\n".join(
        [
            source_of("asp", "asr", "agp", "aws_prompt_info"),
            source_of("aws_regions"),
            "asp prod-admin",
            precmd("zsh"),
            'print -r -- "prompt=$ASSO_PROMPT"',
            "aws_prompt_info",
            'print -r -- "rprompt=$RPROMPT"',
        ]
    )
    out = run_omz("git aws asso", body)
    assert out[0] == f"asp={COMMANDS}"
    assert out[1] == f"asr={COMMANDS}"
    assert out[2].endswith(AWS_PLUGIN) and out[2].startswith("agp=")
    assert out[3].endswith(AWS_PLUGIN)
    assert out[4].endswith(AWS_PLUGIN)  # asso adds none of the names when the aws plugin is there
    assert out[5] == "prompt=111122223333/AdministratorAccess 3h05m"
    assert out[6] == "<aws:prod-admin>"  # its aws_prompt_info, untouched
    assert out[7] == "rprompt=${ASSO_PROMPT}"


def test_aws_plugin_after_asso_asp_is_reclaimed_at_the_first_prompt(
    run_omz: Callable[..., list[str]],
) -> None:
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
    out = run_omz("asso aws", body)
    assert out[0].endswith(AWS_PLUGIN)  # the aws plugin replaced asp while loading
    assert out[1].endswith(AWS_PLUGIN)  # and agp: asso never fights over its other names
    assert out[2] == f"asp={COMMANDS}"
    assert out[3] == f"asr={COMMANDS}"
    assert out[4].endswith(AWS_PLUGIN)
    assert out[5].endswith(AWS_PLUGIN)
    hooks, comp = out[6].split(" comp=")
    assert [h for h in hooks.removeprefix("hooks=").split() if "asso" in h] == ["_asso_precmd"]
    assert comp == "_asso"
    assert out[7] == "prompt=111122223333/AdministratorAccess 3h05m"


def test_reclaim_can_be_turned_off(run_omz: Callable[..., list[str]]) -> None:
    body = "\n".join([precmd("zsh"), source_of("asp")])
    out = run_omz("asso aws", body, rc_extra="ASSO_RECLAIM=0")
    assert out[0].endswith(AWS_PLUGIN)


@pytest.mark.parametrize(
    "name",
    [
        "50%d-prod",  # %d is the directory if not escaped
        "$(touch PWNED)",  # a command substitution, as text
        "`touch PWNED`",
    ],
)
def test_aws_prompt_info_shows_odd_names_as_they_are(
    run_omz: Callable[..., list[str]], home: AwsHome, name: str
) -> None:
    """asso's aws_prompt_info in a theme's RPROMPT='$(aws_prompt_info)', expanded as zsh expands
    a prompt (prompt_subst, then % sequences)."""
    body = "\n".join(
        [
            f"export AWS_PROFILE={shlex.quote(name)} AWS_REGION=eu-west-1",
            "RPROMPT='$(aws_prompt_info)'",
            precmd("zsh"),
            'print -rP -- "$RPROMPT"',
        ]
    )
    out = run_omz("git asso", body)
    assert out[-1] == f"<aws:{name}> <region:eu-west-1>"
    assert not list(home.root.rglob("PWNED")) and not (Path.cwd() / "PWNED").exists()


@pytest.fixture
def omz_term(home: AwsHome, omz: Path, tmp_path: Path) -> Iterator[TmuxShell]:
    rc = omz_script(omz, tmp_path, "git asso aws", "")
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
