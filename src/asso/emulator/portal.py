"""Emulated sso portal: ListAccounts, ListAccountRoles, GetRoleCredentials and Logout,
authenticated by the ``x-amz-sso_bearer_token`` header that sso-oidc's access tokens fill."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from typing import Any

from asso.emulator.model import Account
from asso.emulator.oidc import OidcService, temporary_keys
from asso.emulator.wire import ApiError, Request, Response, message_error, route

_BEARER = "x-amz-sso_bearer_token"


class PortalService(OidcService):
    _role_credentials: list[dict[str, Any]]

    def _init_state(self) -> None:
        super()._init_state()
        self._role_credentials = []

    @property
    def issued_role_credentials(self) -> list[dict[str, Any]]:
        """Every ``roleCredentials`` answered, plus ``accountId`` and ``roleName``."""
        with self._lock:
            return [dict(c) for c in self._role_credentials]

    # -- routes -------------------------------------------------------------------------------

    @route("GET", "/assignment/accounts", "ListAccounts", errors=message_error)
    def _op_list_accounts(self, request: Request) -> Response:
        self._require_token(request.headers.get(_BEARER, ""))
        return self._list_accounts(request.query)

    @route("GET", "/assignment/roles", "ListAccountRoles", errors=message_error)
    def _op_list_account_roles(self, request: Request) -> Response:
        self._require_token(request.headers.get(_BEARER, ""))
        return self._list_account_roles(request.query)

    @route("GET", "/federation/credentials", "GetRoleCredentials", errors=message_error)
    def _op_get_role_credentials(self, request: Request) -> Response:
        self._require_token(request.headers.get(_BEARER, ""))
        return self._get_role_credentials(request.query)

    @route("POST", "/logout", "Logout", errors=message_error)
    def _op_logout(self, request: Request) -> Response:
        return self._logout(request.headers.get(_BEARER, ""))

    def _page(
        self, items: Sequence[dict[str, Any]], query: Mapping[str, str], kind: str, scope: str
    ) -> dict[str, Any]:
        size = self.page_size
        max_result = query.get("max_result")
        if max_result:
            try:
                requested = int(max_result)
            except ValueError:
                raise ApiError("InvalidRequestException", "max_result must be a number") from None
            if requested < 1:
                raise ApiError("InvalidRequestException", "max_result must be >= 1")
            size = min(size, requested)
        start = 0
        next_token = query.get("next_token")
        if next_token:
            start = self._decode_next_token(next_token, kind, scope)
        result: dict[str, Any] = {}
        end = start + size
        if end < len(items):
            raw = json.dumps([kind, scope, end]).encode()
            result["nextToken"] = base64.urlsafe_b64encode(raw).decode("ascii")
        result["items"] = list(items[start:end])
        return result

    @staticmethod
    def _decode_next_token(token: str, kind: str, scope: str) -> int:
        try:
            decoded = json.loads(base64.urlsafe_b64decode(token.encode("ascii")))
            ok = (
                isinstance(decoded, list)
                and len(decoded) == 3
                and decoded[0] == kind
                and decoded[1] == scope
                and isinstance(decoded[2], int)
                and decoded[2] >= 0
            )
        except ValueError:
            ok = False
        if not ok:
            raise ApiError("InvalidRequestException", "Invalid nextToken")
        return int(decoded[2])

    def _list_accounts(self, query: Mapping[str, str]) -> Response:
        accounts = [
            {"accountId": a.account_id, "accountName": a.account_name, "emailAddress": a.email}
            for a in self.org.accounts
        ]
        page = self._page(accounts, query, "accounts", "")
        result: dict[str, Any] = {}
        if "nextToken" in page:
            result["nextToken"] = page["nextToken"]
        result["accountList"] = page["items"]
        return self._json(result)

    def _account_or_forbidden(self, account_id: str) -> Account:
        account = self.org.find(account_id)
        if account is None:
            raise ApiError("ForbiddenException", "No access")
        return account

    def _list_account_roles(self, query: Mapping[str, str]) -> Response:
        account_id = query.get("account_id", "")
        if not account_id:
            raise ApiError("InvalidRequestException", "account_id is required")
        account = self._account_or_forbidden(account_id)
        roles = [{"roleName": r, "accountId": account.account_id} for r in account.roles]
        page = self._page(roles, query, "roles", account.account_id)
        result: dict[str, Any] = {}
        if "nextToken" in page:
            result["nextToken"] = page["nextToken"]
        result["roleList"] = page["items"]
        return self._json(result)

    def _get_role_credentials(self, query: Mapping[str, str]) -> Response:
        account_id = query.get("account_id", "")
        role_name = query.get("role_name", "")
        if not account_id or not role_name:
            raise ApiError("InvalidRequestException", "account_id and role_name are required")
        account = self._account_or_forbidden(account_id)
        if role_name not in account.roles:
            raise ApiError("ForbiddenException", "No access")
        key, secret, token = temporary_keys("IQoJb3JpZ2luX2VjE", 180)
        credentials = {
            "accessKeyId": key,
            "secretAccessKey": secret,
            "sessionToken": token,
            "expiration": int((self.now() + self.role_credentials_ttl) * 1000),
        }
        self._role_credentials.append(
            {**credentials, "accountId": account_id, "roleName": role_name}
        )
        return self._json({"roleCredentials": credentials})

    def _logout(self, token: str) -> Response:
        self._require_token(token)
        self._revoke_access_token(token)
        return self._json({})


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------
