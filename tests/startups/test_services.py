from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.db import IntegrityError
from django.utils import timezone

from portal.exceptions import NotAllowed
from startups import services
from startups.enums import ApplicationStatus as S
from startups.models import Application, Invitation, Membership
from tests.factories import PDF_BYTES, ApplicationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


# --- Submitting -----------------------------------------------------------


def test_submit_complete_draft_while_open(complete_draft, founder):
    services.application_submit(application=complete_draft, actor=founder)
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.SUBMITTED
    assert list(complete_draft.status_changes.values_list("to_status", flat=True)) == ["submitted"]


def test_submit_after_deadline_is_refused(complete_draft, founder):
    program = complete_draft.program
    program.opens_at = timezone.now() - timedelta(days=30)
    program.closes_at = timezone.now() - timedelta(seconds=1)
    program.save()
    with pytest.raises(services.CallClosed) as info:
        services.application_submit(application=complete_draft, actor=founder)
    assert "applications can no longer be submitted" in str(info.value)
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.DRAFT


def test_submit_before_call_opens_is_refused(complete_draft, founder):
    program = complete_draft.program
    program.opens_at = timezone.now() + timedelta(days=1)
    program.closes_at = timezone.now() + timedelta(days=30)
    program.save()
    with pytest.raises(services.CallClosed):
        services.application_submit(application=complete_draft, actor=founder)


def test_submit_incomplete_lists_every_missing_section(draft, founder):
    draft.problem = "Something"
    draft.save()
    with pytest.raises(services.SubmissionRefused) as info:
        services.application_submit(application=draft, actor=founder)
    assert info.value.messages == [
        "Missing: Solution.",
        "Missing: Market.",
        "Missing: Business model.",
        "Missing: Traction.",
        "Missing: Team.",
        "Missing: Use of funds.",
        "Missing: Requested amount.",
        "Missing: Pitch deck (PDF).",
    ]
    draft.refresh_from_db()
    assert draft.status == S.DRAFT


def test_submit_checks_eligibility_with_a_reason_each(startup, founder):
    program = ProgramFactory(
        eligible_countries=["UZ"],
        min_team_size=5,
        requires_legal_entity=True,
        sectors=["agritech"],
    )
    application = ApplicationFactory(startup=startup, program=program, complete=True)
    with pytest.raises(services.SubmissionRefused) as info:
        services.application_submit(application=application, actor=founder)
    assert info.value.messages == [
        "Startups from Kazakhstan are not eligible for this program.",
        "The program asks for a team of at least 5; yours has 3.",
        "The program requires a registered legal entity: add your BIN (or registration "
        "number) to the startup profile.",
        "The program does not fund the Fintech sector.",
    ]


def test_submit_twice_is_refused(complete_draft, founder):
    services.application_submit(application=complete_draft, actor=founder)
    with pytest.raises(services.NotEditable):
        services.application_submit(application=complete_draft, actor=founder)
    assert complete_draft.status_changes.count() == 1


def test_submit_amount_above_maximum_is_refused(complete_draft, founder):
    Application.objects.filter(pk=complete_draft.pk).update(requested_amount=Decimal("20000000.01"))
    with pytest.raises(services.SubmissionRefused) as info:
        services.application_submit(application=complete_draft, actor=founder)
    assert info.value.messages == [
        "The requested amount is above the program's maximum of 20,000,000\N{NO-BREAK SPACE}KZT."
    ]


# --- Drafts ---------------------------------------------------------------


def test_save_draft_accepts_partial_content(draft, founder):
    saved = services.application_save_draft(
        application=draft, actor=founder, data={"problem": "Only this"}, expected_version=1
    )
    assert (saved.problem, saved.solution, saved.version, saved.updated_by) == (
        "Only this",
        "",
        2,
        founder,
    )


