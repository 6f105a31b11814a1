"""Links in a digest: absolute addresses, and the signed one-click unsubscribe token.

The token is the person's id signed with SECRET_KEY (django.core.signing, its own salt): it
cannot be made for someone else, so the unsubscribe page needs no sign-in. It does not expire:
a digest from months ago still unsubscribes. Rotating SECRET_KEY invalidates every old link.
"""

from __future__ import annotations

from functools import cache

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


@cache
def _pattern(name: str, argument: str, stand_in: str) -> str:
    """A route's path with a stand-in value, reversed once: a digest for 20,000 people needs
    hundreds of thousands of links, and Django's reverse() costs about a millisecond each."""
    return reverse(name, kwargs={argument: stand_in})


def unsubscribe_url(person_id: int) -> str:
    path = _pattern("digest:unsubscribe", "token", "TOKEN")
    return absolute(path.replace("TOKEN", unsubscribe_token(person_id)))


def post_path(post_id: int) -> str:
    return _pattern("hub:post", "post_id", "0").replace("/0/", f"/{int(post_id)}/")


@cache
def page_url(name: str) -> str:
    """The absolute address of a page without arguments (My digest, the new-post form)."""
    return absolute(reverse(name))
