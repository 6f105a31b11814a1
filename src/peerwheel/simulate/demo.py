"""The demo's simulations: the presets compared on the demo company, stored as finished runs,
so the Simulate page tells the story as soon as a lead opens it."""

from __future__ import annotations

from django.contrib.auth.models import User

from peerwheel.engine.scenarios import preset
from peerwheel.org.demo import DemoContext
from peerwheel.simulate import selectors
from peerwheel.simulate.services import simulation_run_create, simulation_run_execute

DEMO_RUNS, DEMO_WEEKS = 30, 52  # a year: the calibrated model moves at a workplace pace
DEMO_COMPARISONS = (
    (
        "Mandate, appointed or natural champions?",
        ("mandate-only", "appointed", "natural-show-and-tell"),
    ),
    (
        "What a visible failure in week 6 costs",
        ("natural-show-and-tell", "natural-show-and-tell-failure"),
    ),
)


def simulate_demo(context: DemoContext) -> None:
    """Two finished comparisons of the presets, run by the demo's lead."""
    network = selectors.organisation_network()
    natural = selectors.natural_champion_ids()
    lead = User.objects.filter(username="lead").first()
    for title, keys in DEMO_COMPARISONS:
        run = simulation_run_create(
            actor=lead,
            arms=[preset(key) for key in keys],
            runs=DEMO_RUNS,
            weeks=DEMO_WEEKS,
            seed=context.seed,
            title=title,
        )
        simulation_run_execute(run=run, network=network, natural_ids=natural)
    context.notes.append(f"simulate: {len(DEMO_COMPARISONS)} stored comparisons of the presets")
