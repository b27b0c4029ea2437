"""`asso doctor` on healthy and broken set-ups: exit status, findings, what to fix."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import pytest

from ..conftest import SHELLS, AwsHome
from ..support.awscli import aws_only_bin
from ..support.env import SYSTEM_BIN
from .conftest import run


def fake_aws(directory: Path, version: str) -> Path:
    """An `aws` that only answers --version: a fake on purpose, for versions that cannot run here
    (a v1, an old v2) and orders of them on PATH; the real v2 is checked in
    test_real_aws_cli_v2_is_detected."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "aws"
    path.write_text(f"#!/bin/sh\necho '{version} Python/3.11.6 Linux/6.1 exe/x86_64'\n")
    path.chmod(0o755)
    return directory


def doctor_env(home: AwsHome, *aws_dirs: Path, **extra: str) -> dict[str, str]:
    """No display, no BROWSER, a PATH with only the given AWS CLIs and the system's programs
    (without any `aws` the host has: the sandbox's system directory leaves it out)."""
    env = {k: v for k, v in home.env.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env["PATH"] = os.pathsep.join([*map(str, aws_dirs), str(SYSTEM_BIN)])
    env.update(extra)
    return env


def doctor(home: AwsHome, env: dict[str, str], *args: str) -> tuple[int, dict[str, Any]]:
    import subprocess

    from ..conftest import HELPER

    result = subprocess.run(
        [str(HELPER), "doctor", "--json", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "Traceback" not in result.stderr, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is (result.returncode == 0)
    return result.returncode, {c["name"] + ":" + c["status"]: c for c in report["checks"]}


def statuses(checks: dict[str, Any]) -> dict[str, str]:
    return {key.split(":")[0]: key.split(":")[1] for key in checks}


@pytest.fixture
def healthy(home: AwsHome) -> dict[str, str]:
    return doctor_env(home, fake_aws(home.root / "v2", "aws-cli/2.15.0"), BROWSER="/bin/true")


def test_healthy(home: AwsHome, healthy: dict[str, str]) -> None:
    rc, checks = doctor(home, healthy)
    assert rc == 0
    assert statuses(checks) == {
        "helper": "ok",
        "shell": "skip",  # run outside the plugin: said, not failed
        "state-dir": "ok",
        "profiles": "ok",
        "clock": "ok",
        "aws-cli": "ok",
        "browser": "ok",
    }
    assert "aws-cli/2.15.0" in checks["aws-cli:ok"]["message"]
    assert checks["profiles:ok"]["message"].startswith("6 profiles, 2 sso-sessions")


def test_text_report(home: AwsHome, healthy: dict[str, str]) -> None:
    result = home.run_helper("doctor", **{k: v for k, v in healthy.items() if k != "HOME"})
    assert result.returncode == 0
    assert result.stdout.splitlines()[-1] == "Everything looks right."
    assert "✓ helper" in result.stdout or "ok helper" in result.stdout


def test_missing_helper_path(home: AwsHome, healthy: dict[str, str]) -> None:
    data = Path(home.env["ASSO_DATA_DIR"])
    data.mkdir(parents=True)
    (data / "helper-path").write_text("/nonexistent/venv/bin/asso\n")
    rc, checks = doctor(home, healthy)
    assert rc == 1
    check = checks["helper-path:fail"]
    assert "/nonexistent/venv/bin/asso" in check["message"]
    assert "not an executable file" in check["message"]
    assert "install.sh" in check["fix"]


@pytest.mark.parametrize("shell", SHELLS)
def test_plugin_without_a_helper(shell: str, home: AwsHome) -> None:
    env = {**home.env, "ASSO_HELPER": str(home.root / "gone" / "asso")}
    result = run(shell, "_asso_doctor doctor; echo rc=$?", env)
    assert result.stdout.strip() == "rc=1"
    assert "gone/asso: not an executable file" in result.stderr
    assert "install.sh" in result.stderr


def test_unparsable_config(home: AwsHome, healthy: dict[str, str]) -> None:
    home.write_config("this line has no section\n[profile x]\nregion = eu-west-1\n")
    rc, checks = doctor(home, healthy)
    assert rc == 1
    message = checks["config:fail"]["message"]
    assert "Unable to parse config file" in message and str(home.config) in message


def test_inconsistent_profiles(home: AwsHome, healthy: dict[str, str]) -> None:
    text = home.config.read_text()
    text += "\n[profile deployer]\nrole_arn = arn:aws:iam::999988887777:role/X\n"
    text += "source_profile = nowhere\n\n[profile lost]\nsso_session = missing\n"
    text += "sso_account_id = 1\nsso_role_name = R\n"
    home.write_config(text)
    rc, checks = doctor(home, healthy)
    assert rc == 1
    check = checks["profiles:fail"]
    assert check["message"].startswith("2 of 8 profiles")
    assert any("'deployer'" in d and "nowhere" in d for d in check["details"])
    assert any("'lost'" in d and "missing" in d for d in check["details"])


def test_token_from_the_future_means_a_wrong_clock(home: AwsHome, healthy: dict[str, str]) -> None:
    home.write_token("corp", expires_in=72 * 3600)
    rc, checks = doctor(home, healthy)
    assert rc == 1
    check = checks["clock:fail"]
    assert "clock" in check["message"] and "NTP" in check["fix"]
    assert any("expires in 3 days" in d and "12 h" in d for d in check["details"])
    # Someone whose sessions really last longer says so.
    rc, checks = doctor(home, healthy, "--max-session-hours", "80")
    assert rc == 0 and "clock:ok" in checks


def test_registration_and_file_times_from_the_future(
    home: AwsHome, healthy: dict[str, str]
) -> None:
    home.write_token("corp", refreshable=True, registration_expires_in=200 * 86400)
    later = time.time() + 3 * 3600
    path = home.write_token("old", expires_in=3600)
    os.utime(path, (later, later))
    rc, checks = doctor(home, healthy)
    assert rc == 1
    details = checks["clock:fail"]["details"]
    assert any("registration" in d and "issued in the future" in d for d in details)
    assert any("written 3h00m in the future" in d or "written 2h59m" in d for d in details)


def test_no_browser_is_a_warning(home: AwsHome) -> None:
    env = doctor_env(home, fake_aws(home.root / "v2", "aws-cli/2.15.0"))
    rc, checks = doctor(home, env)
    assert rc == 0
    check = checks["browser:warn"]
    assert "no browser can be opened from here" in check["message"]
    assert "no DISPLAY or WAYLAND_DISPLAY" in check["message"]
    assert "--no-browser" in check["fix"]
    rc, _ = doctor(home, env, "--strict")
    assert rc == 1


def test_aws_cli_versions(home: AwsHome) -> None:
    v1 = fake_aws(home.root / "v1", "aws-cli/1.18.69")
    v2 = fake_aws(home.root / "v2", "aws-cli/2.15.0")
    rc, checks = doctor(home, doctor_env(home, v1, v2, BROWSER="/bin/true"))
    assert rc == 0
    check = checks["aws-cli:warn"]
    assert "v1" in check["message"] and "before a v2" in check["message"]
    assert [d.split(": ")[1] for d in check["details"]] == ["aws-cli/1.18.69", "aws-cli/2.15.0"]
    _, checks = doctor(home, doctor_env(home, BROWSER="/bin/true"))
    assert "no `aws` on PATH" in checks["aws-cli:warn"]["message"]
    # The order decides: a v2 first is fine, whatever follows it.
    rc, checks = doctor(home, doctor_env(home, v2, v1, BROWSER="/bin/true"))
    assert rc == 0 and "aws-cli/2.15.0" in checks["aws-cli:ok"]["message"]


def test_real_aws_cli_v2_is_detected(home: AwsHome, tmp_path: Path) -> None:
    """The real AWS CLI v2 (from the vendored wheel): doctor reports its version, all fine."""
    real = aws_only_bin(tmp_path)
    rc, checks = doctor(home, doctor_env(home, real, BROWSER="/bin/true"))
    assert rc == 0
    assert checks["aws-cli:ok"]["message"].startswith("AWS CLI aws-cli/2.36.7 ")
    assert str(real / "aws") in checks["aws-cli:ok"]["message"]


def shell_doctor(shell: str, home: AwsHome, setup: str = "") -> tuple[int, dict[str, Any]]:
    env = doctor_env(home, fake_aws(home.root / "v2", "aws-cli/2.15.0"), BROWSER="/bin/true")
    result = run(shell, f'{setup}\n_asso_doctor doctor --json; echo "rc=$?"', env)
    *report, rc = result.stdout.splitlines()
    data = json.loads("\n".join(report))
    return int(rc.split("=")[1]), {c["name"] + ":" + c["status"]: c for c in data["checks"]}


@pytest.mark.parametrize("shell", SHELLS)
def test_from_the_shell(shell: str, home: AwsHome) -> None:
    prompt = "RPROMPT='${ASSO_PROMPT}'" if shell == "zsh" else "PS1='${ASSO_PROMPT} $ '"
    rc, checks = shell_doctor(shell, home, prompt)
    assert rc == 0
    assert checks["shell:ok"]["message"].startswith(shell + " ")
    assert checks["prompt-hook:ok"]["message"].endswith("installed once")
    assert "asp:ok" in checks and "plugin:fail" not in checks
    assert "helper-path:ok" in checks
    assert "prompt:ok" in checks


@pytest.mark.parametrize("shell", SHELLS)
@pytest.mark.parametrize("problem", ["twice", "missing"])
def test_hook_problems(shell: str, problem: str, home: AwsHome) -> None:
    if shell == "zsh":
        setup = "precmd_functions+=(_asso_precmd)" if problem == "twice" else "precmd_functions=()"
    else:
        setup = (
            'PROMPT_COMMAND="_asso_prompt_command;$PROMPT_COMMAND"'
            if problem == "twice"
            else "PROMPT_COMMAND="
        )
    rc, checks = shell_doctor(shell, home, setup)
    assert rc == 1
    message = checks["prompt-hook:fail"]["message"]
    assert ("installed 2 times" in message) if problem == "twice" else ("not installed" in message)
    assert "prompt:warn" in checks  # and nothing shows asso in this prompt


def test_foreign_asp(home: AwsHome) -> None:
    aws_plugin = home.root / "omz" / "plugins" / "aws" / "aws.plugin.zsh"
    aws_plugin.parent.mkdir(parents=True)
    aws_plugin.write_text("asp() { export AWS_PROFILE=$1; }\n")
    rc, checks = shell_doctor("zsh", home, f"source {str(aws_plugin)!r}")
    assert rc == 1
    check = checks["asp:fail"]
    assert str(aws_plugin) in check["message"] and "_asso_reclaim" in check["fix"]
