"""The bot's cross-signing keys: three ed25519 key pairs (master, self-signing,
user-signing), signed JSON as the Matrix spec defines it, and a file that keeps the
private halves sealed with the `pickle_key`.

Canonical JSON (appendix of the spec): keys sorted, no spaces, UTF-8, no floats. A
signature covers an object without its `signatures` and `unsigned`, in unpadded base64."""

from __future__ import annotations

import base64
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

USAGES = ("master", "self_signing", "user_signing")
FILE_NAME = "cross_signing.json"


class KeyFileError(Exception):
    """The sealed key file cannot be read (wrong pickle_key, damaged): one clear line."""


def unpadded(data: bytes) -> str:
    return base64.b64encode(data).decode().rstrip("=")


def from_unpadded(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


def canonical(obj: Any) -> bytes:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), sort_keys=True,
                      allow_nan=False).encode("utf-8")


def signable(obj: dict[str, Any]) -> bytes:
    return canonical({k: v for k, v in obj.items() if k not in ("signatures", "unsigned")})


class KeyPair:
    def __init__(self, private: Ed25519PrivateKey) -> None:
        self.private = private
        self.public = unpadded(private.public_key().public_bytes(Encoding.Raw,
                                                                PublicFormat.Raw))

    @classmethod
    def generate(cls) -> KeyPair:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, seed: bytes) -> KeyPair:
        return cls(Ed25519PrivateKey.from_private_bytes(seed))

    def seed(self) -> bytes:
        return self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def sign(self, obj: dict[str, Any], user_id: str) -> dict[str, Any]:
        """A copy of `obj` with this key's signature added beside any it had."""
        signature = unpadded(self.private.sign(signable(obj)))
        signed = dict(obj)
        signatures = {u: dict(s) for u, s in obj.get("signatures", {}).items()}
        signatures.setdefault(user_id, {})[f"ed25519:{self.public}"] = signature
        signed["signatures"] = signatures
        return signed

    def __repr__(self) -> str:  # never the private half, in a log or a traceback
        return f"KeyPair(public={self.public})"


def verify(obj: dict[str, Any], user_id: str, public: str) -> bool:
    """Whether `obj` carries a valid signature by the ed25519 key `public` of `user_id`."""
    signature = obj.get("signatures", {}).get(user_id, {}).get(f"ed25519:{public}")
    if not isinstance(signature, str):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(from_unpadded(public)).verify(
            from_unpadded(signature), signable(obj))
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Identity:
    """The bot's three cross-signing key pairs."""

    user_id: str
    master: KeyPair
    self_signing: KeyPair
    user_signing: KeyPair

    @classmethod
    def generate(cls, user_id: str) -> Identity:
        return cls(user_id, KeyPair.generate(), KeyPair.generate(), KeyPair.generate())

    def public_key(self, usage: str) -> dict[str, Any]:
        """The key object as uploaded: master self-contained, the others signed by it."""
        pair = getattr(self, usage)
        key = {"user_id": self.user_id, "usage": [usage],
               "keys": {f"ed25519:{pair.public}": pair.public}}
        return key if usage == "master" else self.master.sign(key, self.user_id)

    def upload_body(self) -> dict[str, Any]:
        return {f"{usage}_key": self.public_key(usage) for usage in USAGES}


def _box(pickle_key: str, salt: bytes) -> AESGCM:
    # scrypt: a pickle_key is often a passphrase, so guessing it must cost something.
    return AESGCM(Scrypt(salt=salt, length=32, n=2 ** 14, r=8, p=1).derive(
        pickle_key.encode()))


def save(folder: Path, identity: Identity, pickle_key: str, name: str = FILE_NAME) -> Path:
    """Write the key file (mode 0600) atomically: the public keys readable, the private
    halves sealed with AES-GCM under a key derived from `pickle_key`."""
    salt, nonce = secrets.token_bytes(16), secrets.token_bytes(12)
    secret = canonical({usage: unpadded(getattr(identity, usage).seed()) for usage in USAGES})
    sealed = _box(pickle_key, salt).encrypt(nonce, secret, identity.user_id.encode())
    body = {"version": 1, "user_id": identity.user_id,
            "public": {usage: getattr(identity, usage).public for usage in USAGES},
            "kdf": "scrypt-n16384-r8-p1", "salt": unpadded(salt), "nonce": unpadded(nonce),
            "sealed": unpadded(sealed)}
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / name
    temp = path.with_name(name + ".tmp")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(body, handle, indent=2)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, path)
    return path


def public_master(folder: Path) -> str | None:
    """The master key of the key file, readable without the pickle_key; None if none."""
    try:
        body = json.loads((folder / FILE_NAME).read_text(encoding="utf-8"))
        return str(body["public"]["master"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def load(folder: Path, user_id: str, pickle_key: str) -> Identity | None:
    """The identity kept in `folder`, None when there is none for this user."""
    path = folder / FILE_NAME
    if not path.exists():
        return None
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("user_id") != user_id:
            raise KeyFileError(f"matrix: {path} holds the keys of another account "
                               f"({body.get('user_id')}); move it away to start afresh")
        secret = _box(pickle_key, from_unpadded(body["salt"])).decrypt(
            from_unpadded(body["nonce"]), from_unpadded(body["sealed"]), user_id.encode())
        seeds = json.loads(secret)
        identity = Identity(user_id, *(KeyPair.from_seed(from_unpadded(seeds[u]))
                                       for u in USAGES))
    except InvalidTag:
        raise KeyFileError(f"matrix: {path} cannot be opened with this pickle_key "
                           "(it was sealed with another one)") from None
    except (OSError, ValueError, KeyError, TypeError):
        raise KeyFileError(f"matrix: {path} is damaged; restore it from a backup or "
                           "run `python -m bot matrix reset-identity`") from None
    if any(getattr(identity, u).public != body["public"][u] for u in USAGES):
        raise KeyFileError(f"matrix: {path} is damaged (public and private keys differ)")
    return identity
