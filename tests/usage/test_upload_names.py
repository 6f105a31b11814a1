"""An uploaded file's problems name the file as it was uploaded, never the stored upload's
temporary name or path (issue 17), including when its kind is detected ("auto")."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from peerwheel.core.models import Import
from peerwheel.usage.jobs import upload_folder

pytestmark = pytest.mark.django_db(transaction=True)


def _finished(record_id: int) -> Import:
    for _ in range(200):
        record = Import.objects.get(pk=record_id)
        if record.status != Import.Status.RUNNING:
            return record
        time.sleep(0.05)
    raise AssertionError("the import did not finish")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty: expected a header row"),
        (b"hello,there\n1,2\n", "cannot tell which export this is from its header"),
        (b"person,week,tool,actions\nalice@example.com,2025-03-03,ChatGPT,-2\n", "-2 is negative"),
    ],
    ids=["empty", "unknown header", "bad row"],
)
def test_auto_detected_uploads_name_the_uploaded_file(
    client_for: Callable[[str], Client], content: bytes, message: str
) -> None:
    client = client_for("erin")
    upload = SimpleUploadedFile("Copilot export (May).csv", content)
    client.post(reverse("usage:imports"), {"kind": "auto", "file": upload})
    record = _finished(Import.objects.get().pk)
    assert record.status == Import.Status.FAILED
    assert [e["file"] for e in record.errors] == ["Copilot export (May).csv"]
    assert message in record.errors[0]["message"]
    page = client.get(reverse("usage:import_detail", args=[record.pk])).content.decode()
    assert "Copilot export (May).csv" in page
    assert str(upload_folder()) not in page and "Copilot_export" not in page  # the stored upload
