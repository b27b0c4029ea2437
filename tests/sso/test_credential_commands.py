"""asso export, credential-process, exec and serve against the emulator, read by real boto3."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from loginkit import PYTHON, LoginHome, count

from asso.errors import ExitCode
from tests.conftest import HELPER

ENV_NAMES = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"]
ENV_NAMES += ["AWS_CREDENTIAL_EXPIRATION"]
ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00"

BOTO3_WHO = """
import json, boto3
c = boto3.Session().get_credentials()
f = c.get_frozen_credentials()
print(json.dumps({"method": c.method, "id": f.access_key, "secret": f.secret_key}))
"""


def issued(home: LoginHome) -> dict[str, str]:
    creds: dict[str, str] = home.emu.issued_role_credentials[-1]
    return creds


@pytest.fixture
def logged_in(home: LoginHome) -> LoginHome:
    assert home.asso("login", "prod").returncode == 0
    return home


@pytest.mark.parametrize(
    ("fmt", "line"),
    [
        ("env", "export {name}={value}"),
        ("env-no-export", "{name}={value}"),
        ("fish", 'set -gx {name} "{value}"'),
        ("powershell", '$Env:{name}="{value}"'),
        ("windows-cmd", "set {name}={value}"),
    ],
)
def test_export_line_formats_are_the_clis(logged_in: LoginHome, fmt: str, line: str) -> None:
    result = logged_in.asso("export", "prod", "--format", fmt)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    creds = issued(logged_in)
    values = [creds["accessKeyId"], creds["secretAccessKey"], creds["sessionToken"]]
    for name, value, got in zip(ENV_NAMES, values, lines):
        assert got == line.format(name=name, value=value)
    assert len(lines) == 4
    expiry = re.escape(line.format(name="AWS_CREDENTIAL_EXPIRATION", value="@")).replace("@", ISO)
    assert re.fullmatch(expiry, lines[3])
    assert result.stderr == ""


def test_export_env_evaluates_in_strict_shells(logged_in: LoginHome) -> None:
    for shell in (["bash", "--norc", "-euo", "pipefail"], ["zsh", "-f", "-euo", "pipefail"]):
        script = f'eval "$({HELPER} export prod --format env)"; echo "$AWS_ACCESS_KEY_ID"'
        proc = subprocess.run(
            [*shell, "-c", script], env=logged_in.env, capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == issued(logged_in)["accessKeyId"]


def test_export_process_is_credential_process_json_and_dotenv_has_the_region(
    logged_in: LoginHome,
) -> None:
    result = logged_in.asso("export", "prod")
    data = json.loads(result.stdout)
    assert list(data) == ["Version", "AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"]
    assert data["Version"] == 1 and re.fullmatch(ISO, data["Expiration"])
    dotenv = logged_in.asso("export", "prod", "--format", "dotenv").stdout.splitlines()
    assert dotenv[-2:] == ["AWS_REGION=eu-west-1", "AWS_DEFAULT_REGION=eu-west-1"]
    # One GetRoleCredentials for both: the second read the shared cache.
    assert count(logged_in.emu, "GetRoleCredentials") == 1


def test_export_failures_are_one_line(home: LoginHome) -> None:
    for args, code in [
        (["export", "other"], 7),  # session never logged in, no terminal
        (["export", "no-such-profile"], 4),
        (["export", "prod", "--format", "yaml"], 2),
        (["export", ""], 2),
    ]:
        result = home.asso(*args)
        assert result.returncode == code, (args, result.stderr)
        assert result.stdout == "" and "Traceback" not in result.stderr
    assert not home.browser_urls()


def test_credential_process_works_for_boto3_and_reads_no_botocore_when_cached(
    logged_in: LoginHome,
) -> None:
    home = logged_in
    with home.config.open("a") as handle:
        handle.write(
            f"\n[profile via-process]\ncredential_process = {HELPER} credential-process --profile prod\n"
        )
    env = {**home.env, "AWS_PROFILE": "via-process"}
    proc = subprocess.run(
        [PYTHON, "-c", BOTO3_WHO], env=env, capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    who = json.loads(proc.stdout)
    assert who["method"] == "custom-process" and who["id"] == issued(home)["accessKeyId"]
    # Cached now: answered without importing botocore.
    probe = (
        "import sys\nfrom asso.cli.main import main\n"
        "code = main(['credential-process', '--profile', 'prod'])\n"
        "assert code == 0 and not [m for m in sys.modules if m.startswith(('botocore', 'boto3'))]\n"
    )
    result = home.python(probe)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["AccessKeyId"] == who["id"]
    assert count(home.emu, "GetRoleCredentials") == 1


def test_exec_passes_credentials_region_and_exit_code(logged_in: LoginHome) -> None:
    script = 'printf "%s\\n" "$AWS_ACCESS_KEY_ID" "$AWS_REGION" "$ASSO_EXEC_PROFILE" "${AWS_PROFILE-unset}"; exit 42'
    result = logged_in.asso("exec", "prod", "--", "sh", "-c", script, AWS_PROFILE="legacy")
    assert result.returncode == 42, result.stderr
    assert result.stdout.splitlines() == [
        issued(logged_in)["accessKeyId"],
        "eu-west-1",
        "prod",
        "unset",
    ]
    # A region the shell chose wins over the profile's.
    result = logged_in.asso(
        "exec", "prod", "sh", "-c", 'echo "$AWS_REGION"', AWS_REGION="ap-south-1"
    )
    assert result.stdout.strip() == "ap-south-1"


def test_exec_refuses_over_keys_unless_forced(logged_in: LoginHome) -> None:
    result = logged_in.asso("exec", "prod", "--", "true", AWS_ACCESS_KEY_ID="AKIAUSERSOWN")
    assert result.returncode == 2 and "--force" in result.stderr
    result = logged_in.asso(
        "exec",
        "--force",
        "prod",
        "--",
        "sh",
        "-c",
        'echo "$AWS_ACCESS_KEY_ID"',
        AWS_ACCESS_KEY_ID="AKIAUSERSOWN",
    )
    assert result.returncode == 0 and result.stdout.strip() == issued(logged_in)["accessKeyId"]
    missing = logged_in.asso("exec", "prod", "--", "no-such-command-xyz")
    assert missing.returncode == 127 and missing.stderr.count("\n") == 1


@pytest.mark.parametrize("server", [False, True])
def test_exec_signals_reach_the_command(
    logged_in: LoginHome, tmp_path: os.PathLike[str], server: bool
) -> None:
    ready = os.path.join(str(tmp_path), "ready")
    script = f'trap "echo got-term; exit 43" TERM; : > {ready}; while :; do sleep 0.1; done'
    args = ["exec", *(["--server"] if server else []), "prod", "--", "sh", "-c", script]
    proc = logged_in.spawn(*args)
    deadline = time.monotonic() + 60
    while not os.path.exists(ready):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 43, err
    assert out.strip() == "got-term"


def test_exec_server_gives_an_endpoint_and_no_keys(logged_in: LoginHome) -> None:
    code = "import os;" + BOTO3_WHO.replace(
        "\nprint(", "\nprint(os.environ.get('AWS_ACCESS_KEY_ID'));print("
    )
    result = logged_in.asso("exec", "--server", "prod", "--", PYTHON, "-c", code, timeout=90)
    assert result.returncode == 0, result.stderr[-2000:]
    first, second = result.stdout.splitlines()
    assert first == "None"
    who = json.loads(second)
    assert who["method"] == "container-role" and who["id"] == issued(logged_in)["accessKeyId"]


def _start_serve(home: LoginHome, *args: str) -> tuple[subprocess.Popen[str], dict[str, str]]:
    proc = home.spawn("serve", "prod", *args)
    assert proc.stdout is not None
    variables: dict[str, str] = {}
    for _ in range(2):
        line = proc.stdout.readline()
        assert line.startswith("export "), (
            line,
            proc.stderr.read() if proc.poll() is not None else "",
        )
        name, _, value = line[len("export ") :].strip().partition("=")
        variables[name] = value
    return proc, variables


def test_serve_answers_with_the_token_only(logged_in: LoginHome) -> None:
    proc, variables = _start_serve(logged_in)
    try:
        url = variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"]
        token = variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]
        assert url.startswith("http://127.0.0.1:") and len(token) >= 32
        for header in (None, "wrong", token + "x", token[:-1]):
            request = urllib.request.Request(
                url, headers={"Authorization": header} if header else {}
            )
            with pytest.raises(urllib.error.HTTPError) as failure:
                urllib.request.urlopen(request, timeout=10)
            assert failure.value.code == 401
        request = urllib.request.Request(url, headers={"Authorization": token})
        with urllib.request.urlopen(request, timeout=10) as answer:
            data = json.loads(answer.read())
        assert data["AccessKeyId"] == issued(logged_in)["accessKeyId"] and data["Token"]
        env = {**logged_in.env, **variables}
        proc2 = subprocess.run(
            [PYTHON, "-c", BOTO3_WHO], env=env, capture_output=True, text=True, timeout=90
        )
        assert json.loads(proc2.stdout)["method"] == "container-role", proc2.stderr
    finally:
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err
    assert token not in err


def test_serve_warns_beyond_loopback_and_rejects_a_bad_port(logged_in: LoginHome) -> None:
    proc, _ = _start_serve(logged_in, "--bind", "127.0.0.2")
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    assert "warning: serving credentials on 127.0.0.2" in err
    bad = logged_in.asso("serve", "prod", "--port", "70000")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_fifty_credential_processes_on_an_ended_session_log_in_once(home: LoginHome) -> None:
    """aws-vault#337's failure mode: many tools at once must not open many browser tabs."""
    home.write_token("my-sso", expires_in=-60)  # ended, no refresh token
    controller, terminal = os.openpty()  # "in a terminal": a tty on stdin, as a shell gives
    try:
        procs = [
            subprocess.Popen(
                [str(HELPER), "credential-process", "--profile", "prod"],
                env=home.env,
                stdin=terminal,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(50)
        ]
        results = [(p.wait(timeout=240), *p.communicate()) for p in procs]
    finally:
        os.close(terminal)
        os.close(controller)
    for code, _, err in results:
        assert code == 0, err
    keys = {json.loads(out)["AccessKeyId"] for _, out, _ in results}
    assert keys == {issued(home)["accessKeyId"]}
    assert count(home.emu, "GetRoleCredentials") == 1
    assert count(home.emu, "CreateToken") == 1 and len(home.browser_urls()) == 1
    home.outputs += [err for _, _, err in results]


def test_cached_credential_process_loads_neither_botocore_nor_the_config_parser(
    logged_in: LoginHome,
) -> None:
    home = logged_in
    assert home.asso("credential-process", "--profile", "prod").returncode == 0  # remembers
    probe = (
        "import sys\nfrom asso.cli.main import main\n"
        "assert main(['credential-process', '--profile', 'prod']) == 0\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('botocore', 're', 'json', 'argparse')]\n"
        "assert not heavy, heavy\n"
    )
    result = home.python(probe)
    assert result.returncode == 0, result.stderr
    # The profile now means another role: the remembered cache key must not be used.
    text = home.config.read_text().replace(
        "sso_role_name = ReadOnlyAccess\nregion = eu-west-1",
        "sso_role_name = AdministratorAccess\nregion = eu-west-1",
    )
    home.config.write_text(text)
    result = home.asso("credential-process", "--profile", "prod")
    assert result.returncode == 0, result.stderr
    last = issued(home)
    assert last["roleName"] == "AdministratorAccess"
    assert json.loads(result.stdout)["AccessKeyId"] == last["accessKeyId"]


@pytest.mark.parametrize(
    ("extra", "args", "code"),
    [
        (
            "[profile failing]\ncredential_process = sh -c 'echo nope >&2; exit 3'\n",
            ["export", "failing"],
            ExitCode.CREDENTIALS,
        ),
        ("[profile bare]\nregion = eu-west-1\n", ["export", "bare"], 3),
        (
            "[profile loop]\nrole_arn = arn:aws:iam::1:role/x\nsource_profile = loop2\n"
            "[profile loop2]\nrole_arn = arn:aws:iam::1:role/y\nsource_profile = loop\n",
            ["credential-process", "--profile", "loop"],
            3,
        ),
        ("[profile broken\n", ["export", "prod"], 3),
        ("", ["export", "pro"], 8),  # prod and prod-admin
        ("", ["exec"], 2),
        ("", ["serve", "prod", "--bind", "256.0.0.1"], 2),
        ("", ["credential-process", "--profile", ""], 2),
    ],
)
def test_bad_input_is_one_line_and_a_documented_code(
    home: LoginHome, extra: str, args: list[str], code: int
) -> None:
    if extra:
        with home.config.open("a") as handle:
            handle.write("\n" + extra)
    result = home.asso(*args)
    assert result.returncode == code, result.stderr
    assert result.stdout == "" and "Traceback" not in result.stderr
    if code != 2:  # argparse's usage errors print the usage line too
        assert result.stderr.count("\n") == 1, result.stderr
