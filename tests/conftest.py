"""Fixtures for every test folder: RSA keys (made with `cryptography`) for signed webhooks."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

# The smallest size cryptography generates: fast, and long enough for SHA512 signatures.
TEST_KEY_BITS = 1024


@pytest.fixture(scope="session")
def make_rsa_key() -> Callable[..., RSAPrivateKey]:
    """A factory of fresh RSA private keys: `make_rsa_key(bits=TEST_KEY_BITS)`."""
    # Imported here, so tests that never sign still run without cryptography.
    from cryptography.hazmat.primitives.asymmetric import rsa

    def make(bits: int = TEST_KEY_BITS) -> RSAPrivateKey:
        return rsa.generate_private_key(public_exponent=65537, key_size=bits)

    return make


@pytest.fixture(scope="session")
def rsa_key(make_rsa_key: Callable[..., RSAPrivateKey]) -> RSAPrivateKey:
    """One RSA private key for the whole run (webhook signing tests)."""
    return make_rsa_key()


@pytest.fixture(scope="session")
def rsa_key_pem(rsa_key: RSAPrivateKey) -> bytes:
    """`rsa_key` as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`)."""
    from cryptography.hazmat.primitives import serialization

    return rsa_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
