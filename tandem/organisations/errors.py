from tandem.errors import Conflict, DomainError, NotFound, PermissionDenied


class OrganisationNotFound(NotFound):
    pass


class NotAllowed(PermissionDenied):
    pass


class InvitationInvalid(DomainError):
    pass


class MembershipConflict(Conflict):
    pass
