"""`hub.selectors.question_stage_mix`: the monthly mix of question stages, organisation-wide and
per department, checked against the rows counted another way (pandas), small groups hidden with
complementary suppression, anonymous questions never in a department's row."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from peerwheel.hub.models import Post
from peerwheel.hub.selectors import question_stage_mix
from peerwheel.hub.services import post_publish
from peerwheel.org.models import Department, Person, Site

SINCE, UNTIL = date(2025, 1, 1), date(2025, 4, 1)
# (asker, stage, day, anonymous); stage None: not classified yet
QUESTIONS: list[tuple[str, int | None, str, bool]] = [
    ("E1", 1, "2025-01-03", False), ("E2", 2, "2025-01-07", False),
    ("E3", 1, "2025-01-09", False), ("E4", 2, "2025-01-20", False),
    ("O1", 1, "2025-01-10", False), ("O2", 2, "2025-01-14", False),
    ("O3", 1, "2025-01-30", False), ("L1", 2, "2025-01-15", True),
    ("E1", 3, "2025-02-03", False), ("E2", 3, "2025-02-04", False),
    ("E3", 2, "2025-02-11", False), ("E5", 4, "2025-02-28", False),
    ("O1", 2, "2025-02-05", False), ("O2", 3, "2025-02-06", False),
    ("O3", 3, "2025-02-07", False), ("L1", 3, "2025-02-17", False),
    ("E1", 4, "2025-03-03", False), ("E2", 3, "2025-03-04", False),
    ("E3", 3, "2025-03-05", False), ("E1", 4, "2025-03-31", False),
    ("O1", 3, "2025-03-12", False), ("O2", None, "2025-03-13", False),
    ("E1", 1, "2024-12-31", False), ("E2", 4, "2025-04-01", False),  # outside the window
]  # fmt: skip


@pytest.fixture
def asked(db: None, settings: Any) -> dict[str, Person]:
    settings.PEERWHEEL_MIN_GROUP = 3
    site = Site.objects.create(name="Leeds")
    people = {}
    for prefix, name, size in [("E", "Engineering", 5), ("O", "Operations", 3), ("L", "Legal", 1)]:
        department = Department.objects.create(name=name)
        for k in range(1, size + 1):
            key = f"{prefix}{k}"
            people[key] = Person.objects.create(
                employee_id=key, name=key, email=f"{key}@example.com", department=department,
                site=site,
            )  # fmt: skip
    for n, (who, stage, day, anonymous) in enumerate(QUESTIONS):
        post = post_publish(
            author=people[who],
            kind="question",
            title=f"Question {n}",
            body="How?",
            question_stage=stage or 1,
            anonymous=anonymous,
            at=datetime.fromisoformat(f"{day}T10:00:00+00:00"),
        )
        if stage is None:
            Post.objects.filter(pk=post.pk).update(question_stage=None, question_stage_source="")
    deleted = post_publish(
        author=people["E1"],
        kind="question",
        title="Gone",
        body="How?",
        question_stage=4,
        at=datetime.fromisoformat("2025-02-10T10:00:00+00:00"),
    )
    Post.objects.filter(pk=deleted.pk).update(deleted=deleted.created)
    return people


def _rows() -> pd.DataFrame:
    """The questions as rows, counted below without the selector's code."""
    frame = pd.DataFrame(
        Post.objects.filter(kind="question", deleted__isnull=True).values(
            "question_stage", "author_id", "created", "anonymous", "author__department__name"
        )
    )
    frame["day"] = frame["created"].dt.date
    frame = frame[(frame["day"] >= SINCE) & (frame["day"] < UNTIL)]
    frame["month"] = frame["created"].dt.strftime("%Y-%m")
    return frame


