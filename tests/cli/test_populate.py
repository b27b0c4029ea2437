"""asso populate: generated profiles in a block asso owns, against the emulator."""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
import time
from pathlib import Path

import botocore.session
import pytest

from asso.aws import accounts as account_cache
from asso.aws import populate
from asso.aws.config import SsoSession
from asso.emulator.idc import Account, IdentityCenterEmulator, Organization

from ..conftest import START_URL, AwsHome
from ..support.org import SESSION_CONFIG, EmulatorFactory, helper, login

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("ASSO_UPDATE_GOLDEN") == "1"
NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?")

TRICKY = Organization(
    [
        Account(
            "111111111111",
            "Production",
            "p1@example.com",
            ["AdministratorAccess", "ReadOnlyAccess"],
        ),
        Account("222222222222", "Production", "p2@example.com", ["AdministratorAccess"]),
        Account("333333333333", "Ünïcødé Team", "u@example.com", ["PowerUserAccess"]),
        Account("444444444444", "data.science  lab", "d@example.com", ["ReadOnlyAccess"]),
        Account("555555555555", "日本 本番", "j@example.com", ["AdministratorAccess"]),
        Account("666666666666", "Sandbox", "s@example.com", ["Admin", "admin", "Dev+Ops,Role"]),
        Account("777777777777", "  --weird..name--  ", "w@example.com", ["ReadOnlyAccess"]),
    ]
)

HANDWRITTEN = f"""\
# My AWS config: comments, odd spacing and my own profiles must survive.
;; a semicolon comment

[default]
region=eu-west-1
output   =   json

[sso-session corp]
sso_start_url   =   {START_URL}
sso_region: us-east-1
sso_registration_scopes = sso:account:access

    # an indented comment
[profile Production-ReadOnlyAccess]
# mine, for another account: the generated one must not take this name
sso_session = corp
sso_account_id = 999999999999
sso_role_name = ReadOnlyAccess

[profile Unicode-Team-PowerUserAccess]
sso_session=corp
sso_account_id=333333333333
sso_role_name=PowerUserAccess


[profile with-nested]
s3 =
    max_concurrent_requests = 20
region = us-west-2
"""


def check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with ASSO_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


@pytest.fixture
def corp(home: AwsHome, make_emulator: EmulatorFactory) -> tuple[AwsHome, IdentityCenterEmulator]:
    emu = make_emulator(Organization.sample())
    home.write_config(SESSION_CONFIG)
    login(emu, home, "corp")
    return home, emu


def run_populate(home: AwsHome, *args: str) -> tuple[int, str, str]:
    result = helper(home, "populate", *args)
    return result.returncode, result.stdout, result.stderr


def generated_names(text: str) -> list[str]:
    return re.findall(r"^\[profile (\S+)\]$", populate._block_of(text, "corp"), re.M)


def test_basic_golden_and_every_profile_resolves(corp: tuple) -> None:
    home, _ = corp
    code, _out, err = run_populate(home)
    assert code == 0, err
    text = home.config.read_text(encoding="utf-8")
    check_golden("basic.ini", text)
    assert text.startswith(SESSION_CONFIG)
    names = generated_names(text)
    assert len(names) == 7
    # botocore reads the result, and sees every generated profile with its SSO keys.
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(home.config))
    profiles = session.full_config["profiles"]
    for name in names:
        assert profiles[name]["sso_session"] == "corp"
        resolved = helper(home, "resolve", "--profile", name, "--json")
        assert resolved.returncode == 0, resolved.stderr
        data = json.loads(resolved.stdout)
        assert data["error"] is None and data["token_state"] == "valid"
        assert data["account_name"] and data["role"] and data["region"] == "us-east-1"
    assert "7 new" in err


def test_a_rerun_changes_nothing(corp: tuple) -> None:
    home, _ = corp
    assert run_populate(home)[0] == 0
    before = home.config.read_bytes(), home.config.stat().st_mtime_ns
    backup = Path(str(home.config) + ".asso-backup")
    backup_before = backup.read_bytes(), backup.stat().st_mtime_ns
    time.sleep(0.02)
    code, _out, err = run_populate(home)
    assert code == 0 and "no change" in err
    assert (home.config.read_bytes(), home.config.stat().st_mtime_ns) == before
    assert (backup.read_bytes(), backup.stat().st_mtime_ns) == backup_before


