"""slack-export: named channels into the hub (posts, questions, answers, reactions, influence),
authors by email, idempotent; unsafe or foreign zips refused with a clear message."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from peerwheel.core.imports import ImportFailed
from peerwheel.hub.models import Answer, InfluenceEvent, Post, Reaction
from peerwheel.hub.slack_import import slack_import
from peerwheel.org.models import Person

Write = Callable[..., Path]
USERS = [
    {"id": "UA", "name": "alice", "profile": {"email": "Alice@example.com", "real_name": "Alice"}},
    {"id": "UB", "name": "bob", "profile": {"email": "bob@example.com", "real_name": "Bob Brown"}},
    {"id": "UX", "name": "xavier", "profile": {"email": "x@elsewhere.example"}},
]
CHANNELS = [
    {"id": "C1", "name": "ai-tips"},
    {"id": "C2", "name": "ai-questions"},
    {"id": "C3", "name": "random"},
]
TIPS = [
    {
        "type": "message",
        "user": "UA",
        "text": (
            "Ask Copilot to *summarise* the thread before you join &amp; "
            "<https://x.example|read this>"
        ),
        "ts": "1740990000.000100",
        "reactions": [
            {"name": "+1", "users": ["UB", "UX"], "count": 2},
            {"name": "joy", "users": ["UB"]},
        ],
    },
    {
        "type": "message",
        "subtype": "channel_join",
        "user": "UB",
        "text": "joined",
        "ts": "1740990100.0",
    },
    {"type": "message", "user": "UX", "text": "Nice one", "ts": "1740990200.000300"},
]
QUESTIONS = [
    {
        "type": "message",
        "user": "UB",
        "text": "How do I get Copilot to draft release notes?",
        "ts": "1741076400.000100",
        "thread_ts": "1741076400.000100",
        "reply_count": 1,
    },
    {
        "type": "message",
        "user": "UA",
        "text": "Give it the merged PR titles, <@UB>",
        "ts": "1741076500.000200",
        "thread_ts": "1741076400.000100",
    },
]


@pytest.fixture
def write_file(tmp_path: Path) -> Write:
    """write_file("name.zip", bytes) → the path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
        return path

    return write


def export_zip(members: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            data = content if isinstance(content, bytes) else json.dumps(content, indent=1)
            archive.writestr(name, data)
    return buffer.getvalue()


def good_export() -> bytes:
    return export_zip(
        {
            "users.json": USERS,
            "channels.json": CHANNELS,
            "ai-tips/2025-03-03.json": TIPS,
            "ai-questions/2025-03-04.json": QUESTIONS,
            "random/2025-03-03.json": [
                {"type": "message", "user": "UA", "text": "lunch?", "ts": "1.0"}
            ],
        }
    )


def test_channels_become_posts_answers_reactions_and_influence(
    org: dict[str, Person], write_file: Write
) -> None:
    path = write_file("slack.zip", good_export())
    report = slack_import(path, channels=("ai-tips", "ai-questions"))
    tip = Post.objects.get(kind="tip")
    assert tip.author == org["alice"]
    assert tip.tags == ["ai-tips"]
    assert (
        tip.body
        == "Ask Copilot to *summarise* the thread before you join & [read this](https://x.example)"
    )
    assert tip.created.isoformat().startswith("2025-03-03")
    question = Post.objects.get(kind="question")
    assert (question.author, question.title) == (
        org["bob"],
        "How do I get Copilot to draft release notes?",
    )
    answer = Answer.objects.get()
    assert (answer.post, answer.author, answer.body) == (
        question,
        org["alice"],
        "Give it the merged PR titles, @Bob Brown",
    )
    (reaction,) = Reaction.objects.all()  # bob's 👍; xavier matches no one, :joy: has no match
    assert (reaction.person, reaction.emoji) == (org["bob"], "👍")
    kinds = set(
        InfluenceEvent.objects.values_list("source__employee_id", "target__employee_id", "kind")
    )
    assert kinds == {("E2", "E3", "answered"), ("E2", "E3", "reacted")}
    assert not Post.objects.filter(body__contains="lunch").exists()  # not a named channel
    assert report.details["answers"] == 1
    assert report.skipped == 2  # the join and xavier's message
    assert any("match no person" in w for w in report.warnings)
    again = slack_import(path, channels=("ai-tips", "ai-questions"))
    assert (again.created, again.unchanged) == (0, 3)
    assert (Post.objects.count(), Answer.objects.count(), Reaction.objects.count()) == (2, 1, 1)


def test_the_command_needs_channels_and_dry_run_writes_nothing(
    org: dict[str, Person], write_file: Write, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_file("slack.zip", good_export())
    with pytest.raises(Exception, match="--channels"):
        call_command("importdata", "slack-export", str(path))
    call_command("importdata", "slack-export", str(path), "--channels", "#ai-tips", "--dry-run")
    assert "dry run" in capsys.readouterr().out
    assert not Post.objects.exists()


def _bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("channels.json", "[]")
        archive.writestr("ai-tips/2025-03-03.json", b"[" + b" " * 50_000_000 + b"]")
    return buffer.getvalue()


def _traversal() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("users.json", "[]")
        archive.writestr("channels.json", "[]")
        archive.writestr("../../etc/cron.d/evil.json", "[]")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"PK\x03\x04 this is not really a zip", "not a zip"),
        (export_zip({"report.csv": b"a,b\n"}), "not a slack workspace export"),
        (_traversal(), "unsafe file name"),
        (_bomb(), "zip bomb"),
        (
            export_zip(
                {
                    "users.json": USERS,
                    "channels.json": CHANNELS,
                    "ai-tips/2025-03-03.json": b'[{"ts": "1.0", "te',
                }
            ),
            "invalid json",
        ),
        (
            export_zip({"users.json": USERS, "channels.json": CHANNELS}),
            "no channel named ai-general",
        ),
    ],
    ids=[
        "not-a-zip",
        "not-an-export",
        "path-traversal",
        "zip-bomb",
        "truncated-json",
        "unknown-channel",
    ],
)
def test_unsafe_or_foreign_zips_are_refused_and_nothing_is_written(
    org: dict[str, Person], write_file: Write, content: bytes, words: str
) -> None:
    path = write_file("upload.zip", content)
    channels = ("ai-general",) if "ai-general" in words else ("ai-tips",)
    with pytest.raises(ImportFailed) as caught:
        slack_import(path, channels=channels)
    error = caught.value.report.errors[0]
    assert words in str(error).lower()
    assert error.file is not None and error.file.startswith("upload.zip")
    assert not Post.objects.exists()
