"""The sections in the top navigation. A section without a URL says it is not built yet."""

from __future__ import annotations

from dataclasses import dataclass

from peerwheel.accounts.roles import Capability


@dataclass(frozen=True)
class Section:
    key: str
    label: str
    url_name: str | None
    capability: Capability | None
    blurb: str


SECTIONS: tuple[Section, ...] = (
    Section(
        "hub",
        "Hub",
        "hub:feed",
        Capability.USE_HUB,
        "Share wins, prompts, fails, tips and questions, and say \u201cI tried this\u201d.",
    ),
    Section(
        "program",
        "Program",
        "program:home",
        Capability.USE_HUB,
        "The Crawl–Walk–Run–Fly rollout, champions, cohorts and show-and-tell.",
    ),
    Section(
        "catalog",
        "Catalogue",
        "catalog:home",
        Capability.USE_HUB,
        "Which AI tools you may use, for what and with which data: ask and get the answer now.",
    ),
    Section(
        "insights",
        "Insights",
        "insights:flywheel",
        Capability.VIEW_AGGREGATES,
        "Momentum measured the way the flywheel works, with privacy built in.",
    ),
    Section(
        "simulate",
        "Simulate",
        "simulate:home",
        Capability.RUN_SIMULATIONS,
        "Try a rollout strategy on the organisation's own network before trying it on people.",
    ),
    Section(
        "survey",
        "Survey",
        "study:survey",
        Capability.USE_HUB,
        "The peer-influence survey: five minutes, and nobody can see who answered what.",
    ),
    Section(
        "study",
        "Study",
        "study:home",
        Capability.READ_STUDY_REPORTS,  # analysts run it; leads read closed waves' reports
        "The peer-influence survey and its analysis, beside the published benchmark.",
    ),
    Section(
        "admin",
        "Admin",
        "admin:index",
        Capability.MANAGE_PEOPLE,
        "People, roles, imports and the audit log.",
    ),
)


def section(key: str) -> Section:
    return next(s for s in SECTIONS if s.key == key)
