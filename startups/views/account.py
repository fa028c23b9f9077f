"""A founder's own data: download it, or delete the account."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from portal.forms import AccountDeleteForm
from startups.account_data import account_delete, account_export


@login_required
def account_data(request):
    return render(
        request, "account/data.html", {"delete_form": AccountDeleteForm(user=request.user)}
    )


@login_required
def account_data_export(request):
    data = account_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    filename = f"my-data-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def account_data_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return render(request, "account/data.html", {"delete_form": form}, status=400)
    try:
        account_delete(user=request.user)
    except DomainError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("account_data")
    logout(request)
    messages.success(request, _("Your account is deleted. Thank you for using the portal."))
    return redirect("home")
