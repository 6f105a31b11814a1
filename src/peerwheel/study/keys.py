"""The keyed locator that lets a person find their own response, and nobody else theirs."""

from __future__ import annotations

from django.utils.crypto import salted_hmac

_SALT = "peerwheel.study.response-locator"


def response_locator(*, person_id: int, wave_id: int) -> str:
    """HMAC-SHA256 of (wave, person) under SECRET_KEY: computable only with the secret and a
    known person, never reversible from the stored value."""
    return salted_hmac(_SALT, f"{wave_id}:{person_id}", algorithm="sha256").hexdigest()
