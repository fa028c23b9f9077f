"""Reviewing in the admin.

Reviewers see only their own assignments and reviews (querysets are
restricted, other ids give 404) and score on the review page; managers see
everything, assign by hand or automatically, watch progress and reopen.
"""

import rules
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from portal.money import format_money
from programs import selectors
from programs.admin.base import ServiceAddAdminMixin
from programs.forms_reviewing import (
    AssignmentAddForm,
    ConflictAdminForm,
    ConflictForm,
    ReviewForm,
)
from programs.models import (
    Assignment,
    AssignmentStatus,
    ConflictOfInterest,
    Review,
    ReviewStatus,
    Score,
)
from programs.rules import MANAGE_PROGRAMS, REVIEW_APPLICATIONS
from programs.services import reviewing as services


def reviewer_queue_panel(request):
    """The reviewer's queue on the admin home page."""
    if not rules.has_perm(REVIEW_APPLICATIONS, request.user):
        return None
    return "admin/programs/reviewer_queue.html", {
        "queue": selectors.reviewer_queue(user=request.user),
        "now": timezone.now(),
    }


admin.site.add_index_panel(reviewer_queue_panel)


class ReviewerScopedAdmin(ServiceAddAdminMixin, admin.ModelAdmin):
    """Managers see every row; reviewers only their own; anyone else nothing."""

    reviewer_path = "reviewer"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.has_perm(MANAGE_PROGRAMS):
            return queryset
        if rules.has_perm(REVIEW_APPLICATIONS, request.user):
            return queryset.filter(**{self.reviewer_path: request.user})
        return queryset.none()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Out of this user's scope is "not found", not Django's redirect.
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        # The history names the staff who acted: the managers' page alone,
        # refused alike whether the id exists or not.
        if not request.user.has_perm(MANAGE_PROGRAMS):
            raise PermissionDenied
        return super().history_view(request, object_id, extra_context)

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        if not request.user.has_perm(MANAGE_PROGRAMS):
            filters = [f for f in filters if f != self.reviewer_path]
        return filters


