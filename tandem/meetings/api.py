"""JSON API of the meetings app: organisation-scoped under /api/orgs/{org_slug}/."""

# No `from __future__ import annotations`: ninja reads signatures at runtime.

from ninja import Router

router = Router(tags=["meetings"])
