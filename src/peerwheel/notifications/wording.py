"""What a notification says, the same on the page, in the API and in an email.

`NotificationView` is the only shape a notification leaves the app in: its `actor_name` is
empty when the actor wrote anonymously (then "Someone" stands in), so no page, answer or email
can name an anonymous author.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from peerwheel.hub.models import TrialOutcome
from peerwheel.notifications.models import Notification, NotificationKind

HIDDEN_ACTOR = "Someone (anonymous)"
OUTCOMES = {
    TrialOutcome.WORKED: "it worked",
    TrialOutcome.PARTLY: "it partly worked",
    TrialOutcome.DIDNT: "it didn't work",
}


@dataclass(frozen=True)
class NotificationView:
    id: int
    kind: str
    post_id: int
    post_title: str
    actor_id: int | None  # None when hidden (or the actor's person is gone)
    actor_name: str  # empty when hidden
    outcome: str
    via: str
    read: bool
    created: datetime

    actor_hidden: bool = False

    @property
    def who(self) -> str:
        if self.actor_name:
            return self.actor_name
        return HIDDEN_ACTOR if self.actor_hidden else "Someone"

    @property
    def message(self) -> str:
        """One sentence: who did what to which post."""
        title = f"\u201c{self.post_title}\u201d"
        match self.kind:
            case NotificationKind.ANSWER_ON_MY_POST:
                return f"{self.who} answered your question {title}."
            case NotificationKind.COMMENT_ON_MY_POST:
                return f"{self.who} commented on your post {title}."
            case NotificationKind.ANSWER_ACCEPTED:
                return f"{self.who} accepted your answer to {title}."
            case NotificationKind.TRIED_MY_POST:
                how = OUTCOMES.get(TrialOutcome(self.outcome), "") if self.outcome else ""
                return f"{self.who} tried your post {title}" + (f": {how}." if how else ".")
            case NotificationKind.PROMPT_ADAPTED:
                return f"{self.who} adapted your prompt, as {title}."
            case NotificationKind.MENTIONED:
                return f"{self.who} mentioned you in {title}."
            case NotificationKind.MARKED_DUPLICATE:
                return (
                    f"{self.who} marked your question {title} as a duplicate of an earlier one; "
                    "its answers are linked there."
                )
            case _:
                return f"{self.who} shared {title}{self.because}."

    @property
    def because(self) -> str:
        kind, _, value = self.via.partition(":")
        if kind == "tool":
            return f" about {value}, which you follow"
        if kind == "topic":
            return f" in #{value}, which you follow"
        if kind == "person":
            return ", whom you follow"
        return ""


def notification_view(row: Notification) -> NotificationView:
    """The row as anyone may see it (its `post` and `actor` selected with it)."""
    actor = None if row.actor_hidden else row.actor
    return NotificationView(
        id=row.pk,
        kind=row.kind,
        post_id=row.post_id,
        post_title=row.post.title,
        actor_id=actor.pk if actor is not None else None,
        actor_name=(actor.display_name if actor is not None else ""),
        outcome=row.outcome,
        via=row.via,
        read=row.read,
        created=row.created,
        actor_hidden=row.actor_hidden,
    )
