"""Simulation test helpers: small edge lists written into tmp_path, the shared email network."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.simulate.helpers import EMAIL_EDGES


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[[str, str], Path]:
    def write(name: str, content: str) -> Path:
        path = tmp_path / name
        path.write_text(content, encoding="utf-8")
        return path

    return write


@pytest.fixture
def ring(write_file: Callable[[str, str], Path]) -> Path:
    """40 people in a ring, each tied to the next two, plus a few long ties; two teams."""
    lines = ["source,target"]
    for i in range(40):
        lines += [f"p{i},p{(i + 1) % 40}", f"p{i},p{(i + 2) % 40}"]
    lines += ["p0,p20", "p5,p25", "p10,p30"]
    return write_file("ring.csv", "\n".join(lines) + "\n")


@pytest.fixture
def ring_groups(write_file: Callable[[str, str], Path]) -> Path:
    rows = [f"p{i},{'north' if i < 20 else 'south'}" for i in range(40)]
    return write_file("ring-groups.csv", "node,department\n" + "\n".join(rows) + "\n")


@pytest.fixture
def email_edges() -> Path:
    if not EMAIL_EDGES.exists():
        pytest.skip("../shared/data is not here (CI has it)")
    return EMAIL_EDGES
