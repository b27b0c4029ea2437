"""asp's auto-login, `asp P login|logout` and the prompt state, in real interactive shells."""

from __future__ import annotations

import re
import time

import pexpect
import pytest

from asso.emulator.idc import GRANT_REFRESH_TOKEN

from ..conftest import PLUGIN_BASH, PLUGIN_ZSH, SHELLS, run_shell
from .loginkit import LoginHome, assert_no_secrets, count

SHOW = 'echo "STATE=$ASSO_TOKEN_STATE EXP=$ASSO_EXPIRES_AT PROMPT=$ASSO_PROMPT"'


class Shell:
    """An interactive zsh or bash on a pty, with the plugin loaded."""

    def __init__(self, shell: str, home: LoginHome) -> None:
        argv = ["zsh", "-f", "-i"] if shell == "zsh" else ["bash", "--norc", "--noprofile", "-i"]
        env = {**home.env, "PS1": "$ ", "PROMPT": "$ "}
        self.child = pexpect.spawn(
            argv[0], argv[1:], env=env, encoding="utf-8", timeout=40, dimensions=(50, 400)
        )
        self.transcript: list[str] = []
        plugin = PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH
        self.run(f"source {plugin}")
        assert self.run("echo $-")  # the shell is interactive
        if shell == "bash":
            assert "i" in self.run("echo $-").split()[-1]
        else:
            assert self.run("[[ -o interactive ]] && echo yes").strip().endswith("yes")

    def run(self, command: str) -> str:
        """Run one command line; its output (the command's echo removed)."""
        self.child.sendline(f'{command}; echo "__DO""NE__"')
        self.child.expect("__DONE__\r\n")
        text = str(self.child.before)
        self.transcript.append(text)
        return text.split("\r\n", 1)[1] if "\r\n" in text else ""

    def state(self, command: str) -> tuple[str, int, str]:
        out = self.run(f"{command}; {SHOW}")
        match = re.search(r"STATE=(\S*) EXP=(\d*) PROMPT=(.*)\r", out)
        assert match, out
        return match.group(1), int(match.group(2) or 0), match.group(3)

    def close(self) -> None:
        self.child.sendline("exit")
        self.child.close(force=True)


@pytest.fixture(params=SHELLS)
def shell(request: pytest.FixtureRequest, home: LoginHome):  # type: ignore[no-untyped-def]
    sh = Shell(str(request.param), home)
    yield sh
    sh.close()


def test_asp_logs_in_once_and_the_prompt_shows_the_new_expiry(
    shell: Shell, home: LoginHome
) -> None:
    emu = home.emu
    home.write_token("my-sso", expires_in=-120)  # expired, no refresh token
    # An expired session: asp logs in (once) and the state right after asp has the new expiry.
    state, expires, prompt = shell.state("asp prod")
    assert count(emu, "Authorize") == 1 and count(emu, "StartDeviceAuthorization") == 0
    assert state == "valid" and abs(expires - (time.time() + 8 * 3600)) < 60
    assert prompt in ("222222222222/ReadOnlyAccess 7h59m", "222222222222/ReadOnlyAccess 8h00m")
    # Another profile of the session: nothing to do, no helper call beyond the state.
    assert shell.state("asp prod-admin")[0] == "valid"
    assert count(emu, "Authorize") == 1

    # asp P logout: this session only, and the prompt says so at once.
    state, _, prompt = shell.state("asp prod logout")
    assert state == "missing" and prompt.endswith("no token")
    assert count(emu, "Logout") == 1

    # Auto-login off: a one-line hint, no login.
    out = shell.run("ASSO_AUTO_LOGIN=0; asp prod-admin; ASSO_AUTO_LOGIN=1")
    assert "asp: the SSO session of 'prod-admin' is not logged in: log in with" in out
    assert count(emu, "Authorize") == 1

    # asp P login: exactly one login.
    state, expires, _ = shell.state("asp prod login")
    assert state == "valid" and count(emu, "Authorize") == 2

    # Inside the refresh window: asp refreshes silently, no browser.
    emu.access_token_ttl = 600
    assert shell.state("asso prod --force")[0] == "refreshable"
    emu.access_token_ttl = 8 * 3600
    state, expires, _ = shell.state("asp prod-admin")
    assert state == "valid" and abs(expires - (time.time() + 8 * 3600)) < 60
    assert count(emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1 and count(emu, "Authorize") == 3

    env = shell.run("env; set")
    assert "ASSO_PROMPT" in env
    assert_no_secrets(emu, [*shell.transcript, *home.outputs])


@pytest.mark.parametrize("sh", SHELLS)
def test_scripts_get_no_login_and_no_hint(sh: str, home: LoginHome) -> None:
    home.write_token("my-sso", expires_in=-120)
    result = run_shell(sh, 'asp prod; echo "rc=$? $ASSO_TOKEN_STATE"', home.env)
    assert (result.stdout, result.stderr) == ("rc=0 expired\n", "")
    assert home.emu.requests == []
