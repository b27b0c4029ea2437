"""SIGKILL at each point inside `asso populate`'s write leaves the config complete: old or new."""

from __future__ import annotations

import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import botocore.session
import pytest

from asso.emulator.idc import IdentityCenterEmulator, Organization

from ..conftest import HELPER, START_URL, AwsHome
from ..support import kill_points

KILL_POINTS = Path(kill_points.__path__[0])

ORIGINAL = f"""\
# my own notes ; keep me
[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile mine]
region=eu-west-1
"""


@pytest.fixture
def emu() -> Iterator[IdentityCenterEmulator]:
    with IdentityCenterEmulator(
        Organization.generated(150), page_size=50, device_auto_approve=True
    ) as emulator:
        yield emulator


def profiles_botocore_sees(home: AwsHome) -> dict[str, object]:
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(home.config))
    session.set_config_variable("credentials_file", str(home.credentials))
    return dict(session.full_config["profiles"])


def test_sigkill_during_populate(aws_home: AwsHome, emu: IdentityCenterEmulator) -> None:
    aws_home.write_config(ORIGINAL)
    env = {**aws_home.env, **emu.env(), "AWS_EC2_METADATA_DISABLED": "true"}
    login = subprocess.run(
        [str(HELPER), "login", "--session", "corp", "--use-device-code", "--no-browser"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert login.returncode == 0, login.stderr
    # A complete run first, to know what "new" looks like.
    done = subprocess.run(
        [str(HELPER), "populate", "--session", "corp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    new = aws_home.config.read_bytes()
    generated = sum(len(account.roles) for account in emu.org.accounts)
    assert generated > 150
    assert len(profiles_botocore_sees(aws_home)) == 1 + generated
    for point in ("open", "half", "replace", "after-replace"):
        aws_home.config.write_text(ORIGINAL)  # old again: the next run rewrites the block
        killed = subprocess.run(
            [str(HELPER), "populate", "--session", "corp"],
            env={
                **env,
                "PYTHONPATH": str(KILL_POINTS),
                "KILL_PATH": str(aws_home.config),
                "KILL_AT": point,
            },
            capture_output=True,
            timeout=300,
        )
        # Killed where asked, inside the write (a writer that never gets there fails here).
        assert killed.returncode == -signal.SIGKILL, (point, killed.returncode, killed.stderr)
        content = aws_home.config.read_bytes()
        expected = new if point == "after-replace" else ORIGINAL.encode()
        assert content == expected, f"killed at {point}: a partial or unexpected config"
        assert len(profiles_botocore_sees(aws_home)) == (1 + generated if content == new else 1)
    # The next run completes and leaves no temp file behind, whatever the kills left.
    final = subprocess.run(
        [str(HELPER), "populate", "--session", "corp"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert final.returncode == 0, final.stderr
    assert aws_home.config.read_bytes() == new
    assert [p.name for p in aws_home.aws.iterdir() if p.name.endswith(".partial")] == []
