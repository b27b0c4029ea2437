"""Emulator model: the organisation (accounts and roles) the emulated user is assigned, and the
request log's records. Data only, no HTTP."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Optional

__all__ = ["Account", "Organization", "RequestRecord"]

_ACCOUNT_ID_RE = re.compile(r"^\d{12}$")


@dataclass
class Account:
    """One AWS account the signed-in user can reach, with the permission sets (roles) on it."""

    account_id: str
    account_name: str
    email: str
    roles: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "accountName": self.account_name,
            "emailAddress": self.email,
            "roles": list(self.roles),
        }


@dataclass
class Organization:
    """The accounts and roles the emulated user is assigned."""

    accounts: list[Account] = field(default_factory=list)

    @classmethod
    def sample(cls) -> Organization:
        """Four accounts with one to three roles each (one name contains a space)."""
        return cls(
            accounts=[
                Account(
                    "111111111111", "Management", "management@example.com", ["AdministratorAccess"]
                ),
                Account(
                    "222222222222",
                    "Production",
                    "production@example.com",
                    ["AdministratorAccess", "ReadOnlyAccess"],
                ),
                Account(
                    "333333333333",
                    "Staging",
                    "staging@example.com",
                    ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess"],
                ),
                Account(
                    "444444444444", "Sandbox Dev", "sandbox-dev@example.com", ["PowerUserAccess"]
                ),
            ]
        )

    @classmethod
    def generated(
        cls,
        n_accounts: int,
        roles: Sequence[str] = ("AdministratorAccess", "ReadOnlyAccess", "PowerUserAccess"),
    ) -> Organization:
        """``n_accounts`` deterministic accounts ``000000000001``... named ``account-0001``...

        Account ``i`` (from 0) gets the first ``1 + i % len(roles)`` roles.
        """
        if n_accounts < 0:
            raise ValueError("n_accounts must be >= 0")
        role_list = list(roles)
        if not role_list:
            raise ValueError("roles must not be empty")
        accounts = []
        for i in range(n_accounts):
            name = f"account-{i + 1:04d}"
            accounts.append(
                Account(
                    account_id=f"{i + 1:012d}",
                    account_name=name,
                    email=f"aws+{name}@example.com",
                    roles=role_list[: 1 + i % len(role_list)],
                )
            )
        return cls(accounts=accounts)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Organization:
        """Build from ``{"accounts": [{"accountId", "accountName", "emailAddress", "roles"}]}``."""
        raw_accounts = data.get("accounts")
        if not isinstance(raw_accounts, list):
            raise ValueError('organization JSON needs an "accounts" list')
        accounts: list[Account] = []
        seen: set[str] = set()
        for index, item in enumerate(raw_accounts):
            if not isinstance(item, Mapping):
                raise ValueError(f"accounts[{index}] is not an object")
            account_id = item.get("accountId")
            if not isinstance(account_id, str) or not _ACCOUNT_ID_RE.match(account_id):
                raise ValueError(f"accounts[{index}].accountId must be a 12-digit string")
            if account_id in seen:
                raise ValueError(f"duplicate accountId {account_id}")
            seen.add(account_id)
            name = item.get("accountName", account_id)
            email = item.get("emailAddress", f"{account_id}@example.com")
            roles = item.get("roles", [])
            if not isinstance(name, str) or not isinstance(email, str):
                raise ValueError(f"accounts[{index}]: accountName/emailAddress must be strings")
            if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
                raise ValueError(f"accounts[{index}].roles must be a list of strings")
            accounts.append(Account(account_id, name, email, list(roles)))
        return cls(accounts=accounts)

    def to_json(self) -> dict[str, Any]:
        return {"accounts": [a.to_json() for a in self.accounts]}

    def find(self, account_id: str) -> Optional[Account]:
        for account in self.accounts:
            if account.account_id == account_id:
                return account
        return None


@dataclass
class RequestRecord:
    """One request the emulator received, with secrets replaced by ``"<redacted>"``.

    ``status`` is 0 while the request is being answered (or when the connection was dropped).
    """

    method: str
    path: str
    operation: str
    query: dict[str, str]
    body: dict[str, Any]
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    fault: bool = False
