"""The portal's URLs plus the floor every page is compared with: a bare view.

The bare view goes through the same middleware (session, locale, CSRF,
authentication, security headers) and returns a few bytes without a
template or a query of its own.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def bare(request: HttpRequest) -> HttpResponse:
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare, name="bench_bare"), *portal_urlpatterns]
