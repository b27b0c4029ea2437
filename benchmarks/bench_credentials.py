"""Credentials for other tools, against the local Identity Center emulator: median/min/max.

    .venv/bin/python benchmarks/bench_credentials.py [--runs N]

Measured, each as a whole process (what a tool waits for):
  - `asso credential-process` with cached credentials (no botocore: checked with -X importtime),
    beside `python -I -S -c pass`, the interpreter's floor (the target: at most 2x);
  - `asso export` cold (no cached role credentials: botocore and one GetRoleCredentials) and warm;
  - `aws configure export-credentials` of the AWS CLI v2 for the same profile, cold and warm (the
    CLI that ASSO_BENCH_AWS_CLI_V2 names, else the vendor wheel's venv under ~/.cache/asso-tests;
    left out when there is none);
  - the container endpoint (`asso serve`): one GET, new connection each time.

Everything runs in a throw-away HOME; nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from asso.emulator.idc import IdentityCenterEmulator, Organization  # noqa: E402

HELPER = Path(sys.executable).parent / "asso"
START_URL = "https://d-1234567890.awsapps.com/start"
CONFIG = f"""\
[sso-session bench]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile prod]
sso_session = bench
sso_account_id = 222222222222
sso_role_name = ReadOnlyAccess
region = eu-west-1
"""
CACHED_CLI = (
    Path.home() / ".cache" / "asso-tests" / "venv-awscli-2.36.7-py3-none-any" / "bin" / "aws"
)


def wall_ms(
    cmd: list[str], env: dict[str, str], before: Optional[Callable[[], None]] = None
) -> float:
    if before is not None:
        before()
    start = time.perf_counter()
    subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return (time.perf_counter() - start) * 1000


def row(name: str, samples: list[float]) -> str:
    med, lo, hi = statistics.median(samples), min(samples), max(samples)
    return f"| {name} | {med:.1f} ms | {lo:.1f} ms | {hi:.1f} ms |"


def aws_cli_v2() -> Optional[str]:
    candidate = os.environ.get("ASSO_BENCH_AWS_CLI_V2") or str(CACHED_CLI)
    return candidate if os.access(candidate, os.X_OK) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    runs = args.runs
    rows: list[str] = []
    notes: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="asso-bench-") as root,
        IdentityCenterEmulator(Organization.sample(), device_auto_approve=True) as emu,
    ):
        home = Path(root) / "home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text(CONFIG)
        env = {
            "HOME": str(home),
            "PATH": "/usr/bin:/bin",
            "LANG": "C.UTF-8",
            "ASSO_STATE_DIR": f"{root}/state",
            "ASSO_CACHE_DIR": f"{root}/cache",
            "ASSO_CONFIG_DIR": f"{root}/config",
            "ASSO_DATA_DIR": f"{root}/data",
            "AWS_EC2_METADATA_DISABLED": "true",
            **emu.env(),
        }
        login = [str(HELPER), "login", "prod", "--use-device-code", "--no-browser"]
        subprocess.run(login, env=env, check=True, capture_output=True, timeout=120)
        cache = home / ".aws" / "cli" / "cache"

        def drop_cache() -> None:
            shutil.rmtree(cache, ignore_errors=True)

        process = [str(HELPER), "credential-process", "--profile", "prod"]
        export = [str(HELPER), "export", "prod"]
        subprocess.run(export, env=env, check=True, capture_output=True)
        trace = subprocess.run(
            [sys.executable, "-X", "importtime", *process], env=env, capture_output=True, text=True
        )
        loaded = "botocore" in trace.stderr
        notes.append(f"credential-process (cached) imports botocore: {'YES' if loaded else 'no'}")
        for _ in range(3):  # warm-up: page cache, pyc files
            wall_ms(process, env)
        floor = [wall_ms([sys.executable, "-I", "-S", "-c", "pass"], env) for _ in range(runs)]
        cached = [wall_ms(process, env) for _ in range(runs)]
        rows.append(row("asso credential-process, cached", cached))
        rows.append(row("python -I -S -c pass (floor, measured beside it)", floor))
        ratio = statistics.median(cached) / statistics.median(floor)
        notes.append(f"credential-process / floor (medians): {ratio:.2f}x")
        rows.append(
            row(
                "asso export, warm (cached role credentials)",
                [wall_ms(export, env) for _ in range(runs)],
            )
        )
        cold_runs = max(5, runs // 2)
        rows.append(
            row(
                "asso export, cold (GetRoleCredentials)",
                [wall_ms(export, env, drop_cache) for _ in range(cold_runs)],
            )
        )
        aws = aws_cli_v2()
        if aws is not None:
            cli = [aws, "configure", "export-credentials", "--profile", "prod"]
            version = subprocess.run([aws, "--version"], env=env, capture_output=True, text=True)
            notes.append(f"AWS CLI: {version.stdout.split(' ')[0]}")
            wall_ms(cli, env)
            rows.append(
                row(
                    "aws configure export-credentials, warm",
                    [wall_ms(cli, env) for _ in range(cold_runs)],
                )
            )
            rows.append(
                row(
                    "aws configure export-credentials, cold",
                    [wall_ms(cli, env, drop_cache) for _ in range(cold_runs)],
                )
            )
        else:
            notes.append("AWS CLI v2: not found (set ASSO_BENCH_AWS_CLI_V2)")
        serve = subprocess.Popen(
            [str(HELPER), "serve", "prod"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert serve.stdout is not None
            variables = dict(
                serve.stdout.readline()[len("export ") :].strip().partition("=")[::2]
                for _ in range(2)
            )
            request = urllib.request.Request(
                variables["AWS_CONTAINER_CREDENTIALS_FULL_URI"],
                headers={"Authorization": variables["AWS_CONTAINER_AUTHORIZATION_TOKEN"]},
            )
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            samples = []
            for i in range(runs + 3):
                start = time.perf_counter()
                with opener.open(request, timeout=10) as answer:
                    answer.read()
                if i >= 3:
                    samples.append((time.perf_counter() - start) * 1000)
            rows.append(row("asso serve: one endpoint answer (new connection)", samples))
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    print("| Measure | Median | Min | Max |")
    print("| --- | --- | --- | --- |")
    print("\n".join(rows))
    print()
    print("\n".join(f"- {note}" for note in notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
