"""The helper as the shell runs it: a subprocess with its own HOME, checked on output and exit code."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from asso import __version__
from asso.digest import sha1_hex
from asso.errors import ExitCode
from asso.shell.state import RECORD_NAMES, decode_records

from ..support.probe import run_probe
from ..support.samples import START_URL

if TYPE_CHECKING:
    from ..conftest import AwsHome


CONFIG = f"""
[default]
region = us-west-1

[profile sso-new]
sso_session = my-sso
sso_account_id = 222222222222
sso_role_name = Admin
sso_account_name = Production
region = eu-central-1

[sso-session my-sso]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile sso-legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Legacy

[profile deployer]
role_arn = arn:aws:iam::333333333333:role/path/to/Deployer
source_profile = sso-new

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret
region = ap-south-1

[profile process]
credential_process = /bin/false

[profile webid]
role_arn = arn:aws:iam::888888888888:role/Web
web_identity_token_file = /nonexistent/token

[profile broken-chain]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = broken-chain

[profile production-admin]
region = us-east-2

[profile production-readonly]
region = us-east-2
"""

RESOLVE_KEYS = {
    "profile",
    "kind",
    "account_id",
    "account_name",
    "role",
    "region",
    "region_source",
    "sso_session",
    "start_url",
    "token_state",
    "expires_at",
}
EXPIRES_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


@pytest.fixture
def home(aws_home: AwsHome) -> AwsHome:
    aws_home.write_config(CONFIG)
    aws_home.write_token("my-sso", expires_in=4 * 3600)
    return aws_home


def resolve(home: AwsHome, *args: str, **env: str) -> dict[str, Any]:
    result = home.run_helper("resolve", "--json", *args, **env)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    data: dict[str, Any] = json.loads(result.stdout)
    assert set(data) >= RESOLVE_KEYS
    assert data["expires_at"] is None or EXPIRES_RE.fullmatch(data["expires_at"])
    return data


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("asso: ")
    assert result.stdout == ""
    return lines[0]


# ---------------------------------------------------------------------------------------------
# asso resolve


def test_resolve_sso_session(home: AwsHome) -> None:
    data = resolve(home, AWS_PROFILE="sso-new")
    expected_expiry = json.loads(home.token_file("my-sso").read_text())["expiresAt"]
    assert {k: data[k] for k in RESOLVE_KEYS} == {
        "profile": "sso-new",
        "kind": "sso",
        "account_id": "222222222222",
        "account_name": "Production",
        "role": "Admin",
        "region": "eu-central-1",
        "region_source": "profile",
        "sso_session": "my-sso",
        "start_url": START_URL,
        "token_state": "valid",
        "expires_at": expected_expiry,
    }


def test_resolve_sso_legacy_without_token(home: AwsHome) -> None:
    data = resolve(home, "--profile", "sso-legacy")
    assert (data["kind"], data["account_id"], data["role"]) == ("sso", "111111111111", "Legacy")
    assert (data["sso_session"], data["start_url"]) == (None, START_URL)
    assert (data["token_state"], data["expires_at"]) == ("missing", None)
    assert (data["region"], data["region_source"]) == (None, None)


def test_resolve_legacy_token_by_start_url(home: AwsHome) -> None:
    home.write_token(START_URL, expires_in=-60)
    data = resolve(home, "--profile", "sso-legacy")
    assert data["token_state"] == "expired"
    assert EXPIRES_RE.fullmatch(data["expires_at"])


def test_resolve_role_chain_uses_source_token(home: AwsHome) -> None:
    data = resolve(home, AWS_PROFILE="deployer")
    assert (data["kind"], data["account_id"], data["role"]) == ("role", "333333333333", "Deployer")
    assert (data["sso_session"], data["token_state"]) == ("my-sso", "valid")


@pytest.mark.parametrize(
    ("profile", "kind", "account_id", "role", "region"),
    [
        ("static", "static", None, None, "ap-south-1"),
        ("process", "process", None, None, None),
        ("webid", "web_identity", "888888888888", "Web", None),
        ("default", "none", None, None, "us-west-1"),
    ],
)
def test_resolve_other_kinds(
    home: AwsHome, profile: str, kind: str, account_id: Any, role: Any, region: Any
) -> None:
    data = resolve(home, "--profile", profile)
    assert (data["profile"], data["kind"], data["account_id"], data["role"]) == (
        profile,
        kind,
        account_id,
        role,
    )
    assert data["region"] == region
    assert (data["token_state"], data["expires_at"], data["sso_session"]) == (None, None, None)


def test_resolve_refreshable(home: AwsHome) -> None:
    home.write_token("my-sso", expires_in=300, refreshable=True)
    assert resolve(home, AWS_PROFILE="sso-new")["token_state"] == "refreshable"


@pytest.mark.parametrize(
    ("env", "region", "source"),
    [
        ({}, "eu-central-1", "profile"),
        ({"AWS_DEFAULT_REGION": "sa-east-1"}, "sa-east-1", "env"),
        ({"AWS_REGION": "ca-central-1", "AWS_DEFAULT_REGION": "sa-east-1"}, "ca-central-1", "env"),
    ],
)
def test_region_precedence(home: AwsHome, env: dict[str, str], region: str, source: str) -> None:
    data = resolve(home, AWS_PROFILE="sso-new", **env)
    assert (data["region"], data["region_source"]) == (region, source)


@pytest.mark.parametrize(
    ("env", "profile"),
    [
        ({}, "default"),
        ({"AWS_DEFAULT_PROFILE": "static"}, "static"),
        ({"AWS_PROFILE": "sso-new", "AWS_DEFAULT_PROFILE": "static"}, "sso-new"),
    ],
)
def test_active_profile_precedence(home: AwsHome, env: dict[str, str], profile: str) -> None:
    assert resolve(home, **env)["profile"] == profile


def test_profile_option_beats_environment(home: AwsHome) -> None:
    assert resolve(home, "--profile", "static", AWS_PROFILE="sso-new")["profile"] == "static"


def test_resolve_plain_text(home: AwsHome) -> None:
    result = home.run_helper("resolve", AWS_PROFILE="sso-new")
    assert result.returncode == 0
    assert "profile: sso-new" in result.stdout.splitlines()
    assert "account_id: 222222222222" in result.stdout.splitlines()


def test_unknown_profile(home: AwsHome) -> None:
    result = home.run_helper("resolve", "--json", AWS_PROFILE="production")
    line = assert_one_line_error(result, ExitCode.PROFILE_NOT_FOUND)
    assert "'production'" in line
    assert str(home.config) in line
    assert "production-admin" in line and "production-readonly" in line


def test_unknown_profile_without_config(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("resolve", "--json", AWS_PROFILE="ghost")
    line = assert_one_line_error(result, ExitCode.PROFILE_NOT_FOUND)
    assert "'ghost'" in line and str(aws_home.config) in line


@pytest.mark.parametrize(
    "config",
    [
        "[profile a]\nregion = x\n[profile a]\nregion = y\n",
        "region = x\n",
        "[profile a]\nregion = x\nregion = y\n",
    ],
    ids=["duplicate-section", "no-header", "duplicate-key"],
)
def test_unparseable_config(aws_home: AwsHome, config: str) -> None:
    aws_home.write_config(config)
    line = assert_one_line_error(aws_home.run_helper("resolve", "--json"), 3)
    assert str(aws_home.config) in line
    line = assert_one_line_error(aws_home.run_helper("profiles", "--json"), 3)
    assert str(aws_home.config) in line


def test_non_utf8_config(aws_home: AwsHome) -> None:
    aws_home.config.write_bytes(b"[default]\nregion = caf\xe9\n")
    assert_one_line_error(aws_home.run_helper("resolve", "--json"), 3)


def test_broken_role_chain(home: AwsHome) -> None:
    line = assert_one_line_error(home.run_helper("resolve", "--profile", "broken-chain"), 3)
    assert "broken-chain" in line and "Infinite loop" in line


# ---------------------------------------------------------------------------------------------
# asso profiles, --version, regions


def test_profiles_json(home: AwsHome) -> None:
    result = home.run_helper("profiles", "--json")
    assert result.returncode == 0, result.stderr
    listing = json.loads(result.stdout)
    by_name = {entry["profile"]: entry for entry in listing}
    assert set(by_name) == {
        "default",
        "sso-new",
        "sso-legacy",
        "deployer",
        "static",
        "process",
        "webid",
        "broken-chain",
        "production-admin",
        "production-readonly",
    }
    assert len(listing) == len(by_name)
    assert by_name["sso-new"]["token_state"] == "valid"
    assert by_name["deployer"]["token_state"] == "valid"
    assert by_name["sso-legacy"]["token_state"] == "missing"
    assert by_name["static"]["token_state"] is None
    assert by_name["broken-chain"]["error"]  # listed, with its problem, not fatal
    for entry in listing:
        assert set(entry) >= RESOLVE_KEYS


def test_profiles_include_credentials_file(home: AwsHome) -> None:
    home.write_credentials("[creds-only]\naws_access_key_id = K\naws_secret_access_key = S\n")
    result = home.run_helper("profiles", "--names")
    assert result.returncode == 0
    assert "creds-only" in result.stdout.splitlines()


def test_profiles_names_null(home: AwsHome) -> None:
    result = home.run_helper("profiles", "--names", "--null")
    assert result.returncode == 0
    assert result.stdout.endswith("\0")
    names = result.stdout.split("\0")[:-1]
    assert names[:3] == ["default", "sso-new", "sso-legacy"]
    assert len(names) == 10 and "\n" not in result.stdout
    newline = home.run_helper("profiles", "--names")
    assert newline.stdout.splitlines() == names


def test_profiles_table(home: AwsHome) -> None:
    result = home.run_helper("profiles")
    assert result.returncode == 0
    assert "PROFILE" in result.stdout and "sso-new" in result.stdout
    assert "\x1b[" not in result.stdout  # TERM=dumb, not a tty: no colour


def test_version(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"asso {__version__}"


def test_regions(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("regions")
    assert result.returncode == 0
    regions = result.stdout.splitlines()
    assert "us-east-1" in regions and "eu-west-1" in regions
    assert len(regions) == len(set(regions))


def test_regions_check(aws_home: AwsHome) -> None:
    known = aws_home.run_helper("regions", "--check=eu-west-1")
    assert (known.returncode, known.stdout, known.stderr) == (0, "", "")
    future = aws_home.run_helper("regions", "--check=moon-base-9")
    assert future.returncode == 0
    assert "moon-base-9" in future.stderr
    bad = aws_home.run_helper("regions", "--check=not a region")
    assert_one_line_error(bad, ExitCode.USAGE)


def test_no_command_logs_in_to_the_active_profile(aws_home: AwsHome) -> None:
    result = aws_home.run_helper()
    assert_one_line_error(result, ExitCode.PROFILE_NOT_FOUND)
    assert "'default'" in result.stderr


def test_an_unknown_option_is_usage(aws_home: AwsHome) -> None:
    result = aws_home.run_helper("--no-such-option")
    assert result.returncode == ExitCode.USAGE
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------------------------------------
# Import discipline: the prompt path never loads boto3 or botocore

_PROBE = """
import json, sys
sys.argv = ["asso", *json.loads(sys.argv[1])]
from asso.cli.main import main
rc = main()
heavy = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore", "typing", "dataclasses"))
sys.stderr.write("\\nPROBE " + json.dumps({"rc": rc, "heavy": heavy}) + "\\n")
"""


def probe(home: AwsHome, *args: str, **env: str) -> dict[str, Any]:
    return run_probe(_PROBE, args, {**home.env, **env})


@pytest.mark.parametrize(
    "args",
    [
        ("resolve", "--json"),
        ("resolve",),
        ("profiles", "--json"),
        ("profiles",),
        ("profiles", "--names", "--null"),
        ("_shell-state", "--shell=zsh", "--key=k", "--format=", "--region-display=env"),
        ("_shell-state", "--shell=zsh", "--key=k", "--validate=deploy"),
        ("resolve", "--profile", "deploy"),
        ("profiles", "--picker"),
        ("console", "--services"),  # the list --service takes
        ("_choices", "service"),  # completion of console --service
        ("console", "sso-new", "--portal", "--print", "--service", "s3"),  # no network
    ],
    ids=lambda a: " ".join(a),
)
def test_prompt_path_does_not_import_boto(
    home: AwsHome, tmp_path: Path, args: tuple[str, ...]
) -> None:
    if args[0] == "_shell-state":
        args = (*args, f"--out={tmp_path / 'state'}")
    report = probe(home, *args, AWS_PROFILE="deployer")
    assert report["rc"] == 0
    assert report["heavy"] == []
    if args[0] == "_shell-state":
        assert (tmp_path / "state").is_file()


# ---------------------------------------------------------------------------------------------
# The _shell-state protocol


def shell_state(
    home: AwsHome, out: Path, *extra: str, **env: str
) -> subprocess.CompletedProcess[str]:
    return home.run_helper(
        "_shell-state",
        "--shell=zsh",
        "--key=the-key",
        "--format={profile}",
        "--region-display=env",
        f"--out={out}",
        *extra,
        **env,
    )


def records_of(path: Path) -> list[tuple[str, str]]:
    records = decode_records(path.read_bytes())
    names = [name for name, _ in records]
    assert set(names) <= set(RECORD_NAMES), names
    assert records[-1] == ("end", "1")
    assert names.count("end") == 1
    # First which write this is (a shell that loaded another one reloads), then the key.
    assert records[0][0] == "gen" and records[0][1].split(".")[0].isdigit()
    assert records[1] == ("key", "the-key")
    return records


def test_shell_state_records(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    result = shell_state(home, out, AWS_PROFILE="deployer", AWS_REGION="eu-west-1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    records = dict(records_of(out)[:-1])
    assert records["profile"] == "deployer"
    assert records["kind"] == "role"
    assert records["account_id"] == "333333333333"
    assert records["role"] == "Deployer"
    assert (records["region"], records["region_source"]) == ("eu-west-1", "env")
    assert records["token_state"] == "valid"
    assert records["expires_at"].isdigit()
    assert records["prompt"] == "deployer"
    assert "error" not in records


def test_shell_state_watch_records(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    assert shell_state(home, out, AWS_PROFILE="sso-new").returncode == 0
    watches = [value for name, value in records_of(out) if name == "watch"]
    expected = [
        "+" + str(home.config),
        "-" + str(home.credentials),
        "+" + str(home.token_file("my-sso")),
    ]
    assert [w for w in watches if w in expected] == expected
    for entry in watches:
        assert entry[0] == ("+" if os.path.exists(entry[1:]) else "-"), entry
        assert os.path.isabs(entry[1:])
    legacy_token = home.sso_cache / (sha1_hex(START_URL) + ".json")
    assert shell_state(home, out, AWS_PROFILE="sso-legacy").returncode == 0
    watches = [value for name, value in records_of(out) if name == "watch"]
    assert "-" + str(legacy_token) in watches


def test_shell_state_stamp_is_before_the_command(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    before_ns = time.time_ns()
    assert shell_state(home, out, AWS_PROFILE="sso-new").returncode == 0
    after_ns = time.time_ns()
    st = os.stat(out)
    # The stamp: set back to when the command started, before it read any input.
    assert before_ns - 1_000_000_000 < st.st_mtime_ns < after_ns
    assert st.st_mtime_ns < st.st_ctime_ns
    # A watched file written after the command is newer than the stamp.
    home.write_config(CONFIG + "\n[profile later]\n")
    assert os.stat(home.config).st_mtime_ns > st.st_mtime_ns


def test_shell_state_validate_unknown(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    result = shell_state(home, out, "--validate=nope")
    assert result.returncode == ExitCode.PROFILE_NOT_FOUND
    assert "nope" in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_shell_state_validate_broken(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    result = shell_state(home, out, "--validate=broken-chain")
    assert result.returncode == ExitCode.CONFIG
    assert not out.exists()


def test_shell_state_validate_ok(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    assert shell_state(home, out, "--validate=static", AWS_PROFILE="sso-new").returncode == 0
    assert dict(records_of(out))["profile"] == "static"


def test_shell_state_bad_config_is_a_record(aws_home: AwsHome, tmp_path: Path) -> None:
    aws_home.write_config("[profile a]\n[profile a]\n")
    out = tmp_path / "state"
    result = shell_state(aws_home, out, AWS_PROFILE="a")
    assert result.returncode == 0, result.stderr
    records = records_of(out)
    values = dict(records)
    assert "Unable to parse config file" in values["error"]
    assert values["profile"] == "a"
    assert "prompt" in values
    assert "+" + str(aws_home.config) in [v for n, v in records if n == "watch"]


def test_shell_state_unknown_active_profile_is_a_record(home: AwsHome, tmp_path: Path) -> None:
    out = tmp_path / "state"
    assert shell_state(home, out, AWS_PROFILE="ghost").returncode == 0
    values = dict(records_of(out))
    assert values["profile"] == "ghost"
    assert "ghost" in values["error"]


def test_shell_state_to_stdout(home: AwsHome) -> None:
    result = subprocess.run(
        [str(Path(sys.executable).parent / "asso"), "_shell-state", "--shell=bash", "--key=k"],
        env={**home.env, "AWS_PROFILE": "static"},
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0
    records = decode_records(result.stdout)
    assert records[0][0] == "gen" and records[1] == ("key", "k") and records[-1] == ("end", "1")
    assert dict(records)["profile"] == "static"


@pytest.mark.parametrize(
    "args",
    [
        ("--shell=fish",),
        ("--shell=zsh", "--bogus=1"),
        ("--shell=zsh", "positional"),
    ],
)
def test_shell_state_usage_errors(aws_home: AwsHome, args: tuple[str, ...]) -> None:
    result = aws_home.run_helper("_shell-state", *args)
    assert_one_line_error(result, ExitCode.USAGE)
