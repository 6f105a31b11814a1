from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from peerwheel.accounts.permissions import capabilities_of, role_of
from peerwheel.web.navigation import SECTIONS


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The sections this user may open, and their role, for the layout."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_sections": [], "nav_role": None}
    capabilities = capabilities_of(user)
    return {
        "nav_sections": [
            s for s in SECTIONS if s.capability is None or s.capability in capabilities
        ],
        "nav_role": role_of(user),
    }
