"""The tranche schedule editor's forms: rows that can be added and removed.

Works without JavaScript: "Add a row" and each row's "Remove" are submit
buttons; the page comes back with one row more or less and nothing saved
(`tranche_editor`). With JavaScript (`static/js/tranche-editor.js`) the
same buttons clone the formset's empty form or drop the row in the page,
and the running sum follows the typing. Either way the services decide:
the tranches must add up to the award (`programs.services.tranches`).
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.money import format_money
from portal.validators import validate_single_line

PREFIX = "tranche"
ADD_ROW = "add_row"
REMOVE_ROW = "remove_row"
MAX_ROWS = 24
FIELDS = ("amount", "planned_date", "milestone")


class TrancheForm(forms.Form):
    # The rows sit in a table under column headers: each input names its column.
    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=16,
        decimal_places=2,
        min_value=0,
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "data-tranche-amount": "", "aria-label": _("Amount")}
        ),
    )
    planned_date = forms.DateField(
        label=_("Planned date"),
        widget=forms.DateInput(
            {"type": "date", "aria-label": _("Planned date")}, format="%Y-%m-%d"
        ),
    )
    milestone = forms.CharField(
        label=_("Milestone"),
        max_length=300,
        validators=[validate_single_line],
        widget=forms.TextInput(attrs={"aria-label": _("Milestone")}),
    )

    @property
    def index(self) -> str:
        """The row's number in the formset ("__prefix__" for the empty form)."""
        return (self.prefix or "").rpartition("-")[2]


class BaseTrancheFormSet(forms.BaseFormSet):
    """Every row may stay empty (it is then ignored), the first one included."""

    def _construct_form(self, i, **kwargs):
        kwargs.setdefault("empty_permitted", True)
        kwargs.setdefault("use_required_attribute", False)
        return super()._construct_form(i, **kwargs)

    def schedule(self) -> list[dict[str, Any]]:
        """The filled rows, in order (call after `is_valid`)."""
        return [row for row in self.cleaned_data if row]

    def raw_rows(self) -> list[dict[str, str]]:
        """What each row holds as typed, valid or not."""
        if not self.is_bound:
            return [{name: form.initial.get(name, "") for name in FIELDS} for form in self.forms]
        return [
            {name: self.data.get(form.add_prefix(name), "") for name in FIELDS}
            for form in self.forms
        ]

    def running_total(self) -> Decimal:
        """The sum of the amounts typed so far (what cannot be read counts as nothing)."""
        total = Decimal("0")
        for row in self.raw_rows():
            total += _decimal(row["amount"]) or Decimal("0")
        return total


TrancheFormSet = forms.formset_factory(
    TrancheForm,
    formset=BaseTrancheFormSet,
    extra=0,
    max_num=MAX_ROWS,
    absolute_max=MAX_ROWS,
    validate_max=True,
)


def _decimal(value: Any) -> Decimal | None:
    try:
        number = Decimal(str(value).replace("\N{NO-BREAK SPACE}", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        return None
    # Only what a money field can hold (16 digits, 2 of them after the point).
    if not number.is_finite() or abs(number) >= Decimal(10) ** 14:
        return None
    return number.quantize(Decimal("0.01")) if number == number.quantize(Decimal("0.01")) else None


def tranche_editor(
    data: Mapping[str, Any] | None, *, initial: list[dict[str, Any]]
) -> tuple[BaseTrancheFormSet, bool]:
    """The schedule's formset for this request, and whether the rows are to be saved.

    A GET shows `initial`. "Add a row" or "Remove" come back as an unbound
    formset holding what was typed, one row more or less, so that nothing
    is validated or saved and no row shows an error yet.
    """
    if data is None:
        return TrancheFormSet(initial=initial or [{}], prefix=PREFIX), False
    if f"{PREFIX}-TOTAL_FORMS" not in data:
        # A form sent without the editor's rows (no schedule given): no rows.
        data = {**data.dict(), f"{PREFIX}-TOTAL_FORMS": "0", f"{PREFIX}-INITIAL_FORMS": "0"}
    formset = TrancheFormSet(data, prefix=PREFIX)
    if ADD_ROW not in data and REMOVE_ROW not in data:
        return formset, True
    rows: list[dict[str, Any]] = formset.raw_rows()
    if ADD_ROW in data and len(rows) < MAX_ROWS:
        rows.append({})
    removed = str(data.get(REMOVE_ROW, ""))
    if removed.isdigit() and int(removed) < len(rows):
        del rows[int(removed)]
    return TrancheFormSet(initial=rows or [{}], prefix=PREFIX), False


SUM_TEXTS = {
    "none": _("Tranches: %(total)s"),
    "match": _("Tranches: %(total)s of %(award)s: they add up to the award."),
    "short": _("Tranches: %(total)s of %(award)s: %(gap)s still to place."),
    "over": _("Tranches: %(total)s of %(award)s: %(gap)s too much."),
}


def sum_line(total: Decimal, award: Decimal | None, currency: str) -> str:
    """ "Tranches: X of Y" in words (the page shows it; the script keeps it current)."""
    if award is None or award <= 0:
        key = "none"
    else:
        key = "match" if total == award else "short" if total < award else "over"
    money = {
        "total": format_money(total, currency),
        "award": format_money(award or Decimal("0"), currency),
        "gap": format_money(abs((award or Decimal("0")) - total), currency),
    }
    return str(SUM_TEXTS[key] % money)


def sum_templates() -> dict[str, str]:
    """The same sentences for the script, with {total}, {award}, {gap} to fill in."""
    holes = {"total": "{total}", "award": "{award}", "gap": "{gap}"}
    return {key: str(text % holes) for key, text in SUM_TEXTS.items()}


def posted_amount(data: Mapping[str, Any] | None, field: str = "amount") -> Decimal | None:
    """The award amount as typed on the same page, when it can be read."""
    return _decimal(data.get(field, "")) if data else None
