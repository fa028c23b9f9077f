"""Which language a person reads the portal in, and when their stored preference changes.

The rules (issue: languages follow the person):

- A choice made on a page (the switcher posts to `set_language`) wins: it
  sets the language cookie and, for a signed-in user, `preferred_language`,
  which e-mails are written in from then on.
- At login, a choice made before it (the language cookie the switcher set)
  wins and is saved as the preference; without one, the stored preference
  applies. Either way the language is active before allauth writes its
  "signed in" message, so the message and the next page agree, and the
  cookie is set to it so that the pages after logout stay in it.
- While signed in, the stored preference decides each page
  (`portal.middleware.UserLanguageMiddleware`), and the cookie follows it.
"""

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.utils import translation

from portal.models import User


def language_known(code: str | None) -> str | None:
    """`code` if it is one of the portal's languages, else None."""
    return code if code in dict(settings.LANGUAGES) else None


def language_from_cookie(request: HttpRequest) -> str | None:
    """The language chosen with the switcher in this browser, if any."""
    return language_known(request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME))


def user_language_update(*, user: User, language: str) -> bool:
    """Store `language` as the user's preference; True if it changed."""
    if language_known(language) is None or user.preferred_language == language:
        return False
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])
    return True


def language_at_login(*, request: HttpRequest, user: User) -> str:
    """The language the signed-in pages use from now on, stored as the preference.

    Activates it for the rest of this request (the login message is written
    in it).
    """
    chosen = language_from_cookie(request)
    if chosen is not None:
        user_language_update(user=user, language=chosen)
        language = chosen
    else:
        language = language_known(user.preferred_language) or settings.LANGUAGE_CODE
    translation.activate(language)
    request.LANGUAGE_CODE = language
    return language


def language_cookie_set(response: HttpResponseBase, language: str) -> None:
    """Set the language cookie the way Django's `set_language` does."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
