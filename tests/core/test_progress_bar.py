"""The progress bar draws on a terminal only: a redirected stderr (a log file, a pipe, cron's
mail) gets no carriage-return bar lines."""

from __future__ import annotations

import io

import pytest

from peerwheel.core.commands import ProgressBar


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_writes_nothing_to_a_stderr_that_is_not_a_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    stream = io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    with ProgressBar("importing") as bar:
        for done in range(0, 101, 10):
            bar(done, 100)
    assert stream.getvalue() == ""


def test_progress_bar_draws_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    with ProgressBar("importing") as bar:
        bar(50, 100)
        assert "importing" in stream.getvalue()
