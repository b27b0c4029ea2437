"""Drive a real interactive shell in tmux: type keys, read the screen (tests and
scripts/render_screenshots.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Optional

import pytest

requires_tmux = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")


class TmuxShell:
    def __init__(
        self,
        command: list[str],
        env: dict[str, str],
        workdir: Path,
        size: tuple[int, int] = (160, 40),
    ) -> None:
        self.name = "asso-" + uuid.uuid4().hex[:8]
        # A private server socket: nothing shared with a user's tmux or other tests.
        self.socket = str(workdir / "tmux.sock")
        self.env = env
        cmd = " ".join(_quote(c) for c in command)
        width, height = size
        self._tmux("new-session", "-d", "-s", self.name, "-x", str(width), "-y", str(height), cmd)

    def _tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-S", self.socket, "-f", os.devnull, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
        )
        return result.stdout

    def tmux_command(self, *args: str) -> str:
        """Any tmux command on this shell's private server; its stdout."""
        return self._tmux(*args)

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", self.name, *keys)

    def type(self, text: str, enter: bool = True) -> None:
        self._tmux("send-keys", "-t", self.name, "-l", text)
        if enter:
            self.send("Enter")

    def screen(self, colours: bool = False) -> str:
        """The visible screen; with ``colours``, with its SGR escapes (``capture-pane -e``)."""
        return self._tmux("capture-pane", "-p", *(["-e"] if colours else []), "-t", self.name)

    def wait_for(self, predicate: Callable[[str], bool], timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if predicate(screen):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting; screen was:\n{screen}")

    def wait_text(self, text: str, timeout: float = 20) -> str:
        return self.wait_for(lambda s: text in s, timeout)

    def close(self) -> None:
        self._tmux("kill-server")


def _quote(word: str) -> str:
    import shlex

    return shlex.quote(word)


def zsh_completion_rc(plugin: Path, prompt: str) -> str:
    """A .zshrc for completion tests: compinit, the plugin, groups headed ``== NAME ==``, then
    ``prompt`` (the lines that set PROMPT)."""
    return f"""autoload -Uz compinit && compinit -u -D
source {str(plugin)!r}
zstyle ':completion:*' group-name ''
zstyle ':completion:*:descriptions' format '== %d =='
{prompt}
"""


def interactive_shell(
    shell: str, env: dict[str, str], workdir: Path, rc: str, prompt_ready: Optional[str] = None
) -> TmuxShell:
    """Start ``shell`` interactively with ``rc`` as its only start-up file."""
    rc_dir = workdir / "rc"
    rc_dir.mkdir(exist_ok=True)
    if shell == "zsh":
        (rc_dir / ".zshrc").write_text(rc)
        env = {**env, "ZDOTDIR": str(rc_dir)}
        command = ["zsh", "-i"]
    else:
        (rc_dir / "bashrc").write_text(rc)
        command = ["bash", "--noprofile", "--rcfile", str(rc_dir / "bashrc"), "-i"]
    term = TmuxShell(command, {**env, "TERM": "xterm-256color"}, workdir)
    if prompt_ready:
        term.wait_text(prompt_ready)
    return term
