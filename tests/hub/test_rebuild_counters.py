"""`peerwheel rebuild-counters`: drifted post counters are recomputed from their rows."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from django.core.management import call_command, get_commands

from peerwheel import cli
from peerwheel.hub.models import Post
from peerwheel.hub.services import answer_post, trial_record
from peerwheel.org.models import Person

pytestmark = pytest.mark.django_db


def _counters(post: Post) -> tuple[int, int, int, int]:
    post.refresh_from_db()
    return (post.tried_count, post.teams_reached, post.answer_count, post.adaptation_count)


def test_rebuild_counters_fixes_only_the_posts_that_drifted_and_says_how_many(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    drifted = publish("alice", title="Drifted")
    right = publish("alice", title="Right")
    trial_record(post=drifted, person=org["bob"], outcome="worked")
    answer_post(post=drifted, author=org["carol"], body="Nice one.")
    trial_record(post=right, person=org["carol"], outcome="worked")
    right_before = _counters(right)
    Post.objects.filter(pk=drifted.pk).update(
        tried_count=9, teams_reached=0, answer_count=4, adaptation_count=2
    )
    out = io.StringIO()

    call_command("rebuild_counters", stdout=out)

    assert _counters(drifted) == (1, 1, 1, 0)
    assert _counters(right) == right_before
    assert out.getvalue().strip() == "fixed 1 post's counters; every other post's were right"


def test_rebuild_counters_twice_changes_nothing_the_second_time(
    publish: Callable[..., Post], org: dict[str, Person]
) -> None:
    post = publish("alice")
    trial_record(post=post, person=org["bob"], outcome="worked")
    Post.objects.filter(pk=post.pk).update(tried_count=0)
    call_command("rebuild_counters", stdout=io.StringIO())
    out = io.StringIO()

    call_command("rebuild_counters", stdout=out)

    assert _counters(post)[0] == 1
    assert out.getvalue().strip() == "every post's counters were right; nothing changed"


def test_peerwheel_rebuild_counters_names_the_hub_command() -> None:
    assert get_commands()[cli.ALIASES["rebuild-counters"]] == "peerwheel.hub"
    assert re.search(r"^  rebuild-counters\s+\S", cli.usage(), re.MULTILINE)
