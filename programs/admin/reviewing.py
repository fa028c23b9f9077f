"""Reviewing in the admin.

Reviewers see only their own assignments and reviews (querysets are
restricted, other ids give 404) and score on the review page
(`programs.admin.review_page`); managers see everything, assign by hand or
automatically, watch progress (`programs.admin.progress`) and reopen.
"""

import rules
from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.exceptions import DomainError
from programs.admin import review_page
from programs.admin.base import ServiceAddAdminMixin
from programs.admin.filters import QueueStateFilter, ReviewerListFilter
from programs.forms import AssignmentAddForm, ConflictAdminForm
from programs.models import (
    Assignment,
    AssignmentStatus,
    ConflictOfInterest,
    Review,
    ReviewStatus,
)
from programs.rules import MANAGE_PROGRAMS, REVIEW_APPLICATIONS
from programs.services import assignment as assigning
from programs.services import reviewing as services
from programs.start_page import QUEUE_ORDER, QueueState, queue_state


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
            filters = [f for f in filters if _filter_path(f) != self.reviewer_path]
        return filters


def _filter_path(list_filter) -> str | None:
    """The field path of a `list_filter` entry (a name or a (name, filter class) pair)."""
    if isinstance(list_filter, str):
        return list_filter
    if isinstance(list_filter, tuple):
        return list_filter[0]
    return None


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
    # A reviewer's list is their queue: to do, in progress, submitted (the
    # start page shows its head), filtered by their own programs.
    list_filter = [
        ("program", admin.RelatedOnlyFieldListFilter),
        QueueStateFilter,
        "status",
        "review__status",
        "review__recommendation",
        ("reviewer", ReviewerListFilter),
    ]
    list_per_page = 50
    search_fields = ["application__startup__name", "reviewer__email", "reviewer__full_name"]
    list_select_related = ["program", "application__startup", "reviewer", "review"]
    show_full_result_count = False
    form = AssignmentAddForm
    autocomplete_fields = ["application", "reviewer"]
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
        queryset = super().get_queryset(request).annotate(queue_state=queue_state())
        if not request.user.has_perm(MANAGE_PROGRAMS):
            queryset = queryset.filter(status=AssignmentStatus.ACTIVE)
        return queryset

    def get_ordering(self, request):
        if request.user.has_perm(MANAGE_PROGRAMS):
            return super().get_ordering(request)
        # The expression, not the annotation's name: ModelAdmin orders the
        # queryset before `get_queryset` here has annotated it.
        return [queue_state().asc(), *QUEUE_ORDER[1:]]

    def has_add_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # The form has checked the pair; the service checks again, locked.
        obj.pk = assigning.assignment_create(
            application=form.cleaned_data["application"],
            reviewer=form.cleaned_data["reviewer"],
            actor=request.user,
        ).pk

    @admin.display(description=_("startup"), ordering="application__startup__name")
    def startup_name(self, obj):
        return obj.application.startup.name

    @admin.display(description=_("review"), ordering="queue_state")
    def review_state(self, obj):
        return QueueState(obj.queue_state).label

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
                self._view(review_page.review_view),
                name="programs_assignment_review",
            ),
            path(
                "<int:pk>/pitch-deck/",
                self._view(review_page.pitch_deck_view),
                name="programs_assignment_pitch_deck",
            ),
            path(
                "<int:pk>/conflict/",
                self._view(review_page.conflict_view),
                name="programs_assignment_conflict",
            ),
        ] + super().get_urls()

    def _view(self, function):
        return self.admin_site.admin_view(lambda request, pk: function(self, request, pk))


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
    list_filter = [
        "assignment__program",
        "status",
        "recommendation",
        ("assignment__reviewer", ReviewerListFilter),
    ]
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
    list_filter = [("reviewer", ReviewerListFilter)]
    search_fields = ["startup__name"]
    list_select_related = ["startup", "reviewer"]
    form = ConflictAdminForm
    autocomplete_fields = ["startup"]
    change_fields = ["startup", "reviewer", "reason", "declared_at"]

    def has_add_permission(self, request):
        return rules.has_perm(REVIEW_APPLICATIONS, request.user)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = assigning.conflict_declare_in_advance(
            reviewer=request.user,
            startup=form.cleaned_data["startup"],
            reason=form.cleaned_data["reason"],
        ).pk
