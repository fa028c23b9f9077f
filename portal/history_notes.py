"""History notes as codes with parameters, rendered in the reader's language.

A status change the portal makes itself ("Decided.", "Award agreement
signed.") is stored as a code and JSON parameters, not as a sentence in the
language of whoever made it; the sentence is written at display time, in the
language of whoever reads it (`note_render`). A person's own note stays free
text beside the code and is shown as written.

`NOTES` is the one registry: code -> lazy template. A code needing more than
`%`-substitution has a renderer in `_RENDERERS`. `LEGACY_TEXTS` lists the
sentences older rows stored (in each language) for the data migration that
turns them into codes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

REVIEWERS_ASSIGNED = "reviewers_assigned"
DECIDED = "decided"
DECISIONS_FINALISED = "decisions_finalised"
AWARD_SIGNED = "award_signed"
AWARD_PAID = "award_paid"
PAYMENT_REVERSED = "payment_reversed"
SELECTED_EXCEPTION = "selected_exception"

NOTES: dict[str, Any] = {
    REVIEWERS_ASSIGNED: _("Reviewers assigned."),
    DECIDED: _("Decided."),
    DECISIONS_FINALISED: _("Decisions finalised."),
    AWARD_SIGNED: _("Award agreement signed."),
    AWARD_PAID: _("The award is fully paid."),
    PAYMENT_REVERSED: _("A payment was reversed: the award is no longer fully paid."),
    # params: call_open (bool), reviews and required (int, when too few), reason (text)
    SELECTED_EXCEPTION: _("Selected as an exception (%(why)s): %(reason)s"),
}

# The sentences rows stored before codes (English, Russian, Kazakh): code for each.
LEGACY_TEXTS: dict[str, str] = {
    "Reviewers assigned.": REVIEWERS_ASSIGNED,
    "Decided.": DECIDED,
    "Decisions finalised.": DECISIONS_FINALISED,
    "Award agreement signed.": AWARD_SIGNED,
    "The award is fully paid.": AWARD_PAID,
    "A payment was reversed: the award is no longer fully paid.": PAYMENT_REVERSED,
}


def unjudged_text(params: Mapping[str, Any]) -> str:
    """Why a selection came before the application was judged, in the active language."""
    reasons = []
    if params.get("call_open"):
        reasons.append(str(_("the call is still open")))
    if params.get("required"):
        # Counts of a few reviews: no grouping to localise.
        reasons.append(
            str(_("it has %(reviews)d of %(required)d submitted reviews"))
            % {"reviews": int(params.get("reviews") or 0), "required": int(params["required"])}
        )
    return "; ".join(reasons)


def _selected_exception(params: Mapping[str, Any]) -> str:
    return str(NOTES[SELECTED_EXCEPTION]) % {
        "why": unjudged_text(params),
        "reason": params.get("reason", ""),
    }


_RENDERERS: dict[str, Callable[[Mapping[str, Any]], str]] = {
    SELECTED_EXCEPTION: _selected_exception,
}


def note_render(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The coded note in the active language; an unknown code shows as itself."""
    if not code:
        return ""
    params = params or {}
    renderer = _RENDERERS.get(code)
    if renderer is not None:
        return renderer(params)
    template = NOTES.get(code)
    if template is None:
        return code
    return str(template) % params if params else str(template)


def note_full(*, code: str, params: Mapping[str, Any] | None, text: str) -> str:
    """The coded sentence and the person's own note, in the active language."""
    return "\n".join(part for part in (note_render(code, params), text) if part)


def legacy_note_code(text: str) -> str:
    """The code of an older row's sentence in any portal language ("" when it is free text)."""
    text = (text or "").strip()
    if text in LEGACY_TEXTS:
        return LEGACY_TEXTS[text]
    from django.conf import settings

    for language, _name in settings.LANGUAGES:
        with override(language):
            for code, template in NOTES.items():
                if code not in _RENDERERS and str(template) == text:
                    return code
    return ""
