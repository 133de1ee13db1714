"""The API's list pagination: ninja's limit/offset with the offset bounded.

An offset past what a database integer holds (`?offset=99999999999999999999`) would otherwise
reach the query and fail with a 500; bounded here, it is a 422 naming `query.offset`.
"""

# No `from __future__ import annotations`: ninja reads the Input schema at runtime.

from ninja import Field, Schema
from ninja.conf import settings
from ninja.pagination import LimitOffsetPagination

MAX_OFFSET = 1_000_000


class Pagination(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(settings.PAGINATION_PER_PAGE, ge=1)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)
