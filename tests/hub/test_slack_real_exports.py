"""slack-export with exports in Slack's real shape (https://slack.com/help/articles/220556107):
channel names with `_`, Enterprise Grid's `org_users.json`, system events, users without an
email matched by Slack id, threads spanning two exports, and damaged or encrypted zips. Each
asserts the counts, that the same export twice adds nothing, that a dry run writes nothing,
that a failure writes nothing and ends as a named error, and the Import row's final status."""

from __future__ import annotations

import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from peerwheel.core.imports import ImportFailed
from peerwheel.core.models import Import
from peerwheel.hub.models import Answer, Post
from peerwheel.hub.slack import channel_tag
from peerwheel.hub.slack_import import slack_import
from peerwheel.hub.validation import TAG_MAX
from peerwheel.org.models import Person
from peerwheel.usage.models import ImportedMessage
from peerwheel.usage.services import identity_map_import

TAG_RULE = re.compile(r"^[a-z0-9][a-z0-9+#.-]*$")
USERS = [
    {"id": "U01ALICE", "name": "alice", "profile": {"email": "alice@example.com"}},
    {"id": "U01BOB", "name": "bob", "profile": {"email": "bob@example.com"}},
]
LONG = "ai_tips_and_tricks_for_the_whole_engineering_organisation_worldwide_2026_q4"  # 74


def message(user: str, text: str, ts: str, **extra: Any) -> dict[str, Any]:
    return {"type": "message", "user": user, "text": text, "ts": ts, **extra}


