"""The free-text validator and the export sanitisers (`portal.validators`)."""

import pytest
from django.core.exceptions import ValidationError

from portal.validators import (
    export_text,
    spreadsheet_text,
    validate_multiline,
    validate_single_line,
)
from programs.models import Disbursement, Tranche
from startups.models import Application, Program, Startup


@pytest.mark.parametrize(
    "text",
    [
        "Qazaq Cold",
        "Қазақ Агро ӘҒҚҢӨҰҮҺІ",
        "مرحبا",
        "雪豹科技",
        "🚀 Rocket",
        "<script>",
        "'; DROP--",
    ],
)
def test_ordinary_text_of_every_script_is_accepted(text):
    validate_single_line(text)
    validate_multiline(text)


@pytest.mark.parametrize(
    "char", [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F]]
)
def test_control_characters_are_refused_everywhere(char):
    for validator in (validate_single_line, validate_multiline):
        with pytest.raises(ValidationError) as refused:
            validator(f"PP{char}1")
        assert refused.value.messages == [
            f"This text contains a control character (U+{ord(char):04X}) that cannot be "
            "stored; please remove it."
        ]


@pytest.mark.parametrize(
    ("char", "name"), [("\n", "a line break"), ("\r", "a carriage return"), ("\t", "a tab")]
)
def test_line_breaks_and_tabs_only_in_multiline_text(char, name):
    validate_multiline(f"first{char}second")
    with pytest.raises(ValidationError) as refused:
        validate_single_line(f"first{char}second")
    assert refused.value.messages == [f"This field is a single line: remove {name}."]
    assert refused.value.error_list[0].code == "line_break"


def test_validators_deconstruct_for_migrations():
    assert validate_single_line.deconstruct() == (
        "portal.validators.TextValidator",
        (),
        {"multiline": False},
    )
    assert validate_multiline.deconstruct()[2] == {"multiline": True}


@pytest.mark.parametrize(
    ("model", "field", "validator"),
    [
        (Startup, "name", validate_single_line),
        (Startup, "description", validate_multiline),
        (Application, "problem", validate_multiline),
        (Application, "video_url", validate_single_line),
        (Program, "name", validate_single_line),
        (Program, "description", validate_multiline),
        (Tranche, "milestone", validate_single_line),
        (Disbursement, "reference", validate_single_line),
        (Disbursement, "note", validate_multiline),
    ],
)
def test_model_fields_carry_the_validator(model, field, validator):
    assert validator in model._meta.get_field(field).validators


@pytest.mark.parametrize(
    ("stored", "exported"),
    [
        ("PP\x001", "PP1"),
        ("A\x07B\x1bC\x7fD", "ABCD"),
        ("line one\r\nline\ttwo", "line one\r\nline\ttwo"),
        ("Қазақ 雪豹 🚀", "Қазақ 雪豹 🚀"),
    ],
)
def test_export_text_drops_what_no_field_accepts(stored, exported):
    assert export_text(stored) == exported


@pytest.mark.parametrize(
    ("stored", "exported"),
    [
        ('=HYPERLINK("http://evil","x")', '\'=HYPERLINK("http://evil","x")'),
        ("+7 701", "'+7 701"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\x00=1+1", "'=1+1"),
        ("\t=1", "'\t=1"),
        ("PP-1", "PP-1"),
    ],
)
def test_spreadsheet_text_keeps_formulas_as_text(stored, exported):
    assert spreadsheet_text(stored) == exported
