from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from modeltranslation.fields import TranslationField

from portal.exceptions import DomainError
from portal.jobs import job_start
from portal.money import format_money
from programs.forms import ProgramAdminForm
from programs.jobs import ASSIGNMENT
from programs.milestones import reports_attention
from programs.models import ReportSection
from programs.rules import MANAGE_PROGRAMS
from programs.services.programs import program_change_status
from startups.enums import ProgramStatus
from startups.models import Criterion, Program
from startups.models.program import CONTENT_LANGUAGES


def _in_languages(field: str) -> tuple[str, ...]:
    """One row of the form: the field's column in each language, side by side."""
    return tuple(f"{field}_{code}" for code in CONTENT_LANGUAGES)


class LanguageLabelsMixin:
    """Each language's column labelled with its language ("name (Russian)")."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and isinstance(db_field, TranslationField):
            formfield.label = format_lazy(
                "{} ({})",
                capfirst(db_field.translated_field.verbose_name),
                dict(settings.LANGUAGES)[db_field.language],
            )
            if isinstance(formfield.widget, forms.Textarea):
                formfield.widget.attrs.update(rows=4, cols=30)
        return formfield


class ProgramTextsForm(ProgramAdminForm):
    """The program form with a name required in the program's main language."""

    def clean(self):
        data = super().clean()
        main = data.get("main_language") or self.instance.main_language
        column = f"name_{main}"
        if column in self.fields and not data.get(column):
            self.add_error(column, _("Give the name in the program's main language."))
        return data


class CriterionInline(LanguageLabelsMixin, admin.StackedInline):
    model = Criterion
    extra = 0
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("position", "weight", "scale_min", "scale_max"),
                    _in_languages("name"),
                    _in_languages("guidance"),
                ]
            },
        )
    ]


class ReportSectionInline(admin.TabularInline):
    """The sections every milestone report of the program answers."""

    model = ReportSection
    extra = 0
    fields = ["position", "title", "guidance"]
    verbose_name_plural = _("milestone report sections")