def test_save_draft_stale_version_is_refused_and_changes_nothing(draft, founder):
    teammate = UserFactory()
    Membership.objects.create(startup=draft.startup, user=teammate)
    # Both open the form at version 1; the teammate saves first.
    services.application_save_draft(
        application=draft, actor=teammate, data={"problem": "Teammate's"}, expected_version=1
    )
    with pytest.raises(services.StaleEdit) as info:
        services.application_save_draft(
            application=draft, actor=founder, data={"problem": "Mine"}, expected_version=1
        )
    assert "Someone else on your team saved this application" in str(info.value)
    draft.refresh_from_db()
    assert (draft.problem, draft.version, draft.updated_by) == ("Teammate's", 2, teammate)


def test_save_draft_after_submit_is_refused(complete_draft, founder):
    services.application_submit(application=complete_draft, actor=founder)
    complete_draft.refresh_from_db()
    with pytest.raises(services.NotEditable):
        services.application_save_draft(
            application=complete_draft,
            actor=founder,
            data={"problem": "Changed"},
            expected_version=complete_draft.version,
        )
    complete_draft.refresh_from_db()
    assert complete_draft.problem == "Small farms lose a third of their harvest."


def test_save_draft_amount_above_maximum_is_refused(draft, founder):
    with pytest.raises(services.DomainError):
        services.application_save_draft(
            application=draft,
            actor=founder,
            data={"requested_amount": Decimal("20000001")},
            expected_version=1,
        )
    draft.refresh_from_db()
    assert draft.requested_amount is None


def test_save_draft_stores_deck_under_random_name(draft, founder):
    saved = services.application_save_draft(
        application=draft,
        actor=founder,
        data={},
        expected_version=1,
        pitch_deck=ContentFile(PDF_BYTES, name="Our Deck.pdf"),
    )
    assert saved.pitch_deck_name == "Our Deck.pdf"
    assert saved.pitch_deck.name.startswith("pitch-decks/")
    assert "Our Deck" not in saved.pitch_deck.name
    assert saved.pitch_deck.read() == PDF_BYTES


# --- One application per startup and program ------------------------------


def test_second_application_for_same_program_returns_the_first(startup, program, founder):
    first, created = services.application_start(startup=startup, program=program, actor=founder)
    again, created_again = services.application_start(
        startup=startup, program=program, actor=founder
    )
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Application.objects.filter(startup=startup, program=program).count() == 1


def test_second_application_is_refused_by_the_database(startup, program):
    ApplicationFactory(startup=startup, program=program)
    with pytest.raises(IntegrityError):
        ApplicationFactory(startup=startup, program=program)


def test_start_on_closed_program_is_refused(startup, founder):
    program = ProgramFactory(closed=True)
    with pytest.raises(services.CallClosed):
        services.application_start(startup=startup, program=program, actor=founder)


def test_start_writes_first_history_row(startup, program, founder):
    application, _ = services.application_start(startup=startup, program=program, actor=founder)
    assert list(application.status_changes.values_list("from_status", "to_status")) == [
        ("", "draft")
    ]


# --- Withdrawing ----------------------------------------------------------


def test_withdraw_submitted_application(complete_draft, founder):
    services.application_submit(application=complete_draft, actor=founder)
    services.application_withdraw(application=complete_draft, actor=founder, note="Pivot")
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.WITHDRAWN
    assert complete_draft.status_changes.last().note == "Pivot"


def test_withdraw_after_review_started_is_refused(complete_draft, founder):
    Application.objects.filter(pk=complete_draft.pk).update(status=S.UNDER_REVIEW)
    with pytest.raises(NotAllowed):
        services.application_withdraw(application=complete_draft, actor=founder)


# --- Team -----------------------------------------------------------------


def test_invitation_accept_by_invited_address(startup, founder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            startup=startup, email="CoFounder@Example.kz", actor=founder, language="en"
        )
    invitee = UserFactory(email="cofounder@example.kz")
    membership = services.invitation_accept(token=invitation.token, user=invitee)
    assert (membership.startup, membership.role) == (startup, "member")


