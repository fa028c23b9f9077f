from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from portal.languages import user_language_update


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, remembered for a signed-in user as well."""
    response = django_set_language(request)
    if request.user.is_authenticated:
        user_language_update(user=request.user, language=request.POST.get("language", ""))
    return response


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """/favicon.ico, asked for by browsers and crawlers whatever a page links: the
    portal's icon (a temporary redirect: the static name carries a content hash)."""
    return HttpResponseRedirect(static("favicon.svg"))
