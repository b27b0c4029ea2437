"""``asso logout --all`` deletes every token whatever fails; ``asso doctor`` tells a client
registration from a token by its content."""

from __future__ import annotations

import json
import subprocess
import time

import pytest

from asso.aws.checks import check_clock

from ..conftest import HELPER, START_URL, AwsHome, iso

PATH = "/usr/bin:/bin"


def test_logout_all_deletes_every_token_when_files_are_odd_and_logout_fails(
    aws_home: AwsHome,
) -> None:
    cache = aws_home.sso_cache
    cache.mkdir(parents=True)
    future = iso(time.time() + 3600)
    tokens = {
        "good.json": {"startUrl": START_URL, "region": "us-east-1", "accessToken": "a"},
        "region-int.json": {"region": 7, "accessToken": "b"},
        "region-bad.json": {"region": "us east\n1", "accessToken": "c"},
        "token-int.json": {"region": "eu-west-1", "accessToken": 12},
        "no-region.json": {"accessToken": "d"},
    }
    for name, data in tokens.items():
        (cache / name).write_text(json.dumps({**data, "expiresAt": future}))
    (cache / "garbage.json").write_text("{not json")
    (cache / "registration.json").write_text(json.dumps({"clientId": "c", "clientSecret": "s"}))
    env = {
        **aws_home.env,
        "PATH": PATH,
        # Nothing listens there: every Logout call fails.
        "AWS_ENDPOINT_URL_SSO": "http://127.0.0.1:9",
        "ASSO_HTTP_TIMEOUT": "2",
    }
    proc = subprocess.run(
        [str(HELPER), "logout", "--all"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in proc.stderr
    assert proc.returncode == 6, proc.stderr
    assert sorted(p.name for p in cache.iterdir()) == ["garbage.json", "registration.json"]
    errors = [line for line in proc.stderr.splitlines() if line.startswith("asso: ")]
    assert "logged out of 5 SSO session(s)" in proc.stderr
    assert len(errors) == 2 and "could not be revoked or deleted" in errors[-1]


def test_doctor_knows_a_registration_by_its_content(
    aws_home: AwsHome, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A normal login leaves a registration (sha1-named, 90 days) beside the token: no clock
    problem, as there was after every login."""
    monkeypatch.setenv("HOME", str(aws_home.home))
    cache = aws_home.sso_cache
    cache.mkdir(parents=True)
    now = time.time()
    (cache / "0123456789abcdef0123456789abcdef01234567.json").write_text(
        json.dumps(
            {
                "clientId": "cid",
                "clientSecret": "secret",
                "expiresAt": iso(now + 89 * 86400),
                "scopes": ["sso:account:access"],
            }
        )
    )
    aws_home.write_token("corp", refreshable=True, registration_expires_in=89 * 86400)
    checks = check_clock(12, now=now)
    assert [c.status for c in checks] == ["ok"], [c.message for c in checks]
