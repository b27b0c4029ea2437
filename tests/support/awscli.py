"""The AWS CLI v2, installed from the vendored wheel into a virtualenv cached between test runs
(keyed on the wheel's name; see cache.py). pip fetches the wheel's dependencies from the package
registry the first time; every test then runs the CLI in the sandbox."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Callable

from .cache import build_env, built_once
from .vendor import require


def _build(wheel: Path) -> Callable[[Path], str]:
    def build(venv: Path) -> str:
        env = build_env()
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
            raise RuntimeError(f"aws --version said {version.stdout!r} {version.stderr!r}")
        return version.stdout

    return build


def aws_cli_v2_bin() -> Path:
    """The ``bin`` directory of the cached virtualenv (building it the first time), or skip."""
    wheel = require("ASSO_TEST_AWSCLI_WHEEL")
    name = "venv-" + wheel.name.removesuffix(".whl")
    return built_once(name, _build(wheel)) / "bin"


def aws_only_bin(tmp: Path) -> Path:
    """A directory holding just ``aws`` (a link to the cached CLI v2), to put first on a PATH
    without the virtualenv's python and pip."""
    target = tmp / "aws-cli-v2-bin"
    target.mkdir(parents=True, exist_ok=True)
    link = target / "aws"
    if not link.exists():
        link.symlink_to(aws_cli_v2_bin() / "aws")
    return target