def export_zip(members: dict[str, Any]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            data = content if isinstance(content, bytes) else json.dumps(content, indent=1)
            archive.writestr(name, data)
    return buffer.getvalue()


def write(tmp_path: Path, content: bytes, name: str = "export.zip") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


def last_status() -> str:
    return Import.objects.filter(kind="slack-export").latest("id").status


def nothing_written() -> bool:
    return not (
        Post.objects.exists() or Answer.objects.exists() or ImportedMessage.objects.exists()
    )


# -- item 2: channel names Slack allows --------------------------------------------------------
@pytest.mark.parametrize(
    ("channel", "tag"),
    [
        ("ai_tips", "ai-tips"),
        ("AI__Tips", "ai-tips"),
        ("_ai_", "ai"),
        ("日本語", "slack"),
        (LONG, "ai-tips-and-tricks-for-the-whole-enginee"),
    ],
)
def test_any_slack_channel_name_maps_to_a_valid_tag(channel: str, tag: str) -> None:
    assert channel_tag(channel) == tag
    assert TAG_RULE.match(tag) and len(tag) <= TAG_MAX


def test_channels_with_underscores_and_80_characters_import_under_valid_tags(
    org: dict[str, Person], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        export_zip(
            {
                "users.json": USERS,
                "channels.json": [{"id": "C1", "name": "ai_tips"}, {"id": "C2", "name": LONG}],
                "ai_tips/2026-11-02.json": [message("U01ALICE", "Pin the prompt", "1793000000.1")],
                f"{LONG}/2026-11-02.json": [message("U01BOB", "Use plan mode", "1793000100.1")],
            }
        ),
    )
    dry = slack_import(path, channels=("ai_tips", LONG), dry_run=True)
    assert (dry.created, last_status()) == (2, Import.Status.DRY_RUN)
    assert nothing_written()
    report = slack_import(path, channels=("ai_tips", LONG))
    assert (report.created, report.skipped, report.warnings) == (2, 0, [])
    assert last_status() == Import.Status.SUCCEEDED
    assert sorted(p.tags[0] for p in Post.objects.all()) == [
        "ai-tips",
        "ai-tips-and-tricks-for-the-whole-enginee",
    ]
    assert sorted(ImportedMessage.objects.values_list("channel", flat=True)) == ["ai_tips", LONG]
    again = slack_import(path, channels=("ai_tips", LONG))
    assert (again.created, again.unchanged, Post.objects.count()) == (0, 2, 2)


def test_an_import_that_writes_nothing_from_a_channel_with_messages_fails(
    org: dict[str, Person], tmp_path: Path
) -> None:
    users = [{"id": "U09NOBODY", "name": "nobody", "profile": {"email": "no@elsewhere.example"}}]
    path = write(
        tmp_path,
        export_zip(
            {
                "users.json": users,
                "channels.json": [{"id": "C1", "name": "ai-tips"}],
                "ai-tips/2026-11-02.json": [message("U09NOBODY", "A tip", "1793000000.1")],
            }
        ),
    )
    with pytest.raises(ImportFailed) as caught:
        slack_import(path, channels=("ai-tips",))
    error = str(caught.value.report.errors[0])
    assert "nothing was imported from 1 messages" in error and "match no person" in error
    assert last_status() == Import.Status.FAILED
    assert nothing_written()


def test_the_command_reports_an_empty_result_as_an_error_not_success(
    org: dict[str, Person], tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        export_zip(
            {
                "users.json": [{"id": "U9", "name": "x", "profile": {}}],
                "channels.json": [{"id": "C1", "name": "ai_tips"}],
                "ai_tips/2026-11-02.json": [message("U9", "A tip", "1793000000.1")],
            }
        ),
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("importdata", "slack-export", str(path), "--channels", "ai_tips")
    assert nothing_written()


# -- item 4: damaged, encrypted, bad timestamps -------------------------------------------------
def _good_members() -> dict[str, Any]:
    tips = [
        message("U01ALICE", f"Tip number {n} " + "x" * 400, f"17930000{n:02d}.1") for n in range(40)
    ]
    return {
        "users.json": USERS,
        "channels.json": [{"id": "C1", "name": "ai-tips"}],
        "ai-tips/2026-11-02.json": tips,
    }


def _corrupted() -> bytes:
    """Flip bytes in the middle of one member's deflate stream."""
    data = bytearray(export_zip(_good_members()))
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("ai-tips/2026-11-02.json")
    name_len, extra_len = struct.unpack(
        "<HH", data[info.header_offset + 26 : info.header_offset + 30]
    )
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 2
    for offset in range(middle, middle + 16):
        data[offset] ^= 0xFF
    return bytes(data)


def _encrypted() -> bytes:
    """Set the 'encrypted' flag (bit 0) in every local and central header, as `zip -P` does."""
    data = bytearray(export_zip(_good_members()))
    for signature, flag_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        while at != -1:
            data[at + flag_at] |= 0x01
            at = data.find(signature, at + 4)
    return bytes(data)


def _bad_ts() -> bytes:
    members = _good_members()
    members["ai-tips/2026-11-03.json"] = [
        message("U01ALICE", "fine", "1793100000.1"),
        message("U01ALICE", "broken", "yesterday"),
    ]
    return export_zip(members)


def _bad_thread_ts() -> bytes:
    members = _good_members()
    members["ai-tips/2026-11-03.json"] = [
        message("U01ALICE", "reply", "1793100000.1", thread_ts="NaN")
    ]
    return export_zip(members)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (_corrupted(), ["ai-tips/2026-11-02.json", "damaged", "download the export again"]),
        (_encrypted(), ["password-protected"]),
        (_bad_ts(), ["ai-tips/2026-11-03.json", "message 2 'ts'", "'yesterday'"]),
        (_bad_thread_ts(), ["ai-tips/2026-11-03.json", "message 1 'thread_ts'"]),
    ],
    ids=["damaged-deflate", "password-protected", "ts-not-a-number", "thread-ts-not-a-number"],
)
def test_broken_downloads_end_as_named_errors_and_a_failed_import(
    org: dict[str, Person], tmp_path: Path, content: bytes, words: list[str]
) -> None:
    path = write(tmp_path, content, "download.zip")
    with pytest.raises(ImportFailed) as caught:
        slack_import(path, channels=("ai-tips",))
    (error,) = caught.value.report.errors
    said = f"{error.file} {error.column} {error}"
    for word in words:
        assert word in said
    assert error.file is not None and error.file.startswith("download.zip")
    assert last_status() == Import.Status.FAILED
    assert Import.objects.get().errors  # the row says why
    assert nothing_written()
    with pytest.raises(CommandError, match=re.escape(words[-1])):  # the command: no traceback
        call_command("importdata", "slack-export", str(path), "--channels", "ai-tips")


