"""Layer sso: the network (sso-oidc flows, login, logout, the account directory fetch).

Imports the shared leaves, aws and sso; never shell. boto3 and botocore load lazily here.
"""
