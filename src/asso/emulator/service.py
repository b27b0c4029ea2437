"""Emulator service: :class:`IdentityCenterEmulator`, the core with every service mixin.

A new service (a mixin of routes in its own module) joins by being added to the bases here.
"""

from __future__ import annotations

from asso.emulator.hostile import HostileService
from asso.emulator.sts import StsService


class IdentityCenterEmulator(HostileService, StsService):
    """IAM Identity Center (sso-oidc + sso portal) on ``http://127.0.0.1:PORT``.

    Use as a context manager or call :meth:`start`/:meth:`stop`. All state is in memory and
    guarded by one lock; every public method is thread-safe.
    """
