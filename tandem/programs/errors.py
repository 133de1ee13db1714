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
