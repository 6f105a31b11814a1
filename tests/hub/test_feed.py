"""The feed wires the ranking engine to the database: proximity, reach, recency, anonymity."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from peerwheel.hub.models import Post
from peerwheel.hub.selectors import feed_for_person, hub_viewer
from peerwheel.hub.services import post_delete, trial_record
from peerwheel.org.models import Person, Tie
from tests.hub.conftest import NOW

pytestmark = pytest.mark.django_db


def _feed(user: User, **kwargs: object) -> list[str]:
    page = feed_for_person(hub_viewer(user), now=NOW, **kwargs)  # type: ignore[arg-type]
    return [item.title for item in page.items]


def test_closer_authors_rank_higher_at_equal_age(
    publish: Callable[..., Post], cast: dict[str, User], org: dict[str, Person]
) -> None:
    # Alice reads. Bob: same team (3). Ada: same department (2). Charlie: stranger (1).
    # Carol: stranger, but tied to Alice in the network (2).
    publish("charlie", title="stranger", days_ago=1)
    publish("boss", title="department", days_ago=1)
    publish("bob", title="team", days_ago=1)
    Tie.objects.create(person_a=org["alice"], person_b=org["carol"], weight=1.0)
    publish("carol", title="tie", days_ago=1)

    assert _feed(cast["alice"]) == ["team", "department", "tie", "stranger"]


def test_same_role_family_ranks_above_same_department(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    # Carol reads (sales family, Sales department, no team). Charlie: sales family (2.5);
    # Dan: Sales department, finance family (2); Alice: neither (1).
    publish("alice", title="stranger", days_ago=2)
    publish("dan", title="department", days_ago=2)
    publish("charlie", title="role family", days_ago=2)

    assert _feed(cast["carol"]) == ["role family", "department", "stranger"]


def test_a_fail_is_not_pushed_down(publish: Callable[..., Post], cast: dict[str, User]) -> None:
    publish("charlie", kind="fail", title="fail", days_ago=1)
    publish("charlie", kind="win", title="win", days_ago=1)

    assert _feed(cast["alice"]) == ["fail", "win"]  # equal scores: the older id first


def test_tried_posts_rank_higher_and_recency_decays(
    publish: Callable[..., Post], cast: dict[str, User], org: dict[str, Person]
) -> None:
    tried = publish("charlie", title="tried by three", days_ago=7)
    publish("charlie", title="fresh", days_ago=0)
    publish("charlie", title="week old", days_ago=7)
    for name in ("bob", "carol", "dan"):
        trial_record(post=tried, person=org[name], outcome="worked")

    # 2^-1 × (1 + ln 4) = 1.19 > 1 (fresh, untried) > 0.5 (week old, untried)
    assert _feed(cast["alice"]) == ["tried by three", "fresh", "week old"]


def test_the_half_life_is_a_setting(
    publish: Callable[..., Post], cast: dict[str, User], org: dict[str, Person], settings: object
) -> None:
    settings.PEERWHEEL_FEED_HALF_LIFE_DAYS = 1.0  # type: ignore[attr-defined]
    tried = publish("charlie", title="tried by three", days_ago=7)
    publish("charlie", title="fresh", days_ago=0)
    for name in ("bob", "carol", "dan"):
        trial_record(post=tried, person=org[name], outcome="worked")

    assert _feed(cast["alice"]) == ["fresh", "tried by three"]


def test_anonymous_posts_rank_as_if_written_by_a_stranger(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    publish("bob", title="team, anonymous", anonymous=True, days_ago=1)
    publish("charlie", title="stranger", days_ago=1.01)

    assert _feed(cast["alice"]) == ["team, anonymous", "stranger"]  # 1 × newer beats 1 × older
    page = feed_for_person(hub_viewer(cast["alice"]), now=NOW)
    assert page.items[0].author is None


def test_own_and_deleted_posts_stay_out_and_pages_continue(
    publish: Callable[..., Post], cast: dict[str, User]
) -> None:
    publish("alice", title="mine")
    gone = publish("bob", title="gone")
    post_delete(post=gone, actor=cast["bob"])
    for i in range(25):
        publish("charlie", title=f"post {i:02d}", days_ago=i / 10)

    first = _feed(cast["alice"])
    second = _feed(cast["alice"], page=2)

    assert len(first) == 20 and len(second) == 5
    assert first[0] == "post 00" and second[-1] == "post 24"
    assert "mine" not in first + second and "gone" not in first + second
