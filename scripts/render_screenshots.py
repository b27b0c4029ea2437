#!/usr/bin/env python3
"""Render README pictures: each prompt set-up in a real shell under tmux, captured with its
colours (`tmux capture-pane -e`) and converted to SVG by a small ANSI SGR renderer.

    .venv/bin/python scripts/render_screenshots.py [--out docs/img] [--only NAME ...]

Every scene runs against a throw-away HOME (an AWS config and a valid SSO token written here),
so nothing of the machine's own AWS set-up shows. oh-my-zsh and powerlevel10k are the real ones,
found as the tests find them: ``ASSO_TEST_OMZ``/``ASSO_TEST_P10K``, else ``../shared/vendor``
beside the checkout (copied into the throw-away directory before use). starship, not installed
here, is labelled: a bash prompt prints what the documented env_var recipe would.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
import unicodedata
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
HELPER = Path(sys.executable).parent / "asso"
sys.path.insert(0, str(REPO))

from tests.support.tmux import TmuxShell  # noqa: E402  (the tests' tmux driver)

VENDOR = REPO.parent / "shared" / "vendor"


def vendored(variable: str, default: str) -> Path:
    """A real third-party tree: where ``variable`` points, else the vendor folder's copy."""
    path = Path(os.environ.get(variable) or VENDOR / default)
    if not path.is_dir():
        sys.exit(f"render_screenshots: set {variable} to a copy of {default} (not at {path})")
    return path


START_URL = "https://d-1234567890.awsapps.com/start"

CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = eu-west-1

[sso-session legacy]
sso_start_url = https://d-9999999999.awsapps.com/start
sso_region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
sso_account_name = Sandbox

