from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class GoalInvalid(DomainError):
    pass


class GoalNotAllowed(PermissionDenied):
    pass


class GoalNotFound(NotFound):
    pass


class GoalConflict(Conflict):
    pass
