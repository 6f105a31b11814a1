"""Weighted networks in CSR form: from the organisation, from edge lists, or generated."""

from peerwheel.engine.networks.generators import (
    barabasi_albert,
    complete_graph,
    degree_preserving_twin,
    ring_lattice,
    watts_strogatz,
)
from peerwheel.engine.networks.graph import KernelGraph, Network, NetworkFileError, from_edges
from peerwheel.engine.networks.io import read_edge_list, read_seed_file, read_threshold_file
from peerwheel.engine.networks.org import OrgTieWeights, org_network

__all__ = [
    "KernelGraph",
    "Network",
    "NetworkFileError",
    "OrgTieWeights",
    "barabasi_albert",
    "complete_graph",
    "degree_preserving_twin",
    "from_edges",
    "org_network",
    "read_edge_list",
    "read_seed_file",
    "read_threshold_file",
    "ring_lattice",
    "watts_strogatz",
]
