"""Node keys and signatures: every exchange between a post and headquarters is signed.

Each node holds an Ed25519 key pair in `BMIS_VAR_DIR/sync_key.pem` (made on first use, readable
by its owner only). A post gives its public key to headquarters when it enrols (authenticated by
the one-time enrolment code), and receives headquarters' public key in return; from then on each
side verifies the other's requests and answers. Headquarters keeps only public keys, so a copy
of its database lets no one pose as a post. Revoking a post's node forgets its key.

A signature covers the method, the path, the node, the request number (which must grow: a
replayed request is refused whatever the clocks say) and the SHA-256 of the body.
"""

import base64
import hashlib
import os
import stat

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings


def key_path():
    return settings.VAR_DIR / "sync_key.pem"


def own_key() -> Ed25519PrivateKey:
    """Return this node's private key, made and stored on first use."""
    path = key_path()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, stat.S_IRUSR | stat.S_IWUSR)
    except FileExistsError:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} does not hold an Ed25519 key.") from None
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    return key


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def load_public(pem: str) -> Ed25519PublicKey:
    """Return the public key in `pem`, or raise ValueError."""
    key = serialization.load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def message(method: str, path: str, node: str, number: int, body: bytes) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{node}\n{number}\n{digest}".encode()


def sign(key: Ed25519PrivateKey, text: bytes) -> str:
    return base64.b64encode(key.sign(text)).decode("ascii")


def verify(public: str, signature: str, text: bytes) -> bool:
    """Return whether `signature` is the holder of the key `public`'s signature of `text`."""
    try:
        load_public(public).verify(base64.b64decode(signature, validate=True), text)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True
