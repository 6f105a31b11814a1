"""The demo's survey: one completed wave, consistent with the demo organisation's peer exposure,
and a second wave open for anyone signing in to the demo to try (nobody has answered it yet).

Each person's peer exposure is the weighted share of their ties (the demo network) who visibly
use AI. Who is visible comes from the database when earlier demo steps wrote activity there (hub
authors of public posts, else people with usage records); otherwise from a run of the engine's
peer-influence model on the same network (the cross-section a survey would see after half a
year). That exposure is the respondents' latent peer influence in `simulate_responses`, so the
report finds peer influence mattering and mandates not, as in the research.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import numpy.typing as npt
from django.utils import timezone

from peerwheel.engine.diffusion.peer import PeerParams, run
from peerwheel.engine.networks import Network, from_edges
from peerwheel.engine.study import simulate_responses
from peerwheel.hub.selectors import public_author_ids
from peerwheel.org.demo import DemoContext
from peerwheel.study.services import (
    instrument_ensure,
    instrument_of,
    response_submit,
    wave_close,
    wave_create,
    wave_open,
)
from peerwheel.usage.selectors import people_with_usage

RESPONSE_RATE = 0.65
# The answers' seed is the demo's seed plus this offset. The simulated mandate effect is zero,
# but one wave of 390 is noisy, and with small departments (Legal: about 15 respondents) some
# draws put every Legal respondent on one side of an outcome, which the analysis rightly refuses
# (perfect separation). This offset gives the default demo (600 people, seed 42) an analysable
# wave whose estimates sit near the truth; other seeds may not.
SURVEY_SEED_OFFSET = 7
SURVEY_WEEK = 26
WAVE_NAME = "Peer-influence survey, first wave"
OPEN_WAVE_NAME = "Peer-influence survey, second wave"
OPEN_WAVE_WEEKS = 4  # the second wave stays open this long from the demo's build


def demo_network(context: DemoContext) -> Network:
    ties = context.org.ties
    network, _, _ = from_edges(
        ties["source"].to_numpy(),
        ties["target"].to_numpy(),
        context.org.size,
        weights=ties["weight"].to_numpy(),
    )
    return network


def _visible_from_database(context: DemoContext) -> npt.NDArray[np.bool_] | None:
    """Visible AI users by node, from hub posts or usage records written by earlier steps."""
    node_of = {person.pk: node for node, person in context.people.items()}
    for ids in (public_author_ids(), people_with_usage()):
        nodes = [node_of[i] for i in ids if i in node_of]
        if len(nodes) >= 10:
            visible = np.zeros(context.org.size, dtype=bool)
            visible[nodes] = True
            return visible
    return None


def peer_exposure(context: DemoContext, network: Network) -> npt.NDArray[np.float64]:
    """Weighted share of each person's ties who visibly use AI (0–1)."""
    visible = _visible_from_database(context)
    if visible is not None:
        in_weight = network.in_weight
        num = network.adjacency.T @ visible.astype(np.float64)
        return np.divide(num, in_weight, out=np.zeros(network.n), where=in_weight > 0)
    leaders = np.flatnonzero(context.org.people["is_leader"].to_numpy(dtype=bool))
    _, snapshot = run(
        network,
        PeerParams(),
        seeds=leaders[:3],
        runs=1,
        steps=SURVEY_WEEK,
        rng_seed=context.seed,
        snapshot_week=SURVEY_WEEK,
    )
    assert snapshot is not None  # noqa: S101 - asked for with snapshot_week
    return np.asarray(snapshot.exposure[0], dtype=np.float64)


def demo_survey_wave(context: DemoContext) -> None:
    """One closed in-app wave: about two thirds of the organisation answered."""
    network = demo_network(context)
    exposure = peer_exposure(context, network)
    rng = np.random.default_rng([context.seed, 6])
    n = context.org.size
    respondents = np.sort(rng.choice(n, size=round(RESPONSE_RATE * n), replace=False))
    frame = context.org.people
    teams = np.where(
        frame["team"].to_numpy() == "",
        frame["department"].to_numpy() + " leadership",
        frame["team"].to_numpy(),
    ).astype(str)
    jitter = 1e-6 * rng.standard_normal(len(respondents))  # no ties in a constant exposure
    answers = simulate_responses(
        len(respondents),
        seed=context.seed + SURVEY_SEED_OFFSET,
        peer_influence=exposure[respondents] + jitter,
        teams=teams[respondents],
    )
    version = instrument_ensure()
    items = [i.key for i in instrument_of(version).items]
    opened = timezone.now() - timedelta(weeks=6)
    # The demo's usage data come from the hub's adoption plan, not from these answers: linking
    # them would pair two unrelated simulations (and agent use there is a handful of engineers),
    # so this wave analyses the respondents' self-reports.
    wave = wave_create(
        name=WAVE_NAME,
        closes=opened + timedelta(weeks=3),
        instrument=version,
        link_usage=False,
    )
    wave_open(wave=wave, now=opened)
    for k, (node, row) in enumerate(zip(respondents, answers.itertuples(index=False), strict=True)):
        values = row._asdict()
        heavy = bool(values["heavy_user"])
        response_submit(
            person=context.people[int(node)],
            wave=wave,
            answers={key: int(values[key]) for key in items},
            training=bool(values["training"]),
            frequency=5 if heavy else min(int(values["frequency"]), 4),
            agent_user=bool(values["agent_user"]),
            heavy_user=heavy,
            now=opened + timedelta(hours=1 + k % 400),
        )
    wave_close(wave=wave, now=opened + timedelta(weeks=3))
    second = wave_create(
        name=OPEN_WAVE_NAME,
        closes=timezone.now() + timedelta(weeks=OPEN_WAVE_WEEKS),
        instrument=version,
        link_usage=False,  # as the first wave: the demo's usage is another simulation
    )
    wave_open(wave=second)
    context.notes.append(
        f"Study: {len(respondents)} of {n} people answered the survey ({WAVE_NAME}); the "
        f"{OPEN_WAVE_NAME} is open for {OPEN_WAVE_WEEKS} weeks: any login can answer it "
        "from Survey."
    )
