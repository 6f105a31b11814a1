"""What goes into a digest: closeness, the reader's question stage, anonymity, never empty."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from peerwheel.digest.rendering import digest_html, digest_text
from peerwheel.digest.services import digest_build, digest_send
from peerwheel.digest.weeks import IsoWeek
from peerwheel.insights.models import Nudge
from peerwheel.org.models import Person
from peerwheel.program.sessions import session_create
from tests.digest.conftest import WEEK, Scene, ask, at


def _titles(items: tuple) -> list[str]:
    return [item.title for item in items]


def test_closest_peers_come_first_and_only_this_weeks_activity(scene: Scene) -> None:
    digest = digest_build(scene.org["alice"], WEEK)
    # Stage 1 (no question asked): a win weighs 2, a prompt 1. Erin's win: team 3 × 2 = 6;
    # Carol's old prompt tried by Bob (team): 3 × (1 + ln 2) × 1 = 5.08; Dan's win: tie 2 × 2 = 4.
    assert digest.stage == 1
    assert _titles(digest.close) == ["Erin's win", "Carol's old prompt", "Dan's win"]
    assert digest.across == ()  # three close items: nothing to fill
    whys = [item.why for item in digest.close]
    assert whys == [
        "in your team",
        "tried this week by 1 person in your team",
        "someone you work with",
    ]
    shown = _titles(digest.close + digest.across + digest.questions)
    assert "Alice's own win" not in shown  # never the reader's own
    assert "Dan's win of last week" not in shown  # another week


def test_the_readers_question_stage_reorders_by_kind(scene: Scene) -> None:
    ask(scene.org["alice"], 3, at(-3))  # before the week ends: her stage is 3
    digest = digest_build(scene.org["alice"], WEEK)
    # Stage 3: a prompt weighs 2, a win 1. The prompt: 3 × 1.69 × 2 = 10.2; Erin 3; Dan 2.
    assert digest.stage == 3
    assert _titles(digest.close) == ["Carol's old prompt", "Erin's win", "Dan's win"]
    assert _titles(digest.questions) == ["Carol's question"]  # a stage-3 question this week
    assert digest.questions[0].why == "asked this week; 1 answer"


def test_a_question_after_the_week_does_not_change_its_stage(scene: Scene) -> None:
    ask(scene.org["alice"], 4, at(9))
    assert digest_build(scene.org["alice"], WEEK).stage == 1


def test_stage_one_readers_see_no_stage_three_questions(scene: Scene) -> None:
    assert digest_build(scene.org["alice"], WEEK).questions == ()


def test_few_close_items_are_filled_with_the_organisations_best(scene: Scene) -> None:
    digest = digest_build(scene.org["charlie"], WEEK)
    # Charlie (sales) is close to Carol only; the week's best fill up to three items: the most
    # tried this week first (Carol's win, already close), then the newest.
    assert _titles(digest.close) == ["Carol's win"]
    assert digest.close[0].why == "in your role family"
    assert _titles(digest.across) == ["Anonymous fail", "Alice's own win"]


def test_anonymous_posts_appear_without_their_author(scene: Scene) -> None:
    digest = digest_build(scene.org["charlie"], WEEK)
    anonymous = next(i for i in digest.across if i.title == "Anonymous fail")
    assert anonymous.author_name == ""
    assert anonymous.why == "shared this week"
    html, text = digest_html(digest), digest_text(digest)
    for rendered in (html, text):
        assert "Shared anonymously" in rendered
        assert "Bob Brown" not in rendered  # its author, and nobody else's name leads to him


def test_an_anonymous_post_is_never_close_by_its_author(scene: Scene) -> None:
    # Bob wrote the anonymous fail and is in Alice's team: it must not rank as close to her.
    digest = digest_build(scene.org["alice"], WEEK)
    assert "Anonymous fail" not in _titles(digest.close)


def test_a_week_with_nothing_on_the_hub_gives_an_empty_digest(scene: Scene) -> None:
    empty = digest_build(scene.org["alice"], IsoWeek(2026, 20))
    assert empty.is_empty
    assert not digest_build(scene.org["alice"], WEEK).is_empty


def test_nobody_gets_an_empty_digest(scene: Scene) -> None:
    run = digest_send(IsoWeek(2026, 20))
    assert (run.sent, run.empty) == (0, run.people)
    assert run.people == 7


def test_the_digests_queries_per_batch_do_not_grow_with_the_batch(scene: Scene) -> None:
    """The week is read once; groups, ties, stages, notifications and nudges once a batch
    (insights.selectors.nudges_for_people): 20 more people in the same batch, some with
    nudges, cost no query more, and each nudge goes into its own person's digest only."""

    def queries(**kwargs: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            digest_send(WEEK, dry_run=True, **kwargs)
        return len(captured)

    before = queries()
    team = scene.org["alice"].team
    extra = Person.objects.bulk_create(
        Person(employee_id=f"X{i}", name=f"Extra {i}", email=f"x{i}@example.com", team=team)
        for i in range(20)
    )
    for person in extra[:3]:
        _nudge(person, at(1))
    assert queries() == before
    # 27 people in batches of 9 or of 27: three batches cost two batches' reads more than one
    per_batch = (queries(batch_size=9) - queries(batch_size=27)) / 2
    assert per_batch == int(per_batch) and 0 < per_batch <= 10
    run = digest_send(WEEK)
    assert run.sent == 27
    with_nudge = sorted(m.to[0] for m in mail.outbox if "ChatGPT" in m.body)
    assert with_nudge == ["x0@example.com", "x1@example.com", "x2@example.com"]


def _nudge(person: Person, when: datetime) -> Nudge:
    return Nudge.objects.create(
        person=person,
        kind="invisible_success",
        week=when.date(),
        created=when,
        message="Your way of using ChatGPT could help 6 colleagues in your role.",
        title="How I use ChatGPT",
        draft="I use ChatGPT to draft release notes.",
        topic="ChatGPT",
    )


def test_the_private_block_is_in_that_persons_digest_only(scene: Scene) -> None:
    _nudge(scene.org["alice"], at(1))
    mine = digest_build(scene.org["alice"], WEEK)
    assert [n.text for n in mine.nudges] == [
        "Your way of using ChatGPT could help 6 colleagues in your role."
    ]
    assert mine.nudges[0].path.startswith("/hub/new/?kind=tip&title=How+I+use+ChatGPT")
    assert "Just for you" in digest_html(mine) and "JUST FOR YOU" in digest_text(mine)
    for other in ("bob", "charlie", "erin"):
        theirs = digest_build(scene.org[other], WEEK)
        assert theirs.nudges == ()
        assert "ChatGPT" not in digest_html(theirs) + digest_text(theirs)
    run = digest_send(WEEK)
    assert run.sent == 7
    with_nudge = [m.to for m in mail.outbox if "ChatGPT" in m.body]
    assert with_nudge == [["alice@example.com"]]


def test_a_nudge_alone_is_worth_a_digest_and_an_old_one_is_not(scene: Scene) -> None:
    quiet = IsoWeek(2026, 20)
    _nudge(scene.org["alice"], quiet.start + timedelta(days=1))
    assert not digest_build(scene.org["alice"], quiet).is_empty
    assert digest_build(scene.org["alice"], quiet.shifted(5)).is_empty  # shown for 4 weeks


def test_the_next_show_and_tell_after_the_week_is_in_everyones_digest(
    scene: Scene, cast: dict[str, User]
) -> None:
    session_create(
        actor=cast["bob"],
        starts_at=at(-4),  # during the week before: over by then
        title="Last time",
        at=at(-10),
    )
    session_create(
        actor=cast["bob"],
        starts_at=at(10),  # Thursday of the week after, 09:00 UTC
        title="Show-and-tell: spreadsheets",
        location="Room 3",
        join_url="https://meet.example.com/abc",
        at=at(-10),
    )
    for who in ("alice", "charlie"):
        session = digest_build(scene.org[who], WEEK).session
        assert session is not None
        assert (session.title, session.when) == (
            "Show-and-tell: spreadsheets",
            "Thursday 12 March, 09:00",
        )
    text = digest_text(digest_build(scene.org["alice"], WEEK))
    assert (
        "NEXT SHOW-AND-TELL\nShow-and-tell: spreadsheets, Thursday 12 March, 09:00, Room 3" in text
    )
    assert "Join: https://meet.example.com/abc" in text
    assert digest_build(scene.org["alice"], IsoWeek(2026, 12)).session is None


@pytest.mark.parametrize("text", ["2026-W10", "2026W10", "2026-w10"])
def test_weeks_are_read_in_iso_form(text: str) -> None:
    assert IsoWeek.parse(text) == WEEK
    assert str(WEEK) == "2026-W10"
    assert WEEK.monday.isoformat() == "2026-03-02"
