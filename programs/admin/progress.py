"""The review progress page of one program, for managers.

Per reviewer and per application, with the totals: the figures come
from `programs.selectors` (counted in SQL); the page sends the overdue
reminders through the reviewing service.
"""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from programs import selectors
from programs.rules import MANAGE_PROGRAMS
from programs.services import reviewing as services
from startups.models import Program


def program_progress_view(model_admin, request, pk):
    """Per reviewer and per application: how far the reviewing has come."""
    if not request.user.has_perm(MANAGE_PROGRAMS):
        raise Http404
    program = get_object_or_404(Program, pk=pk)
    if request.method == "POST" and "remind" in request.POST:
        try:
            sent = services.reviewers_remind_overdue(program=program, actor=request.user)
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Reminders sent: %(n)d.") % {"n": sent})
        return redirect(request.get_full_path())
    reviewers = selectors.review_progress_by_reviewer(
        program=program, overdue_only=request.GET.get("reviewers") == "overdue"
    )
    applications = selectors.review_progress_by_application(
        program=program, show=request.GET.get("applications", "")
    )
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Review progress: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "reviewers": reviewers,
        "page": page,
        "required": program.reviews_per_application,
        "totals": selectors.review_progress_totals(program=program),
        "filters": request.GET,
        "assignment_list_url": reverse("admin:programs_assignment_changelist")
        + f"?program__id__exact={program.pk}",
    }
    return TemplateResponse(request, "admin/programs/program/progress.html", context)
