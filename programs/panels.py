"""The funding and feedback panels on a team's application page (registered in apps.py)."""

from django.http import HttpRequest
from django.template.loader import render_to_string

from programs.feedback import application_feedback
from programs.models import Award
from startups.enums import ApplicationStatus
from startups.models import Application

# Withdrawn too: a team that withdrew after its award still sees what was paid.
AWARDED = {
    ApplicationStatus.SELECTED,
    ApplicationStatus.FUNDED,
    ApplicationStatus.COMPLETED,
    ApplicationStatus.WITHDRAWN,
}


def funding_panel(application: Application, request: HttpRequest) -> str:
    """The award, its tranche schedule with each milestone's report, the payments."""
    if application.status not in AWARDED:
        return ""  # awards exist only once selected; spare the query on every other page
    award = (
        Award.objects.filter(application=application)
        .prefetch_related("tranches__report", "disbursements")
        .first()
    )
    if award is None:
        return ""
    tranches = sorted(award.tranches.all(), key=lambda t: t.sequence)
    payments = sorted(award.disbursements.all(), key=lambda p: (p.paid_on, p.pk))
    return render_to_string(
        "programs/funding_panel.html",
        {
            "award": award,
            "tranches": tranches,
            "payments": payments,
            "next_tranche": next((t for t in tranches if t.paid < t.amount), None),
        },
        request=request,
    )


def feedback_panel(application: Application, request: HttpRequest) -> str:
    """The reviewers' comments (and scores, if the program shares them), unsigned."""
    feedback = application_feedback(application)
    if not feedback:
        return ""
    return render_to_string(
        "programs/feedback_panel.html",
        {"feedback": feedback, "program": application.program},
        request=request,
    )