def test_handwritten_config_survives_byte_for_byte(
    home: AwsHome, make_emulator: EmulatorFactory
) -> None:
    emu = make_emulator(TRICKY)
    home.write_config(HANDWRITTEN)
    login(emu, home, "corp")
    code, _, err = run_populate(home)
    assert code == 0, err
    text = home.config.read_text(encoding="utf-8")
    check_golden("handwritten.ini", text)
    assert text.startswith(HANDWRITTEN)  # appended after the user's last byte
    assert "a profile of yours is named Production-ReadOnlyAccess" in err
    assert "skipped Unicode-Team-PowerUserAccess" in err
    names = generated_names(text)
    assert all(NAME.fullmatch(n) and shlex.quote(n) == n for n in names), names
    assert len({n.casefold() for n in names}) == len(names)
    # Now the user moves the block between their sections and writes around it.
    block = text[len(HANDWRITTEN) + 1 :]
    head, tail = HANDWRITTEN.split("[profile with-nested]")
    moved = head + block + "\n  ;after the block\n[profile with-nested]" + tail
    home.write_config(moved)
    emu.org.accounts.append(Account("888888888888", "Production", "p3@example.com", ["X"]))
    assert run_populate(home)[0] == 0
    updated = home.config.read_text(encoding="utf-8")
    begin, end = populate.markers("corp")
    assert updated[: updated.index(begin)] == moved[: moved.index(begin)]
    assert updated[updated.index(end) :] == moved[moved.index(end) :]
    # Names made before stay; the newcomer carries its account id.
    assert set(names) < set(generated_names(updated))
    assert "Production-X" in generated_names(updated)


def test_crlf_files_stay_crlf(corp: tuple) -> None:
    home, _ = corp
    original = SESSION_CONFIG.replace("\n", "\r\n").encode()
    home.config.write_bytes(original)
    assert run_populate(home)[0] == 0
    data = home.config.read_bytes()
    assert data.startswith(original)
    assert b"\n" not in data.replace(b"\r\n", b"")
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(home.config))
    assert len(session.full_config["profiles"]) == 7


def test_names_with_spaces_dots_and_unicode(home: AwsHome) -> None:
    session = SsoSession(START_URL, "us-east-1", "corp")
    accounts = [
        account_cache.DirectoryAccount(a.account_id, a.account_name, a.email, a.roles)
        for a in TRICKY.accounts
    ]
    plan = populate.make_plan(accounts, session, region="us-east-1", user_profiles={})
    names = {(e.account_id, e.role): e.name for e in plan.entries}
    assert names[("333333333333", "PowerUserAccess")] == "Unicode-Team-PowerUserAccess"
    assert names[("444444444444", "ReadOnlyAccess")] == "data.science-lab-ReadOnlyAccess"
    assert names[("555555555555", "AdministratorAccess")] == "555555555555-AdministratorAccess"
    assert names[("666666666666", "Dev+Ops,Role")] == "Sandbox-Dev-Ops-Role"
    assert names[("777777777777", "ReadOnlyAccess")] == "weird.name-ReadOnlyAccess"
    # Two accounts named Production: both carry their id; Admin and admin differ by case only.
    assert (
        names[("111111111111", "AdministratorAccess")]
        == "Production-AdministratorAccess-111111111111"
    )
    assert (
        names[("222222222222", "AdministratorAccess")]
        == "Production-AdministratorAccess-222222222222"
    )
    assert names[("111111111111", "ReadOnlyAccess")] == "Production-ReadOnlyAccess"
    assert names[("666666666666", "Admin")] == "Sandbox-Admin-666666666666"
    assert names[("666666666666", "admin")] == "Sandbox-admin-666666666666-2"
    for name in names.values():
        assert NAME.fullmatch(name) and shlex.quote(name) == name and len(name) <= 100


def test_the_same_input_gives_the_same_names_in_any_order(home: AwsHome) -> None:
    session = SsoSession(START_URL, "us-east-1", "corp")
    accounts = [
        account_cache.DirectoryAccount(a.account_id, a.account_name, a.email, list(a.roles))
        for a in TRICKY.accounts
    ]
    first = populate.make_plan(accounts, session, region="r", user_profiles={})
    reverse = [
        account_cache.DirectoryAccount(a.account_id, a.account_name, a.email, a.roles[::-1])
        for a in accounts[::-1]
    ]
    second = populate.make_plan(reverse, session, region="r", user_profiles={})
    assert [(e.name, e.pair) for e in first.entries] == [(e.name, e.pair) for e in second.entries]


