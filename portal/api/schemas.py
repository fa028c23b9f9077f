"""Shapes shared by every router: money, texts in three languages, pages."""

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from django.conf import settings
from ninja import Field, Schema

# Money travels as a decimal string with its currency, never as a float.
AMOUNT_PATTERN = r"^-?[0-9]{1,14}(\.[0-9]{1,2})?$"
AmountIn = Annotated[str, Field(pattern=r"^[0-9]{1,14}(\.[0-9]{1,2})?$", examples=["1500000.00"])]


class Money(Schema):
    amount: str = Field(pattern=AMOUNT_PATTERN, examples=["1500000.00"])
    currency: str = Field(examples=["KZT"])


def money(amount: Decimal | None, currency: str) -> Money | None:
    if amount is None:
        return None
    value = Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return Money(amount=f"{value:f}", currency=currency)


class Text(Schema):
    """One text in each of the portal's languages (empty where not written)."""

    en: str
    ru: str
    kk: str


def text(obj, field: str) -> Text:
    """The field per language: `<field>_<lang>` where the columns exist, else the one field."""
    plain = getattr(obj, field, "") or ""
    values = {}
    for code, _name in settings.LANGUAGES:
        column = f"{field}_{code.replace('-', '_')}"
        values[code] = getattr(obj, column, None) if hasattr(obj, column) else None
    if all(value is None for value in values.values()):
        # One column only: it is the text in the portal's default language.
        default = settings.LANGUAGE_CODE.split("-")[0]
        values = {code: plain if code == default else "" for code, _n in settings.LANGUAGES}
    return Text(**{code: values.get(code) or "" for code in ("en", "ru", "kk")})


class Page(Schema):
    count: int
    limit: int
    offset: int
