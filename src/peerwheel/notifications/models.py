"""Notifications, each person's email preference, and follows (docs/hub.md, "Notifications").

A `Notification` stores who caused it (`actor`) so that it can be explained, but `actor_hidden`
says when it must never be shown: the actor is the anonymous author of the post (or of the
answer the anonymous asker wrote on their own question). Every view of a notification goes
through `selectors.py`, which drops the actor then. The admin has no page for these rows: a list
of notifications with their recipients and posts would tell who wrote an anonymous post.
"""

from __future__ import annotations

from django.db import models

from peerwheel.hub.models import Post
from peerwheel.org.models import Person


class NotificationKind(models.TextChoices):
    ANSWER_ON_MY_POST = "answer_on_my_post", "An answer to my question"
    COMMENT_ON_MY_POST = "comment_on_my_post", "A comment on my post"
    ANSWER_ACCEPTED = "answer_accepted", "My answer accepted"
    TRIED_MY_POST = "tried_my_post", "Someone tried my post"
    PROMPT_ADAPTED = "prompt_adapted", "My prompt adapted"
    MENTIONED = "mentioned", "An @mention of me"
    FOLLOWED_NEW_POST = "followed_new_post", "A new post in what I follow"
    MARKED_DUPLICATE = "marked_duplicate", "My question marked as a duplicate"


class Notification(models.Model):
    """One thing to tell one person, about one post (the answer's, the trial's, the new one)."""

    recipient = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    #: the actor wrote anonymously here: kept in the row, never shown to anyone
    actor_hidden = models.BooleanField(default=False)
    #: tried_my_post: the trial's outcome (worked, partly, didnt)
    outcome = models.CharField(max_length=10, blank=True)
    #: followed_new_post: what was followed ("tool:Copilot", "topic:email", "person")
    via = models.CharField(max_length=120, blank=True)
    read = models.BooleanField(default=False)
    created = models.DateTimeField()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read"], name="notification_recipient_read"),
            models.Index(fields=["recipient", "created"], name="notification_recipient_new"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id} on post {self.post_id}"


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "Email me at once"
    DIGEST = "digest", "Batch them into my weekly digest"
    OFF = "off", "No email (the bell only)"


class NotificationPreference(models.Model):
    """How a person gets notifications by email; no row means `Delivery.IMMEDIATE`."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    updated = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person_id}: {self.email}"


class FollowKind(models.TextChoices):
    TOOL = "tool", "Tool"
    TOPIC = "topic", "Topic"
    PERSON = "person", "Person"


class Follow(models.Model):
    """A person follows a tool (a post's `tool`), a topic (a hub tag) or a person.

    `value` is the tool's name or the tag (lower-case, as the hub stores tags); for a person it is
    empty and `followed` names them. Each is followed at most once.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="follows")
    kind = models.CharField(max_length=10, choices=FollowKind.choices)
    value = models.CharField(max_length=100, blank=True)
    followed = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.CASCADE, related_name="followers"
    )
    created = models.DateTimeField()

    class Meta:
        ordering = ["kind", "value", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "value"],
                condition=~models.Q(kind="person"),
                name="follow_tool_or_topic_once",
            ),
            models.UniqueConstraint(
                fields=["person", "followed"],
                condition=models.Q(kind="person"),
                name="follow_person_once",
            ),
            models.CheckConstraint(
                condition=(models.Q(kind="person", followed__isnull=False, value=""))
                | (
                    ~models.Q(kind="person") & models.Q(followed__isnull=True) & ~models.Q(value="")
                ),
                name="follow_names_one_target",
            ),
        ]
        indexes = [models.Index(fields=["kind", "value"], name="follow_kind_value")]

    def __str__(self) -> str:
        target = self.followed_id if self.kind == FollowKind.PERSON else self.value
        return f"{self.person_id} follows {self.kind} {target}"
