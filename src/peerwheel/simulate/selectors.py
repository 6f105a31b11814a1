"""Reads for simulations: the organisation as the engine's network, natural champions, runs."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import scipy.sparse as sp
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import QuerySet
from django.utils import timezone

from peerwheel.accounts.permissions import has_capability
from peerwheel.accounts.roles import Capability
from peerwheel.core.errors import ForbiddenError, NotFoundError
from peerwheel.engine.networks import Network, org_network
from peerwheel.hub.selectors import reach_ranking
from peerwheel.org.models import Tie
from peerwheel.org.selectors import people_current
from peerwheel.simulate.models import SimulationRun

NO_GROUP = "(none)"
NATURAL_WINDOW_WEEKS = 12


class EmptyOrganisationError(ValueError):
    """There are no people to simulate."""


def org_people_frame() -> pd.DataFrame:
    """One row per person in the columns `engine.networks.org_network` wants (one query)."""
    rows = (
        people_current()
        .order_by("employee_id")
        .values_list(
            "employee_id",
            "team_id",
            "manager__employee_id",
            "role_family",
            "site__name",
            "department__name",
        )
    )
    frame = pd.DataFrame(
        list(rows),
        columns=["employee_id", "team", "manager_id", "role_family", "site", "department"],
        dtype=object,
    )
    frame["role_family"] = frame["role_family"].replace("", None)
    return frame


def organisation_network() -> Network:
    """The organisation's tie network: org-chart ties (team, manager, role family, site) plus
    every imported collaboration tie (org.Tie), weights added. Two queries."""
    people = org_people_frame()
    if people.empty:
        raise EmptyOrganisationError(
            "there are no people yet: import them first (peerwheel import people PATH)"
        )
    network = org_network_from_frame(people)
    position = network.index
    current = people_current()
    ties = Tie.objects.filter(person_a__in=current, person_b__in=current).values_list(
        "person_a__employee_id", "person_b__employee_id", "weight"
    )
    a, b, w = [], [], []
    for source, target, weight in ties.iterator(chunk_size=5000):
        a.append(position[source])
        b.append(position[target])
        w.append(float(weight))
    if a:
        n = network.n
        extra = sp.coo_array((w, (a, b)), shape=(n, n)).tocsr()
        total = sp.csr_array(network.adjacency + extra + extra.T)
        total.sort_indices()
        network = Network(
            adjacency=total, node_ids=network.node_ids, groups=network.groups, directed=False
        )
    return network


def org_network_from_frame(people: pd.DataFrame) -> Network:
    """org_network with readable labels for people without a department or site."""
    network = org_network(people)
    return network.with_groups(
        department=people["department"].fillna(NO_GROUP).astype(str).to_numpy(),
        site=people["site"].fillna(NO_GROUP).astype(str).to_numpy(),
    )


def natural_champion_ids(*, limit: int = 200, weeks: int = NATURAL_WINDOW_WEEKS) -> list[str]:
    """Employee ids ranked by hub reach over the last `weeks` (`hub.selectors.reach_ranking`:
    distinct colleagues who tried, commented on or reacted to their posts, or whose questions
    they answered; never through an anonymous post). Empty without hub activity."""
    return reach_ranking(since=timezone.now() - timedelta(weeks=weeks), limit=limit)


def run_history(*, limit: int = 30) -> QuerySet[SimulationRun]:
    return SimulationRun.objects.select_related("created_by")[:limit]


def run_for_viewer(run_id: int, viewer: User | AnonymousUser) -> SimulationRun:
    """A simulation run for someone who may run simulations (every such person sees every run,
    as Past runs lists them): ForbiddenError for anyone else, NotFoundError when there is none."""
    if not has_capability(viewer, Capability.RUN_SIMULATIONS):
        raise ForbiddenError(f"This needs the '{Capability.RUN_SIMULATIONS.label}' permission.")
    run = SimulationRun.objects.select_related("created_by").filter(pk=run_id).first()
    if run is None:
        raise NotFoundError(f"There is no simulation run {run_id}.")
    return run
