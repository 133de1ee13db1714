"""Demo agreements: the mentor proposes what both sides expect, how they keep in touch and how
often they meet; the mentee accepts. Some pairs later agree a change (meeting more or less
often, or for longer). Everything goes through the services, then timestamps are moved into
the past so the history reads like real weeks went by.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import replace

from tandem.agreements.models import DEFAULT_CONFIDENTIALITY, AgreementAcceptance, AgreementVersion
from tandem.agreements.services import AgreementTerms, agreement_accept, agreement_propose
from tandem.mentorships.models import OCCUPYING_STATUSES, MemberRole, Mentorship, MentorshipMember

MENTOR_EXPECTATIONS = [
    (
        "I'll come prepared, give honest feedback even when it's uncomfortable, and share my "
        "network where it helps. I expect you to own the agenda and tell me when something isn't useful."
    ),
    (
        "I can offer an hour every session and a quick reply on chat in between. I'd like you to "
        "bring one concrete question or situation each time, and to try things out between meetings."
    ),
    (
        "My part: listen first, challenge your thinking, and open doors when I can. Yours: set the "
        "direction, follow through on what we agree, and cancel early if you can't make it."
    ),
]
MENTEE_EXPECTATIONS = [
    (
        "I want to grow into leading a small team. I'll send a short agenda the day before and "
        "write up what I learned afterwards."
    ),
    (
        "Help me build visibility with senior stakeholders and get better at presenting. I'll be "
        "on time, prepared, and honest about what is and isn't working."
    ),
    (
        "I'd like a sounding board for career decisions over the next six months. I commit to "
        "doing the homework we agree on and to giving you feedback on our sessions too."
    ),
]
PEER_EXPECTATIONS = [
    (
        "Let's take turns choosing the topic. I'll bring real situations from my work and keep "
        "what you share to myself."
    ),
    (
        "I'd like to practise giving and receiving feedback. I'll prepare, show up, and say so if "
        "our rhythm stops working for me."
    ),
]
CHANGE_NOTES = [
    ("weekly", "Things are moving fast on my project — could we meet weekly for a while?"),
    ("monthly", "Now that the basics are in place, monthly feels right."),
    ("longer", "This is working well; let's keep going for another few months."),
]


def _handle(email: str) -> str:
    return "@" + re.sub(r"[^a-z0-9.]", "", email.split("@", 1)[0].lower())[:40]


def _expectation(member: MentorshipMember, rng: random.Random) -> str:
    pool = {
        MemberRole.MENTOR: MENTOR_EXPECTATIONS,
        MemberRole.MENTEE: MENTEE_EXPECTATIONS,
    }.get(MemberRole(member.role), PEER_EXPECTATIONS)
    return rng.choice(pool)


def _backdate(version: AgreementVersion, proposed: dt.datetime, decided: dt.datetime | None) -> None:
    AgreementVersion.objects.filter(pk=version.pk).update(created_at=proposed, decided_at=decided)
    acceptances = list(AgreementAcceptance.objects.filter(version=version).order_by("pk"))
    for i, acceptance in enumerate(acceptances):
        at = proposed if i == 0 or decided is None else decided
        AgreementAcceptance.objects.filter(pk=acceptance.pk).update(accepted_at=at)


def demo_agreement(
    *, mentorship: Mentorship, rng: random.Random, now: dt.datetime, accepted: bool = True
) -> None:
    """Give `mentorship` a realistic agreement: proposed by the mentor (or a peer) a few days after
    it started; if `accepted`, accepted by everyone else — and, for some pairs that have run a
    while, a later change accepted too. Otherwise the proposal waits for the others."""
    members = list(mentorship.members.select_related("membership__user").order_by("role", "pk"))
    if len(members) < 2:
        return
    proposer = next((m for m in members if m.role == MemberRole.MENTOR), members[0])
    others = [m for m in members if m.pk != proposer.pk]
    start = mentorship.started_at or mentorship.created_at or now - dt.timedelta(days=30)
    user = proposer.membership.user
    cadence = mentorship.program.default_cadence
    if rng.random() < 0.15:
        cadence = "custom"
    terms = AgreementTerms(
        cadence=cadence,
        cadence_days=rng.choice([10, 21]) if cadence == "custom" else None,
        duration_months=rng.choice([3, 6, 6, 9, 12]),
        confidentiality=DEFAULT_CONFIDENTIALITY,
        expectations={m.membership_id: _expectation(m, rng) for m in members},
        contact_email=user.email,
        chat_handle=_handle(user.email) if rng.random() < 0.7 else "",
        video_link=f"https://meet.example.com/{rng.randrange(10**6, 10**7)}" if rng.random() < 0.8 else "",
        note="A first draft — change anything that doesn't fit you.",
    )
    # The services refuse to change an ended mentorship's agreement; the demo writes its history
    # as it would have happened, while it was running, then puts the status back.
    status = mentorship.status
    if status not in OCCUPYING_STATUSES:
        Mentorship.objects.filter(pk=mentorship.pk).update(status="active")
    try:
        first = agreement_propose(mentorship=mentorship, by=proposer.membership, terms=terms)
        proposed_at = min(start + dt.timedelta(days=rng.randint(1, 3), hours=rng.randint(0, 8)), now)
        if not accepted:
            _backdate(first, proposed_at, None)
            return
        for other in others:
            agreement_accept(version=first, by=other.membership)
        decided_at = min(proposed_at + dt.timedelta(days=rng.randint(1, 4), hours=rng.randint(1, 6)), now)
        _backdate(first, proposed_at, decided_at)
        if (now - start).days < 60 or rng.random() > 0.4:
            return
        kind, note = rng.choice(CHANGE_NOTES)
        if kind == "longer":
            change = replace(terms, duration_months=min(24, terms.duration_months + 6), note=note)
        else:
            change = replace(terms, cadence=kind, cadence_days=None, note=note)
        if _same(change, terms):
            change = replace(change, duration_months=min(24, terms.duration_months + 3))
        asker = others[0]
        second = agreement_propose(mentorship=mentorship, by=asker.membership, terms=change)
        for member in members:
            if member.pk != asker.pk:
                agreement_accept(version=second, by=member.membership)
        changed_at = min(decided_at + dt.timedelta(days=rng.randint(30, 50)), now)
        _backdate(second, changed_at, min(changed_at + dt.timedelta(days=rng.randint(1, 3)), now))
    finally:
        if status not in OCCUPYING_STATUSES:
            Mentorship.objects.filter(pk=mentorship.pk).update(status=status)
            mentorship.status = status


def _same(a: AgreementTerms, b: AgreementTerms) -> bool:
    return (a.cadence, a.duration_months) == (b.cadence, b.duration_months)
