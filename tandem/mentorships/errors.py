from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class RequestInvalid(DomainError):
    pass


class RequestNotAllowed(PermissionDenied):
    pass


class RequestNotFound(NotFound):
    pass


class MentorAtCapacity(Conflict):
    pass


class AlreadyMatched(Conflict):
    pass


class MentorshipNotFound(NotFound):
    pass
