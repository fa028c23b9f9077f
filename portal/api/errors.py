"""One shape for every API error, its message in the reader's language.

    {"error": {"code": "not_found", "message": "…", "fields": {"amount": ["…"]}}}

| status | code | when |
|---|---|---|
| 400 | bad_request | the request cannot be read (e.g. not JSON) |
| 401 | not_authenticated | no token, or a token unknown, expired or revoked |
| 403 | forbidden | the token lacks the scope, or the user the permission |
| 404 | not_found | nothing there, nothing this token may know exists, or no such route |
| 405 | method_not_allowed | the route exists, not with this method (see the Allow header) |
| 409 | refused | a service refused the action (its reason is the message) |
| 409 | busy | the ledger feed could not be read now; try again |
| 422 | invalid | a field is missing or malformed (see `fields`) |
| 429 | throttled | too many requests for this token (see Retry-After) |
| 500 | server_error | the portal failed; the request's X-Request-ID finds it in the logs |

405, unknown routes and 500 happen outside any operation, so the operations
document 400/401/403/404/409/422/429 only; `portal.api.site.PortalApi` turns
ninja's and Django's own answers into this shape.
"""

import logging
import sys
from typing import Any

from django.conf import settings
from django.core.signals import got_request_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from portal.exceptions import DomainError, NotAllowed


class ErrorBody(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class ErrorOut(Schema):
    error: ErrorBody


ERROR_STATUSES = (400, 401, 403, 404, 409, 422, 429)
# Every operation documents every error it may answer (the contract tests check it).
ERRORS: dict[int, Any] = dict.fromkeys(ERROR_STATUSES, ErrorOut)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields=None) -> None:
        self.status, self.code, self.message = status, code, message
        self.fields = fields or {}
        super().__init__(message)


def not_found() -> ApiError:
    return ApiError(404, "not_found", _("Not found."))


def error_response(
    api: NinjaAPI, request: HttpRequest, status: int, code: str, message: str, fields=None
) -> HttpResponse:
    body = {"error": {"code": code, "message": str(message), "fields": fields or {}}}
    response = api.create_response(request, body, status=status)
    response["Cache-Control"] = "no-store"
    if status == 401:
        response["WWW-Authenticate"] = "Bearer"
    return response


def method_not_allowed(api: NinjaAPI, request: HttpRequest, allowed: str) -> HttpResponse:
    allowed = ", ".join(sorted(m.strip() for m in allowed.split(",") if m.strip()))
    response = error_response(
        api,
        request,
        405,
        "method_not_allowed",
        _("This route does not answer %(method)s; it answers %(allowed)s.")
        % {"method": request.method, "allowed": allowed},
    )
    response["Allow"] = allowed
    return response


def route_unknown(api: NinjaAPI, request: HttpRequest) -> HttpResponse:
    return error_response(
        api, request, 404, "not_found", _("There is no such route in the API; see /api/docs/.")
    )


def _server_error(api: NinjaAPI, request: HttpRequest, exc: Exception) -> HttpResponse:
    """Logged and signalled as Django does for a view's exception (error mails, the test
    client re-raising it), then answered in the API's shape instead of an HTML page."""
    if settings.DEBUG:
        raise exc
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", request.path, exc_info=sys.exc_info()
    )
    got_request_exception.send(sender=None, request=request)
    return error_response(
        api,
        request,
        500,
        "server_error",
        _("Something went wrong on our side; the request's X-Request-ID helps us find it."),
    )


def _field_message(error: dict) -> str:
    if error.get("type") == "missing":
        return _("This field is required.")
    return _("This value is not valid.")


def _validation_fields(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        # ("body", "payload", "amount") -> "amount"; the source is not the client's concern.
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path")]
        name = ".".join(loc[1:] if len(loc) > 1 and loc[0] == "payload" else loc) or "request"
        fields.setdefault(name, []).append(_field_message(error))
    return fields


def errors_install(api: NinjaAPI) -> None:
    def handle(exc_type, builder):
        api.add_exception_handler(exc_type, lambda request, exc: builder(request, exc))

    handle(
        ApiError,
        lambda r, e: error_response(api, r, e.status, e.code, e.message, e.fields),
    )
    handle(
        ValidationError,
        lambda r, e: error_response(
            api,
            r,
            422,
            "invalid",
            _("Some fields are missing or not valid."),
            _validation_fields(e.errors),
        ),
    )
    handle(Http404, lambda r, e: error_response(api, r, 404, "not_found", _("Not found.")))
    handle(
        NotAllowed,
        lambda r, e: error_response(api, r, 403, "forbidden", " ".join(e.messages)),
    )
    handle(
        DomainError,
        lambda r, e: error_response(api, r, 409, "refused", " ".join(e.messages)),
    )

    def http_error(request, exc: HttpError):
        if isinstance(exc, Throttled):
            return error_response(
                api, request, 429, "throttled", _("Too many requests: try again later.")
            )
        if isinstance(exc, AuthenticationError) or exc.status_code == 401:
            return error_response(
                api,
                request,
                401,
                "not_authenticated",
                _("Give a valid API token: Authorization: Bearer <token>."),
            )
        if exc.status_code == 403:
            return error_response(api, request, 403, "forbidden", _("This token may not do this."))
        if exc.status_code == 404:
            return error_response(api, request, 404, "not_found", _("Not found."))
        return error_response(api, request, 400, "bad_request", _("The request could not be read."))

    api.add_exception_handler(HttpError, http_error)
    handle(Exception, lambda r, e: _server_error(api, r, e))
