"""The emulator's hostile mode: tampered answers, the hostile organisation, --hostile."""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.request

from asso.emulator.hostile import hostile_organization
from asso.emulator.idc import IdentityCenterEmulator, Organization


def _post(url: str, body: dict[str, object]) -> dict[str, object]:
    request = urllib.request.Request(
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=30) as reply:
        data = json.loads(reply.read())
    assert isinstance(data, dict)
    return data


def test_tamper_replaces_fields_of_successful_answers_until_cleared() -> None:
    with IdentityCenterEmulator(Organization.sample()) as emu:
        emu.tamper("RegisterClient", clientSecretExpiresAt=10**30, clientId=["not", "a", "str"])
        reply = _post(f"{emu.url}/client/register", {"clientName": "t", "clientType": "public"})
        assert reply["clientSecretExpiresAt"] == 10**30 and reply["clientId"] == ["not", "a", "str"]
        assert isinstance(reply["clientSecret"], str)  # untouched fields stay
        emu.clear_tampers()
        reply = _post(f"{emu.url}/client/register", {"clientName": "t", "clientType": "public"})
        assert isinstance(reply["clientId"], str)


def test_hostile_organisation_is_served_as_given() -> None:
    org = hostile_organization()
    names = [a.account_name for a in org.accounts]
    assert any("\n[profile injected]" in n for n in names)
    assert any("\x1b" in n for n in names)


def test_python_m_asso_emulator_hostile_starts() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "asso.emulator", "--port", "0", "--hostile"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
    finally:
        proc.terminate()
        proc.wait(30)
