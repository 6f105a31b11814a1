"""/api/docs serves Swagger UI from the copy inside django-ninja: no request leaves the server."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.test import Client

URL_ATTRIBUTE = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")


def test_the_api_docs_page_loads_nothing_from_outside_the_server(
    client_for: Callable[[str], Client],
) -> None:
    client = client_for("alice")
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()

    assert not re.search(r"https?://|//cdn|jsdelivr|unpkg", page)
    assets = URL_ATTRIBUTE.findall(page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert any(a.endswith("swagger-ui.css") for a in assets)
    for asset in assets:
        assert asset.startswith("/static/"), asset
        served = client.get(asset)
        assert served.status_code == 200, asset
        body = b"".join(served.streaming_content)  # type: ignore[attr-defined]
        assert len(body) > 100, asset
