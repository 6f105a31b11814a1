"""A digest as an email: HTML and plain text from the same context (templates/digest/), and the
one-click unsubscribe headers (RFC 8058: List-Unsubscribe with List-Unsubscribe-Post)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from peerwheel.digest.content import Digest
from peerwheel.digest.links import page_url, unsubscribe_url

#: Email clients ignore style sheets, so the email's look is in style attributes; the web
#: preview renders the same template with none (its Content-Security-Policy refuses them, and
#: the site's style sheet styles it instead).
EMAIL_STYLES = {
    "body": "margin:0;padding:24px;background:#f4f5f7;font-family:Helvetica,Arial,sans-serif;"
    "color:#1f2430;line-height:1.5",
    "box": "max-width:600px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px",
    "h1": "font-size:22px;margin:0 0 8px",
    "h2": "font-size:17px;margin:24px 0 8px;border-bottom:1px solid #e3e6eb;padding-bottom:4px",
    "item": "margin:0 0 14px",
    "kind": "display:inline-block;font-size:12px;font-weight:bold;text-transform:uppercase;"
    "color:#5a3fc0;margin-right:6px",
    "link": "color:#2451b7;font-weight:bold;text-decoration:none",
    "meta": "font-size:13px;color:#5b6170;margin:2px 0",
    "excerpt": "font-size:14px;margin:2px 0",
    "private": "background:#fff8e1;border:1px solid #f0d27a;border-radius:6px;padding:12px 16px;"
    "margin-top:24px",
    "foot": "font-size:12px;color:#5b6170;margin-top:28px",
}


def _styles(email: bool) -> dict[str, str]:
    if not email:
        return dict.fromkeys(EMAIL_STYLES, "")
    return {key: mark_safe(f' style="{value}"') for key, value in EMAIL_STYLES.items()}  # noqa: S308 - our constants


def digest_context(digest: Digest, *, email: bool = True) -> dict[str, Any]:
    """What both templates read; the sections in the order the digest shows them."""
    sections = [
        ("close-to-you", "Close to you", digest.close),
        ("across", "Across the organisation", digest.across),
        ("questions", "Questions at your stage", digest.questions),
    ]
    return {
        "digest": digest,
        "sections": [(key, title, items) for key, title, items in sections if items],
        "base": settings.PEERWHEEL_BASE_URL,
        "s": _styles(email),
        "email": email,
        "unsubscribe_url": unsubscribe_url(digest.person_id),
        "my_digest_url": page_url("digest:me"),
        "new_post_url": page_url("hub:new"),
    }


def digest_subject(digest: Digest) -> str:
    if digest.close:
        count = len(digest.close)
        return (
            f"Your Peerwheel digest for {digest.week.label}: {count} "
            f"{'thing' if count == 1 else 'things'} from people close to you"
        )
    return f"Your Peerwheel digest for {digest.week.label}"


def digest_html(digest: Digest, context: dict[str, Any] | None = None) -> str:
    return render_to_string("digest/email.html", context or digest_context(digest))


def digest_text(digest: Digest, context: dict[str, Any] | None = None) -> str:
    return render_to_string("digest/email.txt", context or digest_context(digest))


def digest_message(digest: Digest) -> EmailMultiAlternatives:
    """The email: plain text with the HTML alternative, and one-click unsubscribe headers."""
    context = digest_context(digest)
    unsubscribe = context["unsubscribe_url"]
    message = EmailMultiAlternatives(
        subject=digest_subject(digest),
        body=digest_text(digest, context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.attach_alternative(digest_html(digest, context), "text/html")
    return message
