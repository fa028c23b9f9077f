"""PDF downloads (the pitch deck, milestone report attachments): one response.

The views decide who may; this builds the response. Never the uploaded name:
whatever it was (deck.html), the download is a PDF attachment the browser
must not sniff into something else, and it is never cached.
"""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404

from startups.models import Application


def pdf_download_response(file: FieldFile, filename: str) -> FileResponse:
    """A stored PDF as an attachment named `filename`; 404 when it is missing."""
    if not file:
        raise Http404
    try:
        handle = file.storage.open(file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def pitch_deck_response(application: Application) -> FileResponse:
    return pdf_download_response(application.pitch_deck, f"pitch-deck-{application.pk}.pdf")
