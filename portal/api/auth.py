"""Bearer tokens: who the request acts as, in which language, within which scope.

`TokenAuth(scope)` accepts a request whose token is active, holds `scope`,
and whose user still may hold it today (`scopes_allowed`: a manager who left
the group, or staff whose second factor is gone, lose the scope at once).
The request then acts as the token's user (`request.user`), so views ask
the same `rules` predicates and selectors as the site.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from portal.api.errors import ApiError
from portal.api.scopes import scopes_allowed
from portal.api.tokens import api_token_find
from portal.audit import audit_via_token
from portal.models import ApiToken


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def __init__(self, scope: str) -> None:
        self.scope = scope
        super().__init__()

    def __call__(self, request: HttpRequest):
        if not request.headers.get(self.header):
            raise ApiError(
                401,
                "not_authenticated",
                _("Give a valid API token: Authorization: Bearer <token>."),
            )
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = api_token_find(token)
        if found is None:
            raise ApiError(
                401, "not_authenticated", _("This API token is unknown, expired or revoked.")
            )
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        if not request.headers.get("Accept-Language"):
            translation.activate(found.user.preferred_language)
            request.LANGUAGE_CODE = translation.get_language()
        if self.scope not in found.scopes or self.scope not in scopes_allowed(found.user):
            raise ApiError(
                403,
                "forbidden",
                _("This token does not have the scope %(scope)s.") % {"scope": self.scope},
            )
        return found


@contextmanager
def acting(request: HttpRequest) -> Iterator[None]:
    """Writes inside the block name the request's token in the audit trail."""
    with audit_via_token(getattr(request, "api_token", None)):
        yield


FOUNDER_READ = TokenAuth("founder:read")
FOUNDER_WRITE = TokenAuth("founder:write")
REVIEWER_READ = TokenAuth("reviewer:read")
MANAGER_READ = TokenAuth("manager:read")
MANAGER_WRITE = TokenAuth("manager:write")
