"""A corpus of bad input. For every case, in zsh and bash:

- ``asp TARGET`` exits with the documented code, with at most one line on stderr, no traceback;
- after a failed ``asp``, AWS_PROFILE is exactly what it was;
- the prompt hook still runs silently and the shell keeps working;
- ``asso resolve --profile TARGET`` agrees on the exit code.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Optional

import pytest

from ..conftest import AwsHome, run_shell
from ..support.samples import config, session, sso_profile

OK, USAGE, CONFIG, NOT_FOUND, FAILURE = 0, 2, 3, 4, 1

GOOD = config(session("s"), sso_profile("good", "123456789012", "Admin", session="s"))


@dataclass
class Case:
    id: str
    setup: Callable[[AwsHome], None]
    target: str = "good"
    code: int = OK  # asp's and resolve's exit code
    token_state: Optional[str] = None  # expected ASSO_TOKEN_STATE after a successful asp
    env: dict[str, str] = field(default_factory=dict)
    resolve_code: Optional[int] = None  # when resolve differs from asp
    warning: str = ""  # the one line a successful asp prints, if any


def config(text: str) -> Callable[[AwsHome], None]:
    return lambda h: h.write_config(text)


def raw_config(data: bytes) -> Callable[[AwsHome], None]:
    return lambda h: h.config.write_bytes(data)


def good_with_token(raw: Optional[str] = None, **token: object) -> Callable[[AwsHome], None]:
    def setup(h: AwsHome) -> None:
        h.write_config(GOOD)
        if raw is not None:
            h.write_token("s", raw=raw)
        else:
            h.write_token("s", **token)  # type: ignore[arg-type]

    return setup


def token_path_is_directory(h: AwsHome) -> None:
    h.write_config(GOOD)
    h.token_file("s").mkdir(parents=True)


def config_is_directory(h: AwsHome) -> None:
    h.config.mkdir()


def huge_config(h: AwsHome) -> None:
    with open(h.config, "w") as f:
        f.write(GOOD)
        f.write(("# " + "x" * 1022 + "\n") * (50 * 1024))  # 50 MB of comments


def state_dir_is_file(h: AwsHome) -> None:
    h.write_config(GOOD)
    h.state_dir.write_text("not a directory")


def sso_cache_not_writable(h: AwsHome) -> None:
    h.write_config(GOOD)
    h.sso_cache.mkdir(parents=True)
    h.sso_cache.chmod(0o500)


CASES = [
    # The config file as a whole.
    Case("key-without-delimiter", config(GOOD + "[profile x]\njust words\n"), code=CONFIG),
    Case("duplicate-section", config(GOOD + "[profile good]\nregion = x\n"), code=CONFIG),
    Case("duplicate-key", config(GOOD + "[profile d]\nregion = a\nregion = b\n"), code=CONFIG),
    Case("key-before-any-section", config("region = x\n" + GOOD), code=CONFIG),
    Case("binary-garbage", raw_config(bytes(range(256)) * 8), code=CONFIG),
    Case(
        "latin-1-not-utf8",
        raw_config(GOOD.encode() + "[profile caf\xe9]\nregion = x\n".encode("latin-1")),
        code=CONFIG,
    ),
    Case(
        "nested-value-without-equals",
        config(GOOD + "[profile n]\ns3 =\n  no-equals-here\n"),
        code=CONFIG,
    ),
    Case("fifty-megabytes", huge_config, code=CONFIG),
    Case("config-is-a-directory", config_is_directory, code=NOT_FOUND),
    Case("config-is-empty", config(""), code=NOT_FOUND),
    Case("config-only-default-section", config("[DEFAULT]\nregion = x\n"), code=NOT_FOUND),
    Case(
        "config-path-nowhere",
        config(GOOD),
        code=NOT_FOUND,
        env={"AWS_CONFIG_FILE": "/nonexistent/dir/config"},
    ),
    Case(
        "config-path-unreadable",
        config(GOOD),
        code=NOT_FOUND,
        env={"AWS_CONFIG_FILE": "/proc/self/mem"},
    ),
    Case(
        "credentials-duplicate-key",
        lambda h: (h.write_config(GOOD), h.write_credentials("[a]\nx = 1\nx = 2\n")),
        code=CONFIG,
    ),
    Case(
        "credentials-binary",
        lambda h: (h.write_config(GOOD), h.credentials.write_bytes(b"\xff\xfe\x00garbage")),
        code=CONFIG,
    ),
    # One profile is broken; asp refuses it, with botocore's words.
    Case(
        "missing-sso-session",
        config(GOOD + "[profile m]\nsso_session = nope\nsso_account_id = 1\nsso_role_name = r\n"),
        "m",
        CONFIG,
    ),
    Case(
        "inconsistent-start-url",
        config(
            GOOD
            + "[profile i]\nsso_session = s\nsso_start_url = https://other/start\nsso_account_id = 1\nsso_role_name = r\n"
        ),
        "i",
        CONFIG,
    ),
    Case(
        "sso-missing-region",
        config("[profile l]\nsso_start_url = x\nsso_account_id = 1\nsso_role_name = r\n"),
        "l",
        CONFIG,
    ),
    Case(
        "source-profile-cycle",
        config(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = b\n[profile b]\nrole_arn = arn:aws:iam::1:role/B\nsource_profile = a\n"
        ),
        "a",
        CONFIG,
    ),
    Case(
        "source-profile-missing",
        config("[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = ghost\n"),
        "a",
        CONFIG,
    ),
    Case(
        "role-without-source",
        config("[profile a]\nrole_arn = arn:aws:iam::1:role/A\n"),
        "a",
        CONFIG,
    ),
    Case(
        "role-with-both-sources",
        config(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\ncredential_source = Environment\n"
        ),
        "a",
        CONFIG,
    ),
    Case(
        "invalid-credential-source",
        config("[profile a]\nrole_arn = arn:aws:iam::1:role/A\ncredential_source = Magic\n"),
        "a",
        CONFIG,
    ),
    Case(
        "self-sourcing-role-with-keys",
        config(
            "[profile a]\nrole_arn = arn:aws:iam::1:role/A\nsource_profile = a\naws_access_key_id = AKIA\naws_secret_access_key = s\n"
        ),
        "a",
        OK,
    ),
    Case("unknown-profile", config(GOOD), "goood", NOT_FOUND),
    Case("profile-name-with-newline", config(GOOD), "good\nbad", NOT_FOUND),
    Case(
        "very-long-profile-name",
        config(GOOD + f"[profile {'x' * 5000}]\nregion = r\n"),
        "x" * 5000,
        OK,
    ),
    # Token caches: never an error, always a state.
    Case("token-corrupt-json", good_with_token(raw="{not json"), token_state="missing"),
    Case(
        "token-truncated",
        good_with_token(raw='{"accessToken":"abc","expiresAt":"2099-'),
        token_state="missing",
    ),
    Case("token-is-array", good_with_token(raw="[1, 2, 3]"), token_state="missing"),
    Case(
        "token-expiry-is-number",
        good_with_token(raw='{"accessToken":"a","expiresAt":1700000000}'),
        token_state="missing",
    ),
    Case(
        "token-expiry-garbage",
        good_with_token(raw='{"accessToken":"a","expiresAt":"soon"}'),
        token_state="missing",
    ),
    Case(
        "token-without-access-token",
        good_with_token(raw='{"expiresAt":"2099-01-01T00:00:00Z"}'),
        token_state="missing",
    ),
    Case(
        "token-access-token-wrong-type",
        good_with_token(raw='{"accessToken":42,"expiresAt":"2099-01-01T00:00:00Z"}'),
        token_state="missing",
    ),
    Case(
        "token-far-future-offset",
        good_with_token(raw='{"accessToken":"a","expiresAt":"9999-12-31T23:59:59+14:00"}'),
        token_state="valid",
    ),
    Case(
        "token-far-past",
        good_with_token(raw='{"accessToken":"a","expiresAt":"0001-01-01T00:00:00Z"}'),
        token_state="expired",
    ),
    Case(
        "token-impossible-date",
        good_with_token(raw='{"accessToken":"a","expiresAt":"2026-02-30T00:00:00Z"}'),
        token_state="missing",
    ),
    Case(
        "token-utc-suffix",
        good_with_token(raw='{"accessToken":"a","expiresAt":"2099-01-01T00:00:00UTC"}'),
        token_state="valid",
    ),
    Case(
        "token-nested-deep", good_with_token(raw="[" * 100000 + "]" * 100000), token_state="missing"
    ),
    Case("token-is-directory", token_path_is_directory, token_state="missing"),
    Case(
        "token-huge",
        good_with_token(
            raw='{"accessToken":"'
            + "a" * (3 * 1024 * 1024)
            + '","expiresAt":"2099-01-01T00:00:00Z"}'
        ),
        token_state="missing",
    ),
    Case(
        "token-refresh-fields-wrong",
        good_with_token(
            extra={"refreshToken": 1, "clientId": None, "registrationExpiresAt": "x"}, expires_in=60
        ),
        token_state="valid",
    ),
    Case("token-cache-dir-missing", config(GOOD), token_state="missing"),
    Case("token-cache-dir-not-writable", sso_cache_not_writable, token_state="missing"),
    # The environment.
    Case("home-unset", config(GOOD), code=OK, token_state="missing", env={"HOME": ""}),
    # asso cannot write its state: asp still switches (the user's intent) and warns once.
    Case(
        "state-dir-is-a-file",
        state_dir_is_file,
        warning="asso: cannot write shell state",
    ),
    Case(
        "region-env-with-shell-syntax",
        config(GOOD),
        token_state="missing",
        env={"AWS_REGION": "$(touch PWNED)`x`"},
    ),
]


def script(shell: str, target: str) -> str:
    hook = "_asso_precmd" if shell == "zsh" else "_asso_prompt_command"
    return f"""
