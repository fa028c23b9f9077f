from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from startups.enums import ApplicationStatus as S
from startups.models import Application, Invitation, Membership, Startup
from startups.validators import make_bin
from tests.factories import PDF_BYTES, ApplicationFactory, StartupFactory, UserFactory

pytestmark = pytest.mark.django_db

ANSWERS = {
    "problem": "P",
    "solution": "S",
    "market": "M",
    "business_model": "B",
    "traction": "T",
    "team": "Team",
    "use_of_funds": "U",
    "requested_amount": "15000000",
}


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_create_startup_makes_owner(client, founder):
    client.force_login(founder)
    response = client.post(
        reverse("startups:startup_create"),
        {
            "name": "Qazaq Cold",
            "country": "KZ",
            "region": "turkistan",
            "bin": make_bin("21054000001"),
            "sector": "agritech",
            "stage": "mvp",
            "team_size": "3",
            "description": "Cold storage.",
        },
    )
    startup = Startup.objects.get(name="Qazaq Cold")
    assert response.status_code == 302
    assert response["Location"] == startup.get_absolute_url()
    assert Membership.objects.get(startup=startup).role == "owner"


def _wrong_check_digit(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1) % 10)


def test_create_startup_wrong_bin_changes_nothing(client, founder):
    client.force_login(founder)
    response = client.post(
        reverse("startups:startup_create"),
        {
            "name": "Qazaq Cold",
            "country": "KZ",
            "region": "turkistan",
            "bin": _wrong_check_digit(make_bin("21054000001")),
            "sector": "agritech",
            "stage": "mvp",
            "team_size": "3",
            "description": "Cold storage.",
        },
    )
    assert response.status_code == 200
    assert "check digit is wrong" in response.text
    assert not Startup.objects.exists()


def test_apply_creates_draft_and_second_apply_reuses_it(client, founder, startup, program):
    client.force_login(founder)
    first = client.get(reverse("startups:apply", args=[program.slug]))
    application = Application.objects.get()
    assert first["Location"] == reverse("startups:application_edit", args=[application.pk])
    second = client.get(reverse("startups:apply", args=[program.slug]), follow=True)
    assert Application.objects.count() == 1
    assert "already has an application to this program" in " ".join(_messages(second))


def test_apply_without_startup_goes_to_profile_first(client, program):
    client.force_login(UserFactory())
    response = client.get(reverse("startups:apply", args=[program.slug]))
    assert response["Location"] == (
        f"{reverse('startups:startup_create')}?next=/programs/{program.slug}/apply/"
    )


def test_apply_to_closed_program_is_refused(client, founder, startup):
    from tests.factories import ProgramFactory

    program = ProgramFactory(closed=True)
    client.force_login(founder)
    response = client.get(reverse("startups:apply", args=[program.slug]), follow=True)
    assert "not accepting applications" in " ".join(_messages(response))
    assert not Application.objects.exists()


