"""The NinjaAPI instance, built by the root URLconf with the apps' routers.

Versioned under /api/v1/; the OpenAPI 3 schema is served at /api/schema/
and the documentation page (swagger-ui, vendored) at /api/docs/ by
`portal.api.views`, not by ninja's own page (inline script, CDN).
"""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from portal.api.errors import errors_install
from portal.api.throttling import AnonThrottle, TokenThrottle

API_VERSION = "1"
DESCRIPTION = """\
The portal's REST API for accounting systems, ministry reporting and program websites.

Authenticate with a personal token (create one at /accounts/api-tokens/):
`Authorization: Bearer ppt_…`. Each token carries scopes (founder:read,
founder:write, reviewer:read, manager:read, manager:write), never more than
its user may do on the site. Public endpoints need no token.

Money is a decimal string with its currency: {"amount": "1500000.00", "currency": "KZT"}.
Errors have one shape: {"error": {"code": "…", "message": "…", "fields": {}}},
the message in the token user's language (or Accept-Language).
"""


class PortalApi(NinjaAPI):
    def create_response(self, request: HttpRequest, data, *args, **kwargs) -> HttpResponse:
        response = super().create_response(request, data, *args, **kwargs)
        # Whatever answers a request that carries credentials is kept by no cache.
        if getattr(request, "api_token", None) is not None or request.headers.get("Authorization"):
            response["Cache-Control"] = "private, no-store"
        return response


def api_build(routers: Sequence[tuple[str, Router]]) -> NinjaAPI:
    api = PortalApi(
        title="Startup program portal API",
        version=API_VERSION,
        description=DESCRIPTION,
        urls_namespace="api",
        docs_url=None,
        openapi_url=None,
        throttle=[TokenThrottle(), AnonThrottle()],
        servers=[{"url": "/", "description": "this portal"}],
    )
    errors_install(api)
    for prefix, router in routers:
        api.add_router(prefix, router)
    return api
