"""``asso demo``: try asso in a subshell against a local IAM Identity Center emulator.

Everything lives in one temporary directory: a HOME (so the SSO token cache, fixed at
``~/.aws/sso/cache``, is a throw-away one), an AWS config with an ``[sso-session demo]`` and a
few profiles, asso's state, cache and config dirs, and a "browser" that approves logins at once.
The emulator runs in this process, on 127.0.0.1. Leaving the subshell (or SIGINT, SIGTERM,
SIGHUP to this process) stops the emulator and removes the directory. The real ``~/.aws`` is
never read or written.

Unlike the other cli modules this one holds its orchestration, on purpose: the demo wires the
emulator (a self-contained layer that imports only the leaves) to asso's plugin, helper and
background directory refreshes (the sso layer). Only the cli layer may import both, so the
wiring lives here rather than in either layer.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Optional

from asso import log, paths
from asso.errors import AssoError, UsageError

if TYPE_CHECKING:
    import argparse
    from collections.abc import Mapping
    from types import FrameType

    from asso.emulator.idc import IdentityCenterEmulator, Organization

SESSION = "demo"
DIR_PREFIX = "asso-demo-"
START_URL = "https://d-9067d0e000.awsapps.com/start"
SSO_REGION = "us-east-1"
SHELLS = ("zsh", "bash")

# Profile name, account id, role, region. No account names here: they come from the account
# directory that is fetched after the first login, as they would for a real organisation.
PROFILES = (
    ("demo-prod-admin", "222222222222", "AdministratorAccess", "eu-west-1"),
    ("demo-prod-readonly", "222222222222", "ReadOnlyAccess", "eu-west-1"),
    ("demo-staging-poweruser", "333333333333", "PowerUserAccess", "eu-west-1"),
    ("demo-dev-readonly", "444444444444", "ReadOnlyAccess", "us-west-2"),
)

BANNER = """\
asso demo: a throw-away AWS set-up against a local IAM Identity Center emulator at {url}.
Your own ~/.aws is not touched. Things to try:
  asp demo-prod-admin            switch profile, logging in if needed (the emulator approves
                                 at once): the prompt shows the account, role and time left
  asso                           log in to the active profile's SSO session
  asso status                    every SSO session, its token and the accounts it reaches
  asso populate --session demo   a profile for every account and role of the session
  asso profiles                  every profile, its account and token state
Type `exit` to leave: the emulator stops and every file of the demo is removed.
"""

BROWSER_SCRIPT = '''\
"""asso demo's browser: open the page as a user who clicks "Allow" would, in the background."""
import os
import sys
import urllib.request

if os.fork() > 0:
    sys.exit(0)  # a browser returns at once; the page loads on its own
os.setsid()
null = os.open(os.devnull, os.O_RDWR)
for fd in (0, 1, 2):
    os.dup2(null, fd)
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
for url in sys.argv[1:]:
    try:
        opener.open(url, timeout=30).read()  # follows the redirect to the loopback callback
    except Exception:
        pass
