"""What the login and console benchmarks share: a throw-away HOME against the emulator, a
scripted browser, and how a measurement is taken and printed."""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Optional

HELPER = Path(sys.executable).parent / "asso"
START_URL = "https://d-1234567890.awsapps.com/start"
#: The session the companions log in to.
SESSION = f"[sso-session bench]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
BROWSER_SCRIPT = """\
import sys, urllib.request
urllib.request.build_opener(urllib.request.ProxyHandler({})).open(sys.argv[1], timeout=20).read()
"""


def one_profile_config(profile: str) -> str:
    """SESSION and one profile on it: account 222222222222, ReadOnlyAccess, eu-west-1."""
    return (
        f"{SESSION}\n[profile {profile}]\nsso_session = bench\nsso_account_id = 222222222222\n"
        "sso_role_name = ReadOnlyAccess\nregion = eu-west-1\n"
    )


def emulated_home(root: Path, config: str, emu: Any) -> tuple[Path, dict[str, str]]:
    """HOME under ``root`` with ``config`` as its AWS config, and the environment that points
    asso, botocore and the browser at the emulator ``emu`` and nothing of the user's."""
    home = root / "home"
    (home / ".aws").mkdir(parents=True)
    (home / ".aws" / "config").write_text(config)
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
    return home, env


def measure(
    runs: int, action: Callable[[], None], before: Optional[Callable[[], None]] = None
) -> list[float]:
    """Milliseconds per run of ``action``; ``before`` runs first each time, untimed."""
    times = []
    for _ in range(runs):
        if before is not None:
            before()
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float], width: int = 36) -> None:
    print(
        f"{name:<{width}} median {statistics.median(times):7.1f} ms   "
        f"min {min(times):7.1f} ms   max {max(times):7.1f} ms   (n={len(times)})"
    )
