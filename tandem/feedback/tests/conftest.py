from __future__ import annotations

import pytest

from tandem.organisations.models import Membership, Organisation
from tandem.people.models import Competency
from tests.relationship_setup import Live, live_mentorship


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)


@pytest.fixture
def competencies(org: Organisation) -> dict[str, Competency]:
    return {c.name: c for c in Competency.objects.filter(organisation=org)}
