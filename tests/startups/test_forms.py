from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from startups.forms import PDF_MAX_BYTES, ApplicationForm, StartupForm
from startups.validators import make_bin
from tests.factories import PDF_BYTES, StartupFactory, pdf_of_size

pytestmark = pytest.mark.django_db


def _application_form(draft, files=None, **data):
    payload = {"version": draft.version, **data}
    return ApplicationForm(payload, files or {}, instance=draft)


def test_application_form_accepts_partial_draft(draft):
    form = _application_form(draft, problem="Only the problem")
    assert form.is_valid(), form.errors


def test_application_form_amount_above_maximum(draft):
    form = _application_form(draft, requested_amount="20000000.01")
    assert not form.is_valid()
    assert form.errors["requested_amount"] == [
        "The most this program gives one project is 20,000,000\N{NO-BREAK SPACE}KZT."
    ]


def test_application_form_amount_at_maximum_is_fine(draft):
    form = _application_form(draft, requested_amount="20000000")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["requested_amount"] == Decimal("20000000")


def test_application_form_amount_zero_or_negative(draft):
    for value in ("0", "-5"):
        form = _application_form(draft, requested_amount=value)
        assert not form.is_valid()
        assert "requested_amount" in form.errors


def test_application_form_pdf_accepted(draft):
    upload = SimpleUploadedFile("deck.pdf", PDF_BYTES, content_type="application/pdf")
    form = _application_form(draft, files={"pitch_deck_upload": upload})
    assert form.is_valid(), form.errors


def test_application_form_non_pdf_renamed_to_pdf_is_refused(draft):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    upload = SimpleUploadedFile("deck.pdf", png, content_type="application/pdf")
    form = _application_form(draft, files={"pitch_deck_upload": upload})
    assert not form.is_valid()
    assert form.errors["pitch_deck_upload"] == [
        "The pitch deck must be a PDF file; this file is not a PDF."
    ]


def test_application_form_file_over_10_mb_is_refused(draft):
    big = pdf_of_size(PDF_MAX_BYTES + 1)
    upload = SimpleUploadedFile("deck.pdf", big, content_type="application/pdf")
    form = _application_form(draft, files={"pitch_deck_upload": upload})
    assert not form.is_valid()
    assert form.errors["pitch_deck_upload"] == ["The pitch deck is 10.0 MB; the limit is 10 MB."]


def test_application_form_file_exactly_10_mb_is_accepted(draft):
    exact = pdf_of_size(PDF_MAX_BYTES)
    upload = SimpleUploadedFile("deck.pdf", exact, content_type="application/pdf")
    assert _application_form(draft, files={"pitch_deck_upload": upload}).is_valid()


STARTUP = {
    "name": "Steppe Robotics",
    "country": "KZ",
    "region": "karaganda",
    "sector": "industry40",
    "stage": "mvp",
    "team_size": "3",
    "description": "Robots for mines.",
}


def test_startup_form_valid_bin():
    form = StartupForm({**STARTUP, "bin": make_bin("18044000123")})
    assert form.is_valid(), form.errors


@pytest.mark.parametrize(
    ("bin_value", "message"),
    [
        ("180440001236", "This BIN's check digit is wrong: please check the number for a typo."),
        ("18044000123", "A BIN has exactly 12 digits; “18044000123” does not."),
        ("1804400012355", "A BIN has exactly 12 digits; “1804400012355” does not."),
    ],
)
def test_startup_form_wrong_bin_refused_with_message(bin_value, message):
    form = StartupForm({**STARTUP, "bin": bin_value})
    assert not form.is_valid()
    assert form.errors["bin"] == [message]


def test_startup_form_duplicate_bin():
    value = make_bin("18044000123")
    StartupFactory(bin=value)
    form = StartupForm({**STARTUP, "bin": value})
    assert not form.is_valid()
    assert form.errors["bin"] == ["A startup with this BIN is already registered on the portal."]


def test_startup_form_kazakhstan_needs_region():
    form = StartupForm({**STARTUP, "region": ""})
    assert not form.is_valid()
    assert "region" in form.errors


def test_startup_form_bin_only_in_kazakhstan():
    form = StartupForm({**STARTUP, "country": "UZ", "region": "", "bin": make_bin("18044000123")})
    assert not form.is_valid()
    assert form.errors["bin"] == ["A BIN is only for companies registered in Kazakhstan."]


def test_startup_form_foreign_company_with_registration_number():
    form = StartupForm(
        {**STARTUP, "country": "UZ", "region": "", "city": "Tashkent", "registration_number": "X1"}
    )
    assert form.is_valid(), form.errors


def test_startup_form_russian_messages(client):
    from django.utils import translation

    with translation.override("ru"):
        form = StartupForm({**STARTUP, "bin": "123"})
        assert not form.is_valid()
        assert "12" in form.errors["bin"][0]
        assert "BIN" not in form.errors["bin"][0]