# -- item 13: system events are not tips ---------------------------------------------------------
def _events_export() -> bytes:
    day = [
        message(
            "U01ALICE", "<@U01ALICE> has joined the channel", "1793000000.1", subtype="channel_join"
        ),
        message(
            "U01BOB",
            'renamed the channel from "ai" to "ai-tips"',
            "1793000001.1",
            subtype="channel_name",
            old_name="ai",
            name="ai-tips",
        ),
        message("U01BOB", "set the channel topic: AI", "1793000002.1", subtype="channel_topic"),
        message(
            "U01BOB", "pinned a message to this channel.", "1793000003.1", subtype="pinned_item"
        ),
        message(
            "U01BOB",
            "added an integration to this channel: Jira",
            "1793000004.1",
            subtype="bot_add",
        ),
        {
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B01",
            "username": "jira",
            "text": "PROJ-1 created",
            "ts": "1793000005.1",
        },
        message(
            "U01ALICE",
            "Commented on a file: looks good",
            "1793000006.1",
            subtype="file_comment",
            comment={"comment": "looks good", "user": "U01ALICE"},
        ),
        message("U01BOB", "archived the channel", "1793000007.1", subtype="channel_archive"),
        message("U01ALICE", "Ask for the tests first, then the code", "1793000008.1"),
        message("U01BOB", "shared a file: prompt.txt", "1793000009.1", subtype="file_share"),
    ]
    return export_zip(
        {
            "users.json": USERS,
            "channels.json": [{"id": "C1", "name": "ai-tips"}],
            "ai-tips/2026-11-02.json": day,
        }
    )


def test_slack_system_events_are_skipped_and_counted_not_published(
    org: dict[str, Person], tmp_path: Path
) -> None:
    path = write(tmp_path, _events_export())
    dry = slack_import(path, channels=("ai-tips",), dry_run=True)
    assert (dry.created, dry.details["system events skipped"]) == (2, 7)
    assert nothing_written()
    report = slack_import(path, channels=("ai-tips",))
    assert report.details["system events skipped"] == 7  # join, rename, topic, pin, bot_add...
    assert report.details["bot messages skipped"] == 1
    assert (report.created, report.skipped) == (2, 8)
    assert sorted(Post.objects.values_list("title", flat=True)) == [
        "Ask for the tests first, then the code",
        "shared a file: prompt.txt",
    ]
    assert last_status() == Import.Status.SUCCEEDED
    again = slack_import(path, channels=("ai-tips",))
    assert (again.created, again.unchanged, Post.objects.count()) == (0, 2, 2)


# -- item 11: Enterprise Grid ----------------------------------------------------------------
def test_an_enterprise_grid_export_with_org_users_json_is_read(
    org: dict[str, Person], tmp_path: Path
) -> None:
    grid_users = [dict(u, enterprise_user={"id": "W" + u["id"][1:]}) for u in USERS]
    path = write(
        tmp_path,
        export_zip(
            {
                "org_users.json": grid_users,
                "channels.json": [{"id": "C1", "name": "ai-tips"}],
                "ai-tips/2026-11-02.json": [message("U01ALICE", "Grid tip", "1793000000.1")],
            }
        ),
    )
    report = slack_import(path, channels=("ai-tips",))
    assert (report.created, Post.objects.get().author) == (1, org["alice"])
    assert last_status() == Import.Status.SUCCEEDED
    assert slack_import(path, channels=("ai-tips",)).created == 0


# -- item 8: Slack ids through the identity map; bots are not people -------------------------------
def test_users_without_email_match_by_slack_id_and_bots_are_not_unmatched_people(
    org: dict[str, Person], tmp_path: Path
) -> None:
    (tmp_path / "map.csv").write_text("external_id,employee_id,source\nU01ALICE,E2,slack\n")
    identity_map_import(tmp_path / "map.csv")
    users = [
        {"id": "U01ALICE", "name": "alice", "profile": {"real_name": "Alice"}},  # no email
        {"id": "U01GHOST", "name": "ghost", "profile": {}},
        {"id": "U01BOTUSER", "name": "helper", "is_bot": True, "profile": {"bot_id": "B9"}},
        {"id": "USLACKBOT", "name": "slackbot", "is_bot": False, "profile": {}},
    ]
    path = write(
        tmp_path,
        export_zip(
            {
                "users.json": users,
                "channels.json": [{"id": "C1", "name": "ai-tips"}],
                "ai-tips/2026-11-02.json": [
                    message("U01ALICE", "Matched by Slack id", "1793000000.1"),
                    message("U01GHOST", "Nobody knows me", "1793000001.1"),
                    message("U01BOTUSER", "Daily digest", "1793000002.1"),
                    message("USLACKBOT", "Reminder: AI hour", "1793000003.1"),
                ],
            }
        ),
    )
    report = slack_import(path, channels=("ai-tips",))
    assert (report.created, Post.objects.get().author) == (1, org["alice"])
    assert report.details["unmatched Slack users"] == 1  # the ghost, not the bots
    assert report.details["bot messages skipped"] == 2
    assert any("1 Slack users match no person" in w for w in report.warnings)
    assert last_status() == Import.Status.SUCCEEDED


