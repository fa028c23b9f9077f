"""Celery tasks of the founders' side."""

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from startups.models import Invitation


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_invitation(*, invitation_id: int, language: str) -> None:
    """E-mail a co-founder invitation in the inviter's language."""
    invitation = (
        Invitation.objects.select_related("startup", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or not invitation.is_pending:
        return
    with translation.override(language):
        context = {
            "invitation": invitation,
            "portal_name": settings.PORTAL_NAME,
            "link": settings.PORTAL_BASE_URL.rstrip("/") + invitation.get_absolute_url(),
        }
        subject = render_to_string("email/invitation_subject.txt", context).strip()
        text = render_to_string("email/invitation.txt", context)
        html = render_to_string("email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[invitation.email])
    message.attach_alternative(html, "text/html")
    message.send()
