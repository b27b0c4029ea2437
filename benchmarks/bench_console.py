"""``asso console --print`` against the local emulator: from the command to the sign-in URL.

    .venv/bin/python benchmarks/bench_console.py [--runs N]

Each run is an ``asso`` process (interpreter start included), with a valid SSO token:

* cold: no role credentials cached (GetRoleCredentials through botocore, then getSigninToken);
* cached: the role credentials from the AWS CLI's cache (no botocore), then getSigninToken;
* --portal: the access portal link (no network);
* the interpreter floor (``python -I -S -c pass``) beside them.

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
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from asso.emulator.idc import IdentityCenterEmulator  # noqa: E402

HELPER = Path(sys.executable).parent / "asso"
START_URL = "https://d-1234567890.awsapps.com/start"
CONFIG = f"""\
[sso-session bench]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile bench]
sso_session = bench
sso_account_id = 222222222222
sso_role_name = ReadOnlyAccess
region = eu-west-1
"""
BROWSER_SCRIPT = """\
import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=20).read()
"""


def measure(runs: int, action: Callable[[], None], before: Callable[[], None]) -> list[float]:
    times = []
    for _ in range(runs):
        before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    print(
        f"{name:<44} median {statistics.median(times):7.1f} ms   "
        f"min {min(times):7.1f} ms   max {max(times):7.1f} ms   (n={len(times)})"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement (default 10)")
    runs = max(1, parser.parse_args().runs)

    with tempfile.TemporaryDirectory() as tmp, IdentityCenterEmulator() as emu:
        root = Path(tmp)
        home = root / "home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "config").write_text(CONFIG)
        browser = root / "browser.py"
        browser.write_text(BROWSER_SCRIPT)
        env = {
            "HOME": str(home),
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "LANG": "C.UTF-8",
            "ASSO_CACHE_DIR": str(root / "cache"),
            "ASSO_STATE_DIR": str(root / "state"),
            "AWS_EC2_METADATA_DISABLED": "true",
            "BROWSER": f"{sys.executable} {browser}",
            **emu.env(),
        }
        cli_cache = home / ".aws" / "cli" / "cache"

        def asso(*argv: str) -> Callable[[], None]:
            def run() -> None:
                subprocess.run(
                    [str(HELPER), *argv], env=env, check=True, capture_output=True, timeout=60
                )

            return run

        def forget_credentials() -> None:
            shutil.rmtree(cli_cache, ignore_errors=True)

        def nothing() -> None:
            pass

        asso("login", "bench")()
        print(f"asso console benchmarks, emulator at {emu.url}, {runs} runs each\n")
        floor = [sys.executable, "-I", "-S", "-c", "pass"]
        report(
            "python -I -S -c pass (interpreter floor)",
            measure(runs, lambda: subprocess.run(floor, check=True), nothing),
        )
        report(
            "console --print, cold (GetRoleCredentials)",
            measure(runs, asso("console", "bench", "--print"), forget_credentials),
        )
        asso("console", "bench", "--print")()
        report(
            "console --print, cached credentials",
            measure(runs, asso("console", "bench", "--print"), nothing),
        )
        report(
            "console --portal --print (no network)",
            measure(runs, asso("console", "bench", "--portal", "--print"), nothing),
        )
        assert len(emu.console_sign_ins) == 0  # --print opens nothing
    return 0


if __name__ == "__main__":
    sys.exit(main())
