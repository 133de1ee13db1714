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


class LifecycleConflict(Conflict):
    """The mentorship is not in a state that allows this change (e.g. resuming an active one)."""


class LifecycleNotAllowed(PermissionDenied):
    pass


class LifecycleInvalid(DomainError):
    pass


class ConcernNotFound(NotFound):
    pass


class ConcernInvalid(DomainError):
    pass


class ConcernConflict(Conflict):
    pass


class RematchInvalid(DomainError):
    pass
