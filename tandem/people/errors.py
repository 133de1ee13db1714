from tandem.errors import Conflict, DomainError, NotFound


class ProfileNotFound(NotFound):
    pass


class ProfileInvalid(DomainError):
    pass


class TaxonomyConflict(Conflict):
    pass


class TaxonomyNotFound(NotFound):
    pass
