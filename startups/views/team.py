"""Startup profiles and their teams."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from startups import selectors, services
from startups.forms import InvitationForm, StartupForm
from startups.models import Invitation


def _safe_next(request) -> str | None:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    return None


@login_required
def startup_create(request):
    form = StartupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        startup = services.startup_create(user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your startup profile is saved."))
        return redirect(_safe_next(request) or startup.get_absolute_url())
    return render(
        request,
        "startups/startup_form.html",
        {"form": form, "next": _safe_next(request), "creating": True},
    )


@login_required
def startup_detail(request, pk: int):
    startup = selectors.startup_get_for_user(user=request.user, pk=pk)
    is_owner = request.user.has_perm("startups.manage_team", startup)
    return render(
        request,
        "startups/startup_detail.html",
        {
            "startup": startup,
            "team": selectors.startup_team(startup=startup),
            "invitations": startup.invitations.filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            ).order_by("-created_at")
            if is_owner
            else [],
            "applications": selectors.application_list_for_startup(startup=startup),
            "is_owner": is_owner,
            "invite_form": InvitationForm(),
        },
    )


@login_required
def startup_edit(request, pk: int):
    startup = selectors.startup_get_for_user(user=request.user, pk=pk)
    form = StartupForm(request.POST or None, instance=startup)
    if request.method == "POST" and form.is_valid():
        services.startup_update(startup=startup, user=request.user, data=form.cleaned_data)
        messages.success(request, _("Your startup profile is saved."))
        return redirect(startup.get_absolute_url())
    return render(
        request, "startups/startup_form.html", {"form": form, "startup": startup, "creating": False}
    )


@login_required
@require_POST
def invitation_create(request, pk: int):
    startup = selectors.startup_get_for_user(user=request.user, pk=pk)
    form = InvitationForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("email", []):
            messages.error(request, error)
        return redirect(startup.get_absolute_url())
    try:
        invitation = services.invitation_create(
            startup=startup,
            email=form.cleaned_data["email"],
            actor=request.user,
            language=get_language(),
        )
    except DomainError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
    return redirect(startup.get_absolute_url())


@login_required
@require_POST
def invitation_revoke(request, pk: int, invitation_pk: int):
    startup = selectors.startup_get_for_user(user=request.user, pk=pk)
    invitation = get_object_or_404(startup.invitations, pk=invitation_pk)
    try:
        services.invitation_revoke(invitation=invitation, actor=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The invitation is cancelled."))
    return redirect(startup.get_absolute_url())


@login_required
@require_POST
def member_remove(request, pk: int, membership_pk: int):
    startup = selectors.startup_get_for_user(user=request.user, pk=pk)
    membership = get_object_or_404(startup.memberships.select_related("user"), pk=membership_pk)
    try:
        services.membership_remove(membership=membership, actor=request.user)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("%(name)s was removed from the team.") % {"name": membership.user.get_full_name()},
        )
    return redirect(startup.get_absolute_url())


@login_required
def invitation_accept(request, token: str):
    invitation = Invitation.objects.select_related("startup", "invited_by").filter(token=token)
    invitation = invitation.first()
    if request.method == "POST":
        try:
            membership = services.invitation_accept(token=token, user=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("startups:dashboard")
        messages.success(
            request,
            _("Welcome to the team of %(startup)s.") % {"startup": membership.startup.name},
        )
        return redirect(membership.startup.get_absolute_url())
    problem = services.invitation_problem(invitation=invitation, user=request.user)
    return render(
        request,
        "startups/invitation_accept.html",
        {"invitation": None if problem else invitation, "problem": problem},
    )
