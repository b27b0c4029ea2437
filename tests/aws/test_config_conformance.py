"""asso.aws.config against botocore: same profiles, same sessions, same errors, from the same files."""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from pathlib import Path
from typing import Any, Optional

import botocore.session
import pytest
from botocore.credentials import SSOProvider
from botocore.exceptions import BotoCoreError, ConfigParseError, CredentialRetrievalError
from botocore.utils import SSOTokenLoader
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asso import paths
from asso.aws.config import AwsConfig, SsoSession, describe, load_config, parse_role_arn
from asso.aws.parsecache import MIN_CACHED_SIZE
from asso.aws.resolve import TokenStates, resolve_profile
from asso.digest import sha1_hex
from asso.errors import ConfigError, ProfileNotFoundError

from ..support.samples import START_URL


class Env:
    """A clean AWS environment in a temporary HOME, shared by asso and botocore."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.home = root / "home"
        (self.home / ".aws").mkdir(parents=True)
        self.config = root / "config"
        self.credentials = root / "credentials"
        self.monkeypatch = monkeypatch
        for name in list(os.environ):
            if name.startswith(("AWS_", "ASSO_")):
                monkeypatch.delenv(name)
        monkeypatch.setenv("HOME", str(self.home))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(self.config))
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(self.credentials))
        monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never wait for IMDS
        monkeypatch.setenv("ASSO_CACHE_DIR", str(root / "asso-cache"))

    def write(self, config: Optional[str] = None, credentials: Optional[str] = None) -> None:
        if config is not None:
            self.config.write_text(config, encoding="utf-8")
        if credentials is not None:
            self.credentials.write_text(credentials, encoding="utf-8")

    def botocore_config(self) -> dict[str, Any]:
        full: dict[str, Any] = botocore.session.Session().full_config
        return full

    def asso_config(self) -> AwsConfig:
        return load_config(os.environ)

    def assert_same(self) -> AwsConfig:
        full = self.botocore_config()
        ours = self.asso_config()
        assert ours.profiles == full["profiles"]
        # botocore leaves the key out entirely when the config file is missing.
        assert ours.sso_sessions == full.get("sso_sessions", {})
        return ours


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Env:
    return Env(tmp_path, monkeypatch)


def botocore_error(profile: str) -> str:
    """The message botocore's credential chain raises for the profile (it must raise)."""
    session = botocore.session.Session(profile=profile)
    with pytest.raises(BotoCoreError) as info:
        session.get_credentials()
    return str(info.value)


def botocore_sso_error(profile: str) -> str:
    session = botocore.session.Session(profile=profile)
    provider = SSOProvider(
        load_config=lambda: session.full_config, client_creator=None, profile_name=profile
    )
    with pytest.raises(BotoCoreError) as info:
        provider._load_sso_config()
    return str(info.value)


# ---------------------------------------------------------------------------------------------
# Loading


LOAD_CASES: dict[str, tuple[Optional[str], Optional[str]]] = {
    "quoted-names": (
        '[profile "my profile"]\nregion = a\n'
        "[profile 'single quoted']\nregion = b\n"
        '[sso-session "my sso"]\nsso_start_url = u\n',
        None,
    ),
    "dropped-names": (
        "[profile two words]\nregion = a\n[profilefoo]\nregion = b\n[profile]\nregion = c\n"
        '[profile "unterminated]\nregion = d\n[preview]\nk = v\n[sso-session]\nk = v\n'
        "[services s]\ns3 =\n  endpoint_url = http://x\n",
        None,
    ),
    # Quirk kept: botocore only checks the prefix, so this is profile "bar".
    "prefix-without-space": ("[profilefoo bar]\nregion = a\n[sso-sessionx y]\nk = v\n", None),
    "default-then-profile-default": (
        "[default]\nregion = one\noutput = json\n[profile default]\nregion = two\n",
        None,
    ),
    "profile-default-then-default": (
        "[profile default]\nregion = two\n[default]\nregion = one\noutput = json\n",
        None,
    ),
    "nested-keys": (
        "[profile p]\nregion = r\ns3 =\n  max_concurrent_requests = 20\n  addressing_style = path\n",
        None,
    ),
    "default-section": ("[DEFAULT]\nregion = d\n[profile a]\n[profile b]\nregion = b\n", None),
    "credentials-override": (
        "[profile a]\nregion = r\naws_access_key_id = CONFIG\n[default]\nregion = d\n",
        "[a]\naws_access_key_id = CREDS\naws_secret_access_key = S\n"
        "[default]\naws_access_key_id = D\naws_secret_access_key = S\n",
    ),
    "credentials-only-profiles": (
        "[profile a]\nregion = r\n",
        "[only]\naws_access_key_id = K\naws_secret_access_key = S\n",
    ),
    "profile-prefix-in-credentials-is-literal": (
        "[profile x]\nregion = r\n",
        "[profile x]\naws_access_key_id = K\naws_secret_access_key = S\n",
    ),
    "credentials-nested": (None, "[a]\ns3 =\n  k = v\n"),
    "config-missing": (None, "[a]\naws_access_key_id = K\n"),
    "both-missing": (None, None),
    "sso-sessions": (
        "[profile p]\nsso_session = my-sso\nsso_account_id = 111111111111\nsso_role_name = R\n"
        f"[sso-session my-sso]\nsso_start_url = {START_URL}\nsso_region = us-east-1\n"
        "sso_registration_scopes = sso:account:access\n",
        None,
    ),
}