before=${{AWS_PROFILE-unset}}
asp "$TARGET"; rc=$?
echo "rc=$rc"
echo "changed=$([ "${{AWS_PROFILE-unset}}" = "$before" ] && echo no || echo yes)"
echo "state=$ASSO_TOKEN_STATE"
{hook}; {hook}
echo "hook=ok"
"""


def build_env(home: AwsHome, case: Case) -> dict[str, str]:
    env = {**home.env, "TARGET": case.target, **case.env}
    if env.get("HOME") == "":
        del env["HOME"]
        env["AWS_CONFIG_FILE"] = str(home.config)
    return env


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input(shell: str, aws_home: AwsHome, case: Case, tmp_path: Path) -> None:
    case.setup(aws_home)
    env = build_env(aws_home, case)
    try:
        result = run_shell(shell, script(shell, case.target), env, timeout=120)
    finally:
        if aws_home.sso_cache.exists():
            aws_home.sso_cache.chmod(0o700)
    out = dict(line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    assert "Traceback" not in result.stderr
    assert out.get("hook") == "ok", result.stdout + result.stderr
    assert out["rc"] == str(case.code), result.stderr
    if case.code == OK:
        assert out["changed"] == "yes"
        if case.warning:
            lines = result.stderr.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith(case.warning), result.stderr
        else:
            assert result.stderr == ""
        if case.token_state is not None:
            assert out["state"] == case.token_state
    else:
        assert out["changed"] == "no"
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("asso: "), result.stderr
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_resolve_agrees(aws_home: AwsHome, case: Case) -> None:
    case.setup(aws_home)
    env = build_env(aws_home, case)
    try:
        result = subprocess.run(
            [env["ASSO_HELPER"], "resolve", f"--profile={case.target}", "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        if aws_home.sso_cache.exists():
            aws_home.sso_cache.chmod(0o700)
    expected = case.code if case.resolve_code is None else case.resolve_code
    assert result.returncode == expected, result.stderr
    assert "Traceback" not in result.stderr
    if expected == OK:
        data = json.loads(result.stdout)
        assert data["profile"] == case.target
        if case.token_state is not None:
            assert data["token_state"] == case.token_state
    else:
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40
    assert len({c.id for c in CASES}) == len(CASES)
