"""Validation of Kazakhstan's business identification number (BIN), and of pitch decks.

A BIN has 12 digits: YYMM of registration, the entity type (4 resident legal
entity, 5 non-resident legal entity, 6 joint individual entrepreneurship),
an attribute (0 head office, 1 branch, 2 representative office, 3 peasant
farm), a five-digit serial and a check digit. The check digit is the
weighted sum of the first eleven digits modulo 11, with weights 1..11; when
that gives 10, the weights 3..11, 1, 2 are used; a second 10 means the
number cannot be issued.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypdf import PdfReader

_FIRST_WEIGHTS = tuple(range(1, 12))
_SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
ENTITY_TYPES = {"4", "5", "6"}
ENTITY_ATTRIBUTES = {"0", "1", "2", "3"}


def bin_check_digit(first_eleven: str) -> int | None:
    """The check digit for eleven digits, or None when none can be issued."""
    digits = [int(c) for c in first_eleven]
    for weights in (_FIRST_WEIGHTS, _SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def validate_bin(value: str) -> None:
    value = (value or "").strip()
    if len(value) != 12 or not value.isdigit():
        raise ValidationError(
            _("A BIN has exactly 12 digits; “%(value)s” does not."),
            code="bin_length",
            params={"value": value},
        )
    month = int(value[2:4])
    if not 1 <= month <= 12:
        raise ValidationError(
            _("The BIN's digits 3–4 must be the month of registration (01–12), not %(month)s."),
            code="bin_month",
            params={"month": value[2:4]},
        )
    if value[4] not in ENTITY_TYPES:
        raise ValidationError(
            _("The BIN's fifth digit must be 4, 5 or 6 (the type of legal entity)."),
            code="bin_type",
        )
    if value[5] not in ENTITY_ATTRIBUTES:
        raise ValidationError(
            _("The BIN's sixth digit must be 0, 1, 2 or 3 (head office, branch, …)."),
            code="bin_attribute",
        )
    if bin_check_digit(value[:11]) != int(value[11]):
        raise ValidationError(
            _("This BIN's check digit is wrong: please check the number for a typo."),
            code="bin_checksum",
        )


def make_bin(prefix: str) -> str:
    """A valid BIN starting with the given eleven digits (used by demo data and tests)."""
    check = bin_check_digit(prefix)
    if check is None:
        raise ValueError(f"no BIN can start with {prefix}")
    return f"{prefix}{check}"


PDF_MAGIC = b"%PDF-"


def pdf_page_count(file) -> int:
    """The number of pages of an uploaded PDF; ValidationError if it is not one we serve.

    The file must start with `%PDF-` (a header further in is how HTML or a
    script passes for a PDF in a browser that sniffs), must parse, must not
    be encrypted (reviewers could not open it, and nothing in it could be
    checked) and must have at least one page. The file is left at offset 0.
    """
    file.seek(0)
    head = file.read(len(PDF_MAGIC))
    file.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _("The pitch deck must be a PDF file; this file is not a PDF."), code="not_pdf"
        )
    try:
        reader = PdfReader(file)
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except Exception as exc:  # pypdf raises many kinds on a damaged file: all mean "unreadable"
        logging.getLogger(__name__).info("pitch deck refused: %r", exc)
        raise ValidationError(
            _(
                "This PDF could not be read: it may be damaged or incomplete. "
                "Please export it again."
            ),
            code="pdf_unreadable",
        ) from exc
    finally:
        file.seek(0)
    if encrypted:
        raise ValidationError(
            _(
                "This PDF is protected by a password or encrypted; "
                "please upload it without protection."
            ),
            code="pdf_encrypted",
        )
    if pages < 1:
        raise ValidationError(_("This PDF has no pages."), code="pdf_empty")
    return pages
