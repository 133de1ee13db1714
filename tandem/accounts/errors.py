from tandem.errors import DomainError, NotFound


class TokenNotFound(NotFound):
    pass


class AccountInvalid(DomainError):
    pass
