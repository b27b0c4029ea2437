"""A sandboxed environment for every test: nothing of the host leaks in.

``ORIGINAL_ENV`` is the environment pytest started with, kept only to find the vendor components
and the user's cache directory (for the AWS CLI v2 virtualenv, built once). Everything a test
runs sees ``sandbox_env()``: a PATH built from a fixed list, HOME and the XDG directories in a
temporary directory, no ``AWS_*`` or ``ASSO_*`` variable of the host, and proxies that point at a
closed port on 127.0.0.1 so nothing can reach an address outside it.
"""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sys
import tempfile
from pathlib import Path
from typing import Any

ORIGINAL_ENV: dict[str, str] = dict(os.environ)

# The interpreter running the tests, and what pip installed beside it (asso, ruff, mypy).
VENV_BIN = Path(sys.executable).parent

# System directories the sandboxed PATH draws from, and names it leaves out: an AWS CLI, a
# browser opener or anything else the host happens to have installed there must not change what
# a test sees (Debian's `awscli` package puts `aws` in /usr/bin).
SYSTEM_DIRS = ("/usr/bin", "/bin", "/usr/sbin", "/sbin")
HIDDEN = frozenset(
    {
        "aws",
        "aws_completer",
        "aws_zsh_completer.sh",
        "aws_bash_completer",
        "xdg-open",
        "wslview",
        "sensible-browser",
        "x-www-browser",
        "www-browser",
        "gnome-www-browser",
        "python",
        "python3",
    }
)

# A closed port: a request that ignores NO_PROXY fails at once instead of leaving the machine.
DEAD_PROXY = "http://127.0.0.1:9"
LOOPBACK = "127.0.0.1,localhost,::1"

_SANDBOX = Path(tempfile.mkdtemp(prefix="asso-tests-"))
atexit.register(shutil.rmtree, _SANDBOX, True)


def _system_bin() -> Path:
    """One directory of links to the system's programs, minus ``HIDDEN``."""
    target = _SANDBOX / "sysbin"
    if target.is_dir():
        return target
    target.mkdir()
    for directory in SYSTEM_DIRS:
        if not os.path.isdir(directory):
            continue
        for name in sorted(os.listdir(directory)):
            link = target / name
            source = os.path.join(directory, name)
            if name in HIDDEN or link.exists() or not os.access(source, os.X_OK):
                continue
            if os.path.isdir(source):
                continue
            os.symlink(source, link)
    return target


SYSTEM_BIN = _system_bin()
# The fixed PATH: this interpreter's bin (python3 is sys.executable's), then the system's.
BASE_PATH = os.pathsep.join([str(VENV_BIN), str(SYSTEM_BIN)])
SANDBOX_HOME = _SANDBOX / "home"


def is_sandbox_key(name: str) -> bool:
    return name.startswith(("AWS_", "ASSO_", "POWERLEVEL9K_", "ZSH", "XDG_")) or name in (
        "BROWSER",
        "DISPLAY",
        "WAYLAND_DISPLAY",
        "WSL_DISTRO_NAME",
        "WSL_INTEROP",
        "SSH_CONNECTION",
        "SSH_TTY",
        "NO_COLOR",
        "VIRTUAL_ENV",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYENV_VERSION",
        "BOTO_CONFIG",
        "TMUX",
        "TMUX_PANE",
        "ZDOTDIR",
        "HISTFILE",
        "PROMPT_COMMAND",
        "FZF_DEFAULT_OPTS",
        "FZF_DEFAULT_COMMAND",
        "SHELL",
    )


def sandbox_env(home: Path = SANDBOX_HOME, **extra: str) -> dict[str, str]:
    """A complete environment for a child process, with ``home`` as HOME."""
    env = {
        "HOME": str(home),
        "PATH": BASE_PATH,
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "TERM": "dumb",
        "SHELL": "/bin/sh",
        "TMPDIR": ORIGINAL_ENV.get("TMPDIR", tempfile.gettempdir()),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_RUNTIME_DIR": str(home / ".run"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "HTTP_PROXY": DEAD_PROXY,
        "HTTPS_PROXY": DEAD_PROXY,
        "http_proxy": DEAD_PROXY,
        "https_proxy": DEAD_PROXY,
        "NO_PROXY": LOOPBACK,
        "no_proxy": LOOPBACK,
    }
    env.update(extra)
    return env


def sandbox_process() -> None:
    """Make pytest's own environment the sandbox (for in-process tests and for children that
    inherit ``os.environ``), and refuse connections outside loopback in this process."""
    SANDBOX_HOME.mkdir(parents=True, exist_ok=True)
    for name in list(os.environ):
        if is_sandbox_key(name) or name.lower().endswith("_proxy"):
            del os.environ[name]
    os.environ.update(sandbox_env())
    _guard_sockets()


class OutsideLoopback(OSError):
    pass


def _allowed(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # AF_UNIX and friends
    host = str(address[0])
    return host in ("127.0.0.1", "::1", "localhost") or host.startswith("127.")


def _guard_sockets() -> None:
    if getattr(socket.socket, "_asso_guarded", False):
        return
    connect = socket.socket.connect
    connect_ex = socket.socket.connect_ex

    def guarded_connect(self: socket.socket, address: Any) -> None:
        if not _allowed(address):
            raise OutsideLoopback(f"tests may only connect to 127.0.0.1, not {address!r}")
        connect(self, address)

    def guarded_connect_ex(self: socket.socket, address: Any) -> int:
        if not _allowed(address):
            raise OutsideLoopback(f"tests may only connect to 127.0.0.1, not {address!r}")
        return connect_ex(self, address)

    socket.socket.connect = guarded_connect  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]
    socket.socket._asso_guarded = True  # type: ignore[attr-defined]
