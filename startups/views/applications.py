"""Applications: start, edit a draft, submit, withdraw, follow, download the deck."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.exceptions import DomainError
from startups import selectors, services
from startups.downloads import pitch_deck_response
from startups.forms import ApplicationForm, ChooseStartupForm, PublicationForm, WithdrawForm
from startups.models import Application, Program
from startups.panels import application_panels_render
from startups.publication import CHANGE_PUBLICATION, application_set_publication


@login_required
def apply(request, slug: str):
    program = get_object_or_404(Program.objects.public(), slug=slug)
    startups = selectors.startup_list_for_user(user=request.user)
    if not startups:
        messages.info(request, _("First describe your startup; then you can apply."))
        return redirect(f"{reverse('startups:startup_create')}?next={request.path}")
    form = ChooseStartupForm(request.POST or None, user=request.user)
    if len(startups) == 1 and request.method == "GET":
        form = ChooseStartupForm({"startup": startups[0].pk}, user=request.user)
    if (request.method == "POST" or len(startups) == 1) and form.is_valid():
        try:
            application, created = services.application_start(
                startup=form.cleaned_data["startup"], program=program, actor=request.user
            )
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(program.get_absolute_url())
        if not created:
            messages.info(request, _("Your startup already has an application to this program."))
        if application.is_editable:
            return redirect("startups:application_edit", pk=application.pk)
        return redirect(application.get_absolute_url())
    return render(request, "startups/apply_choose.html", {"program": program, "form": form})


@login_required
def application_detail(request, pk: int):
    application = selectors.application_get_for_member(user=request.user, pk=pk)
    context = {
        "application": application,
        "panels": application_panels_render(application=application, request=request),
        "program": application.program,
        "missing": services.application_missing_sections(application)
        if application.is_editable
        else [],
        "withdraw_form": WithdrawForm(),
        "can_withdraw": request.user.has_perm("startups.withdraw_application", application),
        # A draft changes its consent in the form with its answers.
        "publication_form": PublicationForm(instance=application)
        if not application.is_editable and request.user.has_perm(CHANGE_PUBLICATION, application)
        else None,
    }
    return render(request, "startups/application_detail.html", context)


@login_required
def application_edit(request, pk: int):
    application = selectors.application_get_for_member(user=request.user, pk=pk)
    if not application.is_editable:
        messages.info(request, _("This application has been submitted; its answers are read-only."))
        return redirect(application.get_absolute_url())
    form = ApplicationForm(request.POST or None, request.FILES or None, instance=application)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.application_save_draft(
                application=application,
                actor=request.user,
                data=form.cleaned_data,
                expected_version=form.cleaned_data["version"],
                pitch_deck=form.cleaned_data.get("pitch_deck_upload"),
            )
        except DomainError as error:
            for text in error.messages:
                messages.error(request, text)
            if isinstance(error, services.NotEditable):
                return redirect(application.get_absolute_url())
        else:
            if "submit" in request.POST:
                return _submit(request, application)
            messages.success(request, _("Draft saved."))
            return redirect("startups:application_edit", pk=application.pk)
    missing = services.application_missing_sections(application)
    return render(
        request,
        "startups/application_form.html",
        {
            "application": application,
            "program": application.program,
            "form": form,
            "missing": missing,
            "missing_fields": {m.field for m in missing},
            "problems": application.program.eligibility_problems(
                startup=application.startup, requested_amount=application.requested_amount
            ),
        },
    )


def _submit(request, application):
    try:
        services.application_submit(application=application, actor=request.user)
    except DomainError as error:
        messages.error(request, _("The application was not submitted:"))
        for text in error.messages:
            messages.error(request, text)
        if application.is_editable:
            return redirect("startups:application_edit", pk=application.pk)
        return redirect(application.get_absolute_url())
    messages.success(
        request, _("Your application is submitted. You will get an e-mail at each step.")
    )
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_submit(request, pk: int):
    application = selectors.application_get_for_member(user=request.user, pk=pk)
    return _submit(request, application)


@login_required
@require_POST
def application_withdraw(request, pk: int):
    application = selectors.application_get_for_member(user=request.user, pk=pk)
    form = WithdrawForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        services.application_withdraw(application=application, actor=request.user, note=note)
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your application is withdrawn."))
    return redirect(application.get_absolute_url())


@login_required
@require_POST
def application_publication(request, pk: int):
    """The team changes its consent to the public results page, until the decision."""
    application = selectors.application_get_for_member(user=request.user, pk=pk)
    form = PublicationForm(request.POST, instance=Application(program=application.program))
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return redirect(application.get_absolute_url())
    try:
        application_set_publication(
            application=application,
            actor=request.user,
            consent=form.cleaned_data["publish_consent"],
            pitch=form.cleaned_data["one_line_pitch"],
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Your choice about publication is saved."))
    return redirect(application.get_absolute_url())


@login_required
def pitch_deck(request, pk: int):
    """Stream the deck to the team or to managers (reviewers: their admin page)."""
    application = Application.objects.select_related("startup").filter(pk=pk).first()
    if application is None or not request.user.has_perm(
        "startups.download_pitch_deck", application
    ):
        # Another founder must not learn that the application exists.
        raise Http404
    return pitch_deck_response(application)
