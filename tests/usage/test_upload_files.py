"""An uploaded import file is readable by the server's own user only, and gone when its import
ends, whether it succeeded or failed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerwheel.core.models import Import
from peerwheel.usage import jobs

pytestmark = pytest.mark.django_db(transaction=True)

GOOD = b"person,week,tool,actions\nalice@example.com,2025-03-03,ChatGPT,3\n"
BAD = b"person,week,tool,actions\nalice@example.com,2025-03-03,ChatGPT,-2\n"


@pytest.fixture
def seen_during_import(
    monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path
) -> list[tuple[Path, int, int]]:
    """Records the upload's path, its mode and its folder's mode while the real import runs."""
    settings.PEERWHEEL_HOME = tmp_path / "home"
    seen: list[tuple[Path, int, int]] = []
    real_import = jobs.usage_import

    def spy(kind: str, path: Path, **kwargs: Any) -> Any:
        seen.append((path, path.stat().st_mode & 0o777, path.parent.stat().st_mode & 0o777))
        return real_import(kind, path, **kwargs)

    monkeypatch.setattr(jobs, "usage_import", spy)
    return seen


def _finished(record_id: int) -> Import:
    for _ in range(200):
        record = Import.objects.get(pk=record_id)
        if record.status != Import.Status.RUNNING:
            return record
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.parametrize(
    ("content", "status"), [(GOOD, "succeeded"), (BAD, "failed")], ids=["ok", "bad"]
)
def test_an_upload_is_owner_only_and_deleted_when_its_import_ends(
    client_for: Callable[[str], Client],
    seen_during_import: list[tuple[Path, int, int]],
    content: bytes,
    status: str,
) -> None:
    response = client_for("erin").post(
        reverse("usage:imports"),
        {"kind": "usage-csv", "file": SimpleUploadedFile("usage.csv", content)},
    )
    assert response.status_code == 302  # to the import's progress page
    record = _finished(Import.objects.get(file_name="usage.csv").pk)

    assert record.status == status
    [(path, file_mode, folder_mode)] = seen_during_import
    assert file_mode == 0o600
    assert folder_mode == 0o700
    assert not path.exists()
    assert list(path.parent.iterdir()) == []


def test_an_upload_whose_import_cannot_start_is_deleted(
    client_for: Callable[[str], Client],
    monkeypatch: pytest.MonkeyPatch,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.PEERWHEEL_HOME = tmp_path / "home"

    def no_row(**kwargs: Any) -> Import:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(jobs, "import_record_start", no_row)
    client = client_for("erin")
    client.raise_request_exception = False
    client.post(
        reverse("usage:imports"),
        {"kind": "usage-csv", "file": SimpleUploadedFile("usage.csv", GOOD)},
    )

    assert list((tmp_path / "home" / "imports").iterdir()) == []
