"""`python manage.py run_match PROGRAM --org SLUG`: run a match round from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tandem.errors import DomainError
from tandem.matching.models import Objective, RoundStatus, Solver
from tandem.matching.run import match_round_execute
from tandem.matching.services import match_round_create, match_round_publish
from tandem.organisations.models import Membership, Organisation, Role
from tandem.programs.models import Program


class Command(BaseCommand):
    help = "Run a match round for a program and print its metrics (the draft is saved for review)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("program", help="Program id or exact name")
        parser.add_argument("--org", required=True, help="Organisation slug")
        parser.add_argument(
            "--solver", choices=Solver.values, default="", help="Default: the one the kind needs"
        )
        parser.add_argument("--objective", choices=Objective.values, default=Objective.PARTICIPATION)
        parser.add_argument(
            "--as", dest="as_email", default="", help="Program admin email (default: any admin)"
        )
        parser.add_argument("--publish", action="store_true", help="Publish the draft right away")

    def handle(self, *_args: Any, **options: Any) -> None:
        organisation = Organisation.objects.filter(slug=options["org"]).first()
        if organisation is None:
            raise CommandError(f"No organisation with slug {options['org']!r}.")
        ref = options["program"]
        programs = Program.objects.filter(organisation=organisation)
        program = (programs.filter(pk=int(ref)) if ref.isdigit() else programs.filter(name=ref)).first()
        if program is None:
            raise CommandError(f"No program {ref!r} in {organisation.name}.")
        admins = Membership.objects.filter(
            organisation=organisation, is_active=True, role__in=[Role.PROGRAM_ADMIN, Role.ORG_ADMIN]
        ).select_related("user", "organisation")
        if options["as_email"]:
            admins = admins.filter(user__email=options["as_email"].lower())
        admin = admins.order_by("pk").first()
        if admin is None:
            raise CommandError("No program admin found to run the round as (use --as EMAIL).")
        try:
            match_round = match_round_create(
                program=program, by=admin, solver=options["solver"], objective=options["objective"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        match_round = match_round_execute(round_id=match_round.pk)
        if match_round.status == RoundStatus.FAILED:
            raise CommandError(f"The round failed: {match_round.error}")
        m = match_round.metrics
        self.stdout.write(
            f"Round #{match_round.pk} ({match_round.get_solver_display()}, {match_round.objective}): "
            f"{m.get('pairs', 0)} pairs, {m.get('matched', 0)}/{m.get('pool_mentees', 0)} matched "
            f"({100 * float(m.get('match_rate', 0)):.1f}%), "
            f"mean score {m.get('mean_score')}, min {m.get('min_score')}"
        )
        if greedy := m.get("greedy"):
            self.stdout.write(
                f"First-come greedy on the same pool: {greedy['matched']} matched, total fit "
                f"{greedy['total_score']} (ours: {m.get('total_score')})"
            )
        if optimality := m.get("optimality"):
            as_many = " that matches as many" if match_round.objective == Objective.PARTICIPATION else ""
            self.stdout.write(
                "Proven optimal over every pair"
                if optimality["proven"]
                else f"Certified: no matching of the pool{as_many} has a total fit "
                f"more than {optimality['gap']} higher"
            )
        for entry in match_round.unmatched:
            self.stdout.write(f"  unmatched: {entry['name']} — {entry['reason']}")
        if options["publish"]:
            try:
                created = match_round_publish(match_round=match_round, by=admin)
            except DomainError as exc:
                raise CommandError(exc.message) from exc
            self.stdout.write(self.style.SUCCESS(f"Published: {created} mentorships created."))
        else:
            self.stdout.write(
                f"Draft saved for review: "
                f"/o/{organisation.slug}/programs/{program.pk}/rounds/{match_round.pk}/"
            )
