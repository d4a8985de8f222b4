"""Pure-Python RSA (PKCS#1 v1.5 signatures, PEM keys) for signing sandbox webhooks."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import random
import re
import secrets
from dataclasses import dataclass, field

__all__ = [
    "DIGESTS",
    "PrivateKey",
    "generate_private_key",
    "load_pem_private_key",
    "private_key_to_pem",
    "public_key_b64",
    "sign",
]

PUBLIC_EXPONENT = 65537

# DER contents of the object identifiers (RFC 8017 appendix A, RFC 5754 section 2).
_OID_RSA_ENCRYPTION = bytes.fromhex("2a864886f70d010101")
_RSA_ALGORITHM = bytes.fromhex("300d06092a864886f70d0101010500")  # {rsaEncryption, NULL}
_HASH_OIDS = {
    "SHA224": bytes.fromhex("608648016503040204"),
    "SHA256": bytes.fromhex("608648016503040201"),
    "SHA512": bytes.fromhex("608648016503040203"),
}
DIGESTS = frozenset(_HASH_OIDS)

_SEQUENCE, _INTEGER, _BIT_STRING, _OCTET_STRING, _NULL, _OID = 0x30, 0x02, 0x03, 0x04, 0x05, 0x06
_PEM_RE = re.compile(r"-----BEGIN ([A-Z ]+)-----(.*?)-----END \1-----", re.DOTALL)
# Odd primes below 2000: one gcd against their product rejects most candidates cheaply.
_SMALL_PRIMES = [p for p in range(3, 2000, 2) if all(p % f for f in range(3, math.isqrt(p) + 1, 2))]
_SMALL_PRIMES_PRODUCT = math.prod(_SMALL_PRIMES)


@dataclass(frozen=True)
class PrivateKey:
    """An RSA private key; `p` and `q` are optional but make signing ~3x faster (CRT)."""

    n: int
    e: int
    d: int = field(repr=False)
    p: int | None = field(default=None, repr=False)
    q: int | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.n < 3 or self.e < 3 or not 0 < self.d < self.n:
            raise ValueError("invalid RSA key parameters")
        if (self.p is None) != (self.q is None):
            raise ValueError("give both primes p and q, or neither")
        if self.p is not None and self.q is not None and self.p * self.q != self.n:
            raise ValueError("p * q != n")

    @property
    def size_bytes(self) -> int:
        """Length in bytes of the modulus, hence of every signature."""
        return (self.n.bit_length() + 7) // 8


def _is_probable_prime(n: int, rng: random.Random, rounds: int) -> bool:
    """Miller-Rabin, after a cheap gcd against the small primes."""
    if n < 2000:
        return n == 2 or n in _SMALL_PRIMES
    if math.gcd(n, _SMALL_PRIMES_PRODUCT) != 1:
        return False
    s, r = 0, n - 1
    while r % 2 == 0:
        s, r = s + 1, r // 2
    for _ in range(rounds):
        x = pow(2 + rng.randrange(n - 3), r, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _random_prime(bits: int, rng: random.Random) -> int:
    """A random prime of exactly `bits` bits, top two bits set, with gcd(e, prime - 1) = 1."""
    # 32 rounds bound the error by 4**-32 even for adversarial inputs (far less for random
    # ones); composites almost always fail round one, so only the final prime pays for 32.
    while True:
        candidate = rng.getrandbits(bits) | (0b11 << (bits - 2)) | 1
        if math.gcd(candidate - 1, PUBLIC_EXPONENT) == 1 and _is_probable_prime(candidate, rng, 32):
            return candidate


def generate_private_key(bits: int = 2048, rng: random.Random | None = None) -> PrivateKey:
    """Generate an RSA key with public exponent 65537.

    Args:
        bits: Modulus size; at least 512 (SHA512 signatures need at least 752).
        rng: Source of randomness; defaults to the OS CSPRNG. Pass a seeded
            `random.Random` only for reproducible tests.

    Returns:
        A key whose modulus has exactly `bits` bits, with p and q kept for CRT.
    """
    if bits < 512:
        raise ValueError("RSA keys shorter than 512 bits are not supported")
    rng = rng if rng is not None else secrets.SystemRandom()
    while True:
        p = _random_prime(bits - bits // 2, rng)
        q = _random_prime(bits // 2, rng)
        if p == q:
            continue
        d = pow(PUBLIC_EXPONENT, -1, math.lcm(p - 1, q - 1))
        return PrivateKey(n=p * q, e=PUBLIC_EXPONENT, d=d, p=max(p, q), q=min(p, q))


def _recover_primes(n: int, e: int, d: int) -> tuple[int, int]:
    """Factor n knowing (e, d) (NIST SP 800-56B appendix C), to serialize keys without p, q."""
    k = d * e - 1
    t = (k & -k).bit_length() - 1  # k = 2**t * r with r odd
    for g in range(2, 1000):
        x = pow(g, k >> t, n)
        for _ in range(t):
            y = pow(x, 2, n)
            if y == 1 and x not in (1, n - 1):
                p = math.gcd(x - 1, n)
                return max(p, n // p), min(p, n // p)
            x = y
    raise ValueError("cannot factor the modulus: inconsistent RSA key")


def _digest_info(digest: str, data: bytes) -> bytes:
    """DER DigestInfo of `data` (EMSA-PKCS1-v1_5 step 2)."""
    if digest not in _HASH_OIDS:
        raise ValueError(f"unsupported digest {digest!r}; expected one of {sorted(DIGESTS)}")
    hashed = hashlib.new(digest.lower(), data).digest()
    algorithm = _der(_SEQUENCE, _der(_OID, _HASH_OIDS[digest]) + _der(_NULL, b""))
    return _der(_SEQUENCE, algorithm + _der(_OCTET_STRING, hashed))


def sign(key: PrivateKey, data: bytes, digest: str) -> bytes:
    """Sign `data` with RSASSA-PKCS1-v1_5 (RFC 8017 section 8.2.1).

    Args:
        key: The private key.
        data: The message; it is hashed here.
        digest: `"SHA224"`, `"SHA256"` or `"SHA512"`.

    Returns:
        The signature, exactly `key.size_bytes` long.

    Raises:
        ValueError: Unknown digest, or a key too short for it.
    """
    t = _digest_info(digest, data)
    k = key.size_bytes
    if k < len(t) + 11:
        raise ValueError(f"a {key.n.bit_length()}-bit key is too short for {digest}")
    m = int.from_bytes(b"\x00\x01" + b"\xff" * (k - len(t) - 3) + b"\x00" + t, "big")
    if key.p is None or key.q is None:
        s = pow(m, key.d, key.n)
    else:
        p, q = key.p, key.q
        m1, m2 = pow(m, key.d % (p - 1), p), pow(m, key.d % (q - 1), q)
        s = m2 + (pow(q, -1, p) * (m1 - m2) % p) * q
        # A CRT fault (or wrong p, q) would leak the factorisation; the check costs one small pow.
        if pow(s, key.e, key.n) != m:
            raise ValueError("RSA-CRT self-check failed: inconsistent key")
    return s.to_bytes(k, "big")


def _der(tag: int, content: bytes) -> bytes:
    """Encode one DER TLV."""
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    length = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(length)]) + length + content


def _der_int(value: int) -> bytes:
    """Encode a non-negative INTEGER (a leading zero byte keeps the sign bit clear)."""
    return _der(_INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _der_items(data: bytes) -> list[tuple[int, bytes]]:
    """Split `data` into consecutive (tag, content) TLVs; single-byte tags only."""
    items, pos = [], 0
    while pos < len(data):
        if pos + 2 > len(data):
            raise ValueError("truncated DER")
        tag, length = data[pos], data[pos + 1]
        pos += 2
        if length & 0x80:
            width = length & 0x7F
            if not 0 < width <= 4 or pos + width > len(data):
                raise ValueError("unsupported DER length")
            length = int.from_bytes(data[pos : pos + width], "big")
            pos += width
        if pos + length > len(data):
            raise ValueError("truncated DER")
        items.append((tag, data[pos : pos + length]))
        pos += length
    return items


def _der_sequence(data: bytes) -> list[tuple[int, bytes]]:
    """The elements of the single SEQUENCE that `data` must be."""
    items = _der_items(data)
    if len(items) != 1 or items[0][0] != _SEQUENCE:
        raise ValueError("expected one DER SEQUENCE")
    return _der_items(items[0][1])


def _to_int(item: tuple[int, bytes]) -> int:
    """Decode a non-negative DER INTEGER."""
    tag, content = item
    if tag != _INTEGER or not content or content[0] & 0x80:
        raise ValueError("expected a non-negative DER INTEGER")
    return int.from_bytes(content, "big")


def _pkcs1_to_key(der: bytes) -> PrivateKey:
    """Parse an RSAPrivateKey (RFC 8017 appendix A.1.2)."""
    items = _der_sequence(der)
    if len(items) < 9 or _to_int(items[0]) != 0:
        raise ValueError("not a two-prime RSAPrivateKey")
    n, e, d, p, q = (_to_int(item) for item in items[1:6])
    return PrivateKey(n=n, e=e, d=d, p=p, q=q)


def _pkcs8_to_key(der: bytes) -> PrivateKey:
    """Parse an unencrypted PrivateKeyInfo (RFC 5208) holding an RSA key."""
    items = _der_sequence(der)
    if len(items) < 3 or items[1][0] != _SEQUENCE or items[2][0] != _OCTET_STRING:
        raise ValueError("not a PKCS#8 PrivateKeyInfo")
    algorithm = _der_items(items[1][1])
    if not algorithm or algorithm[0] != (_OID, _OID_RSA_ENCRYPTION):
        raise ValueError("PKCS#8 key is not an rsaEncryption key")
    return _pkcs1_to_key(items[2][1])


def load_pem_private_key(pem: str | bytes) -> PrivateKey:
    """Load an unencrypted RSA private key from PEM.

    Args:
        pem: `-----BEGIN RSA PRIVATE KEY-----` (PKCS#1) or
            `-----BEGIN PRIVATE KEY-----` (PKCS#8) text.

    Returns:
        The key, with p and q.

    Raises:
        ValueError: Not such a PEM block, an encrypted key, or malformed DER.
    """
    text = pem.decode("ascii") if isinstance(pem, bytes) else pem
    match = _PEM_RE.search(text)
    if match is None:
        raise ValueError("no PEM block found")
    label, body = match.group(1), match.group(2)
    if ":" in body:  # RFC 1421 headers such as "Proc-Type: 4,ENCRYPTED"
        raise ValueError("encrypted PEM keys are not supported")
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
    except binascii.Error as exc:
        raise ValueError(f"bad base64 in PEM: {exc}") from None
    if label == "RSA PRIVATE KEY":
        return _pkcs1_to_key(der)
    if label == "PRIVATE KEY":
        return _pkcs8_to_key(der)
    raise ValueError(f"unsupported PEM type {label!r}")


def private_key_to_pem(key: PrivateKey) -> str:
    """Serialize `key` as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).

    Args:
        key: The key; missing p and q are recovered from (n, e, d).

    Returns:
        The PEM text, 64-character lines, ending with a newline.
    """
    p, q = (key.p, key.q) if key.p and key.q else _recover_primes(key.n, key.e, key.d)
    d = key.d
    fields = (0, key.n, key.e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))
    rsa_key = _der(_SEQUENCE, b"".join(_der_int(value) for value in fields))
    info = _der_int(0) + _RSA_ALGORITHM + _der(_OCTET_STRING, rsa_key)
    b64 = base64.b64encode(_der(_SEQUENCE, info)).decode("ascii")
    lines = [b64[i : i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN PRIVATE KEY-----\n" + "\n".join(lines) + "\n-----END PRIVATE KEY-----\n"


def public_key_b64(key: PrivateKey) -> str:
    """Base64 DER SubjectPublicKeyInfo, the form MessageMedia returns as `public_key`.

    Args:
        key: The private key whose public half to export.

    Returns:
        Base64 text without line breaks (`MIIB...` for 2048 bits, `MIGf...` for 1024).
    """
    rsa_public = _der(_SEQUENCE, _der_int(key.n) + _der_int(key.e))
    bit_string = _der(_BIT_STRING, b"\x00" + rsa_public)  # 0 unused bits
    spki = _der(_SEQUENCE, _RSA_ALGORITHM + bit_string)
    return base64.b64encode(spki).decode("ascii")
