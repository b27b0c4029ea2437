"""The acceptance tests: what asso writes, botocore and boto3 use; what they write, asso reads.

And logout: one session only, or everything as ``aws sso logout`` does.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from asso.aws.rolecreds import sso_key as role_credential_key
from asso.emulator.idc import GRANT_REFRESH_TOKEN
from asso.errors import ExitCode

from ..conftest import START_URL, sha1_hex
from .loginkit import (
    LoginHome,
    Runner,
    assert_no_secrets,
    boto3_gets_credentials,
    count,
    oidc_requests,
)


def test_botocore_refreshes_the_file_asso_wrote(home: LoginHome, run: Runner) -> None:
    """A token with under 15 minutes left: botocore's SSOTokenProvider refreshes it through the
    emulator with the refresh token and registration asso stored, and rewrites the file."""
    emu = home.emu
    emu.access_token_ttl = 600
    assert run("login", "prod").returncode == 0
    old = home.token()
    emu.access_token_ttl = 8 * 3600
    emu.reset_log()
    assert boto3_gets_credentials(home, "prod")
    assert count(emu, "CreateToken", GRANT_REFRESH_TOKEN) == 1
    assert count(emu, "GetRoleCredentials") == 1
    new = home.token()
    assert new["accessToken"] != old["accessToken"]
    assert new["accessToken"] in emu.issued_access_tokens
    assert new["clientId"] == old["clientId"]
    # asso reads botocore's rewrite as a valid token with about 8 hours left.
    result = run("resolve", "--profile", "prod", "--json")
    state = json.loads(result.stdout)
    assert state["token_state"] == "valid" and state["expires_at"] == new["expiresAt"]
    assert_no_secrets(emu, home.outputs)


WRITE_WITH_BOTOCORE = """
import datetime, sys
from botocore.tokens import _sso_json_dumps
from botocore.utils import JSONFileCache, SSOTokenLoader
now = datetime.datetime.now(datetime.timezone.utc)
cache = JSONFileCache(sys.argv[1], dumps_func=_sso_json_dumps)
SSOTokenLoader(cache).save_token(sys.argv[2], {
    "startUrl": sys.argv[2], "region": "us-east-1", "accessToken": "botocore-written",
    "expiresAt": now + datetime.timedelta(hours=3),
    "clientId": "c", "clientSecret": "s",
    "registrationExpiresAt": now + datetime.timedelta(days=30), "refreshToken": "r",
}, session_name="my-sso")
print(_sso_json_dumps({"expiresAt": now + datetime.timedelta(hours=3)}))
"""


def test_asso_reads_the_file_botocore_writes(home: LoginHome, run: Runner) -> None:
    result = home.python(WRITE_WITH_BOTOCORE, str(home.sso_cache), START_URL)
    assert result.returncode == 0, result.stderr
    expires = json.loads(result.stdout)["expiresAt"]
    state = json.loads(run("resolve", "--profile", "prod", "--json").stdout)
    assert (state["token_state"], state["expires_at"]) == ("valid", expires)
    result = run("login", "prod")
    assert result.returncode == 0
    assert re.search(r"already logged in to sso-session my-sso, 2h59m left", result.stderr)
    assert oidc_requests(home.emu) == []


# The real AWS CLI v2 using what asso wrote: test_aws_cli_v2.py.


# -- logout ----------------------------------------------------------------------------------


def _cli_role_cache(home: LoginHome, account: str, role: str, session: dict[str, str]) -> Path:
    """A role-credential file as AWS CLI v2 caches it, named by botocore's formula."""
    key = json.dumps(
        {"accountId": account, "roleName": role, **session}, sort_keys=True, separators=(",", ":")
    )
    path = home.aws / "cli" / "cache" / (sha1_hex(key) + ".json")
    path.parent.mkdir(parents=True, exist_ok=True)
    expiry = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    path.write_text(
        json.dumps(
            {
                "ProviderType": "sso",
                "Credentials": {
                    "AccessKeyId": "ASIAEXAMPLE",
                    "SecretAccessKey": "x",
                    "SessionToken": "y",
                    "Expiration": expiry,
                    "AccountId": account,
                },
            }
        )
    )
    return path


