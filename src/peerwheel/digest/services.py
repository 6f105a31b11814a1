"""The weekly digest's writes and its one builder (docs/digest.md).

- `digest_build(person, week)`: one person's digest (what the "My digest" page shows), its
  private part (the person's own nudges, `insights.selectors.nudges_for_people`) included, and
  the next show-and-tell after the week (`program.selectors.next_session`).
- `digest_send(week)`: everyone's, in batches: email through Django's email backend, and the
  week's post to the Slack channel when a webhook is set. A `DigestSend` row is claimed before a
  message goes and removed only when sending it failed, so a re-run sends only what has not gone
  (a week is never sent twice to anyone); a Slack failure is logged and leaves the emails alone.
- `digest_subscription_set(person, email=...)`: the one home of a person's choice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from contextlib import nullcontext, suppress
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from peerwheel.digest.content import Digest, DigestNudge, DigestSession, Reader, WeekIndex
from peerwheel.digest.links import post_path
from peerwheel.digest.models import DigestChannel, DigestSend, DigestSubscription
from peerwheel.digest.rendering import digest_message
from peerwheel.digest.slack import SLACK_ITEMS, slack_text, webhook_post
from peerwheel.digest.weeks import IsoWeek
from peerwheel.hub.selectors import question_stages_of, week_activity
from peerwheel.insights.selectors import nudges_for_people
from peerwheel.notifications.selectors import NotificationView, digest_notifications
from peerwheel.org.models import Person, Tie
from peerwheel.org.selectors import people_current
from peerwheel.program.selectors import next_session

logger = logging.getLogger(__name__)
DEFAULT_STAGE = 1


@dataclass
class DigestRun:
    """What a send did (or, in a dry run, would do)."""

    week: IsoWeek
    dry_run: bool
    people: int = 0  # current people with an email who did not unsubscribe
    sent: int = 0  # emails sent now (a dry run: that would be sent)
    already_sent: int = 0  # sent by an earlier run of the same week
    empty: int = 0  # nothing to tell them this week: skipped
    failed: int = 0  # the email backend refused; a later run retries them
    slack: str = "off"  # off, posted, already posted, failed, dry run
    failures: list[str] = field(default_factory=list)


def week_index(week: IsoWeek) -> WeekIndex:
    """The hub's week as arrays, read once for every reader."""
    return WeekIndex(week_activity(since=week.start, until=week.end), post_path)


def _ties(person_ids: list[int]) -> dict[int, set[int]]:
    ties: dict[int, set[int]] = {pk: set() for pk in person_ids}
    rows = Tie.objects.filter(
        Q(person_a_id__in=person_ids) | Q(person_b_id__in=person_ids)
    ).values_list("person_a_id", "person_b_id")
    for a, b in rows:
        if a in ties:
            ties[a].add(b)
        if b in ties:
            ties[b].add(a)
    return ties


def readers_of(people: Iterable[Person], week: IsoWeek) -> list[Reader]:
    """Each person as a reader: groups, ties and question stage (three queries a batch)."""
    people = list(people)
    ids = [p.pk for p in people]
    ties = _ties(ids)
    stages = question_stages_of(ids, before=week.end)
    return [
        Reader(
            person_id=p.pk,
            name=p.name.split(" ")[0] if p.name else p.display_name,
            email=p.email,
            team=p.team_id,
            role_family=p.role_family,
            ties=frozenset(ties[p.pk]),
            stage=stages.get(p.pk, DEFAULT_STAGE),
        )
        for p in people
    ]


def nudges_of(person_ids: list[int], week: IsoWeek) -> dict[int, tuple[DigestNudge, ...]]:
    """Each person's own open nudges at the end of the week (insights; one query a batch):
    person id → theirs, absent when none. Each goes into its own person's digest only."""
    return {
        pk: tuple(
            DigestNudge(text=nudge.message, draft=nudge.draft, path=nudge.draft_url)
            for nudge in views
        )
        for pk, views in nudges_for_people(person_ids, now=week.end).items()
    }


def session_after(week: IsoWeek) -> DigestSession | None:
    """The first show-and-tell to start after the week ends (program; one read per send)."""
    session = next_session(after=week.end)
    if session is None:
        return None
    starts = timezone.localtime(session.starts_at)
    return DigestSession(
        title=session.title,
        when=f"{starts:%A} {starts.day} {starts:%B}, {starts:%H:%M}",
        location=session.location,
        join_url=session.join_url,
        agenda=session.agenda,
    )


def _digest(
    index: WeekIndex,
    reader: Reader,
    week: IsoWeek,
    nudges: tuple[DigestNudge, ...],
    session: DigestSession | None = None,
    notifications: tuple[NotificationView, ...] = (),
) -> Digest:
    close, across, questions = index.digest_parts(reader)
    return Digest(
        person_id=reader.person_id,
        name=reader.name,
        email=reader.email,
        week=week,
        stage=reader.stage,
        close=close,
        across=across,
        questions=questions,
        session=session,
        nudges=nudges,
        notifications=notifications,
    )


def digest_build(person: Person, week: IsoWeek) -> Digest:
    """One person's digest of `week`; `Digest.is_empty` when there is nothing to tell."""
    (reader,) = readers_of([person], week)
    batched = digest_notifications([person.pk], since=week.start, until=week.end)
    return _digest(
        week_index(week),
        reader,
        week,
        nudges_of([person.pk], week).get(person.pk, ()),
        session_after(week),
        batched.get(person.pk, ()),
    )