@admin.register(Assignment)
class AssignmentAdmin(ReviewerScopedAdmin):
    list_display = [
        "startup_name",
        "program",
        "reviewer",
        "status",
        "review_state",
        "deadline",
        "review_link",
    ]
    list_filter = ["program", "status", "review__status", "review__recommendation", "reviewer"]
    search_fields = ["application__startup__name", "reviewer__email", "reviewer__full_name"]
    list_select_related = ["program", "application__startup", "reviewer", "review"]
    show_full_result_count = False
    form = AssignmentAddForm
    change_fields = [
        "program",
        "application",
        "reviewer",
        "status",
        "assigned_at",
        "assigned_by",
        "automatic",
        "released_at",
        "release_reason",
        "conflict",
    ]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not request.user.has_perm(MANAGE_PROGRAMS):
            columns.remove("reviewer")
        return columns

    def get_search_fields(self, request):
        if request.user.has_perm(MANAGE_PROGRAMS):
            return self.search_fields
        return ["application__startup__name"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if not request.user.has_perm(MANAGE_PROGRAMS):
            queryset = queryset.filter(status=AssignmentStatus.ACTIVE)
        return queryset

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form has checked the pair; the service checks again, locked.
        obj.pk = services.assignment_create(
            application=form.cleaned_data["application"],
            reviewer=form.cleaned_data["reviewer"],
            actor=request.user,
        ).pk

    @admin.display(description=_("startup"), ordering="application__startup__name")
    def startup_name(self, obj):
        return obj.application.startup.name

    @admin.display(description=_("review"))
    def review_state(self, obj):
        review = getattr(obj, "review", None)
        return review.get_status_display() if review else _("Not started")

    @admin.display(description=_("deadline"), ordering="program__review_deadline")
    def deadline(self, obj):
        deadline = obj.program.review_deadline
        if deadline is None:
            return "—"
        review = getattr(obj, "review", None)
        late = deadline < timezone.now() and (
            review is None or review.status != ReviewStatus.SUBMITTED
        )
        text = timezone.localtime(deadline).strftime("%Y-%m-%d %H:%M")
        if late:
            return format_html('<strong style="color:#ba2121">{} · {}</strong>', text, _("overdue"))
        return text

    @admin.display(description="")
    def review_link(self, obj):
        if obj.status != AssignmentStatus.ACTIVE:
            return ""
        return format_html(
            '<a class="button" style="text-decoration:none" href="{}">{}</a>',
            obj.get_review_url(),
            _("Open"),
        )

    def get_urls(self):
        return [
            path(
                "<int:pk>/review/",
                self.admin_site.admin_view(self.review_view),
                name="programs_assignment_review",
            ),
            path(
                "<int:pk>/conflict/",
                self.admin_site.admin_view(self.conflict_view),
                name="programs_assignment_conflict",
            ),
        ] + super().get_urls()

    def _assignment_for(self, request, pk):
        """The assignment if this user may open it; 404 otherwise (never 'exists')."""
        queryset = Assignment.objects.select_related(
            "program", "application__startup", "reviewer"
        ).filter(pk=pk)
        if request.user.has_perm(MANAGE_PROGRAMS):
            return get_object_or_404(queryset)
        if rules.has_perm(REVIEW_APPLICATIONS, request.user):
            return get_object_or_404(
                queryset, reviewer=request.user, status=AssignmentStatus.ACTIVE
            )
        raise Http404

    def review_view(self, request, pk):
        assignment = self._assignment_for(request, pk)
        is_own = assignment.reviewer_id == request.user.pk
        review = Review.objects.filter(assignment=assignment).first()
        criteria = list(assignment.program.criteria.all())
        locked = not is_own or (review is not None and review.status == ReviewStatus.SUBMITTED)
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
        own_submitted = review is not None and review.status == ReviewStatus.SUBMITTED
        show_others = (
            request.user.has_perm(MANAGE_PROGRAMS)
            or own_submitted
            or assignment.program.reviewers_see_others_before_submit
        )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Review: %(startup)s") % {"startup": assignment.application.startup.name},
            "opts": self.model._meta,
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
            "score_rows": [(c, _scores(review).get(c.pk)) for c in criteria],
        }
        return TemplateResponse(request, "admin/programs/assignment/review.html", context)

    def conflict_view(self, request, pk):
        assignment = self._assignment_for(request, pk)
        if request.method != "POST" or assignment.reviewer_id != request.user.pk:
            raise Http404
        form = ConflictForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Say briefly why you have a conflict of interest."))
            return redirect(assignment.get_review_url())
        try:
            replacement = services.conflict_declare(
                assignment=assignment, reviewer=request.user, reason=form.cleaned_data["reason"]
            )
        except DomainError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(assignment.get_review_url())
        messages.success(
            request,
            _("Thank you: the conflict is recorded and another reviewer has the application.")
            if replacement
            else _(
                "Thank you: the conflict is recorded. The managers will assign another reviewer."
            ),
        )
        return redirect("admin:index")


def _initial(review):
    if review is None:
        return {}
    initial = {"recommendation": review.recommendation, "note": review.note_for_managers}
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
    reviews = (
        Review.objects.filter(
            assignment__application=assignment.application,
            assignment__status=AssignmentStatus.ACTIVE,
            status=ReviewStatus.SUBMITTED,
        )
        .exclude(assignment=assignment)
        .select_related("assignment__reviewer")
        .prefetch_related(Prefetch("scores", queryset=Score.objects.select_related("criterion")))
        .order_by("submitted_at", "id")
    )
    return [
        {"label": _("Reviewer %(n)d") % {"n": n}, "review": review}
        for n, review in enumerate(reviews, start=1)
    ]


