"""The demo's question-stage corrections: after the logins exist, the demo's champion and lead
correct a few questions the classifier got wrong (as they would on the question's page), and the
classifier is retrained on them (`peerwheel insights retrain`), moving the questions phrased
like them. The hub demo's questions were classified when they were published (hub/demo.py).
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.contrib.auth.models import User

from peerwheel.accounts.roles import Role
from peerwheel.hub import demo_content as text
from peerwheel.hub.models import Post, PostKind, QuestionStageSource
from peerwheel.hub.selectors import hub_viewer
from peerwheel.hub.stages import question_stage_correct, question_stages_retrain
from peerwheel.org.demo import DemoContext

#: at most this many corrections, alternating between the champion and the lead
CORRECTIONS = 6


def _template_patterns() -> list[tuple[re.Pattern[str], int]]:
    """Each demo question title as a pattern ({tool}, {task}, {dept} filled by anything)."""
    patterns = []
    for stage, templates in text.QUESTIONS.items():
        for title, _ in templates:
            pattern = re.sub(r"\\\{(dept|tool|task)\\\}", ".+", re.escape(title))
            patterns.append((re.compile(f"^{pattern}$"), stage))
    return patterns


def stages_demo(context: DemoContext) -> None:
    """A few corrections by the demo's champion and lead, then a retrain."""
    users = User.objects.filter(username__in=(Role.CHAMPION.value, Role.LEAD.value))
    correctors = [hub_viewer(user) for user in users.order_by("username")]
    if not correctors:
        return
    patterns = _template_patterns()
    wrong = []
    questions = Post.objects.filter(
        kind=PostKind.QUESTION, question_stage_source=QuestionStageSource.CLASSIFIER
    ).order_by("created", "id")
    for post in questions:
        stage = next((s for pattern, s in patterns if pattern.match(post.title)), None)
        if stage is not None and stage != post.question_stage:
            wrong.append((post, stage))
    made = 0
    for post, stage in wrong:
        if made == CORRECTIONS:
            break
        viewer = correctors[made % len(correctors)]
        if viewer.person_id == post.author_id:
            continue
        at = post.created + timedelta(hours=20)
        question_stage_correct(post=post, viewer=viewer, stage=stage, at=at)
        made += 1
    report = question_stages_retrain()
    context.notes.append(
        f"Question stages: {made} of the classifier's {len(wrong)} misjudged questions corrected "
        f"by the champion and the lead; retrained on them, {report.changed} question(s) "
        "changed stage."
    )
