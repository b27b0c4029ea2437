"""INI samples shared by tests: builders for the sections botocore accepts, and one small
organisation ("corp") whose profiles the shell and integration tests pick from.

``config(session(), PROD_ADMIN, DEV)`` is the text of a config file: each builder returns one
section, ``config`` puts a blank line between them.
"""

from __future__ import annotations

START_URL = "https://d-1234567890.awsapps.com/start"
LEGACY_URL = "https://d-0987654321.awsapps.com/start"


def section(header: str, **values: str) -> str:
    """``[header]`` and ``key = value`` lines, in the order given."""
    return f"[{header}]\n" + "".join(f"{key} = {value}\n" for key, value in values.items())


def profile(name: str, **values: str) -> str:
    return section(f"profile {name}", **values)


def session(
    name: str = "corp",
    *,
    start_url: str = START_URL,
    sso_region: str = "us-east-1",
    scopes: bool = False,
) -> str:
    """An ``[sso-session]``; ``scopes`` adds ``sso_registration_scopes = sso:account:access``."""
    more = {"sso_registration_scopes": "sso:account:access"} if scopes else {}
    return section(f"sso-session {name}", sso_start_url=start_url, sso_region=sso_region, **more)


def sso_profile(name: str, account: str, role: str, session: str = "corp", **more: str) -> str:
    """A profile on an ``[sso-session]``; ``more``: region, sso_account_name, in that order."""
    return profile(name, sso_session=session, sso_account_id=account, sso_role_name=role, **more)


def legacy_profile(
    name: str,
    account: str,
    role: str,
    *,
    start_url: str = START_URL,
    sso_region: str = "us-east-1",
    **more: str,
) -> str:
    """A profile with its own ``sso_start_url`` and ``sso_region`` (no sso-session); ``more``:
    region, sso_account_name..."""
    return profile(
        name,
        sso_start_url=start_url,
        sso_region=sso_region,
        sso_account_id=account,
        sso_role_name=role,
        **more,
    )


def keys_profile(
    name: str = "keys", key_id: str = "AKIAEXAMPLEEXAMPLE00", secret: str = "not-a-real-secret"
) -> str:
    """Static keys (fake ones: nothing checks them)."""
    return profile(name, aws_access_key_id=key_id, aws_secret_access_key=secret)


def config(*sections: str) -> str:
    """A config file of these sections, a blank line between two."""
    return "\n".join(sections)


#: The "corp" organisation's profiles, as the shell and integration tests name them.
PROD_ADMIN = sso_profile("prod-admin", "111122223333", "AdministratorAccess")
PROD_READONLY = sso_profile("prod-readonly", "111122223333", "ReadOnly")
DEV = sso_profile("dev", "444455556666", "Developer")
STAGING = sso_profile("staging", "777788889999", "ReadOnly")
SAND_BOX = sso_profile('"sand box"', "555566667777", "Dev")
KEYS = keys_profile()

#: One sso-session and one profile on it: the smallest config that logs in.
ONE_PROFILE = config(session("s"), sso_profile("p", "123456789012", "Admin", session="s"))

#: An [sso-session] with two profiles, a legacy SSO profile, a role chained to SSO, static keys.
ORG_CONFIG = config(
    section("default", region="us-west-1"),
    session(scopes=True),
    sso_profile("prod-admin", "111122223333", "AdministratorAccess", region="eu-west-1"),
    PROD_READONLY,
    sso_profile("dev", "444455556666", "Developer", region="eu-central-1"),
    legacy_profile("old", "777788889999", "Legacy", start_url=LEGACY_URL, sso_region="eu-west-1"),
    profile("deployer", role_arn="arn:aws:iam::999999999999:role/Deployer", source_profile="dev"),
    keys_profile(key_id="AKIAEXAMPLE", secret="not-a-secret"),
)
