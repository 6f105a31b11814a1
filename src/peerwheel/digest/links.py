"""Links in a digest: absolute addresses, and the signed one-click unsubscribe token.

The token is the person's id signed with SECRET_KEY (django.core.signing, its own salt): it
cannot be made for someone else, so the unsubscribe page needs no sign-in. It does not expire:
a digest from months ago still unsubscribes. Rotating SECRET_KEY invalidates every old link.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "peerwheel.digest.unsubscribe"


class BadUnsubscribeLinkError(ValueError):
    """A token that was not signed by this server (altered, truncated, or another key's)."""


def unsubscribe_token(person_id: int) -> str:
    return signing.dumps({"p": person_id}, salt=SALT, compress=False)


def person_id_from_token(token: str) -> int:
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise BadUnsubscribeLinkError("this unsubscribe link is not valid") from None
    if not isinstance(data, dict) or not isinstance(data.get("p"), int):
        raise BadUnsubscribeLinkError("this unsubscribe link is not valid")
    return int(data["p"])


def absolute(path: str) -> str:
    """`/hub/posts/3/` → the address people open Peerwheel at (PEERWHEEL_BASE_URL) + path."""
    return f"{settings.PEERWHEEL_BASE_URL}{path}"


def unsubscribe_url(person_id: int) -> str:
    return absolute(reverse("digest:unsubscribe", kwargs={"token": unsubscribe_token(person_id)}))


def post_path(post_id: int) -> str:
    return reverse("hub:post", kwargs={"post_id": post_id})
