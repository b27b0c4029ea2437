"""The powerlevel10k segment, drawn by the real powerlevel10k (``ASSO_TEST_P10K``).

p10k builds PROMPT in its own precmd hook; the tests expand it as the terminal gets it
(``print -P``: p10k's colours become SGR sequences) and read the text of asso's segment and the
foreground colour p10k painted it with. Instant prompt runs in a real terminal (tmux).
"""

from __future__ import annotations

import re
import shutil
import stat
from pathlib import Path

import pytest

from ..conftest import HELPER, PLUGIN_ZSH, AwsHome
from ..support.forks import MARK, forks_after_mark, requires_strace
from ..support.poll import wait_for
from ..support.tmux import interactive_shell, requires_tmux
from ..support.vendor import copy_tree, require
from .conftest import CONFIG, precmd, run

pytestmark = pytest.mark.skipif(not shutil.which("zsh"), reason="zsh is not installed")

EXTRA_PROFILES = """
[profile 100%-prod]
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret

[profile odd-names]
sso_session = corp
sso_account_id = 121212121212
sso_role_name = Dev
sso_account_name = $(touch PWNED)`touch PWNED2`
"""


@pytest.fixture(scope="module")
def p10k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A private copy of powerlevel10k (it may write beside itself)."""
    return copy_tree(require("ASSO_TEST_P10K"), tmp_path_factory.mktemp("p10k") / "p10k")


@pytest.fixture
def p10k_home(home: AwsHome) -> AwsHome:
    home.write_config(CONFIG + EXTRA_PROFILES)
    return home


SETTINGS = """POWERLEVEL9K_DISABLE_GITSTATUS=true
POWERLEVEL9K_DISABLE_CONFIGURATION_WIZARD=true
POWERLEVEL9K_MODE=ascii
POWERLEVEL9K_LEFT_PROMPT_ELEMENTS=(dir asso)
POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS=()
POWERLEVEL9K_ASSO_CLASSES=('*stag*' STAGING '*' DEFAULT)
POWERLEVEL9K_ASSO_PROD_FOREGROUND=160
POWERLEVEL9K_ASSO_STAGING_FOREGROUND=33
"""


def prelude(p10k: Path) -> str:
    # p10k loads first (its precmd hook runs before asso's), as with a usual .zshrc.
    return f"{SETTINGS}POWERLEVEL9K_INSTANT_PROMPT=off\n" + (
        f"source {str(p10k / 'powerlevel10k.zsh-theme')!r}\ncd ~"
    )


SHOW = 'setopt prompt_subst; print -rP -- "$PROMPT"; print -r -- "--end--"'
SGR = re.compile(r"\x1b\[([0-9;]*)m")


def painted_runs(painted: str) -> list[tuple[str, str]]:
    """(foreground, text) for each run of visible text: the colour last set before it (256-colour
    number, "" for the terminal's default)."""
    fg, out = "", []
    for piece in re.split(r"(\x1b\[[0-9;]*m)", painted):
        match = SGR.fullmatch(piece)
        if match:
            codes = match.group(1).split(";")
            if codes in (["0"], ["39"], [""]):
                fg = ""
            elif codes[:2] == ["38", "5"]:
                fg = codes[2]
            elif len(codes) == 1 and 30 <= int(codes[0]) <= 37:
                fg = str(int(codes[0]) - 30)
        elif piece.strip():
            out.append((fg, piece.strip()))
    return out


def asso_runs(painted: str) -> list[tuple[str, str]]:
    """The runs of asso's segment: all but the directory (`~`) and p10k's separators."""
    return [r for r in painted_runs(painted) if r[1] != "~" and not set(r[1]) <= set("<>|\ue0b0")]


def draw(home: AwsHome, p10k: Path, script: str, **env: str) -> list[str]:
    full_env = {**home.env, "TERM": "xterm-256color", "COLUMNS": "200", **env}
    result = run("zsh", script, full_env, prelude=prelude(p10k))
    assert result.stderr == ""
    return result.stdout.split("--end--\n")[:-1]


def draw_profile(home: AwsHome, p10k: Path, profile: str | None) -> list[tuple[str, str]]:
    set_profile = f"export AWS_PROFILE={profile}" if profile else "unset AWS_PROFILE"
    (painted,) = draw(home, p10k, f"{set_profile}\n{precmd('zsh')}\n{SHOW}")
    return asso_runs(painted)


@pytest.mark.parametrize(
    ("profile", "colour", "text"),
    [
        ("prod-admin", "160", "111122223333/AdministratorAccess 3h05m"),  # PROD, user's colour
        ("billing", "160", "Production Billing/Billing 3h05m"),  # production by account name
        ("dev", "208", "Sandbox/Developer 3h05m"),  # DEFAULT: asso's orange
        ("staging", "33", "777788889999/ReadOnly 3h05m"),  # a POWERLEVEL9K_ASSO_CLASSES class
        ("expired-dev", "244", "555566667777/Dev expired"),  # EXPIRED: grey
        ("keys", "208", "keys"),
        ("nope", "196", "nope (unknown profile)"),  # ERROR: red
        ("100%-prod", "160", "100%-prod"),  # a `%` in the name is shown, not expanded
    ],
)
def test_segment_colour_and_text(
    p10k_home: AwsHome, p10k: Path, profile: str, colour: str, text: str
) -> None:
    assert draw_profile(p10k_home, p10k, profile) == [(colour, "aws " + text)]


def test_default_colours_without_user_styles(p10k_home: AwsHome, p10k: Path) -> None:
    """Without POWERLEVEL9K_ASSO_PROD_FOREGROUND, production is asso's red."""
    script = (
        "unset POWERLEVEL9K_ASSO_PROD_FOREGROUND\nexport AWS_PROFILE=prod-admin\n"
        f"{precmd('zsh')}\n{SHOW}"
    )
    (painted,) = draw(p10k_home, p10k, script)
    assert asso_runs(painted) == [("196", "aws 111122223333/AdministratorAccess 3h05m")]


def test_command_substitution_in_a_name_stays_text(p10k_home: AwsHome, p10k: Path) -> None:
    runs = draw_profile(p10k_home, p10k, "odd-names")
    assert runs == [("208", "aws $(touch PWNED)`touch PWNED2`/Dev 3h05m")]
    assert not (p10k_home.home / "PWNED").exists() and not (p10k_home.home / "PWNED2").exists()


def test_no_profile_no_segment(p10k_home: AwsHome, p10k: Path) -> None:
    assert draw_profile(p10k_home, p10k, None) == []  # no default profile here: nothing shown


def test_segment_follows_a_hand_export_before_asso_hook_runs(
    p10k_home: AwsHome, p10k: Path
) -> None:
    """p10k's precmd hook runs first; prompt_asso brings the state up to date by itself."""
    script = "\n".join(
        [
            "export AWS_PROFILE=dev",
            precmd("zsh"),
            SHOW,
            "export AWS_PROFILE=prod-admin",
            # p10k's hooks alone, before asso's.
            'for _f in "${precmd_functions[@]}"; do [[ $_f == _asso* ]] || "$_f"; done',
            SHOW,
        ]
    )
    before, after = draw(p10k_home, p10k, script)
    assert asso_runs(before) == [("208", "aws Sandbox/Developer 3h05m")]
    assert asso_runs(after) == [("160", "aws 111122223333/AdministratorAccess 3h05m")]


def test_segment_never_calls_the_helper_in_steady_state(p10k_home: AwsHome, p10k: Path) -> None:
    log = p10k_home.root / "calls.log"
    wrapper = p10k_home.root / "counting-asso"
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{HELPER}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    script = f"repeat 30 {{ {precmd('zsh')} }}\n{SHOW}"
    (painted,) = draw(p10k_home, p10k, script, ASSO_HELPER=str(wrapper), AWS_PROFILE="prod-admin")
    assert asso_runs(painted) == [("160", "aws 111122223333/AdministratorAccess 3h05m")]
    assert log.read_text().count("x") == 1


@requires_strace
def test_segment_forks_nothing(p10k_home: AwsHome, p10k: Path) -> None:
    env = {**p10k_home.env, "AWS_PROFILE": "prod-admin", "TERM": "xterm-256color"}
    script = (
        f"{prelude(p10k)}\nsource {str(PLUGIN_ZSH)!r}\n{precmd('zsh')}\n"
        f"{MARK}\n"
        f"repeat 50 {{ {precmd('zsh')} }}"
    )
    assert forks_after_mark("zsh", script, env, p10k_home.root) == []


@requires_tmux
def test_instant_prompt_shows_the_profile_before_the_plugin_loads(
    p10k_home: AwsHome, p10k: Path, tmp_path: Path
) -> None:
    """A real terminal: the first shell lets p10k record its instant prompt; the second shows it
    while its .zshrc is held before loading p10k and asso, with the profile (a `%` in it) from
    the environment, in asso's default colour."""
    hold, go = tmp_path / "hold", tmp_path / "go"
    cache = Path(p10k_home.env["XDG_CACHE_HOME"])
    # The instant prompt is shown only in the directory it was recorded in: start both in HOME.
    rc = f"""cd ~
if [[ -r {str(cache)!r}/p10k-instant-prompt-${{(%):-%n}}.zsh ]]; then
  source {str(cache)!r}/p10k-instant-prompt-${{(%):-%n}}.zsh
fi
if [[ -e {str(hold)!r} ]]; then
  while [[ ! -e {str(go)!r} ]]; do sleep 0.1; done
fi
{SETTINGS}POWERLEVEL9K_INSTANT_PROMPT=quiet
source {str(p10k / "powerlevel10k.zsh-theme")!r}
source {str(PLUGIN_ZSH)!r}
"""
    env = {**p10k_home.env, "AWS_PROFILE": "100%-prod", "COLUMNS": "160"}
    (tmp_path / "one").mkdir()
    (tmp_path / "two").mkdir()
    first = interactive_shell("zsh", env, tmp_path / "one", rc, prompt_ready="aws 100%-prod")
    try:
        wait_for(lambda: list(cache.glob("p10k-instant-prompt-*.zsh")), "p10k's instant prompt")
    finally:
        first.close()
    hold.touch()
    second = interactive_shell("zsh", env, tmp_path / "two", rc)
    try:
        held = second.wait_text("aws 100%-prod", timeout=60)
        assert not go.exists()  # drawn while .zshrc waits: by the instant prompt alone
        assert held.count("aws 100%-prod") == 1
        colours = second._tmux("capture-pane", "-p", "-e", "-t", second.name)
        assert ("208", "aws 100%-prod") in painted_runs(colours)
        go.touch()
        second.type("print -r -- loaded=$+functions[_asso_precmd]")
        second.wait_text("loaded=1", timeout=60)
    finally:
        second.close()
