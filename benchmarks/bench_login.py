"""Login timings against the local Identity Center emulator: median/min/max over N runs.

    .venv/bin/python benchmarks/bench_login.py [--runs N]

Measured, each in-process (the login engine, botocore already imported) and end to end (an
``asso login`` process, interpreter start included):

* device code: RegisterClient (first run only; cached after), StartDeviceAuthorization,
  CreateToken (the emulator approves at once: no human wait), token written;
* PKCE: registration (cached), loopback listener, the "browser" (a thread in-process, a small
  script via $BROWSER end to end) following /authorize's redirect to the callback, CreateToken;
* refresh: CreateToken(grantType=refresh_token) and the token rewritten.

Everything runs in a throw-away HOME; nothing of the user's is read or written.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path
from typing import Callable

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from emulated import HELPER, SESSION, START_URL, emulated_home, measure, report  # noqa: E402

from asso.aws.config import load_config  # noqa: E402
from asso.emulator.idc import IdentityCenterEmulator  # noqa: E402
from asso.sso import (  # noqa: E402
    flows,
    oidc,
    settings,
    target,
)
from asso.sso import login as login_module  # noqa: E402

CONFIG = f"""\
{SESSION}
[profile session]
sso_session = bench
sso_account_id = 111111111111
sso_role_name = ReadOnly

[profile legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = ReadOnly
"""


def browse_in_thread(url: str, env: object = None) -> bool:
    def get() -> None:
        urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=20).read()

    threading.Thread(target=get, daemon=True).start()
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=10, help="runs per measurement (default 10)")
    args = parser.parse_args()
    runs = max(1, args.runs)

    with tempfile.TemporaryDirectory() as tmp, IdentityCenterEmulator() as emu:
        root = Path(tmp)
        _home, env = emulated_home(root, CONFIG, emu)
        for name in list(os.environ):
            if name.startswith(("AWS_", "ASSO_")) or name in ("BROWSER", "DISPLAY"):
                del os.environ[name]
        os.environ.update(env)
        emu.device_auto_approve = True
        config = load_config()
        session = target.resolve_target(config, "session")
        legacy = target.resolve_target(config, "legacy")
        force = settings.LoginOptions(force=True, quiet=True)
        device = settings.LoginOptions(force=True, quiet=True, use_device_code=True)
        flows.open_browser = browse_in_thread  # in-process: the browser is a thread

        print(f"asso login benchmarks, emulator at {emu.url}, {runs} runs each\n")
        # Warm up: imports, and the client registrations every later run reuses.
        with contextlib.redirect_stderr(io.StringIO()):
            login_module.login(legacy, device)
            login_module.login(session, force)

        with contextlib.redirect_stderr(io.StringIO()):  # the "open this URL" instructions
            device_times = measure(runs, lambda: login_module.login(legacy, device))
            pkce_times = measure(runs, lambda: login_module.login(session, force))
            emu.access_token_ttl = 600  # every refreshed token is due for refresh again
            login_module.login(session, force)
            refresh_times = measure(
                runs, lambda: login_module.refresh(session, os.environ, oidc.Deadline(60))
            )
            emu.access_token_ttl = 8 * 3600
        report("device code (in-process)", device_times)
        report("PKCE (in-process)", pkce_times)
        report("refresh (in-process)", refresh_times)

        def cli(*argv: str) -> Callable[[], None]:
            def run() -> None:
                subprocess.run(
                    [str(HELPER), *argv], env=env, check=True, capture_output=True, timeout=60
                )

            return run

        report(
            "device code (asso process)",
            measure(runs, cli("login", "legacy", "--force", "--use-device-code")),
        )
        report("PKCE (asso process)", measure(runs, cli("login", "session", "--force")))
        emu.access_token_ttl = 600
        with contextlib.redirect_stderr(io.StringIO()):
            login_module.login(session, force)
        report(
            "refresh (asso login --refresh-only)",
            measure(runs, cli("login", "--refresh-only", "session")),
        )
        report(
            "nothing to do (valid token)",
            measure(runs, cli("login", "legacy")),
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
