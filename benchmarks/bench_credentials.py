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
import urllib.request
from pathlib import Path
from typing import Callable, Optional

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from emulated import HELPER, emulated_home, measure, one_profile_config, report  # noqa: E402

from asso.emulator.idc import IdentityCenterEmulator, Organization  # noqa: E402

CONFIG = one_profile_config("prod")
CACHED_CLI = (
    Path.home() / ".cache" / "asso-tests" / "venv-awscli-2.36.7-py3-none-any" / "bin" / "aws"
)


def command(cmd: list[str], env: dict[str, str]) -> Callable[[], None]:
    """Run ``cmd`` to its end, its output discarded: what a tool waits for."""

    def run() -> None:
        subprocess.run(
            cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True
        )

    return run


def aws_cli_v2() -> Optional[str]:
    candidate = os.environ.get("ASSO_BENCH_AWS_CLI_V2") or str(CACHED_CLI)
    return candidate if os.access(candidate, os.X_OK) else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    runs = max(1, args.runs)
    notes: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="asso-bench-") as root,
        IdentityCenterEmulator(Organization.sample(), device_auto_approve=True) as emu,
    ):
        home, env = emulated_home(Path(root), CONFIG, emu)
        env.update(
            PATH="/usr/bin:/bin", ASSO_CONFIG_DIR=f"{root}/config", ASSO_DATA_DIR=f"{root}/data"
        )
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
        print(f"asso credential benchmarks, emulator at {emu.url}, {runs} runs each\n")
        width = 50
        cached_process = command(process, env)
        for _ in range(3):  # warm-up: page cache, pyc files
            cached_process()
        floor = measure(runs, command([sys.executable, "-I", "-S", "-c", "pass"], env))
        cached = measure(runs, cached_process)
        report("asso credential-process, cached", cached, width)
        report("python -I -S -c pass (floor, measured beside it)", floor, width)
        ratio = statistics.median(cached) / statistics.median(floor)
        notes.append(f"credential-process / floor (medians): {ratio:.2f}x")
        warm = measure(runs, command(export, env))
        report("asso export, warm (cached role credentials)", warm, width)
        cold_runs = max(5, runs // 2)
        report(
            "asso export, cold (GetRoleCredentials)",
            measure(cold_runs, command(export, env), drop_cache),
            width,
        )
        aws = aws_cli_v2()
        if aws is not None:
            cli = command([aws, "configure", "export-credentials", "--profile", "prod"], env)
            version = subprocess.run([aws, "--version"], env=env, capture_output=True, text=True)
            notes.append(f"AWS CLI: {version.stdout.split(' ')[0]}")
            cli()
            report("aws configure export-credentials, warm", measure(cold_runs, cli), width)
            report(
                "aws configure export-credentials, cold",
                measure(cold_runs, cli, drop_cache),
                width,
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

            def answer() -> None:
                with opener.open(request, timeout=10) as response:
                    response.read()

            measure(3, answer)  # warm-up
            report("asso serve: one endpoint answer (new connection)", measure(runs, answer), width)
        finally:
            serve.terminate()
            serve.wait(timeout=30)
    print()
    print("\n".join(f"- {note}" for note in notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
