from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_cache_control

from portal.languages import language_cookie_set, language_from_cookie


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over cookie and browser.

    Anonymous visitors keep Django's choice (language cookie, then the
    browser's Accept-Language); the switcher updates both the cookie and,
    for a signed-in user, the stored preference. The cookie follows a
    signed-in user's preference (changed on another device, say), so the
    pages after logout and the next login keep it (portal.languages).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = dict(settings.LANGUAGES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        lang = None
        if user is not None and user.is_authenticated:
            lang = user.preferred_language
            if lang in self.known and lang != request.LANGUAGE_CODE:
                translation.activate(lang)
                request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        if (
            lang in self.known
            and request.user.is_authenticated
            and request.user.preferred_language == lang
            and language_from_cookie(request) != lang
            and settings.LANGUAGE_COOKIE_NAME not in response.cookies
        ):
            language_cookie_set(response, lang)
        return response


class NoStoreForSignedInMiddleware:
    """Nothing a signed-in user is shown may be kept by a browser or a proxy cache.

    Founders' pages show applications and money; the admin shows scores,
    decisions and payments. Every response to a signed-in user says
    `Cache-Control: private, no-store` (added to what the view set, e.g. the
    admin's never_cache), so the back button on a shared computer or a
    caching proxy does not replay them. Anonymous pages keep their caching.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
