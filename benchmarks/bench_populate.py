"""How long `asso populate` takes for a large organisation: 1,000 accounts x 3 roles.

    .venv/bin/python benchmarks/bench_populate.py [--accounts N] [--roles R] [--page-size P]

The emulator runs in its own process (as the real portal is remote), paged like the real one;
the helper runs as a user would run it. Printed: the first run (fetch + write), a re-run (fetch,
no change), the fetch alone, the file it wrote, and the prompt-path cost afterwards (resolve of
a generated profile, whose account name comes from the profile key or the directory cache).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import boto3

from asso.emulator.idc import Account, Organization

HELPER = Path(sys.executable).parent / "asso"
START_URL = "https://d-1234567890.awsapps.com/start"
ROLES = ("AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess", "Billing", "Auditor")


def organisation(accounts: int, roles: int) -> Organization:
    return Organization(
        [
            Account(
                f"{i:012d}",
                f"Team {i:04d} Production" if i % 2 else f"team-{i:04d}.dev",
                f"aws+{i}@example.com",
                list(ROLES[:roles]),
            )
            for i in range(1, accounts + 1)
        ]
    )


def start_emulator(org_file: Path, page_size: int) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "asso.emulator",
            "--port",
            "0",
            "--org",
            str(org_file),
            "--device-auto-approve",
            "--page-size",
            str(page_size),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    return process, url


def login(url: str, home: Path) -> None:
    oidc = boto3.client("sso-oidc", region_name="us-east-1", endpoint_url=url)
    client = oidc.register_client(clientName="bench", clientType="public")
    device = oidc.start_device_authorization(
        clientId=client["clientId"], clientSecret=client["clientSecret"], startUrl=START_URL
    )
    token = oidc.create_token(
        clientId=client["clientId"],
        clientSecret=client["clientSecret"],
        grantType="urn:ietf:params:oauth:grant-type:device_code",
        deviceCode=device["deviceCode"],
    )
    import hashlib

    cache = home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    data = {
        "startUrl": START_URL,
        "region": "us-east-1",
        "accessToken": token["accessToken"],
        "expiresAt": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600)),
    }
    (cache / (hashlib.sha1(b"corp").hexdigest() + ".json")).write_text(json.dumps(data))


def timed(env: dict[str, str], *args: str) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    result = subprocess.run([str(HELPER), *args], env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        sys.exit(f"asso {' '.join(args)} failed: {result.stderr}")
    return elapsed, result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--accounts", type=int, default=1000)
    parser.add_argument("--roles", type=int, default=3)
    parser.add_argument("--page-size", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as root_name:
        root = Path(root_name)
        home = root / "home"
        (home / ".aws").mkdir(parents=True)
        config = home / ".aws" / "config"
        config.write_text(
            f"[sso-session corp]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        )
        org_file = root / "org.json"
        org_file.write_text(json.dumps(organisation(args.accounts, args.roles).to_json()))
        emulator, url = start_emulator(org_file, args.page_size)
        try:
            login(url, home)
            env = {
                "HOME": str(home),
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "LANG": "C.UTF-8",
                "AWS_CONFIG_FILE": str(config),
                "AWS_ENDPOINT_URL_SSO": url,
                "AWS_ENDPOINT_URL_SSO_OIDC": url,
                "AWS_EC2_METADATA_DISABLED": "true",
                "ASSO_CACHE_DIR": str(root / "cache"),
                "ASSO_STATE_DIR": str(root / "state"),
                "ASSO_CONFIG_DIR": str(root / "config"),
            }
            first, result = timed(env, "populate", "--session", "corp")
            size = config.stat().st_size
            rerun, again = timed(env, "populate", "--session", "corp")
            fetch, _ = timed(env, "status", "--refresh", "--session", "corp")
            status, _ = timed(env, "status")
            profile = "Team-0001-Production-AdministratorAccess"
            resolves = [timed(env, "resolve", "--profile", profile)[0] for _ in range(5)]
        finally:
            emulator.terminate()
            emulator.wait()
    pairs = args.accounts * args.roles
    print(f"asso populate: {args.accounts} accounts x {args.roles} roles = {pairs} profiles")
    python = sys.version.split()[0]
    print(f"  emulator page size {args.page_size}, {os.cpu_count()} CPUs, Python {python}")
    print(f"  first run (fetch + generate + write): {first:.2f} s  [{result.stderr.strip()}]")
    print(f"  re-run, nothing changes:             {rerun:.2f} s  [{again.stderr.strip()}]")
    print(f"  fetch only (asso status --refresh):  {fetch:.2f} s")
    print(f"  asso status (no network):            {status * 1000:.0f} ms")
    print(f"  config written: {size / 1024:.0f} KiB")
    print(f"  asso resolve --profile {profile}: best {min(resolves) * 1000:.0f} ms of 5")
    return 0


if __name__ == "__main__":
    sys.exit(main())
