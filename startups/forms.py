from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from portal.validators import SINGLE_LINE_REFUSED, validate_multiline, validate_single_line
from startups.enums import Country
from startups.models import TEXT_SECTIONS, Application, Startup
from startups.publication import publication_problem
from startups.validators import pdf_page_count, validate_bin

PDF_MAX_BYTES = 10 * 1024 * 1024


class StartupForm(forms.ModelForm):
    # Longer than 12 so that spaces and a wrong length reach the BIN check,
    # which says exactly what is wrong.
    bin = forms.CharField(
        label=_("BIN"),
        max_length=20,
        required=False,
        validators=[validate_single_line],
        help_text=_("Business identification number: 12 digits, for companies in Kazakhstan."),
    )

    class Meta:
        model = Startup
        fields = [
            "name",
            "country",
            "region",
            "city",
            "bin",
            "registration_number",
            "sector",
            "stage",
            "founded_on",
            "website",
            "team_size",
            "description",
        ]
        widgets = {
            "founded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def clean_bin(self) -> str:
        value = (self.cleaned_data.get("bin") or "").strip().replace(" ", "")
        if value:
            validate_bin(value)
            clash = Startup.objects.filter(bin=value)
            if self.instance.pk:
                clash = clash.exclude(pk=self.instance.pk)
            if clash.exists():
                raise ValidationError(
                    _("A startup with this BIN is already registered on the portal.")
                )
        return value

    def clean_founded_on(self):
        value = self.cleaned_data.get("founded_on")
        if value and value > timezone.localdate():
            raise ValidationError(_("The founding date cannot be in the future."))
        return value

    def clean(self):
        data = super().clean()
        country = data.get("country")
        if country == Country.KAZAKHSTAN:
            if not data.get("region"):
                self.add_error(
                    "region", _("Choose the region or city for a startup in Kazakhstan.")
                )
            if data.get("registration_number"):
                self.add_error(
                    "registration_number",
                    _("Companies in Kazakhstan are identified by their BIN, not this field."),
                )
        elif country:
            if data.get("region"):
                self.add_error("region", _("Regions are only for startups in Kazakhstan."))
            if data.get("bin"):
                self.add_error("bin", _("A BIN is only for companies registered in Kazakhstan."))
        return data


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Co-founder's e-mail address"), validators=[validate_single_line]
    )


class PdfField(forms.FileField):
    """A PDF of at most 10 MB, recognised by its content, not its name.

    The cleaned file carries `page_count` (stored beside the deck) and a
    name without control characters (kept as metadata only: the download
    is always `pitch-deck-<id>.pdf`).
    """

    default_error_messages = {
        "too_big": _("The pitch deck is %(size)s MB; the limit is 10 MB."),
    }

    def clean(self, data, initial=None):
        uploaded = super().clean(data, initial)
        if not uploaded or uploaded is initial:
            return uploaded
        if uploaded.size > PDF_MAX_BYTES:
            raise ValidationError(
                self.error_messages["too_big"],
                code="too_big",
                params={"size": f"{uploaded.size / (1024 * 1024):.1f}"},
            )
        uploaded.page_count = pdf_page_count(uploaded)
        uploaded.name = SINGLE_LINE_REFUSED.sub("", uploaded.name)
        return uploaded


class PublicationChoiceMixin:
    """Consent to the results page needs a one-line pitch (both forms that edit them)."""

    def clean(self):
        data = super().clean()
        problem = publication_problem(
            consent=bool(data.get("publish_consent")), pitch=data.get("one_line_pitch") or ""
        )
        if problem:
            self.add_error("one_line_pitch", problem)
        return data


class ApplicationForm(PublicationChoiceMixin, forms.ModelForm):
    """The draft form: every answer optional; completeness is checked on submit."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    pitch_deck_upload = PdfField(
        label=_("Pitch deck (PDF, at most 10 MB)"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )

    class Meta:
        model = Application
        fields = [name for name, _label in TEXT_SECTIONS] + [
            "requested_amount",
            "video_url",
            "one_line_pitch",
            "publish_consent",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 5}) for name, _label in TEXT_SECTIONS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        program = self.instance.program
        amount = self.fields["requested_amount"]
        amount.label = _("Requested amount (%(currency)s)") % {"currency": program.currency}
        amount.help_text = _("At most %(max)s.") % {
            "max": format_money(program.max_amount_per_project, program.currency)
        }
        amount.widget.attrs.update({"min": "0", "step": "0.01"})
        for name, label in TEXT_SECTIONS:
            self.fields[name].label = label
        self.fields["video_url"].help_text = _("Optional: a link to a short video.")
        self.initial.setdefault("version", self.instance.version)

    def clean_requested_amount(self):
        value = self.cleaned_data.get("requested_amount")
        program = self.instance.program
        if value is not None and value > program.max_amount_per_project:
            raise ValidationError(
                _("The most this program gives one project is %(max)s.")
                % {"max": format_money(program.max_amount_per_project, program.currency)}
            )
        if value is not None and value <= 0:
            raise ValidationError(_("The requested amount must be more than zero."))
        return value


class PublicationForm(PublicationChoiceMixin, forms.ModelForm):
    """The consent to the public results page, on its own until the decision."""

    class Meta:
        model = Application
        fields = ["one_line_pitch", "publish_consent"]


class ChooseStartupForm(forms.Form):
    startup = forms.ModelChoiceField(queryset=Startup.objects.none(), label=_("Apply as"))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["startup"].queryset = Startup.objects.for_user(user)


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea,
        validators=[validate_multiline],
    )
