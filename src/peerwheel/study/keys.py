"""Keys of the study, all derived from SECRET_KEY: the response locator and the sealing key.

- The locator lets a person find their own response, and nobody else theirs. It is bound to the
  login that gave the answers, so re-linking another login to the person shows nothing back.
- The sealing key encrypts (AES-256-GCM) what must stay unreadable in a copy of the database:
  answers waiting for their shuffled batch, and the frozen frames of report snapshots.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.crypto import salted_hmac

_SALT = "peerwheel.study.response-locator"
_SEAL_SALT = "peerwheel.study.sealed"
_NONCE_BYTES = 12
PAD_BYTES = 512  # sealed answers are padded to a multiple of this, so lengths tell nothing


class SealError(ValueError):
    """Sealed data that this server's SECRET_KEY (or its fallbacks) cannot open."""


def response_locator(*, person_id: int, wave_id: int, user_id: int | None) -> str:
    """HMAC-SHA256 of (wave, person, login at answer time) under SECRET_KEY.

    Computable only with the secret and a known person and login, never reversible from the
    stored value; a login re-linked to the person computes another locator.
    """
    message = f"{wave_id}:{person_id}:{'' if user_id is None else user_id}"
    return salted_hmac(_SALT, message, algorithm="sha256").hexdigest()


def _keys() -> Iterator[bytes]:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    for secret in secrets:
        yield salted_hmac(_SEAL_SALT, "aes-256-gcm", secret=secret, algorithm="sha256").digest()


def seal(payload: Any, *, context: str, pad: bool = False) -> bytes:
    """JSON-encode and encrypt `payload`; `context` (say, the wave) is authenticated with it."""
    text = json.dumps(payload, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % PAD_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    key = next(_keys())
    return nonce + AESGCM(key).encrypt(nonce, text, context.encode())


def unseal(token: bytes | memoryview, *, context: str) -> Any:
    """The payload `seal` was given; `SealError` when no key of this server opens it."""
    data = bytes(token)
    nonce, body = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
    for key in _keys():
        try:
            return json.loads(AESGCM(key).decrypt(nonce, body, context.encode()))
        except InvalidTag:
            continue
    raise SealError("Sealed study data cannot be opened with this server's SECRET_KEY.")
