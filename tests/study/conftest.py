"""Shared pieces for the study tests: an open wave, whole answers, survey files."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pandas as pd
import pytest
from django.contrib.auth.models import User
from django.core.cache import cache

from peerwheel.engine.study import load_instrument, simulate_responses
from peerwheel.study.models import SurveyWave
from peerwheel.study.services import wave_create, wave_open

ITEMS = [i.key for i in load_instrument().items]


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Reports are cached by wave; tests reuse wave ids, so each starts from an empty cache."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def open_wave(cast: dict[str, User]) -> SurveyWave:
    wave = wave_create(name="Spring survey", actor=cast["dan"])
    wave_open(wave=wave, actor=cast["dan"])
    wave.refresh_from_db()
    return wave


def answers(value: int = 3, **overrides: int) -> dict[str, int]:
    out = dict.fromkeys(ITEMS, value)
    out.update(overrides)
    return out


def form_data(value: int = 3, *, agent: int = 0, frequency: int = 3, **overrides: int) -> dict:
    return {
        **answers(value, **overrides),
        "training": 1,
        "frequency": frequency,
        "agent_user": agent,
    }


@pytest.fixture(scope="session")
def survey_frame() -> pd.DataFrame:
    """200 synthetic respondents in 30 teams, in the import format (seeded)."""
    return simulate_responses(200, seed=7, n_teams=30)


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[[pd.DataFrame, str], Path]:
    def write(frame: pd.DataFrame, name: str = "survey.csv") -> Path:
        path = tmp_path / name
        frame.to_csv(path, index=False)
        return path

    return write
