from django.conf import settings


def portal(request) -> dict:
    return {
        "PORTAL_NAME": settings.PORTAL_NAME,
        "LANGUAGE_CHOICES": [
            (code, settings.LANGUAGE_SELF_NAMES.get(code, code)) for code, _ in settings.LANGUAGES
        ],
    }
