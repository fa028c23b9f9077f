"""Every founder URL, opened by another founder (404) and by a visitor (login)."""

import pytest
from django.urls import reverse

from startups.models import Application, Invitation, Membership
from tests.factories import ApplicationFactory, MembershipFactory, StartupFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(program):
    owner = UserFactory()
    startup = StartupFactory(owner=owner)
    member = MembershipFactory(startup=startup)
    application = ApplicationFactory(startup=startup, program=program, complete=True)
    invitation = Invitation.objects.create(startup=startup, email="x@example.kz", invited_by=owner)
    return {
        "owner": owner,
        "startup": startup,
        "member": member,
        "application": application,
        "invitation": invitation,
        "stranger": UserFactory(),
    }


def _urls(w):
    s, a = w["startup"].pk, w["application"].pk
    return [
        ("get", reverse("startups:startup_detail", args=[s])),
        ("get", reverse("startups:startup_edit", args=[s])),
        ("post", reverse("startups:startup_edit", args=[s])),
        ("post", reverse("startups:invitation_create", args=[s])),
        ("post", reverse("startups:invitation_revoke", args=[s, w["invitation"].pk])),
        ("post", reverse("startups:member_remove", args=[s, w["member"].pk])),
        ("get", reverse("startups:application_detail", args=[a])),
        ("get", reverse("startups:application_edit", args=[a])),
        ("post", reverse("startups:application_edit", args=[a])),
        ("post", reverse("startups:application_submit", args=[a])),
        ("post", reverse("startups:application_withdraw", args=[a])),
        ("get", reverse("startups:pitch_deck", args=[a])),
    ]


URL_COUNT = 12


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_other_founder_gets_404_and_changes_nothing(client, world, index):
    method, url = _urls(world)[index]
    client.force_login(world["stranger"])
    before = _snapshot(world)
    response = getattr(client, method)(url, {"email": "y@example.kz", "problem": "hijack"})
    assert response.status_code == 404
    assert _snapshot(world) == before


@pytest.mark.parametrize("index", range(URL_COUNT))
def test_anonymous_is_sent_to_login(client, world, index):
    method, url = _urls(world)[index]
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


ALWAYS_LOGIN = ["startups:dashboard", "startups:startup_create"]


@pytest.mark.parametrize("name", ALWAYS_LOGIN)
def test_anonymous_is_sent_to_login_from_personal_pages(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_anonymous_apply_is_sent_to_login(client, program):
    response = client.get(reverse("startups:apply", args=[program.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_shows_only_own_objects(client, world):
    other = UserFactory()
    theirs = StartupFactory(owner=other, name="Their Secret Startup")
    ApplicationFactory(startup=theirs, program=world["application"].program)
    client.force_login(world["owner"])
    page = client.get(reverse("startups:dashboard")).text
    assert world["startup"].name in page
    assert "Their Secret Startup" not in page


def test_member_sees_but_cannot_manage_team(client, world):
    client.force_login(world["member"].user)
    url = reverse("startups:startup_detail", args=[world["startup"].pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Send invitation" not in page.text
    response = client.post(
        reverse("startups:invitation_create", args=[world["startup"].pk]), {"email": "z@ex.kz"}
    )
    assert response.status_code == 302
    assert not Invitation.objects.filter(email="z@ex.kz").exists()


def test_member_can_edit_application(client, world):
    client.force_login(world["member"].user)
    response = client.get(reverse("startups:application_edit", args=[world["application"].pk]))
    assert response.status_code == 200


def test_staff_without_permission_cannot_download_deck(client, world):
    staff = UserFactory(staff=True)
    client.force_login(staff)
    response = client.get(reverse("startups:pitch_deck", args=[world["application"].pk]))
    assert response.status_code == 404


def test_staff_with_permission_downloads_deck(client, world):
    from django.contrib.auth.models import Permission

    staff = UserFactory(staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_application"))
    client.force_login(staff)
    response = client.get(reverse("startups:pitch_deck", args=[world["application"].pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    application = world["application"]
    assert response["Content-Disposition"] == (
        f'attachment; filename="pitch-deck-{application.pk}.pdf"'
    )


def test_team_member_downloads_deck(client, world):
    client.force_login(world["member"].user)
    response = client.get(reverse("startups:pitch_deck", args=[world["application"].pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_uploaded_deck_is_not_served_by_url(client, world):
    name = world["application"].pitch_deck.name
    for prefix in ("/private-media/", "/media/", "/static/"):
        assert client.get(prefix + name).status_code == 404


def _snapshot(w):
    a = Application.objects.get(pk=w["application"].pk)
    return (
        a.status,
        a.problem,
        a.version,
        Membership.objects.filter(startup=w["startup"]).count(),
        Invitation.objects.filter(startup=w["startup"]).count(),
        Invitation.objects.filter(revoked_at__isnull=False).count(),
        w["startup"].__class__.objects.get(pk=w["startup"].pk).name,
    )
