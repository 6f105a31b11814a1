"""Reading networks, seed lists and thresholds from files, with errors that name the line."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from peerwheel.engine.networks.graph import Network, NetworkFileError, from_edges

_HEADER_WORDS = {"source", "target", "from", "to", "src", "dst", "u", "v", "node1", "node2"}


def _read_rows(path: Path, width: tuple[int, int]) -> tuple[list[list[str]], list[int]]:
    """Non-empty CSV rows and their 1-based line numbers; checks the column count."""
    rows: list[list[str]] = []
    lines: list[int] = []
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise NetworkFileError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            for row in reader:
                if not row or all(not cell.strip() for cell in row):
                    continue
                cells = [cell.strip() for cell in row]
                if not width[0] <= len(cells) <= width[1]:
                    want = "-".join(map(str, sorted(set(width))))
                    raise NetworkFileError(
                        path,
                        reader.line_num,
                        f"expected {want} columns, found {len(cells)}: {','.join(cells)!r}",
                    )
                rows.append(cells)
                lines.append(reader.line_num)
        except UnicodeDecodeError:
            raise NetworkFileError(path, None, "not a UTF-8 text file") from None
    return rows, lines


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def read_edge_list(path: str | Path, *, directed: bool = False) -> tuple[Network, list[str]]:
    """Read `source,target[,weight]` (header optional, ids any strings).

    Without a weight column every tie weighs 1. Self-loops and repeated ties are dropped and
    counted in the returned warnings. Raises NetworkFileError naming the file and line for a
    missing column, a non-numeric, negative or non-finite weight, or an empty file.
    """
    path = Path(path)
    rows, lines = _read_rows(path, (2, 3))
    if rows and rows[0][0].lower() in _HEADER_WORDS and rows[0][1].lower() in _HEADER_WORDS:
        rows, lines = rows[1:], lines[1:]
    if not rows:
        raise NetworkFileError(path, None, "no ties found; expected lines of source,target")
    widths = {len(r) for r in rows}
    if len(widths) > 1:
        bad = next(i for i, r in enumerate(rows) if len(r) != len(rows[0]))
        raise NetworkFileError(path, lines[bad], "every line needs the same number of columns")
    frame = pd.DataFrame(rows, dtype=str)
    for column in (0, 1):
        empty = (frame[column] == "").to_numpy()
        if empty.any():
            raise NetworkFileError(path, lines[int(np.argmax(empty))], "empty node id")
    weights = None
    if frame.shape[1] == 3:
        weights = pd.to_numeric(frame[2], errors="coerce").to_numpy(dtype=np.float64)
        bad_w = ~np.isfinite(weights) | (weights <= 0)
        if bad_w.any():
            i = int(np.argmax(bad_w))
            raise NetworkFileError(
                path, lines[i], f"weight {rows[i][2]!r} must be a positive number"
            )
    ids, codes = np.unique(np.concatenate([frame[0], frame[1]]), return_inverse=True)
    m = len(rows)
    network, loops, repeats = from_edges(
        codes[:m], codes[m:], len(ids), weights=weights, directed=directed, node_ids=ids
    )
    warnings = []
    if loops:
        warnings.append(f"{path}: dropped {loops} self-loop(s)")
    if repeats:
        warnings.append(f"{path}: dropped {repeats} repeated tie(s)")
    return network, warnings


def read_seed_file(path: str | Path, network: Network) -> npt.NDArray[np.int64]:
    """Node positions of the ids listed one a line; an unknown id names its line."""
    path = Path(path)
    rows, lines = _read_rows(path, (1, 1))
    index = network.index
    out = []
    for row, line in zip(rows, lines, strict=True):
        if row[0] not in index:
            raise NetworkFileError(path, line, f"unknown node id {row[0]!r}")
        out.append(index[row[0]])
    if not out:
        raise NetworkFileError(path, None, "no node ids found; expected one id a line")
    return np.unique(np.asarray(out, dtype=np.int64))


def read_threshold_file(path: str | Path, network: Network) -> npt.NDArray[np.float64]:
    """Per-node thresholds from `node,threshold` lines (header optional).

    Every node needs a threshold in [0, 1]; unknown ids, non-numbers and values out of range
    name their line.
    """
    path = Path(path)
    rows, lines = _read_rows(path, (2, 2))
    if rows and not _is_number(rows[0][1]):
        rows, lines = rows[1:], lines[1:]
    index = network.index
    out = np.full(network.n, np.nan)
    for (node, value), line in zip(rows, lines, strict=True):
        if node not in index:
            raise NetworkFileError(path, line, f"unknown node id {node!r}")
        if not _is_number(value):
            raise NetworkFileError(path, line, f"threshold {value!r} is not a number")
        theta = float(value)
        if not 0.0 <= theta <= 1.0:
            raise NetworkFileError(path, line, f"threshold {theta} is outside [0, 1]")
        out[index[node]] = theta
    missing = np.isnan(out)
    if missing.any():
        first = network.node_ids[int(np.argmax(missing))]
        raise NetworkFileError(
            path, None, f"{int(missing.sum())} node(s) have no threshold, e.g. {first!r}"
        )
    return out
