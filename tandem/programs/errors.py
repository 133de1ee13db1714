from dataclasses import dataclass

from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class ProgramNotFound(NotFound):
    pass


class ProgramInvalid(DomainError):
    pass


class TransitionNotAllowed(Conflict):
    pass


class EnrolmentInvalid(DomainError):
    pass


class EnrolmentNotAllowed(PermissionDenied):
    pass


@dataclass(frozen=True)
class PersonError:
    """Why one person of a bulk enrolment could not be enrolled."""

    membership_id: int
    name: str
    message: str


class EnrolmentBulkInvalid(EnrolmentInvalid):
    """A bulk enrolment refused as a whole; `errors` names every person at fault."""

    def __init__(self, message: str, *, errors: list[PersonError], field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.errors = errors
