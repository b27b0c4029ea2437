"""Opening a URL in the user's browser, and whether a loopback callback can work here."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Optional


def is_wsl(
    env: Mapping[str, str] = os.environ, osrelease: str = "/proc/sys/kernel/osrelease"
) -> bool:
    if env.get("WSL_DISTRO_NAME") or env.get("WSL_INTEROP"):
        return True
    try:
        with open(osrelease, encoding="ascii", errors="replace") as handle:
            return "microsoft" in handle.read().lower()
    except OSError:
        return False


def _has_display(env: Mapping[str, str]) -> bool:
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def _in_ssh(env: Mapping[str, str]) -> bool:
    return any(env.get(name) for name in ("SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"))


def loopback_browser_possible(
    env: Mapping[str, str] = os.environ, platform: str = sys.platform, wsl: Optional[bool] = None
) -> bool:
    """Whether a browser on this machine can reach a 127.0.0.1 listener here (PKCE works).

    No on WSL (the browser runs on Windows), in an SSH session without a display, and on Linux
    without DISPLAY/WAYLAND_DISPLAY, unless $BROWSER names a browser for this machine.
    """
    if is_wsl(env) if wsl is None else wsl:
        return False
    if _in_ssh(env) and not _has_display(env):
        return False
    if env.get("BROWSER", "").strip():
        return True
    if platform == "darwin" or platform.startswith("win"):
        return True
    return _has_display(env)


def browser_commands(
    url: str, env: Mapping[str, str] = os.environ, platform: str = sys.platform
) -> list[list[str]]:
    """The commands that may open ``url``, best first: $BROWSER, then the platform's opener."""
    import shlex
    import shutil

    search = env.get("PATH", os.defpath)
    commands: list[list[str]] = []
    for entry in env.get("BROWSER", "").split(os.pathsep):
        try:
            argv = shlex.split(entry)
        except ValueError:
            continue
        if not argv or not shutil.which(argv[0], path=search):
            continue
        if any("%s" in arg for arg in argv[1:]):
            argv = [argv[0]] + [arg.replace("%s", url) for arg in argv[1:]]
        else:
            argv.append(url)
        commands.append(argv)
    candidates: list[list[str]] = []
    if is_wsl(env):
        candidates = [["wslview", url]]
    elif platform == "darwin":
        if not (_in_ssh(env) and not _has_display(env)):
            candidates = [["open", url]]
    elif _has_display(env):
        candidates = [
            ["xdg-open", url],
            ["gio", "open", url],
            ["sensible-browser", url],
            ["x-www-browser", url],
        ]
    commands += [argv for argv in candidates if shutil.which(argv[0], path=search)]
    return commands


def open_browser(url: str, env: Mapping[str, str] = os.environ) -> bool:
    """Start a browser on ``url`` and return at once; False when none could be started.

    The one place a login opens a browser. It never waits for the browser (``webbrowser``'s
    generic $BROWSER handler does, and a console browser would take the terminal): the process
    starts in its own session, detached from the terminal, its output discarded.
    """
    from asso.proc import spawn_detached

    if url.startswith("-"):
        return False  # a browser would read it as an option (URLs are checked before, too)
    for argv in browser_commands(url, env):
        try:
            spawn_detached(argv, env)
        except OSError:
            continue
        return True
    return False
