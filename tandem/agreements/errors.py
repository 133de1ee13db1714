from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class AgreementInvalid(DomainError):
    pass


class AgreementNotAllowed(PermissionDenied):
    pass


class AgreementNotFound(NotFound):
    pass


class AgreementConflict(Conflict):
    pass