def test_logout_of_one_session_leaves_the_others(home: LoginHome, run: Runner) -> None:
    emu = home.emu
    emu.device_auto_approve = True
    assert run("login", "prod").returncode == 0
    assert run("login", "legacy").returncode == 0
    session_token = home.token()["accessToken"]
    legacy_token = home.token(home.legacy_token)["accessToken"]
    prod = _cli_role_cache(home, "222222222222", "ReadOnlyAccess", {"sessionName": "my-sso"})
    admin = _cli_role_cache(home, "222222222222", "AdministratorAccess", {"sessionName": "my-sso"})
    legacy = _cli_role_cache(home, "111111111111", "AdministratorAccess", {"startUrl": START_URL})
    assert (
        prod.name
        == role_credential_key("222222222222", "ReadOnlyAccess", _session("my-sso")) + ".json"
    )
    registrations = {p.name for p in home.sso_cache.iterdir()} - {
        home.session_token.name,
        home.legacy_token.name,
    }

    result = run("logout", "deployer")  # a role profile: its source's session
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "asso: logged out of sso-session my-sso; removed 2 cached role credential(s)\n"
    )
    assert count(emu, "Logout") == 1
    assert not emu.is_access_token_valid(session_token)
    assert emu.is_access_token_valid(legacy_token)
    assert not home.session_token.exists() and home.legacy_token.exists()
    assert not prod.exists() and not admin.exists() and legacy.exists()
    assert registrations <= {p.name for p in home.sso_cache.iterdir()}  # kept, as the CLI does

    again = run("logout", "prod")
    assert again.returncode == 0 and again.stderr == "asso: not logged in to sso-session my-sso\n"
    assert count(emu, "Logout") == 1
    assert_no_secrets(emu, home.outputs)


def _session(name: str):  # type: ignore[no-untyped-def]
    from asso.aws.config import SsoSession

    return SsoSession(START_URL, "us-east-1", name)


def test_logout_all_does_what_aws_sso_logout_does(home: LoginHome, run: Runner) -> None:
    emu = home.emu
    emu.device_auto_approve = True
    assert run("login", "prod").returncode == 0
    assert run("login", "legacy").returncode == 0
    tokens = [home.token()["accessToken"], home.token(home.legacy_token)["accessToken"]]
    foreign = home.write_token("someone-elses-session", expires_in=3600)  # another tool's
    sso_creds = _cli_role_cache(home, "444444444444", "PowerUserAccess", {"sessionName": "x"})
    assume_role = home.aws / "cli" / "cache" / "assume-role.json"
    assume_role.write_text(json.dumps({"Credentials": {}, "ProviderType": "assume-role"}))
    registrations = [p for p in home.sso_cache.iterdir() if "accessToken" not in p.read_text()]
    assert registrations

    result = run("logout", "--all")
    assert result.returncode == 0, result.stderr
    assert result.stderr == (
        "asso: logged out of 3 SSO session(s), removed 1 cached role credential(s)\n"
    )
    assert count(emu, "Logout") == 3
    assert not any(emu.is_access_token_valid(t) for t in tokens)
    assert not home.session_token.exists() and not home.legacy_token.exists()
    assert not foreign.exists() and not sso_creds.exists() and assume_role.exists()
    assert all(p.exists() for p in registrations)
    assert run("logout", "--all", "prod").returncode == ExitCode.USAGE


def test_logout_when_the_server_is_unreachable_still_logs_out_locally(
    home: LoginHome, run: Runner
) -> None:
    home.emu.device_auto_approve = True
    assert run("login", "legacy").returncode == 0
    home.emu.inject("Logout", status=503, times=-1)
    result = run("logout", "legacy")
    assert result.returncode == ExitCode.NETWORK
    assert result.stderr.splitlines() == [
        f"asso: logged out of start URL {START_URL}",
        "asso: removed the token locally, but could not revoke it on the server: "
        "Identity Center failed to answer Logout (HTTP 503: Injected fault); try again later",
    ]
    assert not home.legacy_token.exists()
