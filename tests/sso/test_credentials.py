"""asso.sso.credentials: botocore's chain with the CLI's cache, asso's lock and login rules."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from loginkit import LoginHome, count

from asso.aws.config import SsoSession
from asso.aws.rolecreds import REUSE_MARGIN, Credentials, assume_role_key, sso_key
from asso.errors import ExitCode
from tests.conftest import HELPER, START_URL
from tests.shell.tmux import TmuxShell, requires_tmux

GET = """
import json, sys
from asso.sso.credentials import get_credentials
from asso.errors import AssoError
try:
    c = get_credentials(sys.argv[1], interactive=False)
except AssoError as e:
    print(json.dumps({"error": type(e).__name__, "code": e.exit_code, "message": str(e)}))
else:
    print(json.dumps({"kind": c.kind, "id": c.access_key_id, "exp": c.expiration,
                      "repr": repr(c), "secret": c.secret_access_key, "token": c.session_token}))
"""


def get(home: LoginHome, profile: str) -> dict[str, object]:
    result = home.python(GET, profile)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


def cache_file(home: LoginHome) -> str:
    key = sso_key("222222222222", "ReadOnlyAccess", SsoSession(START_URL, "us-east-1", "my-sso"))
    return str(home.aws / "cli" / "cache" / (key + ".json"))


def test_sso_credentials_are_fetched_once_and_cached_as_botocore_does(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    first = get(home, "prod")
    assert first["kind"] == "sso"
    issued = home.emu.issued_role_credentials[-1]
    assert first["id"] == issued["accessKeyId"] and first["secret"] == issued["secretAccessKey"]
    assert issued["secretAccessKey"] not in str(first["repr"])
    assert issued["sessionToken"] not in str(first["repr"])
    path = cache_file(home)
    st = os.stat(path)
    assert stat.S_IMODE(st.st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(path)).st_mode) == 0o700
    data = json.loads(Path(path).read_text())
    assert data["ProviderType"] == "sso" and data["Credentials"]["AccessKeyId"] == first["id"]
    # The second call reads the cache: no second GetRoleCredentials.
    assert get(home, "prod")["id"] == first["id"]
    assert count(home.emu, "GetRoleCredentials") == 1


def test_credentials_inside_the_reuse_margin_are_fetched_again(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    get(home, "prod")
    path = cache_file(home)
    data = json.loads(Path(path).read_text())
    import time

    data["Credentials"]["Expiration"] = time.strftime(
        "%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + REUSE_MARGIN - 120)
    )
    with open(path, "w") as handle:
        json.dump(data, handle)
    again = get(home, "prod")
    assert count(home.emu, "GetRoleCredentials") == 2
    assert again["id"] == home.emu.issued_role_credentials[-1]["accessKeyId"]


def test_an_ended_session_without_a_terminal_is_exit_7(home: LoginHome) -> None:
    result = get(home, "other")
    assert result["error"] == "NotLoggedInError" and result["code"] == 7
    assert "asso login other" in str(result["message"])
    assert count(home.emu, "GetRoleCredentials") == 0 and not home.browser_urls()


def test_static_keys_come_through_botocore(home: LoginHome) -> None:
    result = get(home, "keys")
    assert result["kind"] == "static" and result["exp"] is None
    assert result["id"] == "AKIAEXAMPLEEXAMPLE00"


def test_unknown_profile_is_exit_4(home: LoginHome) -> None:
    result = get(home, "nope")
    assert result["code"] == 4


def test_repr_hides_secrets() -> None:
    creds = Credentials("ASIAEXAMPLEKEY123456", "s3cr3t/key", "tok+en", 1.0, "sso")
    shown = repr(creds)
    assert "s3cr3t" not in shown and "tok+en" not in shown and "EXAMPLEKEY" not in shown


def test_a_role_chain_assumes_the_role_with_the_sso_credentials(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    first = get(home, "deployer")
    assert first["kind"] == "role"
    (assumed,) = home.emu.assumed_roles
    assert assumed["RoleArn"] == "arn:aws:iam::999988887777:role/Deployer"
    # The source profile's SSO credentials signed the AssumeRole call.
    assert assumed["caller"] == home.emu.issued_role_credentials[-1]["accessKeyId"]
    assert first["id"] == assumed["accessKeyId"] and first["secret"] == assumed["secretAccessKey"]
    # Cached under botocore's AssumeRole key, read again without a second call.
    key = assume_role_key({"role_arn": assumed["RoleArn"]})
    assert (home.aws / "cli" / "cache" / (key + ".json")).is_file()
    probe = (
        "import sys\nfrom asso.aws.config import load_config, describe\n"
        "from asso.aws.rolecreds import cached_credentials\n"
        "c = load_config(); print(cached_credentials(c, describe(c, 'deployer')).access_key_id)\n"
        "assert 'botocore' not in sys.modules\n"
    )
    result = home.python(probe)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == first["id"]
    assert get(home, "deployer")["id"] == first["id"] and len(home.emu.assumed_roles) == 1


def test_mfa_without_a_terminal_is_exit_7(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    with home.config.open("a") as handle:
        handle.write(
            "\n[profile mfa]\nrole_arn = arn:aws:iam::999988887777:role/Guarded\n"
            "source_profile = prod\nmfa_serial = arn:aws:iam::222222222222:mfa/me\n"
        )
    result = get(home, "mfa")
    assert result["code"] == 7 and "MFA" in str(result["message"])
    assert home.emu.assumed_roles == []


def test_aws_refusing_a_role_is_exit_9(home: LoginHome) -> None:
    assert home.asso("login", "prod").returncode == 0
    home.emu.inject("AssumeRole", status=403, error_type="AccessDenied")
    result = get(home, "deployer")
    assert result["code"] == ExitCode.CREDENTIALS and "AccessDenied" in str(result["message"])


@requires_tmux
def test_mfa_in_a_terminal_prompts_for_the_code(home: LoginHome, tmp_path: Path) -> None:
    assert home.asso("login", "prod").returncode == 0
    with home.config.open("a") as handle:
        handle.write(
            "\n[profile mfa]\nrole_arn = arn:aws:iam::999988887777:role/Guarded\n"
            "source_profile = prod\nmfa_serial = arn:aws:iam::222222222222:mfa/me\n"
        )
    out = tmp_path / "out.json"
    script = f"{HELPER} export mfa > {out}; echo done=$?"
    term = TmuxShell(["sh", "-c", script + "; sleep 30"], home.env, tmp_path)
    try:
        term.wait_text("MFA", timeout=60)
        term.type("123456")
        term.wait_text("done=0", timeout=60)
    finally:
        term.close()
    (assumed,) = home.emu.assumed_roles
    assert assumed["SerialNumber"] == "arn:aws:iam::222222222222:mfa/me" and assumed["TokenCode"]
    assert json.loads(out.read_text())["AccessKeyId"] == assumed["accessKeyId"]
