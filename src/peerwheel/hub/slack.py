"""`slack-export`: messages from the channels an admin names become hub posts and questions.

Top-level messages become posts (questions when they ask one, or in a channel named like
"questions"; tips otherwise), thread replies become answers, reactions become reactions, all
through the hub's own services (`post_publish`, `answer_post`, `reaction_add`), which also
record the influence events (answered, commented, reacted) and run the guardrails.

Channel names become hub tags (`channel_tag`: Slack allows `_` and 80 characters, a tag does
not), and the channel's own name is kept on each imported message (`ImportedMessage.channel`).
Authors are matched by Slack user id (an identity map's `U…,E12,slack` rows) and by email.
Only people's own messages are imported: Slack's system events (joins, renames, archives, pins,
integrations, bot messages, file comments: every `subtype` but the few that carry a person's
message, `_PERSON_SUBTYPES`) are skipped and counted apart, and bots are never counted as
unmatched people. A file comment (a pre-2019 `file_comment`) is skipped too: it comments on a
file, not on a thread, so there is no question for it to answer. A reply whose thread began in
an earlier export is joined to that thread's post, found through the earlier import's
`ImportedMessage`. Each imported message is remembered, so importing the same export again adds
nothing. Runs inside the import's one transaction.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from peerwheel.core.models import Import
from peerwheel.hub.errors import HubError
from peerwheel.hub.models import Answer, Post
from peerwheel.hub.services import answer_post, post_publish, reaction_add
from peerwheel.hub.slack_zip import SlackExport, SlackMessage
from peerwheel.hub.validation import TAG_MAX, TITLE_MAX
from peerwheel.org.models import Person
from peerwheel.usage.identities import IdentityIndex
from peerwheel.usage.models import ImportedMessage

SOURCE = "slack"
EMOJI = {
    "+1": "👍",
    "thumbsup": "👍",
    "tada": "🎉",
    "bulb": "💡",
    "heart": "❤️",
    "pray": "🙏",
    "eyes": "👀",
}
# The subtypes that are still a person's own message; every other subtype is an event.
_PERSON_SUBTYPES = frozenset({"thread_broadcast", "file_share", "me_message"})
_NOT_TAG = re.compile(r"[^a-z0-9+#.-]+")
_SLACKBOT = "USLACKBOT"
_USER = re.compile(r"<@([A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#[A-Z0-9]+\|([^>]+)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]+)>")
_BARE = re.compile(r"<(https?://[^>]+)>")
_WARNINGS_SHOWN = 10


def slack_text(text: str, users: dict[str, dict[str, Any]]) -> str:
    """Slack's mrkdwn to plain Markdown: mentions, channel links and links made readable."""

    def mention(match: re.Match[str]) -> str:
        user = users.get(match.group(1), {})
        profile = user.get("profile") if isinstance(user, dict) else None
        profile = profile if isinstance(profile, dict) else {}
        return "@" + str(
            profile.get("real_name") or user.get("real_name") or user.get("name") or "someone"
        )

    text = _USER.sub(mention, text)
    text = _CHANNEL.sub(lambda m: f"#{m.group(1)}", text)
    text = _LINK.sub(lambda m: f"[{m.group(2)}]({m.group(1)})", text)
    text = _BARE.sub(lambda m: m.group(1), text)
    return html.unescape(text).strip()


def channel_tag(channel: str) -> str:
    """A valid hub tag for a Slack channel name: `AI_Tips` → `ai-tips`, at most 40 characters."""
    tag = _NOT_TAG.sub("-", channel.strip().lower())
    tag = re.sub(r"-{2,}", "-", tag).lstrip("+#.-")[:TAG_MAX].rstrip("-")
    return tag or "slack"


def is_bot(user: object) -> bool:
    return isinstance(user, dict) and bool(
        user.get("is_bot") or user.get("is_app_user") or user.get("id") == _SLACKBOT
    )


def _title(body: str) -> str:
    first = next((line.strip() for line in body.splitlines() if line.strip()), "")
    first = re.sub(r"[*_`~>#]+", "", first).strip()
    return first if len(first) <= 120 else first[:117].rstrip() + "…"


def _is_question(channel: str, body: str) -> bool:
    return "question" in channel or "?" in body.split("\n", 1)[0]


