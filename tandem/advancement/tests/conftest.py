from __future__ import annotations

import pytest

from tandem.organisations.models import Membership, Organisation
from tests.relationship_setup import Live, live_mentorship


@pytest.fixture
def live(org: Organisation, program_admin: Membership) -> Live:
    return live_mentorship(org, program_admin)
