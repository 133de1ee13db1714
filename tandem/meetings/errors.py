from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class MeetingInvalid(DomainError):
    pass


class MeetingNotAllowed(PermissionDenied):
    pass


class MeetingNotFound(NotFound):
    pass


class MeetingConflict(Conflict):
    pass


class FeedNotFound(NotFound):
    pass