[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
sso_account_name = Shop
region = eu-west-1

[profile prod-readonly]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly
sso_account_name = Shop

[profile data-dev]
sso_session = legacy
sso_account_id = 777788889999
sso_role_name = DataScientist
sso_account_name = Analytics

[profile ci]
aws_access_key_id = AKIAEXAMPLEEXAMPLE00
aws_secret_access_key = not-a-real-secret
"""
TIME_LEFT = 7 * 3600 + 12 * 60 + 40  # shows as 7h12m


# -- the throw-away home and the shells --------------------------------------------------------


def make_home(root: Path) -> dict[str, str]:
    home = root / "home"
    (home / ".aws" / "sso" / "cache").mkdir(parents=True)
    (home / ".aws" / "config").write_text(CONFIG)
    (home / "src" / "shop").mkdir(parents=True)
    now = time.time()

    def token(name: str, expires_in: float) -> None:
        data = {
            "startUrl": START_URL,
            "region": "eu-west-1",
            "accessToken": "not-a-real-token",
            "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + expires_in)),
        }
        key = hashlib.sha1(name.encode()).hexdigest()
        path = home / ".aws" / "sso" / "cache" / f"{key}.json"
        path.write_text(json.dumps(data, separators=(",", ":")))
        path.chmod(0o600)

    token("corp", TIME_LEFT)
    token("legacy", -600)  # expired: the prompt says so
    return {
        "HOME": str(home),
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "xterm-256color",
        "ASSO_HELPER": str(HELPER),
        "ASSO_STATE_DIR": str(root / "state"),
        "ASSO_CACHE_DIR": str(root / "cache"),
        "ASSO_CONFIG_DIR": str(root / "asso-config"),
        "ASSO_DATA_DIR": str(root / "data"),
    }


OPEN_PANES: list[Pane] = []  # closed by main() whatever happens in a scene


class Pane(TmuxShell):
    """One shell in a private tmux server (tests/support/tmux.py), typing at a human pace."""

    def __init__(self, root: Path, command: list[str], env: dict[str, str], size: tuple[int, int]):
        super().__init__(command, env, root, size)
        OPEN_PANES.append(self)

    def wait(self, predicate: Callable[[str], bool], timeout: float = 20) -> str:
        return self.wait_for(predicate, timeout)

    def type(self, text: str, enter: bool = True, settle: str = "") -> None:
        """Type ``text``; then wait until ``settle`` shows once more than it did before."""
        seen = self.screen().count(settle) if settle else 0
        super().type(text, enter)
        if settle:
            self.wait(lambda s: s.count(settle) > seen)
        time.sleep(0.4)  # let the prompt redraw

    def keys(self, *keys: str) -> None:
        self.send(*keys)
        time.sleep(0.8)


def zsh_pane(root: Path, env: dict[str, str], rc: str, size: tuple[int, int]) -> Pane:
    zdotdir = root / "zdotdir"
    zdotdir.mkdir(exist_ok=True)
    (zdotdir / ".zshrc").write_text(f"cd ~/src/shop\n{rc}")
    return Pane(root, ["zsh", "-i"], {**env, "ZDOTDIR": str(zdotdir)}, size)


def bash_pane(root: Path, env: dict[str, str], rc: str, size: tuple[int, int]) -> Pane:
    (root / "bashrc").write_text(f"cd ~/src/shop\n{rc}")
    command = ["bash", "--noprofile", "--rcfile", str(root / "bashrc"), "-i"]
    return Pane(root, command, env, size)


# -- scenes ------------------------------------------------------------------------------------

PLUGIN_ZSH = REPO / "plugin" / "asso.plugin.zsh"
PLUGIN_BASH = REPO / "plugin" / "asso.bash"


def scene_zsh(root: Path, env: dict[str, str]) -> Pane:
    rc = f"""source {str(PLUGIN_ZSH)!r}
setopt prompt_subst
PROMPT='%F{{blue}}%1~%f %% '
RPROMPT='${{ASSO_PROMPT}}'
"""
    pane = zsh_pane(root, env, rc, (76, 7))
    pane.wait(lambda s: "shop %" in s)
    pane.type("asp dev", settle="Sandbox/Developer")
    pane.type("asp prod-admin", settle="Shop/AdministratorAccess")
    pane.type("asr eu-central-1", settle="eu-central-1 7h")
    return pane


def scene_omz(root: Path, env: dict[str, str]) -> Pane:
    zsh_dir = root / "ohmyzsh"
    shutil.copytree(vendored("ASSO_TEST_OMZ", "ohmyzsh"), zsh_dir, symlinks=True)
    custom = root / "omz-custom"
    (custom / "plugins").mkdir(parents=True)
    (custom / "plugins" / "asso").symlink_to(REPO / "plugin")
    rc = f"""export ZSH={str(zsh_dir)!r}
ZSH_CUSTOM={str(custom)!r}
ZSH_CACHE_DIR={str(root / "omz-cache")!r}
ZSH_COMPDUMP={str(root / "zcompdump")!r}
DISABLE_AUTO_UPDATE=true
ZSH_DISABLE_COMPFIX=true
zstyle ':omz:update' mode disabled
ZSH_THEME=robbyrussell
plugins=(git asso)
source $ZSH/oh-my-zsh.sh
RPROMPT='${{ASSO_PROMPT}}'
"""
    pane = zsh_pane(root, env, rc, (76, 7))
    pane.wait(lambda s: "shop" in s)
    pane.type("asp prod-readonly", settle="Shop/ReadOnly")
    pane.type("agp", settle="\nprod-readonly")
    pane.type("export AWS_PROFILE=data-dev", settle="Analytics/DataScientist expired")
    return pane


def scene_p10k(root: Path, env: dict[str, str]) -> Pane:
    p10k = root / "powerlevel10k"
    shutil.copytree(vendored("ASSO_TEST_P10K", "powerlevel10k"), p10k, symlinks=True)
    # A lean style (as p10k's wizard writes it), plain ASCII so any font draws it.
    rc = f"""POWERLEVEL9K_DISABLE_GITSTATUS=true
POWERLEVEL9K_DISABLE_CONFIGURATION_WIZARD=true
POWERLEVEL9K_INSTANT_PROMPT=off
POWERLEVEL9K_MODE=ascii
POWERLEVEL9K_LEFT_PROMPT_ELEMENTS=(dir asso prompt_char)
POWERLEVEL9K_RIGHT_PROMPT_ELEMENTS=()
POWERLEVEL9K_BACKGROUND=
POWERLEVEL9K_LEFT_LEFT_WHITESPACE=
POWERLEVEL9K_LEFT_RIGHT_WHITESPACE=
POWERLEVEL9K_LEFT_SUBSEGMENT_SEPARATOR=' '
POWERLEVEL9K_LEFT_SEGMENT_SEPARATOR=' '
POWERLEVEL9K_LEFT_PROMPT_LAST_SEGMENT_END_SYMBOL=
POWERLEVEL9K_PROMPT_ADD_NEWLINE=false
POWERLEVEL9K_DIR_FOREGROUND=39
POWERLEVEL9K_PROMPT_CHAR_OK_VIINS_FOREGROUND=76
POWERLEVEL9K_PROMPT_CHAR_OK_VIINS_CONTENT_EXPANSION='\u276f'
POWERLEVEL9K_PROMPT_CHAR_ERROR_VIINS_CONTENT_EXPANSION='\u276f'
POWERLEVEL9K_ASSO_VISUAL_IDENTIFIER_EXPANSION='\u2601'
POWERLEVEL9K_ASSO_PROD_FOREGROUND=196
source {str(p10k / "powerlevel10k.zsh-theme")!r}
source {str(PLUGIN_ZSH)!r}
"""
    pane = zsh_pane(root, env, rc, (76, 7))
    pane.wait(lambda s: "shop" in s)
    pane.type("asp dev", settle="Sandbox/Developer")
    pane.type("asp prod-admin", settle="Shop/AdministratorAccess")
    pane.type("export AWS_PROFILE=data-dev", settle="DataScientist expired")
    return pane


def scene_starship(root: Path, env: dict[str, str]) -> Pane:
    # What starship prints for the recipe in docs/integrations.md: ASSO_PROMPT_NONPROD in cyan,
    # ASSO_PROMPT_PROD in bold red, then its character module. Drawn by bash from the same
    # exported variables, because starship is not installed here.
    rc = f"""ASSO_EXPORT_PROMPT=1
source {str(PLUGIN_BASH)!r}
PS1='\\[\\e[1;36m\\]\\W\\[\\e[0m\\] '
PS1+='${{ASSO_PROMPT_NONPROD:+\\[\\e[36m\\]☁ $ASSO_PROMPT_NONPROD\\[\\e[0m\\] }}'
PS1+='${{ASSO_PROMPT_PROD:+\\[\\e[1;31m\\]☁ $ASSO_PROMPT_PROD\\[\\e[0m\\] }}'
PS1+='\\[\\e[1;32m\\]\u276f\\[\\e[0m\\] '
"""
    pane = bash_pane(root, env, rc, (76, 6))
    pane.wait(lambda s: "\u276f" in s)
    pane.type("asp dev", settle="Sandbox/Developer")
    pane.type("asp prod-admin", settle="Shop/AdministratorAccess")
    return pane


def scene_bash(root: Path, env: dict[str, str]) -> Pane:
    rc = f"""source {str(PLUGIN_BASH)!r}
PS1='${{ASSO_PROMPT:+[$ASSO_PROMPT] }}\\[\\e[34m\\]\\W\\[\\e[0m\\] $ '
"""
    pane = bash_pane(root, env, rc, (76, 7))
    pane.wait(lambda s: "shop $" in s)
    pane.type("asp dev", settle="[Sandbox/Developer")
    pane.type("asp prod-admin", settle="[Shop/AdministratorAccess")
    pane.type("asp -", settle="[Sandbox/Developer 7h12m] shop $")
    return pane


def scene_completion(root: Path, env: dict[str, str]) -> Pane:
    rc = f"""autoload -Uz compinit && compinit -u -D
source {str(PLUGIN_ZSH)!r}
zstyle ':completion:*' group-name ''
zstyle ':completion:*:descriptions' format '%F{{yellow}}%d%f'
setopt prompt_subst
PROMPT='%F{{blue}}%1~%f %% '
RPROMPT='${{ASSO_PROMPT}}'
"""
    pane = zsh_pane(root, env, rc, (92, 12))
    pane.wait(lambda s: "shop %" in s)
    pane.type("asp ", enter=False)
    pane.keys("Tab")
    pane.wait(lambda s: "other profiles" in s)
    return pane


SCENES: dict[str, tuple[str, Callable[[Path, dict[str, str]], Pane]]] = {
    "zsh-rprompt": ("zsh: RPROMPT='${ASSO_PROMPT}'", scene_zsh),
    "oh-my-zsh": ("oh-my-zsh, robbyrussell theme, plugins=(git asso)", scene_omz),
    "powerlevel10k": (
        "powerlevel10k: POWERLEVEL9K_LEFT_PROMPT_ELEMENTS=(dir asso prompt_char)",
        scene_p10k,
    ),
    "starship": (
        "starship env_var recipe (simulated: starship is not installed here)",
        scene_starship,
    ),
    "bash": ("bash: PS1='${ASSO_PROMPT:+[$ASSO_PROMPT] }\\W $ '", scene_bash),
    "completion": ("zsh completion: profiles by SSO session, with what each is", scene_completion),
}


# -- ANSI SGR to SVG ---------------------------------------------------------------------------

# A dark terminal palette (the 16 ANSI colours).
PALETTE = [
    "#1e1e2e",
    "#f2556b",
    "#7fd88f",
    "#f5c26b",
    "#6aa6f8",
    "#c792ea",
    "#56c8d8",
    "#cdd3de",
    "#6c7086",
    "#ff7a8a",
    "#a6e3a1",
    "#f9e2af",
    "#89b4fa",
    "#f5c2e7",
    "#94e2d5",
    "#ffffff",
]
FOREGROUND = "#cdd3de"
BACKGROUND = "#1e1e2e"


def colour_256(n: int) -> str:
    if n < 16:
        return PALETTE[n]
    if n < 232:
        n -= 16
        levels = [0, 95, 135, 175, 215, 255]
        r, g, b = levels[n // 36], levels[n // 6 % 6], levels[n % 6]
        return f"#{r:02x}{g:02x}{b:02x}"
    grey = 8 + (n - 232) * 10
    return f"#{grey:02x}{grey:02x}{grey:02x}"


class Style:
    __slots__ = ("bg", "bold", "dim", "fg", "italic", "reverse", "underline")

    def __init__(self) -> None:
        self.fg: Optional[str] = None
        self.bg: Optional[str] = None
        self.bold = self.dim = self.italic = self.underline = self.reverse = False

    def copy(self) -> Style:
        other = Style()
        for name in self.__slots__:
            setattr(other, name, getattr(self, name))
        return other

    def key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)


def apply_sgr(style: Style, params: list[int]) -> None:
    i = 0
    if not params:
        params = [0]
    while i < len(params):
        p = params[i]
        if p == 0:
            style.__init__()  # type: ignore[misc]
        elif p == 1:
            style.bold = True
        elif p == 2:
            style.dim = True
        elif p == 3:
            style.italic = True
        elif p == 4:
            style.underline = True
        elif p == 7:
            style.reverse = True
        elif p == 22:
            style.bold = style.dim = False
        elif p == 23:
            style.italic = False
        elif p == 24:
            style.underline = False
        elif p == 27:
            style.reverse = False
        elif 30 <= p <= 37:
            style.fg = PALETTE[p - 30]
        elif p == 39:
            style.fg = None
        elif 40 <= p <= 47:
            style.bg = PALETTE[p - 40]
        elif p == 49:
            style.bg = None
        elif 90 <= p <= 97:
            style.fg = PALETTE[p - 90 + 8]
        elif 100 <= p <= 107:
            style.bg = PALETTE[p - 100 + 8]
        elif p in (38, 48) and i + 1 < len(params):
            value: Optional[str] = None
            if params[i + 1] == 5 and i + 2 < len(params):
                value, i = colour_256(params[i + 2]), i + 2
            elif params[i + 1] == 2 and i + 4 < len(params):
                r, g, b = params[i + 2 : i + 5]
                value, i = f"#{r:02x}{g:02x}{b:02x}", i + 4
            if p == 38:
                style.fg = value
            else:
                style.bg = value
        i += 1


Run = tuple[int, str, Style]  # column, text, style


def parse_ansi(text: str) -> list[list[Run]]:
    """Lines of styled runs; escape sequences other than SGR are dropped."""
    lines: list[list[Run]] = []
    style = Style()
    for raw in text.split("\n"):
        runs: list[Run] = []
        column = 0
        buffer = ""
        start = 0
        i = 0
        while i < len(raw):
            char = raw[i]
            if char == "\x1b" and i + 1 < len(raw) and raw[i + 1] == "[":
                end = i + 2
                while end < len(raw) and not ("@" <= raw[end] <= "~"):
                    end += 1
                if buffer:
                    runs.append((start, buffer, style.copy()))
                    buffer = ""
                if end < len(raw) and raw[end] == "m":
                    body = raw[i + 2 : end]
                    params = [
                        int(x) if x.isdigit() else 0 for x in body.replace(":", ";").split(";")
                    ]
                    apply_sgr(style, params if body else [])
                i = end + 1
                start = column
                continue
            if not buffer:
                start = column
            buffer += char
            column += cell_width(char)
            i += 1
        if buffer:
            runs.append((start, buffer, style.copy()))
        lines.append(runs)
    while lines and not "".join(text for _, text, _ in lines[-1]).strip():
        lines.pop()
    return lines


def cell_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def xml(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def to_svg(lines: list[list[Run]], title: str, columns: int) -> str:
    cw, lh, pad, bar = 8.4, 19, 14, 30
    width = round(columns * cw + 2 * pad)
    height = round(len(lines) * lh + 2 * pad + bar)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" xml:space="preserve" width="{width}" '
        f'height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{xml(title)}">',
        f"<title>{xml(title)}</title>",
        "<style>text{font-family:'DejaVu Sans Mono','SFMono-Regular',Menlo,Consolas,monospace;"
        "font-size:14px;white-space:pre}</style>",
        f'<rect width="{width}" height="{height}" rx="8" fill="{BACKGROUND}"/>',
        f'<rect width="{width}" height="{bar}" rx="8" fill="#313244"/>',
        f'<rect y="{bar - 8}" width="{width}" height="8" fill="#313244"/>',
    ]
    for i, colour in enumerate(("#f38ba8", "#f9e2af", "#a6e3a1")):
        out.append(f'<circle cx="{16 + i * 18}" cy="{bar / 2}" r="6" fill="{colour}"/>')
    out.append(
        f'<text x="{width / 2}" y="{bar / 2 + 5}" text-anchor="middle" fill="#a6adc8" '
        f'style="font-size:12px">{xml(title)}</text>'
    )
    for row, runs in enumerate(lines):
        y = bar + pad + row * lh
        for column, text, style in runs:
            fg, bg = style.fg or FOREGROUND, style.bg
            if style.reverse:
                fg, bg = bg or BACKGROUND, fg
            x = pad + column * cw
            cells = sum(cell_width(c) for c in text)
            if bg:
                out.append(
                    f'<rect x="{x:.1f}" y="{y + 2}" width="{cells * cw:.1f}" height="{lh}" '
                    f'fill="{bg}"/>'
                )
            if not text.strip():
                continue
            attrs = [f'x="{x:.1f}"', f'y="{y + 16}"', f'fill="{fg}"']
            if style.bold:
                attrs.append('font-weight="bold"')
            if style.italic:
                attrs.append('font-style="italic"')
            if style.dim:
                attrs.append('opacity="0.6"')
            if style.underline:
                attrs.append('text-decoration="underline"')
            # One cell per character, whatever the viewer's font: textLength pins the width.
            attrs.append(f'textLength="{cells * cw:.1f}" lengthAdjust="spacingAndGlyphs"')
            out.append(f"<text {' '.join(attrs)}>{xml(text)}</text>")
    out.append("</svg>")
    return "\n".join(out) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(REPO / "docs" / "img"))
    parser.add_argument("--only", nargs="*", choices=sorted(SCENES))
    parser.add_argument("--keep-ansi", action="store_true", help="also write the .ans captures")
    args = parser.parse_args()
    if not HELPER.exists():
        sys.exit(f"no helper at {HELPER}: run this with the venv's python (./install.sh --dev)")
    for tool in ("tmux", "zsh", "bash"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is needed")
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in args.only or SCENES:
        title, scene = SCENES[name]
        root = Path(tempfile.mkdtemp(prefix="asso-shot-"))
        try:
            env = make_home(root)
            pane = scene(root, env)
            time.sleep(0.5)
            captured = pane.screen(colours=True)
            width = pane.tmux_command("display-message", "-p", "-t", pane.name, "#{pane_width}")
            columns = int(width)
        finally:
            while OPEN_PANES:
                OPEN_PANES.pop().close()
            time.sleep(0.2)  # the shell may still write its history as it goes
            shutil.rmtree(root, ignore_errors=True)
        lines = parse_ansi(captured)
        (out_dir / f"{name}.svg").write_text(to_svg(lines, title, columns))
        if args.keep_ansi:
            (out_dir / f"{name}.ans").write_text(captured)
        print(f"{out_dir / (name + '.svg')}: {len(lines)} lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