class _Writer:
    def __init__(self, export: SlackExport, record: Import) -> None:
        self.export, self.record = export, record
        index = IdentityIndex.load()
        person_ids: dict[str, int] = {}
        for user_id, user in export.users.items():
            profile = user.get("profile")
            email = str((profile if isinstance(profile, dict) else {}).get("email") or "").strip()
            found = index.person_for(user_id)  # an identity map's Slack id first, then the email
            if found is None and email:
                found = index.person_for(email)
            if found is not None:
                person_ids[user_id] = found
        people = Person.objects.in_bulk(set(person_ids.values()))
        self.people = {u: people[p] for u, p in person_ids.items() if p in people}
        self.done = {
            m.key: m for m in ImportedMessage.objects.filter(source=SOURCE).select_related("post")
        }
        self.posts: dict[tuple[str, str], Post] = {}
        self.counts = {"posts": 0, "questions": 0, "answers": 0, "reactions": 0, "unchanged": 0}
        self.skipped = 0
        self.events = 0  # Slack's system events (joins, renames, pins, bots, file comments...)
        self.bots = 0
        self.orphans = 0  # replies whose thread's first message was not imported
        self.unmatched: set[str] = set()
        self.problems: list[str] = []

    def key(self, message: SlackMessage, ts: str) -> str:
        channel_id = str(self.export.channels[message.channel].get("id") or message.channel)
        return f"{channel_id}:{ts}"

    def write(self, message: SlackMessage) -> None:
        data = message.data
        subtype = data.get("subtype")
        user_id = str(data.get("user") or "")
        if subtype == "bot_message" or data.get("bot_id") or is_bot(self.export.users.get(user_id)):
            self.bots += 1
            self.skipped += 1
            return
        if data.get("type", "message") != "message" or (
            subtype is not None and subtype not in _PERSON_SUBTYPES
        ):
            self.events += 1
            self.skipped += 1
            return
        author = self.people.get(user_id)
        body = slack_text(str(data.get("text") or ""), self.export.users)
        if author is None or not body:
            if author is None and user_id:
                self.unmatched.add(user_id)
            self.skipped += 1
            return
        ts, thread = str(data["ts"]), data.get("thread_ts")
        at = datetime.fromtimestamp(float(ts), tz=UTC)
        key = self.key(message, ts)
        try:
            if thread and thread != ts:
                self._reply(message, key, str(thread), author, body, at)
            else:
                self._post(message, key, ts, author, body, at)
        except HubError as exc:
            self.skipped += 1
            self.problems.append(f"{message.file} message {message.index + 1}: {exc.message}")

    def _post(
        self, message: SlackMessage, key: str, ts: str, author: Person, body: str, at: datetime
    ) -> None:
        existing = self.done.get(key)
        if existing is not None and existing.post is not None:
            post = existing.post
            self.counts["unchanged"] += 1
        else:
            question = _is_question(message.channel, body)
            post = post_publish(
                author=author,
                kind="question" if question else "tip",
                title=_title(body)[:TITLE_MAX] or "Shared on Slack",
                body=body,
                tags=[channel_tag(message.channel)],
                at=at,
            )
            ImportedMessage.objects.create(
                source=SOURCE,
                key=key,
                channel=message.channel[:80],
                post=post,
                source_import=self.record,
            )
            self.counts["questions" if question else "posts"] += 1
        self.posts[(message.channel, ts)] = post
        reactions = message.data.get("reactions")
        for reaction in reactions if isinstance(reactions, list) else []:
            if not isinstance(reaction, dict):
                continue
            emoji = EMOJI.get(str(reaction.get("name", "")).split("::")[0])
            users = reaction.get("users")
            if emoji is None or not isinstance(users, list):
                continue
            for user_id in users:
                person = self.people.get(str(user_id))
                if (
                    person is not None
                    and reaction_add(post=post, person=person, emoji=emoji, at=at)[1]
                ):
                    self.counts["reactions"] += 1

    def _reply(
        self, message: SlackMessage, key: str, thread: str, author: Person, body: str, at: datetime
    ) -> None:
        if key in self.done:
            self.counts["unchanged"] += 1
            return
        parent = self.posts.get((message.channel, thread))
        if parent is None:  # the thread began in an earlier export, or its start was skipped
            earlier = self.done.get(self.key(message, thread))
            parent = earlier.post if earlier is not None else None
        if parent is None or parent.is_deleted:
            self.orphans += 1
            self.skipped += 1
            return
        answer: Answer = answer_post(post=parent, author=author, body=body, at=at)
        ImportedMessage.objects.create(
            source=SOURCE,
            key=key,
            channel=message.channel[:80],
            answer=answer,
            source_import=self.record,
        )
        self.counts["answers"] += 1


def slack_write(
    export: SlackExport,
    *,
    record: Import,
    on_progress: Callable[[int, int], None] | None = None,
) -> tuple[dict[str, int], int, list[str]]:
    """Write the export's messages; (counts, skipped, warnings). The counts also hold the
    skipped system events (`events`), bot messages (`bots`), unmatched Slack users
    (`unmatched_users`) and replies to threads never imported (`orphans`)."""
    writer = _Writer(export, record)
    total = len(export.messages)
    for number, message in enumerate(export.messages, start=1):
        writer.write(message)
        if on_progress is not None and number % 200 == 0:
            on_progress(number, total)
    warnings = writer.problems[:_WARNINGS_SHOWN]
    if len(writer.problems) > _WARNINGS_SHOWN:
        warnings.append(f"... and {len(writer.problems) - _WARNINGS_SHOWN} more messages skipped")
    if writer.unmatched:
        warnings.append(
            f"{len(writer.unmatched)} Slack users match no person (by Slack user id or email): "
            "their messages were skipped; import people with those emails or an identity map "
            "(external_id,employee_id,source rows such as U024BE7LH,E12,slack), then import again"
        )
    if writer.orphans:
        warnings.append(
            f"{writer.orphans} replies belong to threads whose first message was not imported "
            "(skipped, or in an export not imported yet): they were skipped"
        )
    counts = writer.counts | {
        "events": writer.events,
        "bots": writer.bots,
        "unmatched_users": len(writer.unmatched),
        "orphans": writer.orphans,
    }
    return counts, writer.skipped, warnings
