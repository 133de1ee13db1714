from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class AdvancementInvalid(DomainError):
    pass


class AdvancementNotAllowed(PermissionDenied):
    pass


class AdvancementConflict(Conflict):
    pass


class EndorsementNotFound(NotFound):
    pass


class IntroductionNotFound(NotFound):
    pass
