"""Program pages: list, detail and enrolment, admin settings, questions, lifecycle, enrolments."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from conftest import login
from tandem.organisations.models import Membership, Organisation
from tandem.programs.models import Program, ProgramStatus
from tests.program_setup import make_program, mentee, mentor


def _url(name: str, org: Organisation, **kwargs: Any) -> str:
    return reverse(f"programs:{name}", kwargs={"org_slug": org.slug, **kwargs})


def test_smoke(client: Client, org: Organisation, program_admin: Membership, member: Membership) -> None:
    program = make_program(org, program_admin, status=ProgramStatus.MATCHING)
    m = mentor(program)
    mentee(program)
    login(client, program_admin)
    for name, kw in [
        ("list", {}),
        ("create", {}),
        ("detail", {"program_id": program.pk}),
        ("edit", {"program_id": program.pk}),
        ("questions", {"program_id": program.pk}),
        ("enrolments", {"program_id": program.pk}),
    ]:
        r = client.get(_url(name, org, **kw))
        assert r.status_code == 200, name
    r = client.get(_url("create", org) + "?template=onboarding")
    assert b"onboarding" in r.content.lower()
    login(client, m.membership)
    assert client.get(_url("detail", org, program_id=program.pk)).status_code == 200
    login(client, member)
    assert client.get(_url("detail", org, program_id=program.pk)).status_code == 200
    assert client.get(_url("list", org)).status_code == 200