def test_invitation_for_another_address_does_nothing(startup, founder):
    invitation = services.invitation_create(
        startup=startup, email="a@example.kz", actor=founder, language="en"
    )
    stranger = UserFactory(email="b@example.kz")
    with pytest.raises(services.InvitationInvalid) as info:
        services.invitation_accept(token=invitation.token, user=stranger)
    assert "sent to another e-mail address" in str(info.value)
    assert not Membership.objects.filter(user=stranger).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_invitation_reused_does_nothing(startup, founder):
    invitation = services.invitation_create(
        startup=startup, email="a@example.kz", actor=founder, language="en"
    )
    invitee = UserFactory(email="a@example.kz")
    services.invitation_accept(token=invitation.token, user=invitee)
    Membership.objects.filter(user=invitee).delete()  # removed by the owner later
    with pytest.raises(services.InvitationInvalid) as info:
        services.invitation_accept(token=invitation.token, user=invitee)
    assert "already been used" in str(info.value)
    assert not Membership.objects.filter(user=invitee).exists()


def test_invitation_expired_does_nothing(startup, founder):
    invitation = services.invitation_create(
        startup=startup, email="a@example.kz", actor=founder, language="en"
    )
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now())
    invitee = UserFactory(email="a@example.kz")
    with pytest.raises(services.InvitationInvalid) as info:
        services.invitation_accept(token=invitation.token, user=invitee)
    assert "expired" in str(info.value)
    assert not Membership.objects.filter(user=invitee).exists()


def test_invitation_replaced_by_newer_one(startup, founder):
    old = services.invitation_create(
        startup=startup, email="a@example.kz", actor=founder, language="en"
    )
    services.invitation_create(startup=startup, email="a@example.kz", actor=founder, language="en")
    invitee = UserFactory(email="a@example.kz")
    with pytest.raises(services.InvitationInvalid):
        services.invitation_accept(token=old.token, user=invitee)


def test_only_owner_invites(startup):
    member = UserFactory()
    Membership.objects.create(startup=startup, user=member)
    with pytest.raises(NotAllowed):
        services.invitation_create(
            startup=startup, email="x@example.kz", actor=member, language="en"
        )
    assert not Invitation.objects.exists()


def test_owner_removes_member_but_not_self(startup, founder):
    member = UserFactory()
    membership = Membership.objects.create(startup=startup, user=member)
    services.membership_remove(membership=membership, actor=founder)
    assert not Membership.objects.filter(pk=membership.pk).exists()
    owner_membership = Membership.objects.get(startup=startup, user=founder)
    with pytest.raises(NotAllowed):
        services.membership_remove(membership=owner_membership, actor=founder)


def test_member_cannot_remove_others(startup, founder):
    member = UserFactory()
    other = UserFactory()
    Membership.objects.create(startup=startup, user=member)
    target = Membership.objects.create(startup=startup, user=other)
    with pytest.raises(NotAllowed):
        services.membership_remove(membership=target, actor=member)
    assert Membership.objects.filter(pk=target.pk).exists()


def test_stale_save_with_deck_leaves_no_orphan_file(draft, founder, settings):
    import os

    services.application_save_draft(
        application=draft, actor=founder, data={"problem": "first"}, expected_version=1
    )
    with pytest.raises(services.StaleEdit):
        services.application_save_draft(
            application=draft,
            actor=founder,
            data={},
            expected_version=1,
            pitch_deck=ContentFile(PDF_BYTES, name="late.pdf"),
        )
    root = settings.STORAGES["default"]["OPTIONS"]["location"]
    stored = os.listdir(os.path.join(root, "pitch-decks")) if os.path.isdir(root) else []
    assert stored == []


def test_replacing_deck_removes_the_old_file(draft, founder, django_capture_on_commit_callbacks):
    first = services.application_save_draft(
        application=draft,
        actor=founder,
        data={},
        expected_version=1,
        pitch_deck=ContentFile(PDF_BYTES, name="v1.pdf"),
    )
    old_name = first.pitch_deck.name
    with django_capture_on_commit_callbacks(execute=True):
        second = services.application_save_draft(
            application=first,
            actor=founder,
            data={},
            expected_version=2,
            pitch_deck=ContentFile(PDF_BYTES, name="v2.pdf"),
        )
    storage = second.pitch_deck.storage
    assert (storage.exists(old_name), storage.exists(second.pitch_deck.name)) == (False, True)
