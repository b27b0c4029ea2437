"""The AWS CLI v2, installed from the vendored wheel into a virtualenv cached between test runs.

The virtualenv lives under the user's cache directory, keyed on the wheel's name, and is built
once: a file lock makes parallel test runs wait for the first instead of racing it, and a marker
written last tells a finished build from one that was interrupted (which is thrown away).
Building needs pip to fetch the wheel's dependencies from the package registry, so it runs with
the environment pytest started with; everything else runs the CLI in the sandbox.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .env import ORIGINAL_ENV
from .vendor import require

MARKER = ".asso-tests-complete"


def cache_root() -> Path:
    base = ORIGINAL_ENV.get("XDG_CACHE_HOME") or os.path.join(
        ORIGINAL_ENV.get("HOME", os.path.expanduser("~")), ".cache"
    )
    return Path(base) / "asso-tests"


def _build(venv: Path, wheel: Path) -> None:
    if venv.exists():
        shutil.rmtree(venv)
    env = {k: v for k, v in ORIGINAL_ENV.items() if not k.startswith(("AWS_", "PYTHON"))}
    env.pop("VIRTUAL_ENV", None)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    pip = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    if pip.returncode != 0:
        raise RuntimeError(f"pip could not install {wheel.name}:\n{pip.stderr[-3000:]}")
    version = subprocess.run(
        [str(venv / "bin" / "aws"), "--version"], capture_output=True, text=True, timeout=120
    )
    if not version.stdout.startswith("aws-cli/2."):
        raise RuntimeError(f"{venv}/bin/aws --version said {version.stdout!r} {version.stderr!r}")
    (venv / MARKER).write_text(version.stdout)


def aws_cli_v2_bin() -> Path:
    """The ``bin`` directory of the cached virtualenv (building it the first time), or skip."""
    wheel = require("ASSO_TEST_AWSCLI_WHEEL")
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    venv = root / ("venv-" + wheel.name.removesuffix(".whl"))
    if not (venv / MARKER).exists():
        with open(root / (venv.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)  # another run building it: wait for it
            if not (venv / MARKER).exists():
                try:
                    _build(venv, wheel)
                except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
                    pytest.fail(f"could not build the AWS CLI v2 virtualenv at {venv}: {exc}")
    return venv / "bin"


def aws_only_bin(tmp: Path) -> Path:
    """A directory holding just ``aws`` (a link to the cached CLI v2), to put first on a PATH
    without the virtualenv's python and pip."""
    target = tmp / "aws-cli-v2-bin"
    target.mkdir(parents=True, exist_ok=True)
    link = target / "aws"
    if not link.exists():
        link.symlink_to(aws_cli_v2_bin() / "aws")
    return target
