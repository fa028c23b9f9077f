"""Pitch decks: real PDFs only (checked by pypdf), served as pitch-deck-<id>.pdf."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from startups.forms import PdfField
from startups.models import Application
from tests.factories import PDF_BYTES, UserFactory, make_pdf

pytestmark = pytest.mark.django_db

NOT_PDF = "The pitch deck must be a PDF file; this file is not a PDF."
UNREADABLE = "This PDF could not be read: it may be damaged or incomplete. Please export it again."
ENCRYPTED = "This PDF is protected by a password or encrypted; please upload it without protection."
HTML_WITH_PDF_AT_100 = (
    b"<html><body><script>alert(document.cookie)</script>".ljust(100, b" ") + PDF_BYTES
)


def _clean(data: bytes, name: str = "deck.pdf"):
    return PdfField().clean(SimpleUploadedFile(name, data, content_type="application/pdf"))


def _errors(data: bytes) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        _clean(data)
    return refused.value.messages


def test_valid_pdf_is_accepted_with_its_page_count():
    uploaded = _clean(make_pdf(pages=3))
    assert uploaded.page_count == 3
    assert uploaded.tell() == 0


def test_html_with_pdf_header_at_offset_100_is_refused():
    assert HTML_WITH_PDF_AT_100.index(b"%PDF-") == 100
    assert _errors(HTML_WITH_PDF_AT_100) == [NOT_PDF]


def test_encrypted_pdf_is_refused():
    assert _errors(make_pdf(password="")) == [ENCRYPTED]
    assert _errors(make_pdf(password="secret")) == [ENCRYPTED]


@pytest.mark.parametrize(
    "data",
    [
        PDF_BYTES[: len(PDF_BYTES) // 2],
        b"%PDF-1.7\n" + b"\x00\xff garbage " * 200,
        b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF\n",
        b"%PDF-",
    ],
    ids=["truncated", "garbage", "html-after-header", "header-only"],
)
def test_truncated_or_garbage_pdf_is_refused(data):
    assert _errors(data) == [UNREADABLE]


def test_file_name_loses_control_characters():
    assert _clean(PDF_BYTES, name="deck\x07\x1b.pdf").name == "deck.pdf"


def _edit(client, application, deck_name: str, data: bytes):
    return client.post(
        reverse("startups:application_edit", args=[application.pk]),
        {
            "version": application.version,
            "pitch_deck_upload": SimpleUploadedFile(deck_name, data),
        },
    )


def test_upload_stores_the_page_count_and_shows_it(client, founder, draft):
    client.force_login(founder)
    response = _edit(client, draft, "deck.pdf", make_pdf(pages=2))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.pitch_deck_name, draft.pitch_deck_pages) == ("deck.pdf", 2)
    page = client.get(reverse("startups:application_detail", args=[draft.pk]))
    assert '<span class="text-muted small" id="pitch-deck-pages">(2 pages)</span>' in page.text


@pytest.mark.parametrize(
    ("data", "message"),
    [(HTML_WITH_PDF_AT_100, NOT_PDF), (make_pdf(password="x"), ENCRYPTED)],
    ids=["html", "encrypted"],
)
def test_upload_of_a_refused_file_stores_nothing(client, founder, draft, data, message):
    client.force_login(founder)
    response = _edit(client, draft, "deck.html", data)
    assert response.status_code == 200
    assert response.context["form"].errors["pitch_deck_upload"] == [message]
    draft.refresh_from_db()
    assert (draft.pitch_deck.name, draft.pitch_deck_name, draft.version) == ("", "", 1)


def test_download_is_always_a_pdf_named_after_the_application(client, founder, draft):
    client.force_login(founder)
    assert _edit(client, draft, "deck.html", PDF_BYTES).status_code == 302
    draft.refresh_from_db()
    assert draft.pitch_deck_name == "deck.html"  # metadata only
    response = client.get(reverse("startups:pitch_deck", args=[draft.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="pitch-deck-{draft.pk}.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_download_by_an_outsider_is_404(client, draft):
    Application.objects.filter(pk=draft.pk).update(pitch_deck="pitch-decks/x.pdf")
    client.force_login(UserFactory())
    assert client.get(reverse("startups:pitch_deck", args=[draft.pk])).status_code == 404
