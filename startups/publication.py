"""The team's consent to the public results page, changed until the decision.

The draft form saves the consent with the other answers
(`startups.services.application_save_draft`); once the application is
submitted, `application_set_publication` is the one writer, and only until
the decision (`PUBLICATION_EDITABLE`): a team cannot withdraw its consent
from a results page already published, nor give it after the fact.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError, permission_require
from portal.models import User
from startups.models import Application
from startups.public_cache import public_cache_invalidate

CHANGE_PUBLICATION = "startups.change_publication"


class PublicationRefused(DomainError):
    pass


def publication_problem(*, consent: bool, pitch: str) -> str | None:
    """Why this consent cannot be recorded as it is, or None."""
    if consent and not pitch.strip():
        return str(_("Write the one-line pitch to be published, or leave publication unticked."))
    return None


def application_set_publication(
    *, application: Application, actor: User, consent: bool, pitch: str
) -> Application:
    """Record the team's choice; refused after the decision or for anyone outside the team.

    Locks the application (a decision moving it at the same moment waits,
    so the consent is either recorded before the decision or refused),
    writes the audit entry and forgets the cached public pages.
    """
    pitch = pitch.strip()
    problem = publication_problem(consent=consent, pitch=pitch)
    if problem:
        raise PublicationRefused(problem)
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        permission_require(
            user=actor,
            perm=CHANGE_PUBLICATION,
            obj=locked,
            message=_("After the decision the consent to publication can no longer change."),
        )
        before = {
            "publish_consent": locked.publish_consent,
            "one_line_pitch": locked.one_line_pitch,
        }
        after = {"publish_consent": consent, "one_line_pitch": pitch}
        if before == after:
            return locked
        # The version moves too: a draft form opened before this change is stale.
        Application.objects.filter(pk=locked.pk).update(
            publish_consent=consent,
            one_line_pitch=pitch,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        audit_record(
            actor=actor, action="application.publication", obj=locked, before=before, after=after
        )
        public_cache_invalidate()
    application.refresh_from_db()
    return application
