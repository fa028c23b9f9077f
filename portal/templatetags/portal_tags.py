from django import template

from portal.money import format_money

register = template.Library()


@register.simple_tag
def money(amount, currency: str, places: int | None = None) -> str:
    """`{% money amount currency %}`: the amount for the viewer's language, with its code."""
    return format_money(amount, currency, places=places)