@admin.register(Review)
class ReviewAdmin(ReviewerScopedAdmin):
    reviewer_path = "assignment__reviewer"
    list_display = [
        "startup_name",
        "program_name",
        "reviewer_name",
        "status",
        "total",
        "recommendation",
        "submitted_at",
        "reopened_count",
    ]
    list_filter = ["assignment__program", "status", "recommendation", "assignment__reviewer"]
    search_fields = ["assignment__application__startup__name"]
    list_select_related = [
        "assignment__program",
        "assignment__application__startup",
        "assignment__reviewer",
    ]
    show_full_result_count = False
    actions = ["reopen"]

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        if not request.user.has_perm(MANAGE_PROGRAMS):
            columns.remove("reviewer_name")
        return columns

    def get_actions(self, request, action_location=ActionLocation.CHANGE_LIST):
        actions = super().get_actions(request, action_location)
        if not request.user.has_perm(MANAGE_PROGRAMS):
            actions.pop("reopen", None)
        return actions

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        review = get_object_or_404(self.get_queryset(request), pk=object_id)
        return redirect(review.assignment.get_review_url())

    @admin.display(description=_("startup"), ordering="assignment__application__startup__name")
    def startup_name(self, obj):
        return obj.assignment.application.startup.name

    @admin.display(description=_("program"), ordering="assignment__program__name")
    def program_name(self, obj):
        return obj.assignment.program.name

    @admin.display(description=_("reviewer"), ordering="assignment__reviewer__email")
    def reviewer_name(self, obj):
        return obj.assignment.reviewer

    @admin.action(description=_("Reopen the selected reviews for their reviewers"))
    def reopen(self, request, queryset):
        done = 0
        for review in queryset.filter(status=ReviewStatus.SUBMITTED):
            try:
                services.review_reopen(review=review, actor=request.user)
            except DomainError as error:
                messages.error(request, " ".join(error.messages))
            else:
                done += 1
        messages.success(request, _("Reviews reopened: %(n)d.") % {"n": done})


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(ReviewerScopedAdmin):
    list_display = ["startup", "reviewer", "reason", "declared_at"]
    list_filter = ["reviewer"]
    search_fields = ["startup__name"]
    list_select_related = ["startup", "reviewer"]
    form = ConflictAdminForm
    change_fields = ["startup", "reviewer", "reason", "declared_at"]

    def has_add_permission(self, request):
        return rules.has_perm(REVIEW_APPLICATIONS, request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = services.conflict_declare_in_advance(
            reviewer=request.user,
            startup=form.cleaned_data["startup"],
            reason=form.cleaned_data["reason"],
        ).pk


def program_progress_view(model_admin, request, pk):
    """Per reviewer and per application: how far the reviewing has come."""
    from django.core.paginator import Paginator

    from startups.models import Program

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
    reviewers = selectors.review_progress_by_reviewer(program=program)
    if request.GET.get("reviewers") == "overdue":
        reviewers = reviewers.filter(overdue__gt=0)
    applications = selectors.review_progress_by_application(program=program)
    required = program.reviews_per_application
    if request.GET.get("applications") == "incomplete":
        applications = applications.filter(reviews_submitted__lt=required)
    elif request.GET.get("applications") == "unassigned":
        applications = applications.filter(reviewers__lt=required)
    page = Paginator(applications, 50).get_page(request.GET.get("page"))
    totals = program.assignments.filter(status=AssignmentStatus.ACTIVE).aggregate(
        assigned=Count("id"), submitted=Count("id", filter=Q(review__status=ReviewStatus.SUBMITTED))
    )
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Review progress: %(program)s") % {"program": program.name},
        "opts": model_admin.model._meta,
        "program": program,
        "reviewers": reviewers,
        "page": page,
        "required": required,
        "totals": totals,
        "filters": request.GET,
        "assignment_list_url": reverse("admin:programs_assignment_changelist")
        + f"?program__id__exact={program.pk}",
    }
    return TemplateResponse(request, "admin/programs/program/progress.html", context)
