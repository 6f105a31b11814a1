"""Loading the network a simulation runs on: an edge-list file, or the organisation.

A file needs no database: only `--graph org` reads people and ties (through the selectors).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from peerwheel.engine.networks import Network, NetworkFileError, read_edge_list


def read_groups(path: Path, network: Network) -> Network:
    """Group labels from `node,NAME[,NAME2...]` (a header names the groups, e.g.
    node,department). Unknown node ids name their line; nodes not listed get "(none)"."""
    try:
        handle = path.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise NetworkFileError(path, None, f"cannot open: {exc.strerror}") from None
    with handle:
        reader = csv.reader(handle)
        try:
            header = [cell.strip() for cell in next(reader)]
        except StopIteration:
            raise NetworkFileError(path, None, "empty file; expected node,GROUP lines") from None
        if len(header) < 2 or not all(header[1:]):
            raise NetworkFileError(
                path, 1, "expected a header naming the groups, e.g. node,department"
            )
        labels = np.full((len(header) - 1, network.n), "(none)", dtype=object)
        index = network.index
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise NetworkFileError(
                    path, reader.line_num, f"expected {len(header)} columns, found {len(row)}"
                )
            node = row[0].strip()
            if node not in index:
                raise NetworkFileError(path, reader.line_num, f"unknown node id {node!r}")
            labels[:, index[node]] = [cell.strip() for cell in row[1:]]
    return network.with_groups(**{name: labels[i].astype(str) for i, name in enumerate(header[1:])})


def read_id_list(path: Path, network: Network) -> list[str]:
    """Node ids one a line, in the file's order (a ranking); unknown ids name their line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise NetworkFileError(path, None, f"cannot open: {exc.strerror}") from None
    ids: list[str] = []
    with handle:
        for line_number, line in enumerate(handle, start=1):
            node = line.strip()
            if not node:
                continue
            if node not in network.index:
                raise NetworkFileError(path, line_number, f"unknown node id {node!r}")
            if node not in ids:
                ids.append(node)
    if not ids:
        raise NetworkFileError(path, None, "no node ids found; expected one id a line")
    return ids


def load_file_graph(
    path: Path, *, directed: bool = False, groups: Path | None = None
) -> tuple[Network, list[str]]:
    """The network in an edge-list file (and its group labels): network, warnings."""
    network, warnings = read_edge_list(path, directed=directed)
    if groups is not None:
        network = read_groups(groups, network)
    return network, warnings