# -- item 9: a thread that began in an earlier export -----------------------------------------
def test_replies_to_a_thread_from_an_earlier_export_join_that_thread(
    org: dict[str, Person], tmp_path: Path
) -> None:
    channels = [{"id": "C7", "name": "ai_questions"}]
    question = "1793000000.000100"
    first = write(
        tmp_path,
        export_zip(
            {
                "users.json": USERS,
                "channels.json": channels,
                "ai_questions/2026-11-30.json": [
                    message(
                        "U01BOB", "How do I review with Copilot?", question, thread_ts=question
                    ),
                    message("U01ALICE", "Ask it for risks", "1793000100.1", thread_ts=question),
                ],
            }
        ),
        "november.zip",
    )
    second = write(
        tmp_path,
        export_zip(
            {
                "users.json": USERS,
                "channels.json": channels,
                "ai_questions/2026-12-01.json": [
                    message("U01ALICE", "And for tests", "1793100000.1", thread_ts=question),
                    message("U01BOB", "Thanks, works", "1793100100.1", thread_ts=question),
                    message("U01ALICE", "Lost reply", "1793100200.1", thread_ts="1790000000.1"),
                ],
            }
        ),
        "december.zip",
    )
    assert slack_import(first, channels=("ai_questions",)).details["answers"] == 1
    dry = slack_import(second, channels=("ai_questions",), dry_run=True)
    assert dry.details["answers"] == 2
    assert Answer.objects.count() == 1
    report = slack_import(second, channels=("ai_questions",))
    assert (report.details["answers"], report.skipped) == (2, 1)
    assert any("1 replies belong to threads" in w for w in report.warnings)
    post = Post.objects.get()
    assert Answer.objects.filter(post=post).count() == 3
    assert last_status() == Import.Status.SUCCEEDED
    again = slack_import(second, channels=("ai_questions",))
    assert (again.created, again.unchanged, Answer.objects.count()) == (0, 2, 3)


@pytest.mark.skipif(shutil.which("zip") is None, reason="needs the zip command to encrypt")
def test_a_zip_encrypted_with_zip_dash_p_is_refused_by_name(
    org: dict[str, Person], tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    (folder / "ai-tips").mkdir(parents=True)
    for name, content in _good_members().items():
        (folder / name).write_text(json.dumps(content))
    subprocess.run(
        ["zip", "-q", "-r", "-P", "secret", str(tmp_path / "locked.zip"), "."],
        cwd=folder,
        check=True,
    )
    with pytest.raises(ImportFailed) as caught:
        slack_import(tmp_path / "locked.zip", channels=("ai-tips",))
    assert "password-protected" in str(caught.value.report.errors[0])
    assert last_status() == Import.Status.FAILED
    assert nothing_written()


def test_odd_reactions_and_profiles_are_ignored_not_a_traceback(
    org: dict[str, Person], tmp_path: Path
) -> None:
    users = [{"id": "U01ALICE", "name": "alice", "profile": {"email": "alice@example.com"}}]
    users.append({"id": "U01ODD", "name": "odd", "profile": "not an object"})
    tip = message(
        "U01ALICE",
        "Thanks <@U01ODD>",
        "1793000000.1",
        reactions=[
            "+1",
            {"name": "+1", "users": "U01ALICE"},
            {"name": "tada", "users": ["U01ALICE"]},
        ],
    )
    path = write(
        tmp_path,
        export_zip(
            {
                "users.json": users,
                "channels.json": [{"id": "C1", "name": "ai-tips"}],
                "ai-tips/2026-11-02.json": [tip],
            }
        ),
    )
    report = slack_import(path, channels=("ai-tips",))
    assert (report.created, report.details["reactions"]) == (1, 1)
    assert Post.objects.get().body == "Thanks @odd"
    assert last_status() == Import.Status.SUCCEEDED
