from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class FeedbackInvalid(DomainError):
    pass


class FeedbackNotAllowed(PermissionDenied):
    pass


class FeedbackClosed(Conflict):
    pass


class FeedbackNotFound(NotFound):
    pass
