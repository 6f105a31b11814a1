"""The program's status in the JSON API (registered under /api/ in peerwheel/api.py):
`GET /api/program/status`, the same dict as `peerwheel program status --json`. Readers of
aggregates only (leads, analysts, admins); a refusal is the shared error envelope."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from peerwheel.accounts.permissions import require_capability
from peerwheel.accounts.roles import Capability
from peerwheel.program.services import program_status_refresh

router = Router(tags=["program"])


class ErrorBody(Schema):
    code: str
    message: str
    details: Any = None


class ErrorOut(Schema):
    """Every refusal: {"error": {"code", "message", "details"}}."""

    error: ErrorBody


class ScopeOut(Schema):
    everyone: bool
    people: int
    departments: int
    sites: int


class GateOut(Schema):
    key: str
    label: str
    measure: str
    value: float | None
    target: float
    met: bool
    met_since: str | None
    evidence: str


class HaltOut(Schema):
    kind: str
    message: str
    post_id: int | None


class MoveOut(Schema):
    from_stage: str
    to_stage: str
    at: str
    by: str | None
    all_gates_met: bool
    reason: str


class StatusOut(Schema):
    as_of: str
    stage: str
    stage_label: str
    stage_since: str | None
    next_stage: str | None
    scope: ScopeOut
    gates: list[GateOut]
    all_gates_met: bool
    halts: list[HaltOut]
    history: list[MoveOut]


@router.get(
    "/program/status",
    response={200: StatusOut, frozenset({401, 403}): ErrorOut},
    summary="The rollout's stage, scope, gates with their evidence, halts and history",
)
def program_status(request: HttpRequest) -> dict[str, Any]:
    require_capability(request.user, Capability.VIEW_AGGREGATES)
    return program_status_refresh().as_dict()
