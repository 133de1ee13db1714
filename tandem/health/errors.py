from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class CheckInInvalid(DomainError):
    pass


class CheckInNotAllowed(PermissionDenied):
    pass


class CheckInClosed(Conflict):
    pass


class HealthNotVisible(PermissionDenied):
    pass


class HealthNotAssessed(Conflict):
    pass


class AttentionListNotFound(NotFound):
    pass
