"""Per-app parts of the tenant isolation walk (tests/test_api_isolation.py).

Each module here (one per app, e.g. `meetings.py`) defines:

- `ENDPOINTS: list[Endpoint]` — every organisation-scoped operation the app publishes;
- `setup(b: OrgB) -> dict[str, int]` — creates the app's objects in organisation B so that each
  endpoint succeeds for B's admin, and returns the ids its endpoints' placeholders name;
- `snapshot(org_b: Organisation) -> tuple` — everything A's calls could try to change in B.

The walk discovers the modules itself, so an app adds its endpoints without touching a shared file.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from tandem.organisations.models import Membership, Organisation


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str  # OpenAPI form, with {org_slug} and the object ids of the organisation under attack
    body: dict[str, Any] | None = None
    # (placeholder, key of the ids) where an operation needs another object than the placeholder's
    # default: e.g. enrolling in a program that nobody has joined yet.
    use: tuple[tuple[str, str], ...] = ()

    def url(self, slug: str, ids: dict[str, int]) -> str:
        chosen = {placeholder: ids[key] for placeholder, key in self.use}
        return "/api" + self.path.format(org_slug=slug, kind="skills", **{**ids, **chosen})

    def payload(self, ids: dict[str, int]) -> dict[str, Any] | None:
        """The body, with `"{key}"` strings (alone or in lists) replaced by the ids under attack."""

        def fill(value: Any) -> Any:
            if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
                return ids[value[1:-1]]
            if isinstance(value, list):
                return [fill(v) for v in value]
            return value

        return None if self.body is None else {k: fill(v) for k, v in self.body.items()}

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


@dataclass(frozen=True)
class OrgB:
    """Organisation B as the core fixture left it, for the parts to build on.

    `ids` holds the core ids, including two ACTIVE mentorships of B's admin:
    `mentorship_as_mentor_id` (admin mentors `mentee_of_admin_id`'s membership) and
    `mentorship_as_mentee_id` (admin is the mentee of `mentor_of_admin_id`'s membership).
    """

    organisation: Organisation
    admin: Membership
    member: Membership
    ids: dict[str, int]


def parts() -> list[ModuleType]:
    """Every per-app module of this package, in name order."""
    return [
        importlib.import_module(f"{__name__}.{info.name}")
        for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
    ]