@pytest.mark.parametrize(("config", "credentials"), LOAD_CASES.values(), ids=list(LOAD_CASES))
def test_load_matches_botocore(env: Env, config: Optional[str], credentials: Optional[str]) -> None:
    env.write(config, credentials)
    env.assert_same()


def test_load_expectations(env: Env) -> None:
    """Spot checks that the cases above test what they claim."""
    env.write(LOAD_CASES["quoted-names"][0])
    ours = env.assert_same()
    assert set(ours.profiles) == {"my profile", "single quoted"}
    assert set(ours.sso_sessions) == {"my sso"}

    env.write(LOAD_CASES["dropped-names"][0])
    assert env.assert_same().profiles == {}

    env.write(LOAD_CASES["default-then-profile-default"][0])
    assert env.assert_same().profiles["default"] == {"region": "two"}
    env.write(LOAD_CASES["profile-default-then-default"][0])
    assert env.assert_same().profiles["default"] == {"region": "one", "output": "json"}

    env.write(*LOAD_CASES["credentials-override"])
    ours = env.assert_same()
    assert ours.profiles["a"]["aws_access_key_id"] == "CREDS"
    assert ours.profiles["a"]["region"] == "r"

    env.write(*LOAD_CASES["profile-prefix-in-credentials-is-literal"])
    assert set(env.assert_same().profiles) == {"x", "profile x"}


def test_config_is_a_directory(env: Env) -> None:
    env.config.mkdir()
    env.write(credentials="[c]\naws_access_key_id = K\n")
    ours = env.assert_same()
    assert set(ours.profiles) == {"c"}
    assert any("not a regular file" in note for note in ours.notes)


def test_tilde_and_variables_in_paths(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    target = env.home / "cfg" / "sub"
    target.mkdir(parents=True)
    (target / "config").write_text("[profile expanded]\nregion = r\n", encoding="utf-8")
    (target / "creds").write_text("[credprof]\naws_access_key_id = K\n", encoding="utf-8")
    monkeypatch.setenv("ASSO_TEST_DIR", "sub")
    monkeypatch.setenv("AWS_CONFIG_FILE", "~/cfg/$ASSO_TEST_DIR/config")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "${HOME}/cfg/${ASSO_TEST_DIR}/creds")
    ours = env.assert_same()
    assert set(ours.profiles) == {"expanded", "credprof"}
    assert ours.config_file == str(target / "config")
    assert paths.aws_credentials_file() == str(target / "creds")


