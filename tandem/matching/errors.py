from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class RoundInvalid(DomainError):
    pass


class RoundNotAllowed(PermissionDenied):
    pass


class RoundNotFound(NotFound):
    pass


class RoundConflict(Conflict):
    pass
