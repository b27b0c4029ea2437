"""Fixtures for the login tests (helpers live in loginkit.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from asso.emulator.idc import IdentityCenterEmulator, Organization

from .loginkit import LoginHome, Result, Runner

CLEARED = ("BROWSER", "DISPLAY", "WAYLAND_DISPLAY", "HOME")


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(Organization.sample()) as emulator:
        yield emulator


@pytest.fixture
def home(tmp_path: Path, emu: IdentityCenterEmulator) -> LoginHome:
    return LoginHome(tmp_path, emu)


@pytest.fixture
def run(
    home: LoginHome, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Runner:
    """``asso`` in this process (cli.main), in the home's environment: no interpreter start."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "ASSO_", "SSH_", "WSL_")) or name in CLEARED:
            monkeypatch.delenv(name)
    for name, value in home.env.items():
        monkeypatch.setenv(name, value)

    def runner(*args: str, **env: str) -> Result:
        from asso.cli.main import main

        with monkeypatch.context() as patch:
            for name, value in env.items():
                patch.setenv(name, value)
            code = main(list(args))
        out, err = capsys.readouterr()
        home.outputs += [out, err]
        return Result(code, out, err)

    return runner
