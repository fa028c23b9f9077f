"""Forms for milestone reports: the team's report, the manager's decision and due date."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.money import MONEY_DIGITS, MONEY_PLACES
from programs.milestones import report_section_guidance, report_sections
from programs.models import MilestoneReport
from startups.forms import PdfField

SECTION_PREFIX = "section_"


class MilestoneReportForm(forms.Form):
    """One text box per section the program defines, the period's figures, one more PDF."""

    revenue = forms.DecimalField(
        label=_("Revenue in the period"),
        required=False,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    users = forms.IntegerField(
        label=_("New users in the period"), required=False, min_value=0, max_value=2_000_000_000
    )
    jobs_created = forms.IntegerField(
        label=_("Jobs created in the period"), required=False, min_value=0, max_value=1_000_000
    )
    investment_raised = forms.DecimalField(
        label=_("Investment raised in the period"),
        required=False,
        min_value=0,
        max_digits=MONEY_DIGITS,
        decimal_places=MONEY_PLACES,
    )
    attachment = PdfField(
        label=_("Attach a PDF (at most 10 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
        error_messages={"too_big": _("The file is %(size)s MB; the limit is 10 MB.")},
    )

    def __init__(self, *args: Any, report: MilestoneReport, **kwargs: Any) -> None:
        program = report.tranche.award.program
        initial = {
            **{f"{SECTION_PREFIX}{key}": text for key, text in (report.answers or {}).items()},
            **{name: getattr(report, name) for name in ("revenue", "users", "jobs_created")},
            "investment_raised": report.investment_raised,
        }
        super().__init__(*args, initial=initial, **kwargs)
        guidance = report_section_guidance(program)
        self.sections = report_sections(program)
        section_fields = {
            f"{SECTION_PREFIX}{key}": forms.CharField(
                label=title,
                required=False,
                help_text=guidance.get(key, ""),
                widget=forms.Textarea(attrs={"rows": 5}),
                max_length=20000,
            )
            for key, title in self.sections
        }
        # Sections first: the figures and the file come after the text.
        self.fields = {**section_fields, **self.fields}
        currency = report.tranche.award.currency
        for name in ("revenue", "investment_raised"):
            self.fields[name].label = f"{self.fields[name].label} ({currency})"

    def answers(self) -> dict[str, str]:
        return {
            key: self.cleaned_data.get(f"{SECTION_PREFIX}{key}", "") for key, _t in self.sections
        }

    def figures(self) -> dict[str, Any]:
        names = ("revenue", "users", "jobs_created", "investment_raised")
        return {name: self.cleaned_data.get(name) for name in names}

    def section_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name.startswith(SECTION_PREFIX)]

    def figure_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("revenue", "users", "jobs_created", "investment_raised")]


class ReportDecisionForm(forms.Form):
    """The manager's answer to a submitted report."""

    APPROVE, RETURN = "approve", "return"
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(APPROVE, _("Approve")), (RETURN, _("Return with comments"))],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label=_("Comments for the team"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=10000,
        help_text=_("Required when the report is returned; the team receives them by e-mail."),
    )


class ReportDueForm(forms.Form):
    due_date = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))
