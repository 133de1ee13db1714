"""Every paginated API list refuses an offset no database integer holds with a 422, not a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from tandem.organisations.models import Membership
from tests.api_client import api_client

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999999"


def _paginated_lists(client: Client) -> list[str]:
    """The GET operations of the schema that take `offset`, with no other path parameter."""
    schema = client.get("/api/openapi.json").json()
    return [
        path
        for path, item in schema["paths"].items()
        if "get" in item
        and any(p["name"] == "offset" for p in item["get"].get("parameters", []))
        and path.count("{") == 1
    ]


def test_a_huge_offset_is_a_422_naming_it_on_every_list(org_admin: Membership) -> None:
    # given the organisation-wide lists of the API
    client = api_client(org_admin)
    paths = _paginated_lists(client)
    assert len(paths) >= 5
    for path in paths:
        url = path.replace("{org_slug}", org_admin.organisation.slug)
        # when
        response = client.get(url, {"offset": HUGE})
        # then
        assert response.status_code == 422, (path, response.content)
        assert "offset" in response.json()["detail"]