def _expected(frame: pd.DataFrame) -> dict[str, Any]:
    staged = frame.dropna(subset=["question_stage"])
    counts = staged["question_stage"].astype(int).value_counts()
    total = len(staged)
    return {
        "people": staged["author_id"].nunique(),
        "questions": total,
        "counts": {str(s): int(counts.get(s, 0)) for s in (1, 2, 3, 4)},
        "shares": {str(s): round(counts.get(s, 0) / total, 3) for s in (1, 2, 3, 4)},
        "mean": round(staged["question_stage"].mean(), 2),
        "suppressed": False,
    }


def test_the_monthly_mix_matches_the_rows_counted_independently(asked: dict[str, Person]) -> None:
    mix = question_stage_mix(since=SINCE, until=UNTIL)
    frame = _rows()

    assert mix["mix"] == {**_expected(frame), "unclassified": 1}
    assert [m["month"] for m in mix["monthly"]] == ["2025-01", "2025-02", "2025-03"]
    for month in mix["monthly"]:
        expected = _expected(frame[frame["month"] == month["month"]])
        assert {k: v for k, v in month.items() if k != "month"} == expected
    # Known answers: the questions mature over the three months.
    assert [m["mean"] for m in mix["monthly"]] == [1.5, 2.88, 3.4]
    assert mix["mix"]["questions"] == 21 and "by_department" not in mix


def test_departments_are_hidden_below_the_minimum_with_their_complement(
    asked: dict[str, Person],
) -> None:
    mix = question_stage_mix(since=SINCE, until=UNTIL, group="department")
    frame = _rows()
    named = frame[~frame["anonymous"]]

    def shown(rows: list[dict[str, Any]]) -> dict[str, bool]:
        return {row["department"]: row["suppressed"] for row in rows}

    january, february, march = mix["monthly"]
    # January: Legal's only question is anonymous, so Legal has no row at all.
    assert shown(january["by_department"]) == {"Engineering": False, "Operations": False}
    # February: Legal (1 asker) hidden, and Operations with it so it cannot be subtracted.
    assert shown(february["by_department"]) == {
        "Engineering": False, "Legal": True, "Operations": True,
    }  # fmt: skip
    # March: Operations has 1 asker; hiding it alone would leave one hidden group: both go.
    assert shown(march["by_department"]) == {"Engineering": True, "Operations": True}
    assert march["by_department"][0] == {
        "department": "Engineering", "people": None, "questions": None, "counts": None,
        "shares": None, "mean": None, "suppressed": True,
    }  # fmt: skip
    assert shown(mix["by_department"]) == {
        "Engineering": False, "Legal": True, "Operations": True,
    }  # fmt: skip

    engineering = named[named["author__department__name"] == "Engineering"]
    for row, month in [(january, "2025-01"), (february, "2025-02")]:
        got = row["by_department"][0]
        assert got["department"] == "Engineering"
        assert {k: v for k, v in got.items() if k != "department"} == _expected(
            engineering[engineering["month"] == month]
        )
    operations = named[named["author__department__name"] == "Operations"]
    assert january["by_department"][1] == {
        "department": "Operations",
        **_expected(operations[operations["month"] == "2025-01"]),
    }
    # The organisation's rows still count the anonymous question.
    assert (
        january["questions"] == 8 and sum(row["questions"] for row in january["by_department"]) == 7
    )


def test_a_small_organisation_is_hidden_and_bad_arguments_are_refused(
    asked: dict[str, Person], settings: Any
) -> None:
    settings.PEERWHEEL_MIN_GROUP = 9  # more than asked in any one month
    mix = question_stage_mix(since=SINCE, until=UNTIL, group="site")
    assert all(m["suppressed"] and m["counts"] is None for m in mix["monthly"])
    assert mix["mix"]["suppressed"] is False and mix["mix"]["people"] == 9
    assert [row["site"] for row in mix["by_site"]] == ["Leeds"]
    with pytest.raises(ValueError, match="group must be one of department, site"):
        question_stage_mix(since=SINCE, until=UNTIL, group="team")
    with pytest.raises(ValueError, match="must be after"):
        question_stage_mix(since=UNTIL, until=SINCE)