@admin.register(Program)
class ProgramAdmin(LanguageLabelsMixin, admin.ModelAdmin):
    form = ProgramTextsForm
    inlines = [CriterionInline, ReportSectionInline]
    list_display = [
        "name",
        "status",
        "opens_at",
        "closes_at",
        "selection_cap",
        "budget_display",
        "application_count",
        "progress_link",
    ]
    list_filter = ["status", "currency"]
    # Every language's column: a program is found by its name in any of them.
    search_fields = [*_in_languages("name"), "slug", "organiser"]
    prepopulated_fields = {"slug": [f"name_{settings.LANGUAGE_CODE}"]}
    date_hierarchy = "opens_at"
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "main_language",
                    _in_languages("name"),
                    "slug",
                    "organiser",
                    _in_languages("description"),
                    "status",
                ]
            },
        ),
        (
            _("Decision e-mails"),
            {
                "fields": [_in_languages("decision_message")],
                "description": _(
                    "A message for the top of the selected, waitlisted and not-selected "
                    "e-mails, in each language; a reader whose language is empty gets the "
                    "main language's."
                ),
            },
        ),
        (
            _("Money and places"),
            {"fields": ["currency", "total_budget", "max_amount_per_project", "selection_cap"]},
        ),
        (
            _("Dates"),
            {"fields": ["opens_at", "closes_at", "timezone", "review_deadline"]},
        ),
        (
            _("Eligibility"),
            {
                "fields": [
                    "eligible_countries",
                    "sectors",
                    "min_team_size",
                    "requires_legal_entity",
                ]
            },
        ),
        (
            _("Reviewing"),
            {
                "fields": [
                    "reviews_per_application",
                    "reviewers_see_others_before_submit",
                    "normalise_reviewers",
                    "disagreement_threshold",
                ]
            },
        ),
        (
            _("Feedback to teams"),
            {"fields": ["share_review_comments", "share_review_scores"]},
        ),
        (_("Funded projects"), {"fields": ["milestone_reports"]}),
    ]

    # The status is shown, never edited: it moves only through these actions,
    # which call the status service (table, lock, audit).
    actions = [
        "open_call",
        "start_reviewing",
        "mark_decided",
        "close_program",
        "assign_automatically",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_applications=Count("applications"))

    def get_readonly_fields(self, request, obj=None):
        # Awards are in the program's currency: it cannot change under them.
        if obj is not None and obj.awards.exists():
            return ["status", "currency", "milestone_reports"]
        return ["status", "milestone_reports"]

    def has_manage_permission(self, request):
        return request.user.has_perm(MANAGE_PROGRAMS)

    def _change_status(self, request, queryset, to):
        for program in queryset:
            try:
                program_change_status(program=program, to=to, actor=request.user)
            except DomainError as error:
                self.message_user(
                    request,
                    _("%(program)s: %(reason)s")
                    % {"program": program.name, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(program)s is now “%(status)s”.")
                    % {"program": program.name, "status": program.get_status_display()},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Open the call"), permissions=["manage"])
    def open_call(self, request, queryset):
        self._change_status(request, queryset, ProgramStatus.OPEN)

    @admin.action(description=_("Start reviewing"), permissions=["manage"])
    def start_reviewing(self, request, queryset):
        self._change_status(request, queryset, ProgramStatus.REVIEWING)

    @admin.action(description=_("Mark decided"), permissions=["manage"])
    def mark_decided(self, request, queryset):
        self._change_status(request, queryset, ProgramStatus.DECIDED)

    @admin.action(description=_("Close"), permissions=["manage"])
    def close_program(self, request, queryset):
        self._change_status(request, queryset, ProgramStatus.CLOSED)

    def get_urls(self):
        from programs.admin import jobs, second_opinion, selection, suggestion
        from programs.admin.progress import program_progress_view

        def view(function):
            return self.admin_site.admin_view(lambda request, pk: function(self, request, pk))

        return [
            path(
                "<int:pk>/progress/", view(program_progress_view), name="startups_program_progress"
            ),
            path("<int:pk>/board/", view(selection.board_view), name="startups_program_board"),
            path(
                "<int:pk>/suggest/", view(suggestion.suggest_view), name="startups_program_suggest"
            ),
            path(
                "<int:pk>/suggest/<int:job_id>/",
                self.admin_site.admin_view(
                    lambda request, pk, job_id: suggestion.suggest_result_view(
                        self, request, pk, job_id
                    )
                ),
                name="startups_program_suggest_result",
            ),
            path(
                "<int:pk>/second-opinion/",
                view(second_opinion.second_opinion_view),
                name="startups_program_second_opinion",
            ),
            path(
                "<int:pk>/finalise/",
                view(selection.finalise_view),
                name="startups_program_finalise",
            ),
            path(
                "<int:pk>/jobs/<int:job_id>/",
                self.admin_site.admin_view(
                    lambda request, pk, job_id: jobs.program_job_result_view(
                        self, request, pk, job_id
                    )
                ),
                name="startups_program_job_result",
            ),
        ] + super().get_urls()

    @admin.action(description=_("Assign reviewers automatically (fills gaps only)"))
    def assign_automatically(self, request, queryset):
        """A background job per program; one program: its progress page at once."""
        from programs.admin.jobs import job_start_or_back

        if not request.user.has_perm(MANAGE_PROGRAMS):
            raise PermissionDenied
        back = request.get_full_path()
        programs = list(queryset)
        if len(programs) == 1:
            return job_start_or_back(
                request, kind=ASSIGNMENT, target=programs[0].pk, params={}, back=back
            )
        for program in programs:
            try:
                job = job_start(kind=ASSIGNMENT, target=program.pk, actor=request.user, params={})
            except DomainError as error:
                self.message_user(
                    request,
                    _("%(program)s: %(reason)s")
                    % {"program": program.name, "reason": " ".join(error.messages)},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    format_html(
                        '{}: <a href="{}">{}</a>',
                        program.name,
                        reverse("admin:job_progress", args=[job.pk]),
                        _("assignment started"),
                    ),
                    messages.SUCCESS,
                )
        return None

    @admin.display(description=_("reviewing"))
    def progress_link(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:startups_program_progress", args=[obj.pk]),
            _("Progress"),
            reverse("admin:startups_program_board", args=[obj.pk]),
            _("Selection board"),
        )

    @admin.display(description=_("milestone reports"))
    def milestone_reports(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        return render_to_string(
            "admin/programs/milestonereport/_attention.html",
            {"attention": reports_attention(program=obj), "program": obj},
        )

    @admin.display(description=_("budget"), ordering="total_budget")
    def budget_display(self, obj):
        return format_money(obj.total_budget, obj.currency)

    @admin.display(description=_("applications"), ordering="_applications")
    def application_count(self, obj):
        return obj._applications
