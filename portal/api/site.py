"""The NinjaAPI instance, built by the root URLconf with the apps' routers.

Versioned under /api/v1/; the OpenAPI 3 schema is served at /api/schema/
and the documentation page (swagger-ui, vendored) at /api/docs/ by
`portal.api.views`, not by ninja's own page (inline script, CDN).
"""

from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver, re_path
from ninja import NinjaAPI, Router

from portal.api.errors import errors_install, method_not_allowed, route_unknown
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
the message in the token user's language (or Accept-Language). So do a wrong
method (405 `method_not_allowed`, with an Allow header) and a route that does
not exist (404 `not_found`).
"""


class PortalApi(NinjaAPI):
    def create_response(self, request: HttpRequest, data, *args, **kwargs) -> HttpResponse:
        response = super().create_response(request, data, *args, **kwargs)
        # Whatever answers a request that carries credentials is kept by no cache.
        if getattr(request, "api_token", None) is not None or request.headers.get("Authorization"):
            response["Cache-Control"] = "private, no-store"
        return response

    def _get_urls(self) -> list[URLPattern | URLResolver]:
        """Ninja's routes, each answering a wrong method in the API's error shape, then
        one that answers any other path under the API with a 404 in that shape (it
        keeps ninja's name for the root, which it also answers)."""
        urls = [_json_not_allowed(self, u) for u in super()._get_urls() if u.name != "api-root"]
        urls.append(re_path(r"^.*$", _unknown_view(self), name="api-root"))
        return urls


def _json_not_allowed(api: NinjaAPI, url: Any) -> Any:
    if not isinstance(url, URLPattern):
        return url
    view = url.callback

    @wraps(view)  # keeps csrf_exempt: tokens, not cookies, authenticate the API
    def answer(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            return method_not_allowed(api, request, response["Allow"])
        return response

    url.callback = answer
    return url


def _unknown_view(api: NinjaAPI) -> Callable[..., HttpResponse]:
    def unknown(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return route_unknown(api, request)

    unknown.csrf_exempt = True  # type: ignore[attr-defined]
    return unknown


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
