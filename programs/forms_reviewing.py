"""Forms of the reviewing pages in the admin."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_multiline
from programs.models import Assignment, ConflictOfInterest, Recommendation
from programs.roles import REVIEWERS
from programs.services.reviewing import REVIEWABLE, conflict_reason_for
from startups.models import Application, Startup


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
