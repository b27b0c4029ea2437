"""Shared fixtures: a throw-away HOME with AWS files, the installed helper, real shells."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

import pytest

from .support.env import sandbox_env, sandbox_process
from .support.samples import START_URL

# Before any test: pytest's own environment becomes the sandbox (fixed PATH, HOME and XDG dirs in
# a temporary directory, no AWS_*/ASSO_* of the host, connections only to 127.0.0.1).
sandbox_process()

REPO = Path(__file__).resolve().parent.parent
PLUGIN_ZSH = REPO / "plugin" / "asso.plugin.zsh"
PLUGIN_BASH = REPO / "plugin" / "asso.bash"
# The console script pip installed beside this interpreter (install.sh --dev).
HELPER = Path(sys.executable).parent / "asso"


def sha1_hex(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


class AwsHome:
    """A HOME directory with ~/.aws, and an environment that points only there."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.aws = self.home / ".aws"
        self.aws.mkdir(parents=True)
        self.config = self.aws / "config"
        self.credentials = self.aws / "credentials"
        self.sso_cache = self.aws / "sso" / "cache"
        self.state_dir = root / "state"
        self.cache_dir = root / "cache"
        self.env: dict[str, str] = sandbox_env(
            self.home,
            ASSO_STATE_DIR=str(self.state_dir),
            ASSO_CACHE_DIR=str(self.cache_dir),
            ASSO_CONFIG_DIR=str(root / "asso-config"),
            ASSO_DATA_DIR=str(root / "data"),
            ASSO_HELPER=str(HELPER),
        )

    def write_config(self, text: str) -> Path:
        self.config.write_text(text, encoding="utf-8")
        return self.config

    def write_credentials(self, text: str) -> Path:
        self.credentials.write_text(text, encoding="utf-8")
        return self.credentials

    def token_file(self, session_or_url: str) -> Path:
        return self.sso_cache / (sha1_hex(session_or_url) + ".json")

    def write_token(
        self,
        session_or_url: str,
        *,
        expires_in: float = 8 * 3600,
        refreshable: bool = False,
        registration_expires_in: float = 90 * 86400,
        extra: Optional[dict[str, Any]] = None,
        raw: Optional[str] = None,
    ) -> Path:
        """A token file as the AWS CLI writes it (compact JSON, its key order, no newline)."""
        now = time.time()
        path = self.token_file(session_or_url)
        path.parent.mkdir(parents=True, exist_ok=True)
        if raw is None:
            token: dict[str, Any] = {
                "startUrl": START_URL,
                "region": "us-east-1",
                "accessToken": "secret-access-token-" + sha1_hex(session_or_url)[:8],
                "expiresAt": iso(now + expires_in),
            }
            if refreshable:
                token.update(
                    clientId="client-id",
                    clientSecret="client-secret-value",
                    registrationExpiresAt=iso(now + registration_expires_in),
                    refreshToken="refresh-token-value",
                )
            token.update(extra or {})
            raw = json.dumps(token, separators=(",", ":"))
        path.write_text(raw, encoding="utf-8")
        os.chmod(path, 0o600)
        return path

    def run_helper(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(HELPER), *args],
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )


@pytest.fixture
def aws_home(tmp_path: Path) -> AwsHome:
    return AwsHome(tmp_path)


def shell_command(shell: str, script: str, *, strict: bool = False) -> list[str]:
    if shell == "zsh":
        flags = ["-f"] + (["-euo", "pipefail"] if strict else [])
        return ["zsh", *flags, "-c", script]
    flags = ["--norc", "--noprofile"] + (["-euo", "pipefail"] if strict else [])
    return ["bash", *flags, "-c", script]


def plugin_for(shell: str) -> Path:
    return PLUGIN_ZSH if shell == "zsh" else PLUGIN_BASH


def run_shell(
    shell: str,
    script: str,
    env: dict[str, str],
    *,
    strict: bool = False,
    timeout: float = 60,
) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a fresh non-interactive shell with the plugin loaded first."""
    full = f"source {str(plugin_for(shell))!r}\n{script}"
    return subprocess.run(
        shell_command(shell, full, strict=strict),
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


SHELLS = [s for s in ("zsh", "bash") if shutil.which(s)]


@pytest.fixture(params=SHELLS)
def shell(request: pytest.FixtureRequest) -> str:
    return str(request.param)
