"""Writes for startups, teams and applications.

Every function is keyword-only, runs in one transaction, locks what it
must, and raises a `DomainError` subclass with a message fit for the user.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit import audit_record
from portal.exceptions import DomainError, NotAllowed, permission_require
from portal.models import NotificationKind, User
from portal.money import format_money
from portal.notifications import notification_create, notification_create_for_users
from startups.enums import ApplicationStatus, MembershipRole
from startups.models import (
    TEXT_SECTIONS,
    Application,
    Invitation,
    Membership,
    Program,
    Startup,
    program_name_for_mail,
)
from startups.selectors import team_recipients
from startups.workflow import application_record_creation, application_transition

# --- Errors ---------------------------------------------------------------


class InvitationInvalid(DomainError):
    pass


class StaleEdit(DomainError):
    @classmethod
    def default_message(cls) -> str:
        return str(
            _(
                "Someone else on your team saved this application after you opened it. "
                "Your changes were not saved: reload the page to see their version, "
                "then make your changes again."
            )
        )


class NotEditable(DomainError):
    @classmethod
    def default_message(cls) -> str:
        return str(_("This application has been submitted; its answers can no longer change."))


class CallClosed(DomainError):
    pass


class SubmissionRefused(DomainError):
    pass


# --- Startups and teams ---------------------------------------------------


def startup_create(*, user: User, data: Mapping[str, Any]) -> Startup:
    """Create a startup with the user as its owner."""
    with transaction.atomic():
        startup = Startup.objects.create(created_by=user, **data)
        Membership.objects.create(startup=startup, user=user, role=MembershipRole.OWNER)
        audit_record(actor=user, action="startup.create", obj=startup, after={"name": startup.name})
    return startup


def startup_update(*, startup: Startup, user: User, data: Mapping[str, Any]) -> Startup:
    with transaction.atomic():
        before = {name: str(getattr(startup, name)) for name in data}
        for name, value in data.items():
            setattr(startup, name, value)
        startup.save()
        audit_record(
            actor=user,
            action="startup.update",
            obj=startup,
            before=before,
            after={name: str(value) for name, value in data.items()},
        )
    return startup


def invitation_create(*, startup: Startup, email: str, actor: User, language: str) -> Invitation:
    """Invite a co-founder by e-mail; a newer invitation replaces a pending one."""
    email = email.strip().lower()
    with transaction.atomic():
        Startup.objects.select_for_update().get(pk=startup.pk)
        permission_require(
            user=actor,
            perm="startups.manage_team",
            obj=startup,
            message=_("Only the startup's owner can invite co-founders."),
        )
        if startup.memberships.filter(user__email__iexact=email).exists():
            raise InvitationInvalid(_("%(email)s is already on the team.") % {"email": email})
        now = timezone.now()
        startup.invitations.filter(
            email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        invitation = Invitation.objects.create(startup=startup, email=email, invited_by=actor)
        audit_record(
            actor=actor, action="invitation.create", obj=invitation, after={"email": email}
        )

        notification_create(
            kind=NotificationKind.COFOUNDER_INVITATION,
            event_key=f"invitation:{invitation.pk}",
            email=email,
            language=language,
            obj=invitation,
            context={
                "startup": startup.name,
                "inviter": actor.get_full_name(),
                "expires_at": invitation.expires_at.isoformat(),
                "path": invitation.get_absolute_url(),
            },
        )
    return invitation


def invitation_problem(*, invitation: Invitation | None, user: User) -> str | None:
    """Why this user cannot accept this invitation, or None when they can."""
    if invitation is None:
        return str(_("This invitation link is not valid."))
    if invitation.accepted_at is not None:
        return str(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        return str(
            _("This invitation was replaced or cancelled: use the link in the latest e-mail.")
        )
    if invitation.expires_at <= timezone.now():
        return str(_("This invitation has expired. Ask the startup's owner to invite you again."))
    if invitation.email.lower() != user.email.lower():
        return str(
            _(
                "This invitation was sent to another e-mail address. Log in with the "
                "address it was sent to."
            )
        )
    return None


def invitation_accept(*, token: str, user: User) -> Membership:
    """Join the team; only the invited address, only once, only before expiry."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("startup").filter(token=token)
        ).first()
        problem = invitation_problem(invitation=invitation, user=user)
        if problem:
            raise InvitationInvalid(problem)
        assert invitation is not None  # invitation_problem refuses a missing one
        membership, _created = Membership.objects.get_or_create(
            startup=invitation.startup, user=user, defaults={"role": MembershipRole.MEMBER}
        )
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
        audit_record(actor=user, action="membership.join", obj=membership)
    return membership


def invitation_revoke(*, invitation: Invitation, actor: User) -> None:
    with transaction.atomic():
        permission_require(
            user=actor,
            perm="startups.manage_team",
            obj=invitation.startup,
            message=_("Only the startup's owner can cancel invitations."),
        )
        Invitation.objects.filter(pk=invitation.pk, accepted_at__isnull=True).update(
            revoked_at=timezone.now()
        )


def membership_remove(*, membership: Membership, actor: User) -> None:
    with transaction.atomic():
        startup = Startup.objects.select_for_update().get(pk=membership.startup_id)
        permission_require(
            user=actor,
            perm="startups.manage_team",
            obj=startup,
            message=_("Only the startup's owner can remove team members."),
        )
        if membership.role == MembershipRole.OWNER:
            raise NotAllowed(_("The owner cannot be removed from the startup."))
        audit_record(
            actor=actor,
            action="membership.remove",
            obj=membership,
            before={"user": membership.user.email, "role": membership.role},
        )
        membership.delete()


# --- Applications ---------------------------------------------------------


