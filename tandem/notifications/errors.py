from tandem.errors import DomainError, NotFound


class NotificationInvalid(DomainError):
    pass


class NotificationNotFound(NotFound):
    pass
