"""Requests per token (API_THROTTLE_RATE) and per address without one (API_ANON_THROTTLE_RATE).

Counted in the shared cache (Redis in production), so every web process
counts the same requests. The rates are read on each request, e.g.
"600/min" or "10000/day".
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class _Throttle(SimpleRateThrottle):
    setting = ""
    default = ""

    def __init__(self) -> None:
        super().__init__(rate=self.default)

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting, self.default)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)


class TokenThrottle(_Throttle):
    scope = "api_token"
    setting = "API_THROTTLE_RATE"
    default = "600/min"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        token = getattr(request, "api_token", None)
        if token is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": token.pk}


class AnonThrottle(_Throttle):
    scope = "api_anon"
    setting = "API_ANON_THROTTLE_RATE"
    default = "120/min"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        if getattr(request, "api_token", None) is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