def test_draft_over_two_visits_then_submit(client, founder, draft):
    client.force_login(founder)
    url = reverse("startups:application_edit", args=[draft.pk])
    first = client.post(url, {"version": 1, "problem": "P", "save": "1"}, follow=True)
    assert "Draft saved." in _messages(first)
    assert 'id="section-solution"' in first.text
    assert first.text.count("section-missing") == 8  # seven sections and the deck

    page = client.get(url)
    version = page.context["form"].initial["version"]
    deck = SimpleUploadedFile("deck.pdf", PDF_BYTES, content_type="application/pdf")
    response = client.post(
        url, {**ANSWERS, "version": version, "pitch_deck_upload": deck, "submit": "1"}
    )
    assert response["Location"] == reverse("startups:application_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.status == S.SUBMITTED
    detail = client.get(response["Location"])
    assert 'id="application-status">Submitted<' in detail.text


def test_stale_edit_through_the_view_is_refused(client, founder, draft):
    teammate = UserFactory()
    Membership.objects.create(startup=draft.startup, user=teammate)
    other = client.__class__()
    client.force_login(founder)
    other.force_login(teammate)
    url = reverse("startups:application_edit", args=[draft.pk])
    client.get(url)
    other.get(url)  # both have version 1 in their forms
    other.post(url, {"version": 1, "problem": "Teammate wrote this", "save": "1"})
    response = client.post(url, {"version": 1, "problem": "I wrote this", "save": "1"})
    assert response.status_code == 200
    assert "Someone else on your team saved this application" in response.text
    draft.refresh_from_db()
    assert draft.problem == "Teammate wrote this"


def test_editing_after_submit_is_refused(client, founder, complete_draft):
    from startups.services import application_submit

    application_submit(application=complete_draft, actor=founder)
    client.force_login(founder)
    url = reverse("startups:application_edit", args=[complete_draft.pk])
    assert client.get(url)["Location"] == complete_draft.get_absolute_url()
    response = client.post(url, {"version": 1, "problem": "Changed", "save": "1"})
    assert response.status_code == 302
    complete_draft.refresh_from_db()
    assert complete_draft.problem == "Small farms lose a third of their harvest."


def test_submit_after_deadline_through_the_view(client, founder, complete_draft):
    program = complete_draft.program
    program.opens_at = timezone.now() - timedelta(days=30)
    program.closes_at = timezone.now() - timedelta(minutes=1)
    program.save()
    client.force_login(founder)
    response = client.post(
        reverse("startups:application_submit", args=[complete_draft.pk]), follow=True
    )
    assert any("can no longer be submitted" in m for m in _messages(response))
    complete_draft.refresh_from_db()
    assert complete_draft.status == S.DRAFT


def test_upload_non_pdf_through_the_view(client, founder, draft):
    client.force_login(founder)
    fake = SimpleUploadedFile("deck.pdf", b"PK\x03\x04 a zip", content_type="application/pdf")
    response = client.post(
        reverse("startups:application_edit", args=[draft.pk]),
        {"version": 1, "pitch_deck_upload": fake, "save": "1"},
    )
    assert response.status_code == 200
    assert "this file is not a PDF" in response.text
    draft.refresh_from_db()
    assert (draft.pitch_deck.name, draft.version) == ("", 1)


def test_withdraw_through_the_view(client, founder, draft):
    client.force_login(founder)
    client.post(reverse("startups:application_withdraw", args=[draft.pk]), {"note": "Pivot"})
    draft.refresh_from_db()
    assert draft.status == S.WITHDRAWN


def test_invitation_flow_through_the_views(
    client, founder, startup, django_capture_on_commit_callbacks
):
    client.force_login(founder)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("startups:invitation_create", args=[startup.pk]), {"email": "co@ex.kz"})
    invitation = Invitation.objects.get()
    assert mail.outbox[-1].to == ["co@ex.kz"]
    assert invitation.get_absolute_url() in mail.outbox[-1].body

    invitee = UserFactory(email="co@ex.kz")
    client.force_login(invitee)
    page = client.get(invitation.get_absolute_url())
    assert f"Join {startup.name}" in page.text
    client.post(invitation.get_absolute_url())
    assert Membership.objects.filter(startup=startup, user=invitee, role="member").exists()

    # Reusing the link says so and does nothing more.
    reused = client.get(invitation.get_absolute_url())
    assert "already been used" in reused.text


def test_invitation_link_for_another_address_says_so(client, founder, startup):
    invitation = Invitation.objects.create(startup=startup, email="a@ex.kz", invited_by=founder)
    stranger = UserFactory(email="b@ex.kz")
    client.force_login(stranger)
    page = client.get(invitation.get_absolute_url())
    assert "sent to another e-mail address" in page.text
    assert startup.name not in page.text
    client.post(invitation.get_absolute_url())
    assert not Membership.objects.filter(user=stranger).exists()


def test_invitation_unknown_token_says_so(client, founder):
    client.force_login(founder)
    assert "not valid" in client.get("/invitations/nope/").text


def test_dashboard_lists_applications_with_timeline(client, founder, startup, program):
    ApplicationFactory(startup=startup, program=program)
    client.force_login(founder)
    page = client.get(reverse("startups:dashboard"))
    assert program.name in page.text
    assert "Complete and submit before" in page.text


@pytest.mark.parametrize("rows", [1, 15])
def test_dashboard_query_count_does_not_grow(client, founder, django_assert_max_num_queries, rows):
    from tests.factories import ProgramFactory

    for _ in range(rows):
        startup = StartupFactory(owner=founder)
        ApplicationFactory(startup=startup, program=ProgramFactory())
    client.force_login(founder)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("startups:dashboard")).status_code == 200
