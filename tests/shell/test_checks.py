"""asso.shell.checks: the doctor's shell-side findings: the helper the plugin uses, the shell
and its hooks (from the ASSO_DOCTOR_* variables the plugin's _asso_doctor sets), the state dir."""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import pytest

from asso import __version__
from asso.checks import FAIL, OK, SKIP, WARN, Check
from asso.shell.checks import check_helper, check_shell, check_state_dir

from ..conftest import HELPER


def statuses(checks: list[Check]) -> list[tuple[str, str]]:
    return [(c.name, c.status) for c in checks]


@pytest.fixture
def me(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """This process is the installed helper (as `asso doctor` is), with its own data dir."""
    monkeypatch.setattr(sys, "argv", [str(HELPER), "doctor"])
    monkeypatch.setenv("ASSO_DATA_DIR", str(tmp_path / "data"))
    return HELPER


def executable(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def record(tmp_path: Path, text: str) -> Path:
    recorded = tmp_path / "data" / "helper-path"
    recorded.parent.mkdir(parents=True, exist_ok=True)
    recorded.write_text(text, encoding="utf-8")
    return recorded


def test_helper_alone(me: Path) -> None:
    [check] = check_helper({})
    assert (check.name, check.status) == ("helper", OK)
    assert check.message == (
        f"asso {__version__} at {me} (Python {platform.python_version()}, {sys.executable})"
    )


def test_recorded_helper_must_be_an_executable_file(me: Path, tmp_path: Path) -> None:
    record(tmp_path, f"{me}\n")
    assert statuses(check_helper({})) == [("helper", OK)]  # fine: nothing more to say
    for bad in ("/nowhere/asso", "relative/asso", str(tmp_path), "$(touch pwned) 日本"):
        recorded = record(tmp_path, bad + "\nsecond line ignored\n")
        checks = check_helper({})
        assert statuses(checks) == [("helper", OK), ("helper-path", FAIL)]
        assert checks[1].message == f"{recorded} names {bad!r}, which is not an executable file"
        assert checks[1].fix and "install.sh" in checks[1].fix
    assert not (tmp_path / "pwned").exists()


def test_plugin_helper(me: Path, tmp_path: Path) -> None:
    empty = check_helper({"ASSO_DOCTOR_HELPER": ""})
    assert statuses(empty) == [("helper", OK), ("helper-path", FAIL)]
    assert "found no helper" in empty[1].message
    gone = check_helper({"ASSO_DOCTOR_HELPER": str(tmp_path / "gone asso")})
    assert statuses(gone) == [("helper", OK), ("helper-path", FAIL)]
    assert (
        gone[1].message
        == f"the plugin's ASSO_HELPER {str(tmp_path / 'gone asso')!r} is not an executable file"
    )
    other = executable(tmp_path / "other install" / "asso")
    elsewhere = check_helper({"ASSO_DOCTOR_HELPER": str(other)})
    assert statuses(elsewhere) == [("helper", OK), ("helper-path", WARN)]
    assert elsewhere[1].message == f"the plugin uses {other}, but this doctor is {me}"
    # The same helper through a link is the same helper.
    link = tmp_path / "link to asso"
    link.symlink_to(me)
    same = check_helper({"ASSO_DOCTOR_HELPER": str(link)})
    assert statuses(same) == [("helper", OK), ("helper-path", OK)]
    assert same[1].message == f"the plugin uses this helper ({link})"


@pytest.mark.parametrize(
    ("shell", "version", "status"),
    [
        ("zsh", "5.9", OK),
        ("zsh", "5.1", OK),
        ("zsh", "5.0.8", FAIL),
        ("zsh", "4.3.17", FAIL),
        ("bash", "5.2.15(1)-release", OK),
        ("bash", "3.2.57(1)-release", OK),
        ("bash", "3.1.17(1)-release", FAIL),
        ("bash", "", FAIL),  # no version: not known to be new enough
        ("bash", "x.y", FAIL),
        ("fish", "3.7", OK),  # no minimum known: said, not judged
    ],
)
def test_shell_version(shell: str, version: str, status: str) -> None:
    env = {"ASSO_DOCTOR_SHELL": shell, "ASSO_DOCTOR_SHELL_VERSION": version, "SHELL": "/bin/zsh"}
    [check] = check_shell(env)
    assert (check.name, check.status) == ("shell", status)
    assert check.message.startswith(f"{shell} {version} (parent ")
    assert check.message.endswith(", $SHELL /bin/zsh)")
    if status == FAIL:
        need = "5.1" if shell == "zsh" else "3.2"
        assert check.fix == f"asso needs {shell} {need} or later"


def test_without_the_plugin_the_shell_is_skipped() -> None:
    [check] = check_shell({"SHELL": ""})
    assert (check.name, check.status) == ("shell", SKIP)
    assert "$SHELL unset" in check.message
    assert "run `asso doctor` in a shell that loads the plugin" in check.message


def test_plugin_directory(tmp_path: Path) -> None:
    base = {"ASSO_DOCTOR_SHELL": "zsh", "ASSO_DOCTOR_SHELL_VERSION": "5.9"}
    here = check_shell({**base, "ASSO_DOCTOR_PLUGIN_DIR": str(tmp_path)})
    assert statuses(here) == [("shell", OK)]
    gone = tmp_path / "plugin dir 'gone' $(x)"
    checks = check_shell({**base, "ASSO_DOCTOR_PLUGIN_DIR": str(gone)})
    assert statuses(checks) == [("shell", OK), ("plugin", FAIL)]
    assert checks[1].message == f"the plugin's directory {gone} is gone"


@pytest.mark.parametrize("shell", ["zsh", "bash"])
def test_prompt_hook_count(shell: str) -> None:
    base = {"ASSO_DOCTOR_SHELL": shell, "ASSO_DOCTOR_SHELL_VERSION": "5.9"}
    hook = "precmd hook _asso_precmd" if shell == "zsh" else "PROMPT_COMMAND entry"
    reset = "precmd_functions" if shell == "zsh" else "PROMPT_COMMAND"
    once = check_shell({**base, "ASSO_DOCTOR_HOOKS": "1"})
    assert statuses(once)[1:] == [("prompt-hook", OK)]
    assert once[1].message == f"{hook} installed once"
    never = check_shell({**base, "ASSO_DOCTOR_HOOKS": "0"})
    assert statuses(never)[1:] == [("prompt-hook", FAIL)]
    assert never[1].fix and reset in never[1].fix
    thrice = check_shell({**base, "ASSO_DOCTOR_HOOKS": "3"})
    assert statuses(thrice)[1:] == [("prompt-hook", FAIL)]
    assert "installed 3 times" in thrice[1].message
    for unknown in ("", "one", "-1", "1 "):
        assert statuses(check_shell({**base, "ASSO_DOCTOR_HOOKS": unknown})) == [("shell", OK)]


def test_asp_and_prompt(tmp_path: Path) -> None:
    base = {"ASSO_DOCTOR_SHELL": "zsh", "ASSO_DOCTOR_SHELL_VERSION": "5.9"}
    ours = check_shell({**base, "ASSO_DOCTOR_ASP": "asso"})
    assert statuses(ours)[1:] == [("asp", OK)]
    theirs = check_shell({**base, "ASSO_DOCTOR_ASP": "/omz/plugins/aws/aws.plugin.zsh"})
    assert statuses(theirs)[1:] == [("asp", FAIL)]
    assert theirs[1].message == "`asp` is not asso's: it comes from /omz/plugins/aws/aws.plugin.zsh"
    for shell, example in (
        ("zsh", "RPROMPT='${ASSO_PROMPT}'"),
        ("bash", "PS1='${ASSO_PROMPT} '$PS1"),
    ):
        missing = check_shell({**base, "ASSO_DOCTOR_SHELL": shell, "ASSO_DOCTOR_PROMPT": "0"})
        assert statuses(missing)[1:] == [("prompt", WARN)]
        assert missing[1].fix and missing[1].fix.startswith(f"e.g. {example};")
    shown = check_shell({**base, "ASSO_DOCTOR_PROMPT": "p10k asso"})
    assert statuses(shown)[1:] == [("prompt", OK)]
    assert shown[1].message == "the prompt shows asso (p10k asso)"


def test_state_dir_writable_even_before_it_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for state in (tmp_path, tmp_path / "not yet" / "there 日本"):
        monkeypatch.setenv("ASSO_STATE_DIR", str(state))
        [check] = check_state_dir()
        assert (check.name, check.status) == ("state-dir", OK)
        assert check.message == f"{state} is writable"


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write anywhere")
def test_state_dir_not_writable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        monkeypatch.setenv("ASSO_STATE_DIR", str(locked / "asso"))
        [check] = check_state_dir()
        assert check.status == FAIL
        assert check.fix and "ASSO_STATE_DIR" in check.fix
    finally:
        locked.chmod(0o700)
