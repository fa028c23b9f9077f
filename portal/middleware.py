from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """A signed-in user's preferred language wins over cookie and browser.

    Anonymous visitors keep Django's choice (language cookie, then the
    browser's Accept-Language); the switcher updates both the cookie and,
    for a signed-in user, the stored preference.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.known = dict(settings.LANGUAGES)

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            lang = user.preferred_language
            if lang in self.known and lang != request.LANGUAGE_CODE:
                translation.activate(lang)
                request.LANGUAGE_CODE = lang
        return self.get_response(request)
