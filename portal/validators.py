"""Free text is clean: the one validator every free-text field carries.

C0 control characters (U+0000–U+001F) and DEL (U+007F) have no business in
what people type: NUL is refused by PostgreSQL, the others are refused by
openpyxl (a ledger export was a 500 for every manager after one payment
reference carried one), and CR/LF in a one-line field splits CSV rows and
e-mail headers. Multi-line fields (model `TextField`s and textareas) keep
tab, line feed and carriage return; single-line fields keep none.

The model fields carry `validate_single_line` / `validate_multiline`, so
admin ModelForms check them too; plain forms' fields name them
explicitly. Exports do not trust old rows: `export_text` strips what the
validators refuse and `spreadsheet_text` also keeps text from being read
as a formula.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Everything a single-line field refuses: all of C0 and DEL.
SINGLE_LINE_REFUSED = re.compile(r"[\x00-\x1f\x7f]")
# A multi-line field allows tab, line feed and carriage return.
MULTILINE_REFUSED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# Text a spreadsheet would run as a formula (CSV/XLSX injection). Tab and
# carriage return count too: some spreadsheets skip them and read what follows.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _describe(char: str) -> str:
    if char == "\n":
        return _("a line break")
    if char == "\r":
        return _("a carriage return")
    if char == "\t":
        return _("a tab")
    return f"U+{ord(char):04X}"


@deconstructible
class TextValidator:
    """Refuse control characters; `multiline` allows tab and line breaks."""

    def __init__(self, *, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, value) -> None:
        if not isinstance(value, str):
            return
        refused = MULTILINE_REFUSED if self.multiline else SINGLE_LINE_REFUSED
        found = refused.search(value)
        if found is None:
            return
        if self.multiline or found.group() not in "\t\n\r":
            raise ValidationError(
                _(
                    "This text contains a control character (%(char)s) that cannot be "
                    "stored; please remove it."
                ),
                code="control_character",
                params={"char": _describe(found.group())},
            )
        raise ValidationError(
            _("This field is a single line: remove %(char)s."),
            code="line_break",
            params={"char": _describe(found.group())},
        )

    def __eq__(self, other) -> bool:
        return isinstance(other, TextValidator) and self.multiline == other.multiline

    def __hash__(self) -> int:
        return hash((TextValidator, self.multiline))


validate_single_line = TextValidator(multiline=False)
validate_multiline = TextValidator(multiline=True)


def export_text(value: str) -> str:
    """The text without the characters no field accepts (old rows may hold them).

    Tab and line breaks stay: CSV quotes them and XLSX cells hold them.
    """
    return MULTILINE_REFUSED.sub("", value)


def spreadsheet_text(value: str) -> str:
    """`export_text`, and a leading apostrophe on text a spreadsheet would run."""
    value = export_text(value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value
