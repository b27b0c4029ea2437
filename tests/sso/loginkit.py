"""Helpers for the login tests: an Identity Center emulator, a HOME pointed at it, a browser.

Every test talks to the emulator with real boto3/botocore clients (through
``AWS_ENDPOINT_URL_SSO_OIDC``/``AWS_ENDPOINT_URL_SSO``) from real ``asso`` processes; the
"browser" is fake_browser.py, started by asso through ``$BROWSER`` as a user's browser would be.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Callable, Optional

from asso.emulator.idc import IdentityCenterEmulator

from ..conftest import HELPER, START_URL, AwsHome, sha1_hex
from ..support.samples import KEYS, config, legacy_profile, profile, session, sso_profile

HERE = Path(__file__).resolve().parent
FAKE_BROWSER = HERE / "fake_browser.py"
PYTHON = sys.executable

CONFIG = config(
    session("my-sso", scopes=True),
    session(
        "other-sso", start_url="https://d-0000000000.awsapps.com/start", sso_region="eu-west-1"
    ),
    sso_profile("prod", "222222222222", "ReadOnlyAccess", "my-sso", region="eu-west-1"),
    sso_profile("prod-admin", "222222222222", "AdministratorAccess", "my-sso"),
    sso_profile("other", "333333333333", "ReadOnlyAccess", "other-sso"),
    legacy_profile("legacy", "111111111111", "AdministratorAccess"),
    profile("deployer", role_arn="arn:aws:iam::999988887777:role/Deployer", source_profile="prod"),
    KEYS,
)

SESSION_TOKEN = sha1_hex("my-sso") + ".json"
LEGACY_TOKEN = sha1_hex(START_URL) + ".json"


class LoginHome(AwsHome):
    """An AwsHome whose environment routes botocore to the emulator and $BROWSER to a fake."""

    def __init__(self, root: Path, emu: IdentityCenterEmulator) -> None:
        super().__init__(root)
        self.emu = emu
        self.browser_log = root / "browser.log"
        self.write_config(CONFIG)
        self.env.update(emu.env())
        self.env.update(
            {
                "BROWSER": f"{PYTHON} {FAKE_BROWSER}",
                "FAKE_BROWSER_LOG": str(self.browser_log),
                "AWS_EC2_METADATA_DISABLED": "true",
                "ASSO_LOGIN_TIMEOUT": "20",
                "ASSO_HTTP_TIMEOUT": "3",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        self.outputs: list[str] = []

    def asso(self, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(HELPER), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        self.outputs += [result.stdout, result.stderr]
        return result

    def spawn(self, *args: str, **env: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [str(HELPER), *args],
            env={**self.env, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )

    def python(
        self, code: str, *args: str, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """Run ``code`` in a fresh interpreter with this HOME (botocore reads HOME at import)."""
        result = subprocess.run(
            [PYTHON, "-c", code, *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        self.outputs += [result.stdout, result.stderr]
        return result

    @property
    def legacy_token_key(self) -> str:
        return START_URL

    @property
    def session_token(self) -> Path:
        return self.sso_cache / SESSION_TOKEN

    @property
    def legacy_token(self) -> Path:
        return self.sso_cache / LEGACY_TOKEN

    def token(self, path: Optional[Path] = None) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((path or self.session_token).read_text())
        return data

    def browser_urls(self) -> list[str]:
        if not self.browser_log.exists():
            return []
        return self.browser_log.read_text().splitlines()


class Result:
    """What an in-process ``asso`` run gave."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr


Runner = Callable[..., Result]


def count(emu: IdentityCenterEmulator, operation: str, grant: Optional[str] = None) -> int:
    return sum(
        1
        for r in emu.requests
        if r.operation == operation and (grant is None or r.body.get("grantType") == grant)
    )


def oidc_requests(emu: IdentityCenterEmulator) -> list[str]:
    """The operations a login made: all but the account directory's background fetch."""
    directory = ("ListAccounts", "ListAccountRoles")
    return [r.operation for r in emu.requests if r.operation not in directory]


def secrets_of(emu: IdentityCenterEmulator) -> set[str]:
    return (
        set(emu.issued_access_tokens)
        | set(emu.issued_refresh_tokens)
        | set(emu.client_secrets.values())
    )


def assert_no_secrets(emu: IdentityCenterEmulator, texts: Sequence[str]) -> None:
    """No access token, refresh token or client secret the emulator issued appears anywhere."""
    found = sorted({s[:12] for s in secrets_of(emu) for t in texts if s and s in t})
    assert not found, f"secrets leaked into output: {found}"


def assert_cli_token_format(path: Path, *, refresh: bool) -> dict[str, Any]:
    """The file as the AWS CLI writes it: its key order, Z times, mode 0600."""
    import re

    raw = path.read_text()
    data: dict[str, Any] = json.loads(raw)
    keys = ["startUrl", "region", "accessToken", "expiresAt", "clientId", "clientSecret"]
    keys += ["registrationExpiresAt"] + (["refreshToken"] if refresh else [])
    assert list(data) == keys
    for key in ("expiresAt", "registrationExpiresAt"):
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data[key]), data[key]
    assert not raw.endswith("\n")
    assert (path.stat().st_mode & 0o777) == 0o600
    return data


# Role credentials for a profile, through botocore's own SSO provider, in a fresh interpreter.
BOTO3_CREDENTIALS = """
import json, sys, boto3
creds = boto3.Session(profile_name=sys.argv[1]).get_credentials().get_frozen_credentials()
print(json.dumps({"ok": creds.access_key.startswith("ASIA") and bool(creds.token)}))
"""


def boto3_gets_credentials(home: LoginHome, profile: str) -> bool:
    result = home.python(BOTO3_CREDENTIALS, profile)
    assert result.returncode == 0, result.stderr[-2000:]
    return bool(json.loads(result.stdout)["ok"])


def env_without(env: dict[str, str], *names: str) -> dict[str, str]:
    return {k: v for k, v in env.items() if k not in names}
