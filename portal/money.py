"""Money: amounts are Decimal and always travel with their currency."""

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

MONEY_DIGITS = 16
MONEY_PLACES = 2


class Currency(models.TextChoices):
    KZT = "KZT", _("Kazakhstani tenge (KZT)")
    USD = "USD", _("US dollar (USD)")
    EUR = "EUR", _("Euro (EUR)")
    RUB = "RUB", _("Russian rouble (RUB)")
    UZS = "UZS", _("Uzbek sum (UZS)")
    KGS = "KGS", _("Kyrgyz som (KGS)")


def format_money(amount: Decimal | None, currency: str, *, places: int | None = None) -> str:
    """The amount with thousand separators for the active language, then its code."""
    if amount is None:
        return ""
    amount = Decimal(amount)
    if places is None:
        places = 0 if amount == amount.to_integral_value() else MONEY_PLACES
    quantum = Decimal(1).scaleb(-places)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    text = number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
    return f"{text}\N{NO-BREAK SPACE}{currency}"
