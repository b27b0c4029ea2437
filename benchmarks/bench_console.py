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
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from emulated import HELPER, emulated_home, measure, one_profile_config, report  # noqa: E402

from asso.emulator.idc import IdentityCenterEmulator  # noqa: E402

CONFIG = one_profile_config("bench")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement (default 10)")
    runs = max(1, parser.parse_args().runs)

    with tempfile.TemporaryDirectory() as tmp, IdentityCenterEmulator() as emu:
        root = Path(tmp)
        home, env = emulated_home(root, CONFIG, emu)
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
            width=44,
        )
        report(
            "console --print, cold (GetRoleCredentials)",
            measure(runs, asso("console", "bench", "--print"), forget_credentials),
            width=44,
        )
        asso("console", "bench", "--print")()
        report(
            "console --print, cached credentials",
            measure(runs, asso("console", "bench", "--print"), nothing),
            width=44,
        )
        report(
            "console --portal --print (no network)",
            measure(runs, asso("console", "bench", "--portal", "--print"), nothing),
            width=44,
        )
        assert len(emu.console_sign_ins) == 0  # --print opens nothing
    return 0


if __name__ == "__main__":
    sys.exit(main())
