from django import forms
from django.utils.translation import gettext_lazy as _

from startups.enums import Country, Sector
from startups.models import Program


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
            "status",
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
