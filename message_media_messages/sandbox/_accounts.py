"""The configured API keys, their secrets and the sub-accounts each may act for."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = ["DEFAULT_API_KEY", "DEFAULT_API_SECRET", "Account", "AccountRegistry"]

DEFAULT_API_KEY = "sandbox-key"
DEFAULT_API_SECRET = "sandbox-secret"


@dataclass(frozen=True)
class Account:
    """An API key, its secret, and the sub-account ids it may act for."""

    key: str
    secret: str
    sub_accounts: frozenset[str] = frozenset()


class AccountRegistry:
    """The configured API keys (thread-safe; adding replaces a key's entry)."""

    def __init__(self) -> None:
        self._accounts: dict[str, Account] = {}
        self._lock = threading.Lock()

    def add(self, key: str, secret: str, sub_accounts: Iterable[str] = ()) -> Account:
        """Register (or replace) an API key.

        Args:
            key: The API key (the Basic user name / HMAC `username`).
            secret: Its secret.
            sub_accounts: Ids the key may select with the `Account` header.

        Returns:
            The stored account.

        Raises:
            ValueError: Empty key, or a key containing `:` (unusable with Basic auth).
        """
        if not key or ":" in key:
            raise ValueError("an API key must be non-empty and must not contain ':'")
        account = Account(key, secret, frozenset(sub_accounts))
        with self._lock:
            self._accounts = {**self._accounts, key: account}
        return account

    def get(self, key: str) -> Account | None:
        """Return the account of `key`, or None."""
        return self._accounts.get(key)

    def first(self) -> Account:
        """Return the first registered account.

        Raises:
            LookupError: No account is registered.
        """
        for account in self._accounts.values():
            return account
        raise LookupError("no account is configured")
