"""INI samples shared by tests: one small organisation in the shapes botocore accepts."""

from __future__ import annotations

START_URL = "https://d-1234567890.awsapps.com/start"
LEGACY_URL = "https://d-0987654321.awsapps.com/start"

#: An [sso-session] with two profiles, a legacy SSO profile, a role chained to SSO, static keys.
ORG_CONFIG = f"""\
[default]
region = us-west-1

[sso-session corp]
sso_start_url = {START_URL}
sso_region = us-east-1
sso_registration_scopes = sso:account:access

[profile prod-admin]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = AdministratorAccess
region = eu-west-1

[profile prod-readonly]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = ReadOnly

[profile dev]
sso_session = corp
sso_account_id = 444455556666
sso_role_name = Developer
region = eu-central-1

[profile old]
sso_start_url = {LEGACY_URL}
sso_region = eu-west-1
sso_account_id = 777788889999
sso_role_name = Legacy

[profile deployer]
role_arn = arn:aws:iam::999999999999:role/Deployer
source_profile = dev

[profile keys]
aws_access_key_id = AKIAEXAMPLE
aws_secret_access_key = not-a-secret
"""
