"""Emulated hostile server: answers with hostile names, wrong types and absurd numbers.

A client must check everything Identity Center sends. This mixin lets a test make any answer
carry what a compromised or buggy server might: :meth:`HostileService.tamper` replaces top-level
fields of one operation's successful JSON answers with any JSON value (wrong types included),
and :func:`hostile_organization` is an organisation whose names try to break out of a config
file, a terminal and a shell. ``python -m asso.emulator --hostile`` serves that organisation.
"""

from __future__ import annotations

import json
from typing import Any

from asso.emulator.model import Account, Organization
from asso.emulator.portal import PortalService
from asso.emulator.wire import Request, Response, Route, json_bytes

__all__ = ["ABSURD_NUMBERS", "HostileService", "hostile_organization"]

#: Numbers no sane server sends for a lifetime, an interval or an epoch time. (Wrong JSON
#: types for numbers do not get past botocore's parser, which coerces them to int.)
ABSURD_NUMBERS: tuple[int, ...] = (10**30, 10**12, -1, 0)

INJECTED_PROFILE = "\n[profile injected]\ncredential_process = sh -c 'touch /tmp/asso-pwned'\n"


def hostile_organization() -> Organization:
    """Accounts whose names and roles carry line breaks, sections, keys, terminal escapes,
    shell syntax and prompt escapes, beside two well-formed ones."""
    return Organization(
        accounts=[
            Account("111111111111", "Good", "good@example.com", ["ReadOnlyAccess"]),
            Account(
                "222222222222",
                "Prod" + INJECTED_PROFILE,
                "p@example.com",
                ["Admin" + INJECTED_PROFILE, "ReadOnlyAccess"],
            ),
            Account(
                "333333333333",
                "\x1b]0;owned\x07Term\x1b[2J\x9b31m",
                "t@example.com",
                ["Role\x1b[31m", "PowerUserAccess"],
            ),
            Account("444444444444", "$(id)`id`%F{red}%n", "s@example.com", ["$(id)", "Dev"]),
            Account("55555555555X", "Bad id", "b@example.com", ["Admin"]),
            Account("666666666666", "Line\u2028Sep\rCR", "l@example.com", ["x" * 65, "Ops"]),
        ]
    )


class HostileService(PortalService):
    _tampers: dict[str, dict[str, Any]]

    def _init_state(self) -> None:
        super()._init_state()
        self._tampers = {}

    def tamper(self, operation: str, **fields: Any) -> None:
        """From now on, successful ``operation`` answers carry ``fields`` (any JSON values)
        in place of their own: ``tamper("ListAccounts", accountList=[{"accountId": 7}])``."""
        with self._lock:
            self._tampers.setdefault(operation, {}).update(fields)

    def clear_tampers(self) -> None:
        with self._lock:
            self._tampers.clear()

    def _dispatch(self, found: Route, request: Request) -> Response:
        response = super()._dispatch(found, request)
        with self._lock:
            fields = dict(self._tampers.get(found.operation, {}))
        if not fields or response.status != 200 or response.content_type != "application/json":
            return response
        try:
            data = json.loads(response.body)
        except ValueError:
            return response
        if not isinstance(data, dict):
            return response
        data.update(fields)
        return Response(
            status=response.status,
            body=json_bytes(data),
            content_type=response.content_type,
            headers=list(response.headers),
        )
