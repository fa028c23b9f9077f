"""The pitch deck as a download: one response, whoever is allowed to read it.

The founders' view and the reviewers' admin view decide who may; this
builds the response. Never the uploaded name: whatever it was (deck.html),
the download is a PDF attachment the browser must not sniff into something
else, and it is never cached.
"""

from django.http import FileResponse, Http404

from startups.models import Application


def pitch_deck_response(application: Application) -> FileResponse:
    if not application.pitch_deck:
        raise Http404
    try:
        handle = application.pitch_deck.storage.open(application.pitch_deck.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"pitch-deck-{application.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