def digest_subscription_set(*, person: Person, email: bool, now: datetime | None = None) -> None:
    """Turn the digest by email on or off for a person (off records when)."""
    DigestSubscription.objects.update_or_create(
        person=person,
        defaults={"email": email, "unsubscribed_at": None if email else now or timezone.now()},
    )


def recipients() -> list[int]:
    """Ids of the current people with an email who have not turned the digest off."""
    return list(
        people_current()
        .exclude(email="")
        .exclude(digest_subscription__email=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _claim(person_ids: list[int], week: IsoWeek, now: datetime) -> set[int]:
    """Claim the email of `week` for these people; those another run claimed first are left
    out (the unique constraint decides)."""
    rows = [
        DigestSend(person_id=pk, week=str(week), channel=DigestChannel.EMAIL, sent_at=now)
        for pk in person_ids
    ]
    try:
        with transaction.atomic():
            DigestSend.objects.bulk_create(rows)
        return set(person_ids)
    except IntegrityError:
        claimed: set[int] = set()
        for pk in person_ids:
            try:
                with transaction.atomic():
                    DigestSend.objects.create(
                        person_id=pk, week=str(week), channel=DigestChannel.EMAIL, sent_at=now
                    )
                claimed.add(pk)
            except IntegrityError:
                continue
        return claimed


def _send_batch(
    digests: list[Digest], week: IsoWeek, connection: BaseEmailBackend, run: DigestRun
) -> None:
    now = timezone.now()
    claimed = _claim([d.person_id for d in digests], week, now)
    run.already_sent += len(digests) - len(claimed)
    for digest in digests:
        if digest.person_id not in claimed:
            continue
        try:
            delivered = connection.send_messages([digest_message(digest)])
        except Exception as exc:
            delivered, reason = 0, type(exc).__name__
        else:
            reason = "the email backend accepted no message"
        if delivered:
            run.sent += 1
            continue
        DigestSend.objects.filter(
            person_id=digest.person_id, week=str(week), channel=DigestChannel.EMAIL
        ).delete()
        run.failed += 1
        run.failures.append(f"person {digest.person_id}: {reason}")
        logger.warning(
            "digest %s: the email to person %s failed (%s)", week, digest.person_id, reason
        )


def _slack(index: WeekIndex, week: IsoWeek, run: DigestRun) -> None:
    url = settings.PEERWHEEL_DIGEST_SLACK_WEBHOOK_URL
    if not url:
        return
    items = index.org_items(SLACK_ITEMS)
    if not items:
        run.slack = "nothing to post"
        return
    done = DigestSend.objects.filter(
        person__isnull=True, week=str(week), channel=DigestChannel.SLACK
    ).exists()
    if done:
        run.slack = "already posted"
        return
    if run.dry_run:
        run.slack = "dry run"
        return
    error = webhook_post(
        url, slack_text(items, week), timeout=settings.PEERWHEEL_DIGEST_SLACK_TIMEOUT
    )
    if error is None:
        with suppress(IntegrityError), transaction.atomic():  # another run recorded it first
            DigestSend.objects.create(
                person=None, week=str(week), channel=DigestChannel.SLACK, sent_at=timezone.now()
            )
        run.slack = "posted"
        return
    run.slack = "failed"
    run.failures.append(f"Slack: {error}")
    logger.warning(
        "digest %s: the Slack channel post failed (%s); the emails are unaffected, and the next "
        "run posts it",
        week,
        error,
    )


def digest_send(
    week: IsoWeek,
    *,
    dry_run: bool = False,
    on_progress: Callable[[float, float], None] | None = None,
    connection: BaseEmailBackend | None = None,
    batch_size: int | None = None,
) -> DigestRun:
    """Send `week`'s digest to everyone who has not had it, batch by batch; then the Slack post.

    A dry run builds and renders every digest and reports the counts, and writes and sends
    nothing. `connection`: an email backend instance (default: settings.EMAIL_BACKEND).
    """
    run = DigestRun(week=week, dry_run=dry_run)
    ids = recipients()
    run.people = len(ids)
    size = batch_size or settings.PEERWHEEL_DIGEST_BATCH_SIZE
    index = week_index(week)
    session = session_after(week)
    connection = connection or get_connection()
    if on_progress is not None:
        on_progress(0, len(ids))
    with nullcontext() if dry_run else connection:
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            sent = set(
                DigestSend.objects.filter(
                    week=str(week), channel=DigestChannel.EMAIL, person_id__in=chunk
                ).values_list("person_id", flat=True)
            )
            run.already_sent += len(sent)
            people = list(Person.objects.filter(pk__in=set(chunk) - sent).order_by("pk"))
            pks = [p.pk for p in people]
            batched = digest_notifications(pks, since=week.start, until=week.end)
            nudges = nudges_of(pks, week)
            digests = [
                _digest(
                    index,
                    reader,
                    week,
                    nudges.get(reader.person_id, ()),
                    session,
                    batched.get(reader.person_id, ()),
                )
                for reader in readers_of(people, week)
            ]
            full = [d for d in digests if not d.is_empty]
            run.empty += len(digests) - len(full)
            if dry_run:
                for digest in full:
                    digest_message(digest)  # rendered as for real, sent nowhere
                run.sent += len(full)
            else:
                _send_batch(full, week, connection, run)
            if on_progress is not None:
                on_progress(start + len(chunk), len(ids))
    _slack(index, week, run)
    return run
