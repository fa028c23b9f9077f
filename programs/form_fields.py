"""Form fields of the programs app (the payment form's tranche choice)."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.utils.translation import gettext_lazy as _

from portal.money import format_money


class _PayableIterator(ModelChoiceIterator):
    def __init__(self, field):
        super().__init__(field)
        self.queryset = field.offered


class TrancheChoiceField(forms.ModelChoiceField):
    """Offers the tranches still to pay, but accepts any tranche.

    A tranche paid up since the page was opened then reaches the service,
    which says why it is refused in words (not "Select a valid choice").
    """

    iterator = _PayableIterator

    def __init__(self, *args, offered, **kwargs):
        self.offered = offered
        super().__init__(*args, **kwargs)

    def label_from_instance(self, t):
        return (
            f"{t.award.application.startup.name} · #{t.sequence} {t.milestone} ("
            + _("%(amount)s unpaid") % {"amount": format_money(t.amount - t.paid, t.award.currency)}
            + ")"
        )
