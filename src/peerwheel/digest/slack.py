"""The digest's optional post to a Slack channel through an incoming webhook (slack-sdk).

The channel gets the organisation's best of the week, never anyone's private part. The webhook
URL is a secret: slack-sdk's own logging (which names the URL when it retries) goes to a quiet
logger, it does not retry (a later `peerwheel digest send` does, once), and an error is
described without the URL.
"""

from __future__ import annotations

import logging

from slack_sdk.webhook import WebhookClient

from peerwheel.digest.content import DigestItem
from peerwheel.digest.links import absolute
from peerwheel.digest.weeks import IsoWeek

SLACK_ITEMS = 5
#: slack-sdk logs requests with their URL; nothing it logs leaves this logger.
_QUIET = logging.getLogger("peerwheel.digest.webhook")
_QUIET.propagate = False
_QUIET.addHandler(logging.NullHandler())


def _escape(text: str) -> str:
    """Slack's mrkdwn control characters (its documented escaping)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_text(items: tuple[DigestItem, ...], week: IsoWeek) -> str:
    lines = [f"*Peerwheel: the best of {week.label} across the organisation*"]
    for item in items:
        by = f" by {_escape(item.author_name)}" if item.author_name else ""
        link = f"<{absolute(item.path)}|{item.kind_label}: {_escape(item.title)}>"
        lines.append(f"• {link}{by} ({_escape(item.why.lower())})")
    return "\n".join(lines)


def webhook_post(url: str, text: str, *, timeout: int) -> str | None:
    """Post `text`; None when Slack accepted it, else what went wrong (without the URL)."""
    client = WebhookClient(url, timeout=timeout, logger=_QUIET, retry_handlers=[])
    try:
        response = client.send(text=text)
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).replace(url, '[the webhook URL]')}"
    if response.status_code != 200:
        return f"the webhook answered HTTP {response.status_code}"
    return None