def test_default_paths_under_home(env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AWS_CONFIG_FILE")
    monkeypatch.delenv("AWS_SHARED_CREDENTIALS_FILE")
    (env.home / ".aws" / "config").write_text("[profile home]\nregion = r\n", encoding="utf-8")
    ours = env.assert_same()
    assert set(ours.profiles) == {"home"}


@pytest.mark.parametrize("which", ["config", "credentials"])
def test_non_utf8_is_an_error_in_both(env: Env, which: str) -> None:
    path = env.config if which == "config" else env.credentials
    path.write_bytes(b"[default]\nregion = caf\xe9\n")
    with pytest.raises(ConfigParseError):
        env.botocore_config()
    with pytest.raises(ConfigError, match="Unable to parse config file"):
        env.asso_config()


@pytest.mark.parametrize(
    ("config", "credentials"),
    [
        ("[profile a]\nk = 1\n[profile a]\nj = 2\n", None),
        ("[profile a]\nk = 1\nk = 2\n", None),
        ("[profile a]\nk = 1\n", "[a]\nk = 1\n[a]\nk = 2\n"),
        ("[profile a]\ns3 =\n  novalue\n", None),
        ("k = v\n", None),
    ],
    ids=[
        "duplicate-section",
        "duplicate-key",
        "duplicate-in-credentials",
        "bad-nested",
        "no-header",
    ],
)
def test_parse_errors_in_both(env: Env, config: str, credentials: Optional[str]) -> None:
    env.write(config, credentials)
    with pytest.raises(ConfigParseError):
        env.botocore_config()
    with pytest.raises(ConfigError) as info:
        env.asso_config()
    message = str(info.value)
    assert "Unable to parse config file" in message
    assert "\n" not in message


def test_unknown_profile_suggests(env: Env) -> None:
    env.write("[profile production]\n[profile prod-admin]\n[profile staging]\n")
    ours = env.asso_config()
    with pytest.raises(ProfileNotFoundError) as info:
        describe(ours, "prod")
    assert info.value.suggestions[:2] == ["prod-admin", "production"]
    assert str(env.config) in str(info.value)
    with pytest.raises(BotoCoreError):
        botocore.session.Session(profile="prod").get_credentials()


# ---------------------------------------------------------------------------------------------
# Classification

CHAIN_CONFIG = f"""
[profile sso-legacy]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = 111111111111
sso_role_name = Legacy
region = eu-west-1

[profile sso-new]
sso_session = my-sso
sso_account_id = 222222222222
sso_role_name = Admin
sso_account_name = Production
region = eu-central-1

[sso-session my-sso]
sso_start_url = {START_URL}
sso_region = us-east-1

[profile role-on-sso]
role_arn = arn:aws:iam::333333333333:role/path/to/Deployer
source_profile = role-mid

[profile role-mid]
role_arn = arn:aws:iam::444444444444:role/Mid
source_profile = sso-new

[profile role-on-legacy]
role_arn = arn:aws:iam::333333333333:role/OnLegacy
source_profile = sso-legacy

[profile role-env]
role_arn = arn:aws:iam::555555555555:role/FromEnv
credential_source = Environment

[profile role-ec2]
role_arn = arn:aws-cn:iam::555555555555:role/FromEc2
credential_source = Ec2InstanceMetadata

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile role-on-static]
role_arn = arn:aws:iam::666666666666:role/OnStatic
source_profile = static

[profile self-static]
role_arn = arn:aws:iam::666666666666:role/Self
source_profile = self-static
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile source-with-role-and-keys]
role_arn = arn:aws:iam::777777777777:role/Ignored
source_profile = nowhere
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile role-on-keyed-role]
role_arn = arn:aws:iam::777777777777:role/Outer
source_profile = source-with-role-and-keys

[profile process]
credential_process = /bin/false

[profile webid]
role_arn = arn:aws:iam::888888888888:role/Web
web_identity_token_file = /nonexistent/token

[profile granted]
credential_process = granted credential-process --profile granted
granted_sso_start_url = {START_URL}
granted_sso_region = us-east-1
granted_sso_account_id = 999999999999
granted_sso_role_name = GrantedRole
region = ap-southeast-2

[profile sso-util]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_account_id = 121212121212
sso_role_name = Reader
sso_account_name = Sandbox

[profile plain]
region = us-west-2

[profile webid-with-sso-keys]
role_arn = arn:aws:iam::888888888888:role/Web
web_identity_token_file = /nonexistent/token
sso_session = does-not-exist
sso_account_id = 111111111111

[profile role-on-webid]
role_arn = arn:aws:iam::888888888888:role/Outer
source_profile = webid-with-sso-keys
"""


@pytest.fixture
def chain_env(env: Env) -> Env:
    env.write(CHAIN_CONFIG)
    return env


def test_sso_legacy(chain_env: Env) -> None:
    info = describe(chain_env.assert_same(), "sso-legacy")
    assert (info.kind, info.account_id, info.role, info.region) == (
        "sso",
        "111111111111",
        "Legacy",
        "eu-west-1",
    )
    assert info.sso == SsoSession(START_URL, "us-east-1")
    assert info.sso is not None and info.sso.cache_key == sha1_hex(START_URL)
    assert info.error is None


def test_sso_session(chain_env: Env) -> None:
    info = describe(chain_env.asso_config(), "sso-new")
    assert (info.kind, info.account_id, info.role, info.account_name) == (
        "sso",
        "222222222222",
        "Admin",
        "Production",
    )
    assert info.sso == SsoSession(START_URL, "us-east-1", "my-sso")
    assert info.sso is not None and info.sso.cache_key == sha1_hex("my-sso")
    assert info.error is None


def test_role_chain_ending_in_sso(chain_env: Env) -> None:
    ours = chain_env.asso_config()
    info = describe(ours, "role-on-sso")
    assert info.kind == "role"
    assert (info.account_id, info.role) == ("333333333333", "Deployer")
    assert info.chain == ("role-on-sso", "role-mid", "sso-new")
    assert info.sso == SsoSession(START_URL, "us-east-1", "my-sso")
    assert info.error is None
    legacy = describe(ours, "role-on-legacy")
    assert legacy.chain == ("role-on-legacy", "sso-legacy")
    assert legacy.sso is not None and legacy.sso.name is None
    assert legacy.sso.cache_key == sha1_hex(START_URL)
    # botocore accepts the whole chain (credentials are fetched lazily, so no network here).
    creds = botocore.session.Session(profile="role-on-sso").get_credentials()
    assert creds is not None and creds.method == "assume-role"


def test_role_chain_uses_token_of_chain_end(chain_env: Env) -> None:
    cache = chain_env.home / ".aws" / "sso" / "cache"
    cache.mkdir(parents=True)
    expires = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    (cache / (sha1_hex("my-sso") + ".json")).write_text(
        f'{{"startUrl":"{START_URL}","region":"us-east-1","accessToken":"t","expiresAt":"{expires}"}}',
        encoding="utf-8",
    )
    res = resolve_profile(chain_env.asso_config(), "role-on-sso", os.environ, TokenStates())
    assert res.token_state == "valid"
    assert res.token is not None and res.token.path == str(cache / (sha1_hex("my-sso") + ".json"))
    assert res.sso_session == "my-sso"
    legacy = resolve_profile(chain_env.asso_config(), "role-on-legacy", os.environ, TokenStates())
    assert legacy.token_state == "missing"


def test_role_with_credential_source(chain_env: Env, monkeypatch: pytest.MonkeyPatch) -> None:
    ours = chain_env.asso_config()
    info = describe(ours, "role-env")
    assert (info.kind, info.account_id, info.role, info.error) == (
        "role",
        "555555555555",
        "FromEnv",
        None,
    )
    assert info.sso is None and info.chain == ("role-env",)
    ec2 = describe(ours, "role-ec2")
    assert (ec2.account_id, ec2.role, ec2.error) == ("555555555555", "FromEc2", None)
    # botocore accepts it too, given credentials in the environment for the source.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    session = botocore.session.Session(profile="role-env")
    resolver = session.get_component("credential_provider")
    creds = resolver.get_provider("assume-role").load()
    assert creds is not None and creds.method == "assume-role"


def test_role_on_static_and_self_reference(chain_env: Env) -> None:
    ours = chain_env.asso_config()
    for name, chain in [
        # Web identity comes before SSO in botocore's source chain: the SSO keys are not read.
        ("role-on-webid", ("role-on-webid", "webid-with-sso-keys")),
        ("role-on-static", ("role-on-static", "static")),
        ("self-static", ("self-static",)),
        ("role-on-keyed-role", ("role-on-keyed-role", "source-with-role-and-keys")),
    ]:
        info = describe(ours, name)
        assert (info.kind, info.chain, info.error, info.sso) == ("role", chain, None, None), name
        creds = botocore.session.Session(profile=name).get_credentials()
        assert creds is not None and creds.method == "assume-role", name


@pytest.mark.parametrize(
    ("name", "kind", "account_id", "role", "account_name", "region"),
    [
        ("static", "static", None, None, None, None),
        ("process", "process", None, None, None, None),
        ("webid", "web_identity", "888888888888", "Web", None, None),
        ("granted", "process", "999999999999", "GrantedRole", None, "ap-southeast-2"),
        ("sso-util", "sso", "121212121212", "Reader", "Sandbox", None),
        ("plain", "none", None, None, None, "us-west-2"),
    ],
)
def test_other_kinds(
    chain_env: Env,
    name: str,
    kind: str,
    account_id: Optional[str],
    role: Optional[str],
    account_name: Optional[str],
    region: Optional[str],
) -> None:
    info = describe(chain_env.asso_config(), name)
    assert (info.kind, info.account_id, info.role, info.account_name, info.region) == (
        kind,
        account_id,
        role,
        account_name,
        region,
    )
    assert info.error is None


def test_granted_sso_details(chain_env: Env) -> None:
    info = describe(chain_env.asso_config(), "granted")
    assert info.via_granted
    assert info.sso == SsoSession(START_URL, "us-east-1")
    plain_process = describe(chain_env.asso_config(), "process")
    assert not plain_process.via_granted and plain_process.sso is None


def test_static_and_process_profiles_are_what_botocore_uses(chain_env: Env) -> None:
    creds = botocore.session.Session(profile="static").get_credentials()
    assert creds is not None and creds.method == "config-file"
    webid = botocore.session.Session(profile="webid").get_credentials()
    assert webid is not None and webid.method == "assume-role-with-web-identity"


@pytest.mark.parametrize(
    ("arn", "expected"),
    [
        ("arn:aws:iam::123456789012:role/Name", ("123456789012", "Name")),
        ("arn:aws:iam::123456789012:role/path/to/Name", ("123456789012", "Name")),
        ("arn:aws-us-gov:iam::123456789012:role/a/b", ("123456789012", "b")),
        (
            "arn:aws:iam::123456789012:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123",
            ("123456789012", "AWSReservedSSO_Admin_0123"),
        ),
        ("arn:aws:iam::123456789012:user/someone", ("123456789012", None)),
        ("arn:aws:iam:::role/Name", (None, "Name")),
        ("not an arn", (None, None)),
        ("", (None, None)),
        ("arn:aws:iam::123456789012", (None, None)),
    ],
)
def test_parse_role_arn(arn: str, expected: tuple[Optional[str], Optional[str]]) -> None:
    assert parse_role_arn(arn) == expected


# ---------------------------------------------------------------------------------------------
# Broken configurations: asso's message is botocore's.

ERROR_CONFIG = f"""
[profile no-source]
role_arn = arn:aws:iam::111111111111:role/R

[profile both-sources]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = static
credential_source = Environment

[profile missing-source]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = does-not-exist

[profile loop-a]
role_arn = arn:aws:iam::111111111111:role/A
source_profile = loop-b

[profile loop-b]
role_arn = arn:aws:iam::111111111111:role/B
source_profile = loop-a

[profile loop-start]
role_arn = arn:aws:iam::111111111111:role/S
source_profile = loop-c

[profile loop-c]
role_arn = arn:aws:iam::111111111111:role/C
source_profile = loop-d

[profile loop-d]
role_arn = arn:aws:iam::111111111111:role/D
source_profile = loop-c

[profile self-loop]
role_arn = arn:aws:iam::111111111111:role/Self
source_profile = self-loop

[profile self-secret-only]
role_arn = arn:aws:iam::111111111111:role/Self
source_profile = self-secret-only
aws_secret_access_key = secret

[profile bad-credential-source]
role_arn = arn:aws:iam::111111111111:role/R
credential_source = environment

[profile nothing]
region = us-east-1

[profile role-on-nothing]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = nothing

[profile deep-broken]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = no-source

[profile static]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = secret

[profile sso-missing-session]
sso_session = nope
sso_account_id = 111111111111
sso_role_name = R

[profile sso-inconsistent]
sso_session = my-sso
sso_start_url = https://other.awsapps.com/start
sso_account_id = 111111111111
sso_role_name = R

[profile sso-inconsistent-region]
sso_session = my-sso
sso_region = eu-west-1
sso_account_id = 111111111111
sso_role_name = R

[profile sso-legacy-incomplete]
sso_start_url = {START_URL}
sso_account_id = 111111111111

[profile sso-session-incomplete]
sso_session = half
sso_account_id = 111111111111
sso_role_name = R

[profile role-on-broken-sso]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = sso-missing-session

[profile webid-no-role]
web_identity_token_file = /nonexistent/token
sso_account_id = 111111111111
sso_role_name = R

[profile role-on-webid-no-role]
role_arn = arn:aws:iam::111111111111:role/R
source_profile = webid-no-role

[sso-session my-sso]
sso_start_url = {START_URL}
sso_region = us-east-1

[sso-session half]
sso_region = us-east-1
"""

ROLE_ERRORS = [
    "no-source",
    "both-sources",
    "missing-source",
    "loop-a",
    "loop-start",
    "self-loop",
    "self-secret-only",
    "bad-credential-source",
    "role-on-nothing",
    "deep-broken",
    "role-on-broken-sso",
    "webid-no-role",
    "role-on-webid-no-role",
]
SSO_ERRORS = [
    "sso-missing-session",
    "sso-inconsistent",
    "sso-inconsistent-region",
    "sso-legacy-incomplete",
    "sso-session-incomplete",
]


@pytest.fixture
def error_env(env: Env) -> Env:
    env.write(ERROR_CONFIG)
    return env


@pytest.mark.parametrize("name", ROLE_ERRORS + SSO_ERRORS)
def test_error_message_is_botocores(error_env: Env, name: str) -> None:
    info = describe(error_env.assert_same(), name)
    assert info.error is not None, name
    assert info.error == botocore_error(name)


@pytest.mark.parametrize("name", SSO_ERRORS)
def test_sso_error_message_matches_sso_provider(error_env: Env, name: str) -> None:
    info = describe(error_env.asso_config(), name)
    assert info.kind == "sso" and info.sso is None
    assert info.error == botocore_sso_error(name)


def test_error_texts_are_the_documented_ones(error_env: Env) -> None:
    ours = error_env.asso_config()
    assert describe(ours, "sso-missing-session").error == (
        'The specified sso-session does not exist: "nope"'
    )
    assert describe(ours, "sso-inconsistent").error == (
        "The value for sso_start_url is inconsistent between profile "
        f"(https://other.awsapps.com/start) and sso-session ({START_URL})."
    )
    loop = describe(ours, "loop-start").error
    assert loop is not None and "Visited profiles: ['loop-start', 'loop-c', 'loop-d']" in loop


# Property: random small configs. Excluded, as known and deliberate differences: an access key
# without its secret (botocore names the file it came from, asso merges the two files) and
# credential sources that exist but hold nothing (a run-time, not a config, problem).

_PROFILES = ["a", "b", "c", "d"]
_OPTIONAL_LINES = [
    st.just("role_arn = arn:aws:iam::111111111111:role/R"),
    st.sampled_from([*_PROFILES, "missing"]).map("source_profile = {}".format),
    st.sampled_from(["Bogus", "environment"]).map("credential_source = {}".format),
    st.sampled_from(
        ["aws_access_key_id = K\naws_secret_access_key = S", "aws_secret_access_key = S"]
    ),
    st.just("sso_account_id = 111111111111"),
    st.just("sso_role_name = R"),
    st.sampled_from(["s", "t", "missing"]).map("sso_session = {}".format),
    st.sampled_from(["https://u", "https://v"]).map("sso_start_url = {}".format),
    st.just("sso_region = us-east-1"),
    st.just("web_identity_token_file = /nonexistent/token"),
]


@st.composite
def random_configs(draw: st.DrawFn) -> str:
    sections = []
    for name in _PROFILES:
        lines = [line for line in _OPTIONAL_LINES if draw(st.integers(0, 3)) == 0]
        sections.append(f"[profile {name}]\n" + "\n".join(draw(st.tuples(*lines))) + "\n")
    sections.append("[sso-session s]\nsso_start_url = https://u\nsso_region = us-east-1\n")
    if draw(st.booleans()):
        sections.append("[sso-session t]\nsso_region = us-east-1\n")
    return "".join(sections)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(text=random_configs())
def test_property_errors_match_botocore(env: Env, text: str) -> None:
    env.write(text)
    ours = env.assert_same()
    for name in _PROFILES:
        session = botocore.session.Session(profile=name)
        try:
            session.get_credentials()
            expected = None
        except CredentialRetrievalError:
            continue
        except BotoCoreError as error:
            expected = str(error)
        assert describe(ours, name).error == expected, (name, text)


# ---------------------------------------------------------------------------------------------
# Token cache keys


def test_token_cache_key_vectors() -> None:
    assert SsoSession(START_URL, "us-east-1", "my-sso").cache_key == (
        "0ad374308c5a4e22f723adf10145eafad7c4031c"
    )
    assert SsoSession(START_URL, "us-east-1").cache_key == (
        "7487b5b67d5fa1132cf33fa93ae51ef38cc37752"
    )
    trailing = SsoSession(START_URL + "/", "us-east-1").cache_key
    assert trailing != SsoSession(START_URL, "us-east-1").cache_key
    assert trailing == hashlib.sha1((START_URL + "/").encode()).hexdigest()


@pytest.mark.parametrize(
    ("start_url", "session_name"),
    [(START_URL, None), (START_URL, "my-sso"), (START_URL + "/", None), ("x", "sessión ü")],
)
def test_token_cache_key_matches_botocore(start_url: str, session_name: Optional[str]) -> None:
    ours = SsoSession(start_url, "us-east-1", session_name).cache_key
    assert ours == SSOTokenLoader()._generate_cache_key(start_url, session_name)


# ---------------------------------------------------------------------------------------------
# The parse cache (files of MIN_CACHED_SIZE bytes or more)


def _big_config(count: int = 1500) -> str:
    parts = [
        f"[profile p{i:05d}]\nsso_session = s\nsso_account_id = {i:012d}\nsso_role_name = Role{i}\n"
        for i in range(count)
    ]
    text = "[sso-session s]\nsso_start_url = https://x.awsapps.com/start\nsso_region = us-east-1\n"
    text += "".join(parts)
    assert len(text.encode()) >= MIN_CACHED_SIZE
    return text


def _cache_file(path: Path) -> Path:
    return Path(paths.user_cache_dir()) / "parsed" / sha1_hex(str(path))


def test_parse_cache_round_trip(env: Env) -> None:
    env.write(_big_config())
    first = env.assert_same()
    assert _cache_file(env.config).is_file()
    second = env.assert_same()
    assert first.profiles == second.profiles and len(second.profiles) == 1500


def test_parse_cache_notices_same_size_same_mtime_edit(env: Env) -> None:
    text = _big_config()
    env.write(text)
    assert env.asso_config().profiles["p00007"]["sso_role_name"] == "Role7"
    before = os.stat(env.config)
    time.sleep(0.05)  # past the coarse clock tick of the first write, so ctime differs
    edited = text.replace("sso_role_name = Role7\n", "sso_role_name = Role8\n", 1)
    assert len(edited) == len(text)
    with open(env.config, "r+", encoding="utf-8") as handle:  # in place: same inode
        handle.write(edited)
    os.utime(env.config, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = os.stat(env.config)
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (
        before.st_size,
        before.st_mtime_ns,
        before.st_ino,
    )
    ours = env.assert_same()
    assert ours.profiles["p00007"]["sso_role_name"] == "Role8"


def test_parse_cache_notices_atomic_replace(env: Env) -> None:
    text = _big_config()
    env.write(text)
    env.asso_config()
    before = os.stat(env.config)
    replacement = env.root / "config.new"
    replacement.write_text(text.replace("Role7\n", "Role8\n", 1), encoding="utf-8")
    os.utime(replacement, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(replacement, env.config)
    assert env.assert_same().profiles["p00007"]["sso_role_name"] == "Role8"


@pytest.mark.parametrize(
    "garbage", [b"", b"not marshal", marshal.dumps("a string"), marshal.dumps((1, 2, 3))]
)
def test_parse_cache_ignores_corrupt_entry(env: Env, garbage: bytes) -> None:
    env.write(_big_config())
    expected = env.assert_same().profiles
    cache_file = _cache_file(env.config)
    cache_file.write_bytes(garbage)
    assert env.assert_same().profiles == expected
    rewritten = cache_file.read_bytes()
    assert rewritten != garbage
    key, _ = marshal.loads(rewritten)  # a valid entry again, keyed on the file's stat
    assert os.stat(env.config).st_mtime_ns in key
    assert env.assert_same().profiles == expected


def test_parse_cache_not_used_for_small_files(env: Env) -> None:
    env.write("[profile small]\nregion = r\n")
    env.assert_same()
    assert not _cache_file(env.config).exists()


def test_parse_cache_error_is_still_an_error(env: Env) -> None:
    env.write(_big_config() + "[profile p00001]\n")
    with pytest.raises(ConfigParseError):
        env.botocore_config()
    with pytest.raises(ConfigError):
        env.asso_config()
    with pytest.raises(ConfigError):
        env.asso_config()  # not cached as a success
