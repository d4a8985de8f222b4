"""RSA signatures of sandbox webhooks, made by `cryptography` (imported only when signing)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Union

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

__all__ = [
    "DIGESTS", "INSTALL_HINT", "SigningKey", "WebhookSigner", "check_digest", "load_signing_key",
]  # fmt: skip

# The digests MessageMedia signature keys may use (API.md section 4.3).
DIGESTS = frozenset({"SHA224", "SHA256", "SHA512"})
INSTALL_HINT = (
    'signing sandbox webhooks needs cryptography: pip install "message-media-messages[webhooks]"'
)
# What `webhook_signing_key=` takes; a string reference, as cryptography may be absent.
SigningKey = Union["RSAPrivateKey", str, bytes]


def check_digest(digest: str) -> None:
    """Refuse a digest MessageMedia keys do not use (ValueError)."""
    if digest not in DIGESTS:
        raise ValueError(f"unsupported digest {digest!r}; expected one of {sorted(DIGESTS)}")


def _require_cryptography() -> None:
    """Import `cryptography`, or raise an ImportError naming the extra that installs it."""
    try:
        import cryptography  # noqa: F401
    except ImportError as exc:
        raise ImportError(INSTALL_HINT) from exc


def load_signing_key(key: object) -> RSAPrivateKey:
    """Check a webhook signing key, loading it from PEM if given as text.

    Args:
        key: A `cryptography` `RSAPrivateKey`, or an unencrypted RSA private key in
            PEM (PKCS#1 `RSA PRIVATE KEY` or PKCS#8 `PRIVATE KEY`) as `str` or `bytes`.

    Returns:
        The key.

    Raises:
        TypeError: `key` is of another type.
        ValueError: The PEM is malformed, encrypted, or not an RSA private key.
        ImportError: `cryptography` (the `webhooks` extra) is not installed.
    """
    if isinstance(key, (str, bytes)):
        return _load_pem(key.encode("utf-8") if isinstance(key, str) else key)
    try:
        _require_cryptography()
    except ImportError:
        pass  # then `key` cannot be a cryptography key: a TypeError below
    else:
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

        if isinstance(key, RSAPrivateKey):
            return key
    raise TypeError(
        "webhook signing key must be a cryptography RSAPrivateKey or PEM (str or bytes), "
        f"not {type(key).__name__}"
    )


def _load_pem(pem: bytes) -> RSAPrivateKey:
    """Load an unencrypted RSA private key from PEM bytes (ValueError otherwise)."""
    _require_cryptography()
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(pem, password=None)
    except (TypeError, ValueError, UnsupportedAlgorithm) as exc:  # TypeError: it is encrypted
        raise ValueError(f"cannot load the webhook signing key: {exc}") from None
    if not isinstance(key, RSAPrivateKey):
        raise ValueError(f"webhook signing key is {type(key).__name__}, not an RSA key")
    return key


class WebhookSigner:
    """Sign webhook data with RSASSA-PKCS1-v1_5, as MessageMedia signs its webhooks.

    Args:
        key: The private key, or its PEM (see `load_signing_key`).
        digest: `"SHA224"`, `"SHA256"` or `"SHA512"`.

    Raises:
        TypeError: `key` is of another type.
        ValueError: Unknown digest, a bad PEM, or a key too short for the digest.
        ImportError: `cryptography` (the `webhooks` extra) is not installed.
    """

    def __init__(self, key: object, digest: str) -> None:
        check_digest(digest)
        self.key = load_signing_key(key)
        self.digest = digest
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding

        algorithms = {
            "SHA224": hashes.SHA224(),
            "SHA256": hashes.SHA256(),
            "SHA512": hashes.SHA512(),
        }
        self._hash: hashes.HashAlgorithm = algorithms[digest]
        self._padding = padding.PKCS1v15()
        spki = self.key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        self.public_key_b64 = base64.b64encode(spki).decode("ascii")
        try:
            self.sign(b"")  # fail now, not in the delivery worker, if key and digest clash
        except ValueError:
            raise ValueError(f"a {self.key.key_size}-bit key is too short for {digest}") from None

    def sign(self, data: bytes) -> bytes:
        """The signature of `data` (hashed here with the digest), as long as the modulus."""
        return self.key.sign(data, self._padding, self._hash)