def test_template_prefix_and_region(corp: tuple) -> None:
    home, _ = corp
    code, _, err = run_populate(
        home, "--template", "{account_id}.{role_name}", "--prefix", "corp-", "--region", "eu-west-1"
    )
    assert code == 0, err
    written = home.config.read_bytes()
    check_golden("template.ini", written.decode())
    assert "# asso populate options: --template '{account_id}.{role_name}'" in written.decode()
    # A plain re-run keeps the options: nothing changes.
    assert run_populate(home)[0] == 0
    assert home.config.read_bytes() == written
    # Given again as the defaults, they are forgotten and the names follow the default template.
    code, _, err = run_populate(
        home, "--template", "{account_name}-{role_name}", "--prefix", "", "--region", "us-east-1"
    )
    assert code == 0, err
    assert "options:" not in home.config.read_text()
    assert generated_names(home.config.read_text()) == generated_names(
        (GOLDEN / "basic.ini").read_text()
    )
    bad = run_populate(home, "--template", "{account}-{role}")
    assert bad[0] == 2 and "unknown field {account}" in bad[2] and "Traceback" not in bad[2]


def test_legacy_session(home: AwsHome, make_emulator: EmulatorFactory) -> None:
    emu = make_emulator(Organization.sample())
    home.write_config(
        f"[profile old]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_account_id = 111111111111\nsso_role_name = AdministratorAccess\n"
    )
    login(emu, home, START_URL)
    code, _, err = run_populate(home)  # the only session: no --session needed
    assert code == 0, err
    text = home.config.read_text(encoding="utf-8")
    check_golden("legacy.ini", text)
    assert f"sso_start_url = {START_URL}" in populate._block_of(text, START_URL)
    # The user's "old" is the same account and role as Management-AdministratorAccess: not a
    # clash (different name), so both exist.
    names = re.findall(r"^\[profile (\S+)\]$", text, re.M)
    assert "old" in names and "Management-AdministratorAccess" in names
    for name in names:
        assert helper(home, "resolve", "--profile", name).returncode == 0


def test_prune_removes_only_generated_profiles_that_are_gone(corp: tuple) -> None:
    home, emu = corp
    with home.config.open("a") as handle:
        handle.write("\n[profile mine]\nsso_session = corp\nsso_account_id = 444444444444\n")
        handle.write("sso_role_name = PowerUserAccess\n")
    assert run_populate(home)[0] == 0
    emu.org.accounts = [a for a in emu.org.accounts if a.account_id != "444444444444"]
    emu.org.find("333333333333").roles.remove("PowerUserAccess")  # type: ignore[union-attr]
    code, _, err = run_populate(home)
    assert code == 0 and "2 kept though gone" in err
    kept = home.config.read_text(encoding="utf-8")
    assert "Sandbox-Dev-PowerUserAccess" in generated_names(kept)
    assert "Staging-PowerUserAccess" in generated_names(kept)
    code, _, err = run_populate(home, "--prune")
    assert code == 0 and "2 removed" in err
    pruned = home.config.read_text(encoding="utf-8")
    assert "Sandbox-Dev-PowerUserAccess" not in generated_names(pruned)
    assert "Staging-PowerUserAccess" not in generated_names(pruned)
    assert len(generated_names(pruned)) == 5
    assert "[profile mine]" in pruned  # the user's own profile for the gone account stays


def test_dry_run_prints_a_diff_and_writes_nothing(corp: tuple) -> None:
    home, _ = corp
    before = home.config.read_bytes(), home.config.stat().st_mtime_ns
    code, out, err = run_populate(home, "--dry-run")
    assert code == 0, err
    assert out.startswith(f"--- {home.config}\n+++ {home.config} (asso populate)\n@@")
    assert "+[profile Production-AdministratorAccess]" in out
    assert (home.config.read_bytes(), home.config.stat().st_mtime_ns) == before
    assert not Path(str(home.config) + ".asso-backup").exists()
    assert not Path(
        account_cache.cache_path(SsoSession(START_URL, "us-east-1", "corp").cache_key)
    ).exists()


def test_not_logged_in_is_a_one_line_error(home: AwsHome, make_emulator: EmulatorFactory) -> None:
    make_emulator()
    home.write_config(SESSION_CONFIG)
    code, out, err = run_populate(home, "--session", "corp")
    assert code == 7 and out == "" and err.count("\n") == 1
    # No profile uses the session yet: asso logs in to the session by name.
    assert "not logged in" in err and "run `asso login --session corp` first" in err
    with home.config.open("a") as handle:
        handle.write("\n[profile p]\nsso_session = corp\nsso_account_id = 111111111111\n")
        handle.write("sso_role_name = AdministratorAccess\n")
    home.write_token("corp", expires_in=-60)
    code, _, err = run_populate(home)
    assert code == 7 and err.count("\n") == 1
    assert "expired" in err and "run `asso login --session corp` first" in err


