"""The programs app's forms, the admin's included: programs, the selection board, the suggestion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.ranking import RANKED_STATES
from programs.selectors import BOARD_SORTS
from startups.enums import Country, Region, Sector
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


# --- the selection board and the suggestion ---------------------------------


class BoardFilter(forms.Form):
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
