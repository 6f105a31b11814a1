"""Reading a Slack workspace export (zip) safely: no database, nothing extracted to disk.

An export has `users.json` (`org_users.json` in an Enterprise Grid export) and `channels.json`
at its top and one folder of daily JSON files
per channel (`ai-tips/2025-03-04.json`: a list of messages). Members are read in memory with
limits: the number of files, the total uncompressed size, the compression ratio of each member
and of the whole (zip bombs), and names (no absolute paths, no `..`, no backslashes). A zip
that is not an export, a password-protected zip, a damaged member (a broken deflate stream or
checksum), a broken JSON file or a message whose `ts` is not a number raises `UsageFileError`
naming the member, line and character (or the message's position).
"""

from __future__ import annotations

import json
import math
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from peerwheel.engine.usage_formats import UsageFileError

MAX_FILES = 50_000
MAX_TOTAL_BYTES = 1024**3  # uncompressed
MAX_MEMBER_BYTES = 200 * 1024**2
MAX_RATIO = 100  # uncompressed / compressed, per member and overall
_DAY_FILE = re.compile(r"^\d{4}-\d{2}-\d{2}\.json$")
_HOW_TO = (
    "export it from Slack (Workspace settings > Import/Export data > Export) and upload the "
    "zip as Slack made it"
)


@dataclass(frozen=True)
class SlackMessage:
    channel: str
    file: str  # the member, e.g. "ai-tips/2025-03-04.json"
    index: int  # position in that file's list
    data: dict[str, Any]


@dataclass
class SlackExport:
    users: dict[str, dict[str, Any]]  # Slack user id → user object
    channels: dict[str, dict[str, Any]]  # channel name → channel object
    messages: list[SlackMessage] = field(default_factory=list)


def _check_name(name: str, zip_name: str) -> None:
    path = PurePosixPath(name)
    if (
        name.startswith(("/", "\\"))
        or "\\" in name
        or ".." in path.parts
        or re.match(r"^[A-Za-z]:", name)
    ):
        raise UsageFileError(zip_name, None, name, "unsafe file name in the zip; refused")


def _open_zip(path: Path, zip_name: str) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError):
        raise UsageFileError(zip_name, None, None, f"not a zip file; {_HOW_TO}") from None
    members = archive.infolist()
    if len(members) > MAX_FILES:
        raise UsageFileError(
            zip_name, None, None, f"the zip holds {len(members):,} files (limit {MAX_FILES:,})"
        )
    total = compressed = 0
    for info in members:
        _check_name(info.filename, zip_name)
        if info.flag_bits & 0x1:
            raise UsageFileError(
                zip_name,
                None,
                info.filename,
                "the zip is password-protected (encrypted); export again from Slack and upload "
                "the zip as Slack made it, without a password",
            )
        total += info.file_size
        compressed += info.compress_size
        if info.file_size > MAX_MEMBER_BYTES or (
            info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        ):
            raise UsageFileError(
                zip_name,
                None,
                info.filename,
                "this member expands far beyond its compressed size (a zip bomb?); refused",
            )
    if total > MAX_TOTAL_BYTES or (total > 1024 * 1024 and total > MAX_RATIO * max(compressed, 1)):
        raise UsageFileError(
            zip_name,
            None,
            None,
            f"the zip expands to {total:,} bytes from {compressed:,}; refused as a possible "
            "zip bomb",
        )
    return archive


def _read_json(archive: zipfile.ZipFile, member: str, zip_name: str) -> Any:
    where = f"{zip_name}:{member}"
    info = archive.getinfo(member)
    try:
        with archive.open(info) as handle:
            raw = handle.read(info.file_size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise UsageFileError(
            where,
            None,
            None,
            f"this member of the zip is damaged ({exc}); download the export again",
        ) from None
    except RuntimeError:  # zipfile's "encrypted, password required"
        raise UsageFileError(
            where, None, None, "this member is password-protected (encrypted); refused"
        ) from None
    if len(raw) > info.file_size:  # the header lied about the size
        raise UsageFileError(where, None, None, "the member is larger than the zip says; refused")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UsageFileError(where, None, None, "not UTF-8 text") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (the file looks cut off)" if exc.pos >= len(text.rstrip()) - 1 else ""
        raise UsageFileError(
            where, exc.lineno, f"character {exc.colno}", f"invalid JSON: {exc.msg}{hint}"
        ) from None


def read_slack_export(path: Path, *, zip_name: str, channels: tuple[str, ...]) -> SlackExport:
    """The users, the named channels and their messages, oldest first."""
    with _open_zip(path, zip_name) as archive:
        names = [i.filename for i in archive.infolist() if not i.is_dir()]
        prefix = _export_root(names, zip_name)
        users_name = "users.json" if prefix + "users.json" in names else "org_users.json"
        users_doc = _read_json(archive, prefix + users_name, zip_name)
        channels_doc = _read_json(archive, prefix + "channels.json", zip_name)
        if not isinstance(users_doc, list) or not isinstance(channels_doc, list):
            raise UsageFileError(
                zip_name, 1, None, f"{users_name} and channels.json must be lists; {_HOW_TO}"
            )
        users = {str(u.get("id")): u for u in users_doc if isinstance(u, dict) and u.get("id")}
        known = {str(c.get("name")): c for c in channels_doc if isinstance(c, dict)}
        missing = [c for c in channels if c not in known]
        if missing:
            raise UsageFileError(
                zip_name,
                None,
                "channels",
                f"no channel named {', '.join(missing)} in this export; it has: "
                + ", ".join(sorted(known)[:30]),
            )
        export = SlackExport(users=users, channels={c: known[c] for c in channels})
        for channel in channels:
            folder = f"{prefix}{channel}/"
            days = sorted(
                n for n in names if n.startswith(folder) and _DAY_FILE.match(n[len(folder) :])
            )
            for member in days:
                document = _read_json(archive, member, zip_name)
                if not isinstance(document, list):
                    raise UsageFileError(
                        f"{zip_name}:{member}", 1, None, "expected a list of messages"
                    )
                for index, message in enumerate(document):
                    _check_message(message, f"{zip_name}:{member}", index)
                    export.messages.append(SlackMessage(channel, member, index, message))
    export.messages.sort(key=lambda m: float(m.data["ts"]))
    return export


def _is_timestamp(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        return math.isfinite(float(value))
    except ValueError:
        return False


def _check_message(message: object, where: str, index: int) -> None:
    """A message is an object whose `ts` (and `thread_ts`, if any) is Slack's "seconds.micro"."""
    if not isinstance(message, dict):
        raise UsageFileError(where, None, f"message {index + 1}", "a message must be an object")
    for key in ("ts", "thread_ts"):
        if key == "thread_ts" and key not in message:
            continue
        if not _is_timestamp(message.get(key)):
            raise UsageFileError(
                where,
                None,
                f"message {index + 1} '{key}'",
                f"'{key}' must be a Slack timestamp such as \"1740990000.000100\", "
                f"not {str(message.get(key))[:40]!r}",
            )


def _export_root(names: list[str], zip_name: str) -> str:
    """'' when users.json is at the top, or 'folder/' when the whole export sits in one folder."""
    for name in names:
        if PurePosixPath(name).name == "channels.json" and name.count("/") <= 1:
            prefix = name[: -len("channels.json")]
            if prefix + "users.json" in names or prefix + "org_users.json" in names:
                return prefix
    raise UsageFileError(
        zip_name,
        None,
        None,
        "this zip is not a Slack workspace export (no channels.json with users.json or "
        f"org_users.json); {_HOW_TO}",
    )
