"""Emulator facade: the names tests, benchmarks and ``asso demo`` import.

A local AWS IAM Identity Center (SSO) emulator speaking real HTTP on 127.0.0.1, with the wire
shapes of botocore's service models (``sso-oidc`` and ``sso``, API version 2019-06-10):

* sso-oidc (``oidc.py``): ``RegisterClient``, ``StartDeviceAuthorization``, ``CreateToken``
  (device code, authorization code with PKCE S256, refresh token), and the browser pages
  ``GET /device?user_code=..`` (approve; ``&deny=1`` denies) and ``GET /authorize?...``.
* sso portal (``portal.py``): ``ListAccounts``, ``ListAccountRoles``, ``GetRoleCredentials``,
  ``Logout``, authenticated by the ``x-amz-sso_bearer_token`` header.

The rest: ``model.py`` (organisation, request records), ``wire.py`` (requests, responses,
errors, the route registry), ``server.py`` (HTTP), ``core.py`` (lifecycle, clock, log, faults,
routing), ``service.py`` (the assembled emulator), ``__main__.py`` (``python -m asso.emulator``).

Point real boto3 clients at it with ``endpoint_url=emu.url`` or with the environment variables
from :meth:`IdentityCenterEmulator.env`. Standard library only.
"""

from asso.emulator.model import Account, Organization, RequestRecord
from asso.emulator.oidc import GRANT_AUTHORIZATION_CODE, GRANT_DEVICE_CODE, GRANT_REFRESH_TOKEN
from asso.emulator.service import IdentityCenterEmulator
from asso.emulator.wire import REDACTED

__all__ = [
    "GRANT_AUTHORIZATION_CODE",
    "GRANT_DEVICE_CODE",
    "GRANT_REFRESH_TOKEN",
    "REDACTED",
    "Account",
    "IdentityCenterEmulator",
    "Organization",
    "RequestRecord",
]
