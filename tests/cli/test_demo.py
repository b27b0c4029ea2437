"""asso demo, driven end to end in tmux (zsh and bash) and by signals through pexpect."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from ..support.env import BASE_PATH
from ..support.org import HELPER
from ..support.poll import wait_for

pytestmark = pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")

ZSH = shutil.which("zsh")
BASH = shutil.which("bash")


class Machine:
    """A user account as the demo sees it: a HOME with a real-looking ~/.aws, a TMPDIR."""

    def __init__(self, root: Path) -> None:
        self.home = root / "home"
        (self.home / ".aws").mkdir(parents=True)
        self.config = self.home / ".aws" / "config"
        self.config.write_text("[profile real]\nregion = eu-west-1\n")
        self.tmpdir = root / "tmp"
        self.tmpdir.mkdir()

    def env(self, shell: str) -> dict[str, str]:
        return {
            "HOME": str(self.home),
            "PATH": BASE_PATH,
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "SHELL": shell,
            "TMPDIR": str(self.tmpdir),
            "AWS_PROFILE": "real",  # the user's own setting must not leak into the demo
        }

    def untouched(self) -> None:
        assert self.config.read_text() == "[profile real]\nregion = eu-west-1\n"
        assert sorted(p.name for p in (self.home / ".aws").iterdir()) == ["config"]
        assert list(self.tmpdir.iterdir()) == [], "the demo left files behind"
        assert processes_with(f"TMPDIR={self.tmpdir}") == [], "the demo left processes behind"


def processes_with(marker: str) -> list[int]:
    """Processes whose environment holds ``marker``."""
    found = []
    needle = marker.encode() + b"\0"
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/environ", "rb") as handle:
                if needle in handle.read():
                    found.append(int(entry))
        except OSError:
            continue
    return found


def sleeping_in(machine: Machine) -> bool:
    for pid in processes_with(f"TMPDIR={machine.tmpdir}"):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as handle:
                if handle.read() == b"sleep\0" + b"30\0":
                    return True
        except OSError:
            continue
    return False


def port_closed(url: str) -> bool:
    host, port = url.rsplit("/", 1)[-1].split(":")
    try:
        with socket.create_connection((host, int(port)), timeout=1):
            return False
    except OSError:
        return True


class Tmux:
    def __init__(self, socket_name: str) -> None:
        self.socket = socket_name

    def run(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "demo", "-x", "200", "-y", "50", command)

    def send(self, keys: str) -> None:
        self.run("send-keys", "-t", "demo", "-l", keys)
        self.run("send-keys", "-t", "demo", "Enter")

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-J", "-t", "demo", "-S", "-300")

    def wait(self, pattern: str, timeout: float = 20.0) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while True:
            match = re.search(pattern, self.screen())
            if match:
                return match
            if time.monotonic() > deadline:
                raise AssertionError(f"{pattern!r} not on the screen:\n{self.screen()}")
            time.sleep(0.1)

    def kill(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True, timeout=10)


@pytest.fixture
def tmux(tmp_path: Path) -> Iterator[Tmux]:
    session = Tmux(f"asso-demo-test-{os.getpid()}-{tmp_path.name}")
    yield session
    session.kill()


SHELLS = [pytest.param(p, id=Path(p).name) for p in (BASH, ZSH) if p]


@pytest.mark.parametrize("shell_path", SHELLS)
def test_demo_end_to_end(tmux: Tmux, tmp_path: Path, shell_path: str) -> None:
    machine = Machine(tmp_path)
    variables = machine.env(shell_path)
    tmpdir = variables.pop("TMPDIR")  # for the demo only, so what it leaves is easy to find
    env = " ".join(f"{k}={shlex.quote(v)}" for k, v in variables.items())
    # sh runs the demo, so the shell is found through $SHELL (shellingham sees sh).
    helper = shlex.quote(str(HELPER))
    inner = f"TMPDIR={shlex.quote(tmpdir)} {helper} demo; echo DEMO-EXIT=$?; exec sleep 60"
    tmux.start(f"env -i {env} sh -c {shlex.quote(inner)}")
    url = tmux.wait(r"emulator at (http://127\.0\.0\.1:\d+)").group(1)
    tmux.wait(r"\(asso demo\) ")
    # asp logs in by itself (the emulator approves at once): nothing else is typed for it.
    tmux.send("asp demo-prod-admin")
    tmux.wait(r"logged in to sso-session demo, \dh\d\dm left", timeout=60)
    assert "no token" not in tmux.screen()
    # The login fetches the account directory in the background: a later prompt shows the
    # account's name. Only Enter is pressed (a new prompt), never `asso status --refresh`.
    named = r"\(asso demo\) Production/AdministratorAccess \dh\d\dm "
    deadline = time.monotonic() + 60
    while not re.search(named, tmux.screen()):
        assert time.monotonic() < deadline, f"account names never arrived:\n{tmux.screen()}"
        tmux.send("")
        time.sleep(0.3)
    tmux.send("asso status")
    tmux.wait(r"demo +sso-session +https://\S+ +us-east-1 +valid +\dh\d\dm +yes +4 +5 ")
    tmux.send("asso populate --session demo")
    tmux.wait(r"9 profiles for SSO session demo are in")
    tmux.send("asp Data-Science-Sandbox-PowerUserAccess")
    tmux.wait(r"\(asso demo\) Data Science Sandbox/PowerUserAccess \dh\d\dm ")
    tmux.send("exit")
    tmux.wait(r"DEMO-EXIT=0")
    assert "the emulator is stopped and the demo files are removed" in tmux.screen()
    assert port_closed(url)
    machine.untouched()


def spawn_demo(machine: Machine, shell: str) -> tuple[pexpect.spawn, str]:
    child = pexpect.spawn(
        str(HELPER),
        ["demo", "--shell", shell],
        env=machine.env(shell),
        encoding="utf-8",
        timeout=20,
        dimensions=(50, 200),
    )
    child.expect(r"emulator at (http://127\.0\.0\.1:\d+)")
    url = child.match.group(1)
    child.expect(r"\(asso demo\)")
    return child, url


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_ends_the_demo_and_cleans_up(tmp_path: Path, signum: int) -> None:
    machine = Machine(tmp_path)
    child, url = spawn_demo(machine, "bash")
    assert processes_with(f"TMPDIR={machine.tmpdir}") != []
    os.kill(child.pid, signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 128 + signum
    assert port_closed(url)
    machine.untouched()


def test_ctrl_c_belongs_to_the_subshell(tmp_path: Path) -> None:
    machine = Machine(tmp_path)
    child, url = spawn_demo(machine, "bash")
    child.sendline("sleep 30")
    # Interrupt once the subshell runs it (not before: that would test something else).
    wait_for(lambda: sleeping_in(machine), "the subshell's `sleep 30`", timeout=30)
    child.sendintr()
    child.expect(r"\(asso demo\)")
    child.sendline("echo still-here")
    child.expect("still-here")
    assert not port_closed(url)
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    machine.untouched()


def test_the_plugin_is_found_from_the_environment_or_the_data_dir(tmp_path: Path) -> None:
    from asso.cli import demo
    from asso.errors import AssoError

    checkout = Path(demo.find_plugin_dir())
    assert (checkout / "asso.plugin.zsh").is_file()
    assert demo.find_plugin_dir({"ASSO_PLUGIN_DIR": str(checkout)}) == str(checkout)
    with pytest.raises(AssoError, match="ASSO_PLUGIN_DIR"):
        demo.find_plugin_dir({"ASSO_PLUGIN_DIR": str(tmp_path)})


def test_shell_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    from asso.cli import demo
    from asso.errors import UsageError

    monkeypatch.setenv("SHELL", "/bin/fish")
    name, _ = demo.choose_shell("bash")
    assert name == "bash"
    name, _ = demo.choose_shell(None)  # pytest runs under some shell; else bash
    assert name in ("bash", "zsh")
    monkeypatch.setattr(shutil, "which", lambda name, *a, **k: None)
    with pytest.raises(UsageError):
        demo.choose_shell("zsh")


def test_a_demo_killed_outright_is_cleaned_up_by_the_next(tmp_path: Path) -> None:
    from asso.cli import demo

    gone = subprocess.Popen(["true"])
    gone.wait()
    abandoned = tmp_path / "asso-demo-abandoned"
    (abandoned / "home").mkdir(parents=True)
    (abandoned / "pid").write_text(f"{gone.pid}\n")
    running = tmp_path / "asso-demo-running"
    running.mkdir()
    (running / "pid").write_text(f"{os.getpid()}\n")
    other = tmp_path / "unrelated"
    other.mkdir()
    demo._remove_abandoned(str(tmp_path))
    assert not abandoned.exists() and running.exists() and other.exists()
