"""The review page and the conflict declaration, as admin views.

A reviewer scores their own active assignment here (a draft, then a locked
submission) or declares a conflict of interest; a manager reads any
review. Anyone else, or another reviewer's id, gets 404. The views read
through `programs.selectors` and write through the reviewing and
assignment services.
"""

import rules
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from programs import selectors
from programs.forms import ConflictForm, ReviewForm
from programs.models import Assignment, AssignmentStatus, Review
from programs.rules import (
    EDIT_REVIEW,
    MANAGE_PROGRAMS,
    REVIEW_APPLICATIONS,
    REVIEW_ASSIGNMENT,
    SEE_OTHER_REVIEWS,
)
from programs.services import assignment as assigning
from programs.services import reviewing as services
from startups.downloads import pitch_deck_response


def _assignment_for(request, pk) -> Assignment:
    """The assignment if this user may open it; 404 otherwise (never 'exists')."""
    queryset = Assignment.objects.select_related(
        "program", "application__startup", "reviewer"
    ).filter(pk=pk)
    if request.user.has_perm(MANAGE_PROGRAMS):
        return get_object_or_404(queryset)
    if rules.has_perm(REVIEW_APPLICATIONS, request.user):
        return get_object_or_404(queryset, reviewer=request.user, status=AssignmentStatus.ACTIVE)
    raise Http404


def review_view(model_admin, request, pk):
    assignment = _assignment_for(request, pk)
    # Ownership and the lock are the reviewer's own facts: asked of the rules
    # registry, so a superuser gets no shortcut into another's review.
    is_own = rules.has_perm(REVIEW_ASSIGNMENT, request.user, assignment)
    # The scores once, for the form's initial values and the score rows.
    review = Review.objects.filter(assignment=assignment).prefetch_related("scores").first()
    criteria = list(assignment.program.criteria.all())
    locked = not rules.has_perm(EDIT_REVIEW, request.user, assignment)
    if request.method == "POST":
        if not is_own:
            raise Http404  # a manager reads; nobody edits another's review
        if locked:
            raise PermissionDenied(_("This review is submitted and locked."))
        form = ReviewForm(request.POST, criteria=criteria)
        if form.is_valid():
            try:
                services.review_save(
                    assignment=assignment,
                    reviewer=request.user,
                    scores=form.scores(),
                    recommendation=form.cleaned_data["recommendation"],
                    note=form.cleaned_data["note"],
                    comment_for_team=form.cleaned_data["comment_for_team"],
                    submit="submit" in request.POST,
                )
            except DomainError as error:
                for text in error.messages:
                    messages.error(request, text)
            else:
                if "submit" in request.POST:
                    messages.success(request, _("Your review is submitted."))
                else:
                    messages.success(request, _("Draft saved."))
                return redirect(assignment.get_review_url())
    else:
        form = ReviewForm(initial=_initial(review), criteria=criteria)
    show_others = request.user.has_perm(SEE_OTHER_REVIEWS, assignment)
    scores = _scores(review)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Review: %(startup)s") % {"startup": assignment.application.startup.name},
        "opts": model_admin.model._meta,
        "assignment": assignment,
        "application": assignment.application,
        "startup": assignment.application.startup,
        "program": assignment.program,
        "requested": format_money(
            assignment.application.requested_amount, assignment.program.currency
        ),
        "review": review,
        "form": form,
        "locked": locked,
        "is_own": is_own,
        "others": _other_reviews(assignment) if show_others else None,
        "blind": not show_others,
        "conflict_form": ConflictForm(),
        "score_rows": [(c, scores.get(c.pk)) for c in criteria],
    }
    return TemplateResponse(request, "admin/programs/assignment/review.html", context)


def pitch_deck_view(model_admin, request, pk):
    """The deck of an application the reviewer is assigned to (or any, for managers)."""
    return pitch_deck_response(_assignment_for(request, pk).application)


def conflict_view(model_admin, request, pk):
    assignment = _assignment_for(request, pk)
    if request.method != "POST" or not rules.has_perm(REVIEW_ASSIGNMENT, request.user, assignment):
        raise Http404
    form = ConflictForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say briefly why you have a conflict of interest."))
        return redirect(assignment.get_review_url())
    try:
        replacement = assigning.conflict_declare(
            assignment=assignment, reviewer=request.user, reason=form.cleaned_data["reason"]
        )
    except DomainError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(assignment.get_review_url())
    messages.success(
        request,
        _("Thank you: the conflict is recorded and another reviewer has the application.")
        if replacement
        else _("Thank you: the conflict is recorded. The managers will assign another reviewer."),
    )
    return redirect("admin:index")


def _initial(review):
    if review is None:
        return {}
    initial = {
        "recommendation": review.recommendation,
        "note": review.note_for_managers,
        "comment_for_team": review.comment_for_team,
    }
    for score in review.scores.all():
        initial[f"score_{score.criterion_id}"] = str(score.value)
        initial[f"comment_{score.criterion_id}"] = score.comment
    return initial


def _scores(review):
    if review is None:
        return {}
    return {score.criterion_id: score for score in review.scores.all()}


def _other_reviews(assignment):
    """Other reviewers' submitted reviews, labelled by number, not by name."""
    reviews = selectors.reviews_submitted_by_others(assignment=assignment)
    return [
        {"label": _("Reviewer %(n)d") % {"n": n}, "review": review}
        for n, review in enumerate(reviews, start=1)
    ]
