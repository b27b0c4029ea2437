"""Fixtures for the account directory, populate, status and demo tests: an emulator, a login."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Callable, Optional

import boto3
import pytest

from asso.aws import accounts as account_cache
from asso.emulator.idc import IdentityCenterEmulator, Organization

from ..conftest import START_URL, AwsHome

HELPER = Path(sys.executable).parent / "asso"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"

SESSION_CONFIG = f"""\
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access
"""


@pytest.fixture
def home(aws_home: AwsHome, monkeypatch: pytest.MonkeyPatch) -> AwsHome:
    """aws_home, with this process's environment pointing at it too (for in-process calls)."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ASSO_")):
            monkeypatch.delenv(name, raising=False)
    aws_home.env["AWS_CONFIG_FILE"] = str(aws_home.config)
    aws_home.env["AWS_SHARED_CREDENTIALS_FILE"] = str(aws_home.credentials)
    aws_home.env["AWS_EC2_METADATA_DISABLED"] = "true"
    for name, value in aws_home.env.items():
        if name not in ("PATH", "TERM", "LANG", "LC_ALL"):
            monkeypatch.setenv(name, value)
    account_cache.clear_memo()
    return aws_home


EmulatorFactory = Callable[..., IdentityCenterEmulator]


@pytest.fixture
def make_emulator(home: AwsHome, monkeypatch: pytest.MonkeyPatch) -> Iterator[EmulatorFactory]:
    """Start an emulator and route this process and home.env's helpers to it."""
    started: list[IdentityCenterEmulator] = []

    def make(org: Optional[Organization] = None, **kwargs: Any) -> IdentityCenterEmulator:
        kwargs.setdefault("device_auto_approve", True)
        emu = IdentityCenterEmulator(org or Organization.sample(), **kwargs).start()
        started.append(emu)
        for name, value in emu.env().items():
            monkeypatch.setenv(name, value)
            home.env[name] = value
        return emu

    yield make
    for emu in started:
        emu.stop()


def login(
    emu: IdentityCenterEmulator,
    home: AwsHome,
    session_or_url: str,
    *,
    start_url: str = START_URL,
    region: str = "us-east-1",
) -> str:
    """A device-code login against the emulator, cached as the AWS CLI caches it."""
    oidc = boto3.client("sso-oidc", region_name=region, endpoint_url=emu.url)
    client = oidc.register_client(
        clientName="asso-tests", clientType="public", scopes=["sso:account:access"]
    )
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=start_url
    )
    token = oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType=DEVICE_GRANT,
        deviceCode=device["deviceCode"],
    )
    now = time.time()
    data = {
        "startUrl": start_url,
        "region": region,
        "accessToken": token["accessToken"],
        "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + token["expiresIn"])),
        "clientId": client["clientId"],
        "clientSecret": client["clientSecret"],
        "registrationExpiresAt": time.strftime(
            "%Y-%m-%dT%H:%M:%SZ", time.gmtime(client["clientSecretExpiresAt"])
        ),
        "refreshToken": token.get("refreshToken"),
    }
    path = home.token_file(session_or_url)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({k: v for k, v in data.items() if v}, separators=(",", ":")))
    os.chmod(path, 0o600)
    return str(token["accessToken"])


def helper(home: AwsHome, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(HELPER), *args],
        env={**home.env, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def wait_for(predicate: Callable[[], Any], timeout: float = 15.0, step: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(step)