def test_unknown_and_ambiguous_sessions(corp: tuple) -> None:
    home, _ = corp
    code, _, err = run_populate(home, "--session", "corpp")
    assert code == 2 and "did you mean: corp" in err
    with home.config.open("a") as handle:
        handle.write("\n[sso-session other]\nsso_start_url = https://x.awsapps.com/start\n")
        handle.write("sso_region = eu-west-1\n")
    code, _, err = run_populate(home)
    assert code == 2 and "--session" in err and "corp, other" in err


def test_symlinked_config_mode_and_backup(corp: tuple, tmp_path: Path) -> None:
    home, _ = corp
    real = tmp_path / "dotfiles" / "aws-config"
    real.parent.mkdir()
    real.write_text(SESSION_CONFIG)
    os.chmod(real, 0o640)
    home.config.unlink()
    home.config.symlink_to(real)
    assert run_populate(home)[0] == 0
    assert home.config.is_symlink()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
    assert Path(str(home.config) + ".asso-backup").read_text() == SESSION_CONFIG
    assert len(generated_names(real.read_text())) == 7


def test_damaged_markers_are_refused(corp: tuple) -> None:
    home, _ = corp
    begin, _ = populate.markers("corp")
    with home.config.open("a") as handle:
        handle.write(f"\n{begin}\n[profile x]\nregion = r\n")
    before = home.config.read_bytes()
    code, _, err = run_populate(home)
    assert code == 3 and "damaged" in err
    assert home.config.read_bytes() == before


def test_a_user_profile_added_later_makes_the_generated_one_move(corp: tuple) -> None:
    home, _ = corp
    assert run_populate(home)[0] == 0
    # The user copies a generated name into a profile of their own (botocore now fails).
    with home.config.open("a") as handle:
        handle.write("\n[profile Staging-AdministratorAccess]\nregion = eu-west-1\n")
    code, _, err = run_populate(home)
    assert code == 0, err
    names = generated_names(home.config.read_text(encoding="utf-8"))
    assert "Staging-AdministratorAccess-333333333333" in names
    assert "Staging-AdministratorAccess" not in names
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(home.config))
    assert "Staging-AdministratorAccess-333333333333" in session.full_config["profiles"]


def test_an_expired_token_is_refreshed_as_botocore_would(corp: tuple) -> None:
    home, _ = corp
    with home.config.open("a") as handle:
        handle.write("\n[profile p]\nsso_session = corp\nsso_account_id = 111111111111\n")
        handle.write("sso_role_name = AdministratorAccess\n")
    path = home.token_file("corp")
    token = json.loads(path.read_text())
    token["expiresAt"] = "2020-01-01T00:00:00Z"  # past expiry, refresh token still good
    path.write_text(json.dumps(token))
    code, _, err = run_populate(home)
    assert code == 0, err
    refreshed = json.loads(path.read_text())
    assert refreshed["expiresAt"] > "2025" and refreshed["accessToken"] != token["accessToken"]


BOTO3_CREDS = """
import json, boto3
c = boto3.Session().get_credentials()
print(json.dumps({"method": c.method, "id": c.get_frozen_credentials().access_key}))
"""


def test_credential_process_twins_have_one_mechanism_each(corp: tuple) -> None:
    import subprocess
    import sys

    home, emu = corp
    code, _out, err = run_populate(home, "--credential-process")
    assert code == 0, err
    text = home.config.read_text(encoding="utf-8")
    names = generated_names(text)
    twins = [n for n in names if n.endswith("-process")]
    plain = [n for n in names if not n.endswith("-process")]
    assert len(plain) == 7 and sorted(twins) == sorted(n + "-process" for n in plain)
    session = botocore.session.Session()
    session.set_config_variable("config_file", str(home.config))
    profiles = session.full_config["profiles"]
    for twin in twins:
        values = profiles[twin]
        # credential_process only: the CLI, botocore and every other SDK take the same path.
        assert not [k for k in values if k.startswith("sso_")]
        words = shlex.split(values["credential_process"])
        assert os.path.isabs(words[0]) and words[1:] == [
            "credential-process",
            "--profile",
            twin[: -len("-process")],
        ]
    twin = twins[0]
    env = {**home.env, "AWS_PROFILE": twin}
    proc = subprocess.run(
        [sys.executable, "-c", BOTO3_CREDS], env=env, capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    who = json.loads(proc.stdout)
    assert who["method"] == "custom-process"
    assert who["id"] == emu.issued_role_credentials[-1]["accessKeyId"]
    # Kept by a plain re-run; --no-credential-process removes the twins.
    assert run_populate(home)[0] == 0
    assert generated_names(home.config.read_text(encoding="utf-8")) == names
    assert run_populate(home, "--no-credential-process")[0] == 0
    assert generated_names(home.config.read_text(encoding="utf-8")) == plain
