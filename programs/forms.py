"""The programs app's forms, the admin's included.

Programs, reviewing (scores, conflicts, assignment by hand), the selection
board and the suggestion, funding (awards, tranches, payments, reversals)
and the funding report's filters.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.admin_site import autocomplete_field
from portal.validators import validate_multiline, validate_single_line
from programs.board import BOARD_SORTS
from programs.models import (
    Assignment,
    Award,
    ConflictOfInterest,
    Recommendation,
)
from programs.optimiser import Objective
from programs.payment_forms import DisbursementAddForm  # noqa: F401  (its home before)
from programs.ranking import RANKED_STATES
from programs.reports import ReportScope
from programs.roles import REVIEWERS
from programs.services.assignment import REVIEWABLE
from programs.services.conflicts import conflict_reason_for
from startups.enums import ApplicationStatus, Country, Region, Sector
from startups.models import Application, Program, Startup


class ProgramAdminForm(forms.ModelForm):
    eligible_countries = forms.MultipleChoiceField(
        label=_("eligible countries"),
        choices=Country.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    sectors = forms.MultipleChoiceField(
        label=_("sectors"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty to accept every sector."),
    )

    class Meta:
        model = Program
        fields = [
            "name",
            "slug",
            "organiser",
            "description",
            "currency",
            "total_budget",
            "max_amount_per_project",
            "selection_cap",
            "opens_at",
            "closes_at",
            "timezone",
            "review_deadline",
            "eligible_countries",
            "sectors",
            "min_team_size",
            "requires_legal_entity",
            "reviews_per_application",
            "reviewers_see_others_before_submit",
            "normalise_reviewers",
            "disagreement_threshold",
            "share_review_comments",
            "share_review_scores",
        ]

    def clean_timezone(self):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        value = self.cleaned_data["timezone"]
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise forms.ValidationError(_("Unknown time zone: %(tz)s") % {"tz": value}) from exc
        return value

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The call must close after it opens."))
        budget, maximum = data.get("total_budget"), data.get("max_amount_per_project")
        if budget is not None and maximum is not None and maximum > budget:
            self.add_error(
                "max_amount_per_project",
                _("The maximum per project cannot exceed the total budget."),
            )
        if budget is not None and self.instance.pk and budget < self.instance.committed:
            self.add_error(
                "total_budget",
                _("The awards already made commit %(committed)s; the budget cannot be lower.")
                % {"committed": self.instance.committed},
            )
        deadline = data.get("review_deadline")
        if deadline and closes and deadline <= closes:
            self.add_error(
                "review_deadline", _("The review deadline must follow the call's close.")
            )
        return data


# --- the selection board and the suggestion ---------------------------------


class BoardFilter(forms.Form):
    q = forms.CharField(
        label=_("Startup, BIN or application no."),
        required=False,
        max_length=100,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"type": "search", "size": 24}),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All"))] + list(Sector.choices)
    )
    region = forms.ChoiceField(
        label=_("Region"), required=False, choices=[("", _("All"))] + list(Region.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All"))] + [(s.value, s.label) for s in RANKED_STATES],
    )
    flag = forms.ChoiceField(
        label=_("Flag"),
        required=False,
        choices=[
            ("", _("All")),
            ("not_enough", _("Not enough reviews")),
            ("disagreement", _("Reviewers disagree")),
            ("too_close", _("Too close to call at the cut-off")),
        ],
    )
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in BOARD_SORTS])
    normalised = forms.ChoiceField(required=False, choices=[("", ""), ("0", "0"), ("1", "1")])


class MinimumForm(forms.Form):
    field = forms.ChoiceField(
        label=_("At least"),
        required=False,
        choices=[("", "—"), ("region", _("Region")), ("sector", _("Sector"))],
    )
    value = forms.ChoiceField(
        label=_("Value"),
        required=False,
        choices=[("", "—"), (_("Region"), Region.choices), (_("Sector"), Sector.choices)],
    )
    count = forms.IntegerField(label=_("Projects"), required=False, min_value=1, max_value=1000)

    def clean(self):
        data = super().clean()
        field, value = data.get("field"), data.get("value")
        if field and value:
            known = Region.values if field == "region" else Sector.values
            if value not in known:
                raise forms.ValidationError(_("Choose a value of the chosen kind."))
            if not data.get("count"):
                raise forms.ValidationError(_("Say how many projects at least."))
        return data


MinimumFormSet = forms.formset_factory(MinimumForm, extra=3, max_num=10)


class SuggestionObjectiveForm(forms.Form):
    objective = forms.ChoiceField(
        label=_("Objective"),
        choices=Objective.choices,
        initial=Objective.RANK_ORDER,
        widget=forms.RadioSelect,
    )


class SecondOpinionForm(forms.Form):
    """How many more reviewers, and how close to the cut-off (in standard errors)."""

    reviewers = forms.IntegerField(label=_("More reviewers each"), min_value=1, max_value=5)
    band = forms.FloatField(label=_("Band (standard errors)"), min_value=0.1, max_value=5.0)


# --- reviewing ----------------------------------------------------------------


class ReviewForm(forms.Form):
    """One score and one comment per criterion, a recommendation and a note."""

    recommendation = forms.ChoiceField(
        label=_("Overall recommendation"),
        choices=list(Recommendation.choices),
        required=False,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note for the managers"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline],
    )
    comment_for_team = forms.CharField(
        label=_("Comment for the team"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_multiline],
        help_text=_("Written to the founders; never signed with your name."),
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.rows = []
        for criterion in self.criteria:
            choices = [("", "—")] + [
                (str(v), str(v)) for v in range(criterion.scale_min, criterion.scale_max + 1)
            ]
            score = forms.TypedChoiceField(
                label=criterion.name,
                choices=choices,
                coerce=int,
                empty_value=None,
                required=False,
            )
            comment = forms.CharField(
                label=_("Comment"),
                required=False,
                max_length=3000,
                widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
                validators=[validate_multiline],
            )
            self.fields[f"score_{criterion.pk}"] = score
            self.fields[f"comment_{criterion.pk}"] = comment
            self.rows.append(
                (criterion, self[f"score_{criterion.pk}"], self[f"comment_{criterion.pk}"])
            )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}"))
            for c in self.criteria
        }


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you have a conflict of interest?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline],
    )


class AssignmentAddForm(forms.ModelForm):
    """A manager assigns one reviewer to one submitted application."""

    class Meta:
        model = Assignment
        fields = ["application", "reviewer"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(
            status__in=REVIEWABLE
        ).select_related("startup", "program")
        self.fields["reviewer"].queryset = (
            get_user_model().objects.filter(groups__name=REVIEWERS, is_active=True).distinct()
        )

    def clean(self):
        data = super().clean()
        application, reviewer = data.get("application"), data.get("reviewer")
        if application and reviewer:
            if Assignment.objects.filter(application=application, reviewer=reviewer).exists():
                raise forms.ValidationError(
                    _("This reviewer was already assigned to this application.")
                )
            reason = conflict_reason_for(reviewer=reviewer, startup=application.startup)
            if reason:
                raise forms.ValidationError(
                    _("Conflict of interest: %(reason)s") % {"reason": reason}
                )
        return data


class ConflictAdminForm(forms.ModelForm):
    """A reviewer declares a conflict in advance with a startup."""

    class Meta:
        model = ConflictOfInterest
        fields = ["startup", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["startup"].queryset = Startup.objects.filter(
            applications__status__in=REVIEWABLE
        ).distinct()


# --- funding ------------------------------------------------------------------


class AwardAddForm(forms.ModelForm):
    class Meta:
        model = Award
        fields = ["application", "amount", "agreement_date", "over_request_reason"]
        widgets = {"over_request_reason": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = (
            Application.objects.filter(status=ApplicationStatus.SELECTED, award__isnull=True)
            .select_related("startup", "program")
            .order_by("program__name", "startup__name")
        )
        self.fields["agreement_date"].initial = timezone.localdate
        self.fields["over_request_reason"].required = False
        autocomplete_field(self, "application")


class ReverseForm(forms.Form):
    note = forms.CharField(
        label=_("Why is this payment reversed?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_multiline],
    )


# --- the funding report --------------------------------------------------------


class ReportFilterForm(forms.Form):
    program = forms.ModelChoiceField(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        required=False,
        empty_label=_("All programs"),
    )
    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data

    def scope(self) -> ReportScope:
        data = self.cleaned_data
        return ReportScope(
            program=data.get("program"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
