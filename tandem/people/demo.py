"""The demo organisation, Northwind Group: a believable company, the same for the same seed.

`demo_load` creates it once; run again, it finds it and changes nothing. Each part of the demo
is a function with its own random stream (`demo_rng(seed, part)`), so later parts — programs,
mentorships — can be added after `demo_people` without changing the people it makes.

Speed matters because `make run` loads the demo: everything is written with bulk inserts, and
the shared demo password is hashed once, not once per person.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.mentorships.demo import demo_relationships
from tandem.notifications.services import notifications_emails_suppressed
from tandem.organisations.models import Membership, Organisation, Role
from tandem.organisations.services import organisation_create
from tandem.people import demo_data as data
from tandem.people.models import (
    CareerLevel,
    Department,
    Language,
    MeetingFormat,
    Profile,
    ProfileSkill,
    Skill,
    WorkValue,
)
from tandem.programs.demo import demo_programs

DEMO_PASSWORD = "tandem-demo"  # noqa: S105 (public on purpose: printed by `make run`, in the README)
DEFAULT_SEED = 2024
DEFAULT_PEOPLE = 320
MIN_PEOPLE = 40  # the executive team and directors alone take 20 seats


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    label: str
    full_name: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin(f"admin@{data.EMAIL_DOMAIN}", Role.ORG_ADMIN, "organisation admin", "Hannah Lindqvist"),
    DemoLogin(f"programs@{data.EMAIL_DOMAIN}", Role.PROGRAM_ADMIN, "program admin", "Tomás Herrera"),
    DemoLogin(f"member@{data.EMAIL_DOMAIN}", Role.MEMBER, "member", "Aisha Bello"),
)


@dataclass(frozen=True)
class DemoResult:
    organisation: Organisation
    created: bool
    people: int


def demo_rng(seed: int, part: str) -> random.Random:
    """An independent random stream for one part of the demo (a str seed is stable across runs)."""
    return random.Random(f"{seed}:{part}")  # noqa: S311 (demo content, not security)


def demo_load(*, seed: int = DEFAULT_SEED, people: int = DEFAULT_PEOPLE) -> DemoResult:
    """Create the demo organisation unless it exists; never duplicates or changes anything."""
    if people < MIN_PEOPLE:
        raise ValueError(f"The demo needs at least {MIN_PEOPLE} people.")
    organisation = Organisation.objects.filter(slug=data.ORGANISATION_SLUG).first()
    if organisation is not None:
        count = Membership.objects.filter(organisation=organisation, is_active=True).count()
        return DemoResult(organisation=organisation, created=False, people=count)
    with transaction.atomic(), notifications_emails_suppressed():
        organisation = organisation_create(name=data.ORGANISATION_NAME, slug=data.ORGANISATION_SLUG)
        memberships = demo_people(organisation=organisation, rng=demo_rng(seed, "people"), count=people)
        # Later parts go here, each with its own demo_rng(seed, part) so earlier parts never change.
        demo_programs(organisation=organisation, rng=demo_rng(seed, "programs"))
        demo_relationships(organisation=organisation, rng=demo_rng(seed, "relationships"), now=timezone.now())
    return DemoResult(organisation=organisation, created=True, people=len(memberships))


# --- the people -----------------------------------------------------------------------------------


@dataclass
class _Person:
    rank: int
    department: data.DepartmentPlan
    title: str
    manager: int | None  # index of the manager in the list of people
    speciality: str = ""
    hub: data.Hub = data.HUBS[0]
    pool: str = "anglo"
    full_name: str = ""
    email: str = ""
    role: str = Role.MEMBER.value
    is_login: bool = False  # one of the documented sign-ins
    profile: Profile = field(default_factory=Profile)  # unsaved; filled by _fill_profile
    languages: list[str] = field(default_factory=list)
    skills: dict[str, int] = field(default_factory=dict)
    goal_skills: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)


def demo_people(*, organisation: Organisation, rng: random.Random, count: int) -> list[Membership]:
    """`count` people in a real reporting tree, with varied profiles; returns their memberships."""
    people = _org_chart(count, rng)
    _place_and_name(people, rng)
    _give_logins(people)
    for person in people:
        _fill_profile(person, rng)
    return _save(organisation, people)


def _org_chart(count: int, rng: random.Random) -> list[_Person]:
    """Executives → directors → managers → individual contributors, mostly within a department."""
    plans = {plan.name: plan for plan in data.DEPARTMENTS}
    people: list[_Person] = []
    executive: dict[str, int] = {}
    for key, (title, department) in data.EXECUTIVES.items():
        executive[key] = len(people)
        people.append(_Person(8, plans[department], title, None if key == "ceo" else executive["ceo"]))

    directors: dict[str, list[int]] = {}
    for plan in data.DEPARTMENTS:
        areas = data.DIRECTOR_AREAS.get(plan.name, ())
        for i in range(plan.directors):
            directors.setdefault(plan.name, []).append(len(people))
            title = f"Director of {plan.name}" + (f", {areas[i]}" if i < len(areas) else "")
            people.append(_Person(7, plan, title, executive[plan.owner]))

    rest = count - len(people)
    sizes = {plan.name: rest * plan.weight // 100 for plan in data.DEPARTMENTS}
    sizes[data.DEPARTMENTS[0].name] += rest - sum(sizes.values())
    for plan in data.DEPARTMENTS:
        size = sizes[plan.name]
        if not size:
            continue
        heads = directors[plan.name]
        managers = []
        for i in range(max(1, round(size / (data.REPORTS_PER_MANAGER + 1)))):
            managers.append(len(people))
            people.append(_Person(6, plan, plan.manager_title, heads[i % len(heads)]))
        # Earlier specialities are the common ones (many software engineers, few QA engineers).
        weights = range(len(plan.specialities), 0, -1)
        for i in range(size - len(managers)):
            rank = rng.choices(data.IC_RANKS, data.IC_RANK_WEIGHTS)[0]
            speciality = rng.choices(plan.specialities, weights)[0]
            title = data.RANK_TITLE[rank].format(speciality)
            people.append(_Person(rank, plan, title, managers[i % len(managers)], speciality=speciality))
    return people


def _place_and_name(people: list[_Person], rng: random.Random) -> None:
    """Each person gets a hub (teams cluster around their manager's) and a name from its region."""
    pools = list(data.NAME_POOLS)
    hub_weights = [hub.weight for hub in data.HUBS]
    leader_weights = [hub.weight**2 for hub in data.HUBS]  # leaders sit mostly in the big offices
    taken: set[str] = {login.email for login in DEMO_LOGINS}
    for person in people:
        if person.rank < 6 and person.manager is not None and rng.random() < 0.5:
            person.hub = people[person.manager].hub
        else:
            person.hub = rng.choices(data.HUBS, leader_weights if person.rank >= 7 else hub_weights)[0]
        hub = person.hub
        person.pool = rng.choice(pools) if rng.random() < hub.cosmopolitan else hub.pool
        names = data.NAME_POOLS[person.pool]
        first, last = rng.choice(names.first), rng.choice(names.last)
        person.full_name = f"{first} {last}"
        person.email = _unique_email(f"{_ascii(first)}.{_ascii(last)}", taken)


# Letters NFKD does not split into a base letter and an accent.
_NOT_DECOMPOSABLE = str.maketrans({"ı": "i", "ł": "l", "ø": "o", "ß": "ss", "æ": "ae"})


def _ascii(name: str) -> str:
    folded = name.lower().translate(_NOT_DECOMPOSABLE)
    plain = unicodedata.normalize("NFKD", folded).encode("ascii", "ignore").decode()
    return "".join(ch for ch in plain if ch.isalnum())


def _unique_email(local: str, taken: set[str]) -> str:
    email, n = f"{local}@{data.EMAIL_DOMAIN}", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@{data.EMAIL_DOMAIN}"
    taken.add(email)
    return email


def _give_logins(people: list[_Person]) -> None:
    """The three documented sign-ins take real seats: People director, a People manager, an engineer."""
    hubs = {hub.city: hub for hub in data.HUBS}
    admin = next(p for p in people if p.rank == 7 and p.department.name == "People")
    programs = next(p for p in people if p.rank == 6 and p.department.name == "People")
    member = next(p for p in people if p.rank <= 5 and p.department.name == "Engineering")
    member.rank, member.speciality, member.title = 3, "Software Engineer", "Software Engineer"
    programs.title = "Learning and Development Manager"
    for person, login, city in zip(
        (admin, programs, member), DEMO_LOGINS, ("Stockholm", "Madrid", "Lagos"), strict=True
    ):
        person.email, person.full_name, person.role = login.email, login.full_name, login.role
        person.is_login = True
        person.hub = hubs[city]
        person.pool = person.hub.pool


def _fill_profile(person: _Person, rng: random.Random) -> None:
    plan, rank, hub = person.department, person.rank, person.hub

    # Everyone speaks English at work; most speak the local language, many a family language.
    languages = ["en"]
    if hub.local_languages and rng.random() < (0.9 if person.pool == hub.pool else 0.35):
        languages.append(hub.local_languages[0])
    heritage = data.NAME_POOLS[person.pool].heritage_language
    if heritage and person.pool != hub.pool and rng.random() < 0.8:
        languages.append(heritage)
    if rng.random() < 0.2:
        languages.append(rng.choice(data.SECOND_LANGUAGES))
    person.languages = list(dict.fromkeys(languages))

    base = {1: 1, 2: 1, 3: 2, 4: 3, 5: 3, 6: 3, 7: 4, 8: 4}[rank]
    core = rng.sample(plan.core_skills, k=min(len(plan.core_skills), rng.randint(2, 4)))
    skills = {
        name: _clamp(base + rng.choice((-1, 0, 0, 1)) + (1 if i == 0 else 0)) for i, name in enumerate(core)
    }
    if rank >= 5:
        for name in rng.sample(data.LEADERSHIP_SKILLS, k=rng.randint(1, 3)):
            skills.setdefault(name, _clamp(base - (1 if rank == 5 else 0) + rng.choice((-1, 0, 1))))
    if rng.random() < 0.6:
        skills.setdefault(rng.choice(data.GENERAL_SKILLS), _clamp(base + rng.choice((-1, 0))))
    person.skills = skills

    stage = 0 if rank <= 3 else 1 if rank <= 5 else 2
    # Early and mid-career people also want to deepen their own department's skills.
    generic = (data.GOALS_EARLY, data.GOALS_MID, data.GOALS_SENIOR)[stage]
    own = plan.core_skills if stage < 2 else ()
    wanted = [s for s in dict.fromkeys((*generic, *own)) if s not in skills]
    person.goal_skills = rng.sample(wanted, k=rng.randint(1, 3))
    goals_text = ""
    if rng.random() < 0.8:
        template = rng.choice((data.GOAL_TEXTS_EARLY, data.GOAL_TEXTS_MID, data.GOAL_TEXTS_SENIOR)[stage])
        goals_text = template.format(
            goal=_in_sentence(person.goal_skills[0]),
            function=_in_sentence(plan.function),
            next_title=_next_title(person),
        )

    person.values = _weighted_sample(
        list(data.VALUE_WEIGHTS), list(data.VALUE_WEIGHTS.values()), rng.randint(3, 5), rng
    )

    mentor = rng.random() < data.OPEN_TO_MENTOR[rank]
    seeking = rng.random() < data.SEEKING[rank]
    if person.is_login:
        # The documented log-ins show both sides: the admins mentor, the member is looking for one.
        mentor, seeking = person.role != Role.MEMBER, person.role == Role.MEMBER
    formats = [
        fmt
        for fmt, chance in (
            (MeetingFormat.VIDEO, 0.92),
            (MeetingFormat.IN_PERSON, 0.35),
            (MeetingFormat.CHAT, 0.5),
            (MeetingFormat.PHONE, 0.15),
        )
        if rng.random() < chance
    ] or [MeetingFormat.VIDEO]
    if rank >= 7:
        headline = f"Leading {_in_sentence(plan.function)} at {data.ORGANISATION_NAME}"
        if person.manager is None:
            headline = "Building the calmest logistics company in the world"
    else:
        headline = rng.choice(plan.headlines) if rng.random() < 0.85 else ""
    bio = ""
    if rng.random() < 0.7:
        bio = (
            f"{person.title} in {hub.city}. Before {data.ORGANISATION_NAME} I {rng.choice(data.BIO_BEFORE)}. "
            f"Outside work: {rng.choice(data.BIO_HOBBIES)}."
        )
    capacity = 2
    if mentor:
        capacity = rng.choice((1, 2) if rank <= 4 else (2, 3) if rank <= 6 else (1, 2, 3))
    low, high = data.YEARS_BY_RANK[rank]
    person.profile = Profile(
        headline=headline,
        bio=bio,
        job_title=person.title,
        years_experience=rng.randint(low, high),
        industry=plan.function,
        location=f"{hub.city}, {hub.country}",
        time_zone=hub.time_zone,
        goals_text=goals_text,
        hours_per_month=rng.choice((2, 3, 4, 4, 6, 8)) if mentor else rng.choice((1, 2, 2, 3, 4)),
        meeting_formats=[str(fmt) for fmt in formats],
        open_to_mentor=mentor,
        seeking_mentorship=seeking,
        mentoring_capacity=capacity,
    )


def _clamp(level: int) -> int:
    return max(1, min(4, level))


def _in_sentence(name: str) -> str:
    """'Public speaking' → 'public speaking' mid-sentence, but 'Generative AI' keeps its AI."""
    return name[0].lower() + name[1:] if len(name) > 1 and name[1].islower() else name


def _next_title(person: _Person) -> str:
    if person.rank < 5 and person.speciality:
        return data.RANK_TITLE[person.rank + 1].format(person.speciality)
    return person.department.manager_title


def _weighted_sample(items: list[str], weights: list[int], k: int, rng: random.Random) -> list[str]:
    chosen: list[str] = []
    items, weights = list(items), list(weights)
    for _ in range(k):
        index = rng.choices(range(len(items)), weights)[0]
        chosen.append(items.pop(index))
        weights.pop(index)
    return chosen


def _save(organisation: Organisation, people: list[_Person]) -> list[Membership]:
    """Write everyone with bulk inserts: a handful of queries for hundreds of people."""
    skills = dict(Skill.objects.filter(organisation=organisation).values_list("name", "pk"))
    values = dict(WorkValue.objects.filter(organisation=organisation).values_list("name", "pk"))
    departments = dict(Department.objects.filter(organisation=organisation).values_list("name", "pk"))
    levels = dict(CareerLevel.objects.filter(organisation=organisation).values_list("rank", "pk"))
    languages = dict(Language.objects.values_list("code", "pk"))

    # Accounts left over from an earlier demo (its organisation deleted) are reused as they are.
    password = make_password(DEMO_PASSWORD)
    users = {u.email: u for u in User.objects.filter(email__in=[p.email for p in people])}
    new_users = [
        User(email=p.email, full_name=p.full_name, password=password) for p in people if p.email not in users
    ]
    User.objects.bulk_create(new_users, batch_size=500)
    users |= {u.email: u for u in new_users}

    memberships = [Membership(user=users[p.email], organisation=organisation, role=p.role) for p in people]
    Membership.objects.bulk_create(memberships, batch_size=500)
    profiles = []
    for person, membership in zip(people, memberships, strict=True):
        profile = person.profile
        profile.membership = membership
        profile.organisation = organisation
        profile.department_id = departments[person.department.name]
        profile.career_level_id = levels[person.rank]
        profile.manager = memberships[person.manager] if person.manager is not None else None
        profiles.append(profile)
    Profile.objects.bulk_create(profiles, batch_size=500)

    pairs = list(zip(people, profiles, strict=True))
    ProfileSkill.objects.bulk_create(
        [
            ProfileSkill(profile=pr, skill_id=skills[name], level=lvl)
            for p, pr in pairs
            for name, lvl in p.skills.items()
        ],
        batch_size=1000,
    )
    Profile.languages.through.objects.bulk_create(
        [
            Profile.languages.through(profile_id=pr.pk, language_id=languages[c])
            for p, pr in pairs
            for c in p.languages
        ],
        batch_size=1000,
    )
    Profile.goal_skills.through.objects.bulk_create(
        [
            Profile.goal_skills.through(profile_id=pr.pk, skill_id=skills[s])
            for p, pr in pairs
            for s in p.goal_skills
        ],
        batch_size=1000,
    )
    Profile.values.through.objects.bulk_create(
        [
            Profile.values.through(profile_id=pr.pk, workvalue_id=values[v])
            for p, pr in pairs
            for v in p.values
        ],
        batch_size=1000,
    )
    return memberships
