"""Pages around the API: the OpenAPI schema, its documentation page, and the
user's own tokens (/accounts/api-tokens/)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.api.forms import ApiTokenForm
from portal.api.scopes import scopes_allowed
from portal.api.tokens import api_token_create, api_token_revoke, api_tokens_of
from portal.exceptions import DomainError
from portal.models import ApiToken


def schema_view(api):
    @require_GET
    def schema(request: HttpRequest) -> HttpResponse:
        return JsonResponse(api.get_openapi_schema(), json_dumps_params={"ensure_ascii": False})

    return schema


@require_GET
def docs(request: HttpRequest) -> HttpResponse:
    return render(request, "api/docs.html")


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's tokens; a new one's secret is shown on this answer only."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
                actor=request.user,
            )
        except DomainError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            form = ApiTokenForm(user=request.user)
            messages.success(
                request, _("Token “%(name)s” created. Copy it now.") % {"name": token.name}
            )
    needs_mfa = request.user.is_staff and not scopes_allowed(request.user)
    status = 400 if request.method == "POST" and secret is None else 200
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": api_tokens_of(user=request.user),
            "needs_mfa": needs_mfa,
        },
        status=status,
    )


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    api_token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")
