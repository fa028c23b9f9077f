"""Form fields of the programs app (the payment form's tranche choice)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.money import format_money


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