'''


def demo_organization() -> Organization:
    """The emulator's sample organisation, with the sandbox turned into a development account
    and a data-science sandbox added: a few names of each shape for the prompt to show."""
    from asso.emulator.idc import Account, Organization

    accounts = [a for a in Organization.sample().accounts if a.account_id != "444444444444"]
    accounts += [
        Account(
            "444444444444",
            "Development",
            "development@example.com",
            ["PowerUserAccess", "ReadOnlyAccess"],
        ),
        Account(
            "555555555555", "Data Science Sandbox", "data-science@example.com", ["PowerUserAccess"]
        ),
    ]
    return Organization(accounts=accounts)


def demo_config() -> str:
    lines = [
        "# asso demo: a throw-away config, removed when the demo shell exits.",
        f"[sso-session {SESSION}]",
        f"sso_start_url = {START_URL}",
        f"sso_region = {SSO_REGION}",
        "sso_registration_scopes = sso:account:access",
    ]
    for name, account_id, role, region in PROFILES:
        lines += [
            "",
            f"[profile {name}]",
            f"sso_session = {SESSION}",
            f"sso_account_id = {account_id}",
            f"sso_role_name = {role}",
            f"region = {region}",
        ]
    return "\n".join(lines) + "\n"


# -- finding things -----------------------------------------------------------------------------


def find_plugin_dir(env: Mapping[str, str] = os.environ) -> str:
    """ASSO_PLUGIN_DIR, else ``plugin/`` of the checkout this module runs from, else the path
    install.sh recorded in ``<data dir>/plugin-dir``."""

    def usable(directory: str) -> bool:
        return os.path.isfile(os.path.join(directory, "asso.plugin.zsh")) and os.path.isfile(
            os.path.join(directory, "asso.bash")
        )

    explicit = env.get("ASSO_PLUGIN_DIR")
    if explicit:
        if usable(explicit):
            return os.path.abspath(explicit)
        raise AssoError(f"ASSO_PLUGIN_DIR={explicit} holds no asso.plugin.zsh and asso.bash")
    here = os.path.dirname(os.path.abspath(__file__))
    while True:
        candidate = os.path.join(here, "plugin")
        if usable(candidate):
            return candidate
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    try:
        with open(os.path.join(paths.user_data_dir(), "plugin-dir"), encoding="utf-8") as handle:
            recorded = handle.readline().strip()
    except OSError:
        recorded = ""
    if recorded and usable(recorded):
        return recorded
    raise AssoError(
        "cannot find the shell plugin: set ASSO_PLUGIN_DIR to the plugin/ directory of asso"
    )


def find_helper() -> Optional[str]:
    """The absolute path of the running ``asso`` script, or the one beside this interpreter."""
    argv0 = sys.argv[0] if sys.argv else ""
    if os.path.basename(argv0) == "asso":
        found = argv0 if os.sep in argv0 else shutil.which(argv0)
        if found and os.access(found, os.X_OK):
            return os.path.abspath(found)
    beside = os.path.join(os.path.dirname(sys.executable), "asso")
    if os.access(beside, os.X_OK):
        return beside
    return None


def choose_shell(requested: Optional[str] = None) -> tuple[str, str]:
    """(name, executable): --shell, else the shell this runs from, else $SHELL, else bash."""
    candidates: list[str] = []
    if requested:
        candidates.append(requested)
    else:
        try:
            import importlib

            detected = importlib.import_module("shellingham").detect_shell()
            candidates.append(os.path.basename(str(detected[1] or detected[0])))
        except Exception:  # ShellDetectionFailure, or no /proc: fall back
            pass
        candidates.append(os.path.basename(os.environ.get("SHELL", "")))
        candidates.append("bash")
    for name in candidates:
        base = name.lstrip("-")  # a login shell shows as -zsh
        if base in SHELLS:
            path = shutil.which(base)
            if path:
                return base, path
            if requested:
                raise UsageError(f"{base} is not installed")
    raise UsageError("asso demo needs zsh or bash")


# -- the demo -----------------------------------------------------------------------------------


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


class Demo:
    def __init__(self, shell: str, shell_path: str, plugin_dir: str) -> None:
        self.shell = shell
        self.shell_path = shell_path
        self.plugin_dir = plugin_dir
        self.root = ""
        self.emulator: Optional[IdentityCenterEmulator] = None

    def path(self, *parts: str) -> str:
        return os.path.join(self.root, *parts)

    def setup(self) -> None:
        import tempfile

        from asso.emulator.idc import IdentityCenterEmulator

        _remove_abandoned(tempfile.gettempdir())
        self.root = tempfile.mkdtemp(prefix=DIR_PREFIX)
        self._write(self.path("pid"), f"{os.getpid()}\n")
        from asso.fs import make_private_dirs

        for directory in ("home/.aws", "state", "cache", "config", "data", "bin", "zdotdir"):
            make_private_dirs(self.path(directory))
        self.emulator = IdentityCenterEmulator(demo_organization(), device_auto_approve=True)
        self.emulator.start()
        self._write(self.path("home", ".aws", "config"), demo_config())
        # A sh wrapper, not a #! line naming the interpreter: that may be too long or hold spaces.
        self._write(self.path("bin", "browser.py"), BROWSER_SCRIPT)
        self._write(
            self.path("bin", "browser"),
            f"#!/bin/sh\nexec {shlex.quote(sys.executable)} "
            f'{shlex.quote(self.path("bin", "browser.py"))} "$@"\n',
            0o700,
        )
        helper = find_helper()
        if helper is None:
            package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
            helper = self.path("bin", "asso")
            self._write(
                helper,
                "#!/bin/sh\n"
                f"PYTHONPATH={shlex.quote(package_parent)}${{PYTHONPATH:+:$PYTHONPATH}} "
                f'exec {shlex.quote(sys.executable)} -m asso "$@"\n',
                0o700,
            )
        self.helper = helper
        self._write_rc_files()

    @staticmethod
    def _write(path: str, content: str, mode: int = 0o600) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(content)
        os.chmod(path, mode)

    def _write_rc_files(self) -> None:
        zsh_plugin = shlex.quote(os.path.join(self.plugin_dir, "asso.plugin.zsh"))
        bash_plugin = shlex.quote(os.path.join(self.plugin_dir, "asso.bash"))
        self._write(
            self.path("zdotdir", ".zshrc"),
            "# asso demo: the plugin and a prompt that shows it; nothing of your own rc files.\n"
            'HISTFILE="$ZDOTDIR/.zsh_history"\n'
            f"source {zsh_plugin}\n"
            'autoload -Uz compinit && compinit -u -d "$ZDOTDIR/.zcompdump"\n'
            "setopt prompt_subst\n"
            # No braces inside ${...:+...}: zsh ends the expansion at the first "}".
            "PROMPT='%F{magenta}(asso demo)%f %F{cyan}${ASSO_PROMPT}%f${ASSO_PROMPT:+ }%1~ %# '\n",
        )
        self._write(
            self.path("bashrc"),
            "# asso demo: the plugin and a prompt that shows it; nothing of your own rc files.\n"
            'HISTFILE="$HOME/.bash_history"\n'
            f"source {bash_plugin}\n"
            "PS1='\\[\\e[35m\\](asso demo)\\[\\e[0m\\] "
            "${ASSO_PROMPT:+\\[\\e[36m\\]$ASSO_PROMPT\\[\\e[0m\\] }\\W \\$ '\n",
        )

    def environment(self, base: Mapping[str, str] = os.environ) -> dict[str, str]:
        assert self.emulator is not None
        dropped = ("ZDOTDIR", "BASH_ENV", "ENV", "PROMPT_COMMAND", "PS1", "HISTFILE", "OLDPWD")
        env = {
            key: value
            for key, value in base.items()
            if not key.startswith("AWS_")
            and not (key.startswith("ASSO_") and (key.endswith("_DIR") or key == "ASSO_HELPER"))
            and key not in dropped
        }
        no_proxy = ",".join(filter(None, ["127.0.0.1", "localhost", base.get("NO_PROXY")]))
        env.update(
            {
                "HOME": self.path("home"),
                "AWS_CONFIG_FILE": self.path("home", ".aws", "config"),
                "AWS_SHARED_CREDENTIALS_FILE": self.path("home", ".aws", "credentials"),
                "AWS_EC2_METADATA_DISABLED": "true",
                "ASSO_STATE_DIR": self.path("state"),
                "ASSO_CACHE_DIR": self.path("cache"),
                "ASSO_CONFIG_DIR": self.path("config"),
                "ASSO_DATA_DIR": self.path("data"),
                "ASSO_HELPER": self.helper,
                "ASSO_PLUGIN_DIR": self.plugin_dir,
                "ASSO_DEMO": "1",
                "BROWSER": self.path("bin", "browser"),
                "NO_PROXY": no_proxy,
                "no_proxy": no_proxy,
                "SHELL": self.shell_path,
            }
        )
        env.update(self.emulator.env())
        if self.shell == "zsh":
            env["ZDOTDIR"] = self.path("zdotdir")
        return env

    def argv(self) -> list[str]:
        if self.shell == "zsh":
            return [self.shell_path, "-i"]
        return [self.shell_path, "--rcfile", self.path("bashrc"), "-i"]

    def run(self) -> int:
        """Set up, run the subshell until it exits, clean up; the subshell's exit status."""

        def stop(signum: int, frame: Optional[FrameType]) -> None:
            raise _Stop(signum)

        handled = (signal.SIGTERM, signal.SIGHUP)
        previous = {s: signal.signal(s, stop) for s in handled}
        # Ctrl-C belongs to the subshell: this process waits it out. A handler, not SIG_IGN:
        # an ignored signal stays ignored across exec, and Ctrl-C would do nothing in the shell.
        previous[signal.SIGINT] = signal.signal(signal.SIGINT, _ignore)
        child: Optional[subprocess.Popen[bytes]] = None
        try:
            self.setup()
            assert self.emulator is not None
            sys.stderr.write(BANNER.format(url=self.emulator.url))
            sys.stderr.flush()
            child = subprocess.Popen(self.argv(), env=self.environment())
            return child.wait()
        except _Stop as stopped:
            return 128 + stopped.signum
        finally:
            for signum in handled:
                signal.signal(signum, signal.SIG_IGN)  # no second interruption of the clean-up
            if child is not None and child.poll() is None:
                _end(child)
            self.cleanup()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            log.info("asso demo: the emulator is stopped and the demo files are removed.")

    def cleanup(self) -> None:
        if self.emulator is not None:
            self.emulator.stop()
            self.emulator = None
        if not self.root:
            return
        _stop_background_refreshes(self.path("cache"))
        for _ in range(3):
            shutil.rmtree(self.root, ignore_errors=True)
            if not os.path.exists(self.root):
                break
            time.sleep(0.2)


def _remove_abandoned(temp_root: str) -> None:
    """Remove what a demo killed with SIGKILL left: directories whose process is gone."""
    try:
        names = [n for n in os.listdir(temp_root) if n.startswith(DIR_PREFIX)]
    except OSError:
        return
    for name in names:
        root = os.path.join(temp_root, name)
        try:
            with open(os.path.join(root, "pid"), encoding="ascii") as handle:
                pid = int(handle.read().strip())
            if os.stat(root).st_uid != os.getuid():
                continue
        except (OSError, ValueError):
            continue
        try:
            os.kill(pid, 0)
            continue  # still running
        except ProcessLookupError:
            pass
        except OSError:
            continue
        shutil.rmtree(root, ignore_errors=True)


def _ignore(signum: int, frame: Optional[FrameType]) -> None:
    return None


def _end(child: subprocess.Popen[bytes]) -> None:
    """Hang up on the subshell (an interactive shell ignores SIGTERM), then kill it."""
    for signum, wait in ((signal.SIGHUP, 2.0), (signal.SIGKILL, 2.0)):
        try:
            child.send_signal(signum)
            child.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue
        except OSError:
            return


def _stop_background_refreshes(cache_root: str) -> None:
    """Directory fetches started after a login write into the demo's cache: end them first."""
    from asso.sso.directory import running_refreshes

    deadline = time.monotonic() + 3.0
    pids = running_refreshes(cache_root)
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    while running_refreshes(cache_root) and time.monotonic() < deadline:
        time.sleep(0.05)


def main(shell: Optional[str] = None) -> int:
    name, path = choose_shell(shell)
    demo = Demo(name, path, find_plugin_dir())
    return demo.run()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--shell",
        choices=("zsh", "bash"),
        help="the subshell (default: the shell you run asso from, else $SHELL, else bash)",
    )


def run(args: argparse.Namespace) -> int:
    return main(args.shell)