def application_start(
    *, startup: Startup, program: Program, actor: User
) -> tuple[Application, bool]:
    """The startup's application to the program: the existing one, or a new draft."""
    existing = Application.objects.filter(startup=startup, program=program).first()
    if existing is not None:
        return existing, False
    if not program.is_accepting():
        raise CallClosed(_("This program is not accepting applications."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                startup=startup, program=program, created_by=actor, updated_by=actor
            )
            application_record_creation(application=application, actor=actor)
    except IntegrityError:
        # A teammate started it at the same moment: one per startup and program.
        return Application.objects.get(startup=startup, program=program), False
    return application, True


EDITABLE_FIELDS = [name for name, _label in TEXT_SECTIONS] + [
    "requested_amount",
    "video_url",
    "one_line_pitch",
    "publish_consent",
]


def application_save_draft(
    *,
    application: Application,
    actor: User,
    data: Mapping[str, Any],
    expected_version: int,
    pitch_deck: File | None = None,
) -> Application:
    """Save answers, partial or not, unless a teammate saved in between.

    The write is a conditional UPDATE on (id, version): a stale form changes
    nothing and raises StaleEdit, so two members never silently overwrite
    each other.
    """
    values = {name: data[name] for name in EDITABLE_FIELDS if name in data}
    amount = values.get("requested_amount")
    if amount is not None and amount > application.program.max_amount_per_project:
        raise DomainError(
            _("The requested amount cannot exceed the program's maximum of %(max)s.")
            % {
                "max": format_money(
                    application.program.max_amount_per_project, application.currency
                )
            }
        )
    with transaction.atomic():
        if pitch_deck is not None:
            # An uploaded file always has its name (the form refuses one without).
            assert pitch_deck.name is not None
            stored = Application._meta.get_field("pitch_deck")
            name = stored.generate_filename(application, pitch_deck.name)
            values["pitch_deck"] = stored.storage.save(name, pitch_deck)
            values["pitch_deck_name"] = pitch_deck.name[:255]
            # Counted by the form's PDF check (`startups.forms.PdfField`).
            values["pitch_deck_pages"] = getattr(pitch_deck, "page_count", None)
        updated = Application.objects.filter(
            pk=application.pk, version=expected_version, status=ApplicationStatus.DRAFT
        ).update(
            **values,
            version=F("version") + 1,
            updated_by=actor,
            updated_at=timezone.now(),
        )
        if not updated:
            current = Application.objects.only("status", "version").get(pk=application.pk)
            if pitch_deck is not None:
                # Nothing refers to the file just stored: remove it now (a
                # rollback would drop an on_commit hook).
                _delete_file(values["pitch_deck"])
            if current.status != ApplicationStatus.DRAFT:
                raise NotEditable()
            raise StaleEdit()
        old_deck = application.pitch_deck.name if pitch_deck is not None else ""
        if old_deck:
            transaction.on_commit(lambda: _delete_file(old_deck))
    application.refresh_from_db()
    return application


def _delete_file(name: str) -> None:
    Application._meta.get_field("pitch_deck").storage.delete(name)


@dataclass(frozen=True)
class Missing:
    field: str
    label: str


def application_missing_sections(application: Application) -> list[Missing]:
    """What must still be filled in before submitting, section by section."""
    missing = [
        Missing(name, str(label))
        for name, label in TEXT_SECTIONS
        if not (getattr(application, name) or "").strip()
    ]
    if application.requested_amount is None or application.requested_amount <= Decimal(0):
        missing.append(Missing("requested_amount", str(_("Requested amount"))))
    if not application.pitch_deck:
        missing.append(Missing("pitch_deck", str(_("Pitch deck (PDF)"))))
    return missing


def application_submit(*, application: Application, actor: User) -> Application:
    """Submit a complete, eligible draft while the call is open."""
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update()
            .select_related("program", "startup")
            .get(pk=application.pk)
        )
        if locked.status != ApplicationStatus.DRAFT:
            raise NotEditable(_("This application has already been submitted."))
        if not locked.program.is_accepting():
            raise CallClosed(
                _("The call closed on %(deadline)s; applications can no longer be submitted.")
                % {"deadline": locked.program.deadline_display()}
            )
        missing = application_missing_sections(locked)
        problems = [
            _("Missing: %(section)s.") % {"section": item.label} for item in missing
        ] + locked.program.eligibility_problems(
            startup=locked.startup, requested_amount=locked.requested_amount
        )
        if problems:
            raise SubmissionRefused(*problems)
        application_transition(application=locked, to=ApplicationStatus.SUBMITTED, actor=actor)
        assert locked.submitted_at is not None  # set by the move just made
        notification_create_for_users(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            event_key=f"application:{locked.pk}:submitted",
            users=team_recipients(startup=locked.startup),
            obj=locked,
            context={
                "program": program_name_for_mail(locked.program),
                "startup": locked.startup.name,
                "actor": actor.get_full_name(),
                "submitted_at": locked.submitted_at.isoformat(),
                "timezone": locked.program.timezone,
                "path": locked.get_absolute_url(),
            },
        )
    application.refresh_from_db()
    return application


def application_withdraw(*, application: Application, actor: User, note: str = "") -> Application:
    """The team withdraws; possible until review starts."""
    with transaction.atomic():
        locked = Application.objects.select_for_update().get(pk=application.pk)
        permission_require(
            user=actor,
            perm="startups.withdraw_application",
            obj=locked,
            message=_("Review has started: to withdraw now, write to the program office."),
        )
        application_transition(
            application=locked, to=ApplicationStatus.WITHDRAWN, actor=actor, note=note
        )
    application.refresh_from_db()
    return application
