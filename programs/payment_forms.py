"""The payment form and its tranche choice (the admin's "Record a payment")."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.admin_site import autocomplete_field
from portal.money import format_money
from programs.models import AwardStatus, Disbursement, Tranche


class TrancheChoiceField(forms.ModelChoiceField):
    """Offers (and searches) the tranches still to pay, but accepts any tranche.

    `queryset` is what the form offers: its choices and the admin's
    autocomplete search (`portal.admin_site`). `accepted` is what a posted
    value may name: a tranche paid up since the page was opened then
    reaches the service, which says in words why it is refused, instead of
    "Select a valid choice".
    """

    def __init__(self, *args, accepted, **kwargs):
        self.accepted = accepted
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        key = self.to_field_name or "pk"
        if isinstance(value, self.queryset.model):
            value = getattr(value, key)
        try:
            return self.accepted.get(**{key: value})
        except (ValueError, TypeError, ValidationError, self.queryset.model.DoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            ) from None

    def label_from_instance(self, t):
        return (
            f"{t.award.application.startup.name} · #{t.sequence} {t.milestone} ("
            + _("%(amount)s unpaid") % {"amount": format_money(t.amount - t.paid, t.award.currency)}
            + ")"
        )


class DisbursementAddForm(forms.ModelForm):
    """A payment; "record anyway" appears once its reference is found on another payment."""

    class Meta:
        model = Disbursement
        fields = ["tranche", "amount", "paid_on", "reference"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tranche"] = TrancheChoiceField(
            label=self.fields["tranche"].label,
            queryset=Tranche.objects.filter(award__status=AwardStatus.ACTIVE, paid__lt=F("amount"))
            .select_related("award__application__startup")
            .order_by("award__application__startup__name", "sequence"),
            accepted=Tranche.objects.select_related("award__application__startup"),
        )
        self.fields["paid_on"].initial = timezone.localdate
        autocomplete_field(self, "tranche")
        if self.data.get("confirm_duplicate"):
            self.ask_to_confirm()

    def ask_to_confirm(self) -> None:
        """Show the "record anyway" checkbox (after a duplicate reference)."""
        self.fields["confirm_duplicate"] = forms.BooleanField(
            label=_("Record anyway"),
            required=False,
            help_text=_("The same reference is on another payment of this program."),
        )
