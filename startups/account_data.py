"""A founder's personal data: the export they may download, and account deletion.

Here rather than in `portal/` because both reach startups, teams and
applications (portal's core imports no app).

Deleting keeps every row other records point to: the user row stays,
deactivated and scrubbed, so audit entries, status changes, awards and the
ledger (disbursements) keep valid foreign keys and are not changed at all.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.exceptions import DomainError
from portal.models import Notification, NotificationStatus
from startups.enums import MembershipRole
from startups.models import Application, Invitation, Membership

EXPORT_FORMAT = 1

APPLICATION_ANSWERS = [
    "problem",
    "solution",
    "market",
    "business_model",
    "traction",
    "team",
    "use_of_funds",
    "video_url",
    "one_line_pitch",
]
STARTUP_FIELDS = [
    "name",
    "country",
    "region",
    "city",
    "bin",
    "registration_number",
    "sector",
    "stage",
    "founded_on",
    "website",
    "description",
    "team_size",
]
# Answers that describe people (the team) or point at them (a video of the
# founders); the business answers stay for the program's records.
APPLICATION_PERSONAL_FIELDS = ["team", "video_url"]


class AccountDeleteRefused(DomainError):
    """The account cannot be deleted by its owner (the message says why)."""


def _value(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, bool, float)):
        return value
    return str(value)  # dates, Decimals, lazy strings


def account_export(*, user) -> dict:
    """Everything the portal keeps about `user`, as JSON-ready data.

    Teammates' names and addresses, reviewers and the people who changed an
    application's status are left out: they are other people's data.
    """
    memberships = list(
        Membership.objects.filter(user=user).select_related("startup").order_by("joined_at")
    )
    startup_ids = [m.startup_id for m in memberships]
    applications = (
        Application.objects.filter(startup_id__in=startup_ids)
        .select_related("program", "startup")
        .prefetch_related("status_changes")
        .order_by("created_at", "pk")
    )
    invitations = (
        Invitation.objects.filter(Q(email__iexact=user.email) | Q(accepted_by=user))
        .select_related("startup")
        .order_by("created_at", "pk")
    )
    notifications = Notification.objects.filter(
        Q(recipient=user) | Q(email__iexact=user.email)
    ).order_by("created_at", "pk")
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "full_name": user.full_name,
            "preferred_language": user.preferred_language,
            "date_joined": _value(user.date_joined),
            "last_login": _value(user.last_login),
            "email_addresses": [
                {"email": a.email, "verified": a.verified, "primary": a.primary}
                for a in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "two_factor": sorted(
                Authenticator.objects.filter(user=user).values_list("type", flat=True)
            ),
        },
        "startups": [
            {
                "id": m.startup_id,
                "role": m.role,
                "joined_at": _value(m.joined_at),
                **{f: _value(getattr(m.startup, f)) for f in STARTUP_FIELDS},
            }
            for m in memberships
        ],
        "applications": [
            {
                "id": a.pk,
                "startup_id": a.startup_id,
                "program": a.program.name,
                "status": a.status,
                "created_at": _value(a.created_at),
                "submitted_at": _value(a.submitted_at),
                "requested_amount": _value(a.requested_amount),
                "answers": {f: _value(getattr(a, f)) for f in APPLICATION_ANSWERS},
                "pitch_deck": a.pitch_deck_name or None,
                "publish_consent": a.publish_consent,
                "history": [
                    {
                        "from": c.from_status,
                        "to": c.to_status,
                        "at": _value(c.at),
                        "by_you": c.actor_id == user.pk,
                    }
                    for c in sorted(a.status_changes.all(), key=lambda c: (c.at, c.pk))
                ],
            }
            for a in applications
        ],
        "invitations": [
            {
                "startup": i.startup.name,
                "email": i.email,
                "sent_at": _value(i.created_at),
                "expires_at": _value(i.expires_at),
                "accepted_at": _value(i.accepted_at),
                "revoked_at": _value(i.revoked_at),
            }
            for i in invitations
        ],
        "notifications": [
            {
                "kind": n.kind,
                "email": n.email,
                "language": n.language,
                "status": n.status,
                "created_at": _value(n.created_at),
                "sent_at": _value(n.sent_at),
                "context": n.context,
            }
            for n in notifications
        ],
    }


def account_delete(*, user) -> None:
    """Close `user`'s account for good and remove their personal data.

    - the user row stays (audit entries, status changes, awards and
      disbursements point to it) but is deactivated and scrubbed: address
      `deleted-<id>@deleted.invalid`, no name, no usable password, no
      roles; e-mail addresses and second factors are deleted;
    - they leave every team; a team left without an owner gets its longest
      serving member as owner; the applications of a startup left with no
      member at all lose their personal answers (team, video link) and
      their pitch deck;
    - invitations to their address and e-mails to them keep no address
      (pending e-mails are dropped, not sent);
    - one audit entry records the deletion. Existing audit entries and the
      ledger are not touched.

    Staff accounts are refused: their reviews and payments are the
    program's record, and an administrator closes them.
    """
    if user.is_staff or user.is_superuser:
        raise AccountDeleteRefused(
            _("Staff accounts are closed by an administrator, not deleted by their owner.")
        )
    User = get_user_model()
    with transaction.atomic():
        # Locked so a second click (or a login on another device) cannot
        # interleave with the scrub.
        user = User.objects.select_for_update().get(pk=user.pk)
        old_email = user.email
        scrubbed = f"deleted-{user.pk}@deleted.invalid"

        memberships = list(
            Membership.objects.select_for_update().filter(user=user).select_related("startup")
        )
        emptied: list[int] = []
        for membership in memberships:
            startup = membership.startup
            membership.delete()
            others = Membership.objects.filter(startup=startup).order_by("joined_at", "pk")
            if not others.exists():
                emptied.append(startup.pk)
            elif (
                membership.role == MembershipRole.OWNER
                and not others.filter(role=MembershipRole.OWNER).exists()
            ):
                heir = others.first()
                heir.role = MembershipRole.OWNER
                heir.save(update_fields=["role"])

        to_clear = []
        for application in Application.objects.select_for_update().filter(startup_id__in=emptied):
            if application.pitch_deck:
                to_clear.append(application.pitch_deck.name)
            for field in APPLICATION_PERSONAL_FIELDS:
                setattr(application, field, "")
            application.pitch_deck = ""
            application.pitch_deck_name = ""
            application.save(
                update_fields=[*APPLICATION_PERSONAL_FIELDS, "pitch_deck", "pitch_deck_name"]
            )
        if to_clear:
            storage = Application._meta.get_field("pitch_deck").storage

            def remove_files() -> None:
                for name in to_clear:
                    storage.delete(name)

            transaction.on_commit(remove_files)

        Invitation.objects.filter(email__iexact=old_email).update(email=scrubbed)
        Notification.objects.filter(
            Q(recipient=user) | Q(email__iexact=old_email), status=NotificationStatus.PENDING
        ).delete()
        Notification.objects.filter(Q(recipient=user) | Q(email__iexact=old_email)).update(
            email=scrubbed, context={}
        )

        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        user.groups.clear()
        user.user_permissions.clear()
        user.email = scrubbed
        user.full_name = ""
        user.is_active = False
        user.is_staff = False
        user.is_superuser = False
        user.set_unusable_password()
        user.save()
        audit_record(
            actor=user,
            action="account.deleted",
            obj=user,
            after={"startups_left": len(memberships), "startups_emptied": len(emptied)},
        )
