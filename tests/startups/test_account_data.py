"""A founder's data: the export holds theirs, nobody else's; deletion scrubs, the ledger stays."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.forms.models import model_to_dict
from django.urls import reverse

from portal.models import AuditEntry, Notification, NotificationStatus, User
from programs.models import Award, Disbursement, Tranche
from programs.services import funding
from programs.services.selection import application_decide
from startups.account_data import AccountDeleteRefused, account_delete, account_export
from startups.enums import MembershipRole
from startups.models import Application, ApplicationStatusChange, Invitation, Membership
from tests.factories import (
    PASSWORD,
    ApplicationFactory,
    MembershipFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    make_pdf,
    manager,
    submitted_application,
)
from tests.mfa_helpers import give_totp

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def _notification(user, **values):
    defaults = {
        "kind": "application_submitted",
        "event_key": f"test:{user.pk}:{values.get('status', 'sent')}",
        "email": user.email,
        "recipient": user,
        "language": "en",
        "context": {"name": user.full_name},
        "status": NotificationStatus.SENT,
    }
    return Notification.objects.create(**{**defaults, **values})


@pytest.fixture
def world():
    """Nurlan owns Alpha alone; Alpha's application is funded and one payment was made.

    Dana owns Beta with Nurlan as a member. Outsider has a startup of their own.
    """
    nurlan = UserFactory(email="nurlan@alpha.kz", full_name="Nurlan Founder")
    dana = UserFactory(email="dana@beta.kz", full_name="Dana Owner")
    outsider = UserFactory(email="outsider@gamma.kz", full_name="Olga Outsider")
    boss = manager()
    program = ProgramFactory(closed=True, total_budget=Decimal("25000000"), selection_cap=10)

    alpha = StartupFactory(name="Alpha", owner=nurlan)
    funded = submitted_application(
        program,
        startup=alpha,
        created_by=nurlan,
        requested_amount=Decimal("10000000"),
        team="Nurlan Founder, CEO, ex-Kaspi",
        video_url="https://video.example/nurlan",
        problem="Cold chain losses in Turkistan.",
    )
    funded.pitch_deck.save("deck.pdf", ContentFile(make_pdf()), save=False)
    funded.pitch_deck_name = "deck.pdf"
    funded.save()
    application_decide(
        application=funded,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    award = funding.award_create(
        application=funded, amount=Decimal("10000000"), agreement_date=TODAY, actor=boss
    )
    funding.tranches_set(
        award=award,
        schedule=[
            {"amount": "4000000", "planned_date": TODAY, "milestone": "MVP"},
            {"amount": "6000000", "planned_date": TODAY + timedelta(days=90), "milestone": "Pilot"},
        ],
        actor=boss,
    )
    funding.disbursement_record(
        tranche=award.tranches.order_by("sequence").first(),
        amount=Decimal("4000000"),
        paid_on=TODAY,
        reference="PP-1",
        actor=boss,
    )

    beta = StartupFactory(name="Beta", owner=dana)
    MembershipFactory(startup=beta, user=nurlan, role=MembershipRole.MEMBER)
    shared = ApplicationFactory(
        program=ProgramFactory(), startup=beta, created_by=dana, team="Dana Owner, Nurlan"
    )
    Invitation.objects.create(startup=beta, email=nurlan.email, invited_by=dana)
    Invitation.objects.create(startup=beta, email="someone-else@beta.kz", invited_by=dana)

    gamma = StartupFactory(name="Gamma", owner=outsider)
    ApplicationFactory(program=program, startup=gamma, team="Olga Outsider alone")

    _notification(nurlan)
    _notification(nurlan, status=NotificationStatus.PENDING)
    _notification(dana)
    _notification(outsider)
    return {
        "nurlan": nurlan,
        "dana": dana,
        "outsider": outsider,
        "funded": funded,
        "shared": shared,
        "award": award,
        "alpha": alpha,
        "beta": beta,
    }


# --- Export ------------------------------------------------------------------------


def test_export_holds_the_founders_data(world):
    nurlan = world["nurlan"]
    data = account_export(user=nurlan)
    assert data["profile"]["email"] == "nurlan@alpha.kz"
    assert data["profile"]["full_name"] == "Nurlan Founder"
    assert [(s["name"], s["role"]) for s in data["startups"]] == [
        ("Alpha", "owner"),
        ("Beta", "member"),
    ]
    applications = {a["id"]: a for a in data["applications"]}
    assert set(applications) == {world["funded"].pk, world["shared"].pk}
    funded = applications[world["funded"].pk]
    assert funded["answers"]["team"] == "Nurlan Founder, CEO, ex-Kaspi"
    assert funded["answers"]["problem"] == "Cold chain losses in Turkistan."
    assert funded["requested_amount"] == "10000000.00"
    assert funded["pitch_deck"] == "deck.pdf"
    assert [(h["from"], h["to"]) for h in funded["history"]][-2:] == [
        ("under_review", "selected"),
        ("selected", "funded"),
    ]
    assert [i["email"] for i in data["invitations"]] == ["nurlan@alpha.kz"]
    notifications = [(n["kind"], n["email"], n["status"]) for n in data["notifications"]]
    assert notifications == list(
        Notification.objects.filter(recipient=nurlan)
        .order_by("created_at", "pk")
        .values_list("kind", "email", "status")
    )
    assert ("application_submitted", "nurlan@alpha.kz", "pending") in notifications
    assert {email for _kind, email, _status in notifications} == {"nurlan@alpha.kz"}


def test_export_never_holds_another_persons_data(world):
    text = json.dumps(account_export(user=world["nurlan"]), default=str)
    for foreign in [
        "dana@beta.kz",
        "outsider@gamma.kz",
        "Olga Outsider",
        "someone-else@beta.kz",
    ]:
        assert foreign not in text
    assert "Gamma" not in text
    assert world["outsider"].email not in text


def test_export_view_downloads_json_for_the_signed_in_user_only(client, world):
    client.force_login(world["outsider"])
    response = client.get(reverse("account_data_export"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="my-data-')
    data = json.loads(response.content)
    assert data["profile"]["email"] == "outsider@gamma.kz"
    assert [s["name"] for s in data["startups"]] == ["Gamma"]
    assert "nurlan@alpha.kz" not in response.content.decode()


def test_export_view_needs_login(client):
    response = client.get(reverse("account_data_export"))
    assert response["Location"] == "/accounts/login/?next=/accounts/data/export/"


# --- Deletion ----------------------------------------------------------------------


def _ledger_and_audit():
    return (
        [model_to_dict(d) for d in Disbursement.objects.order_by("pk")],
        [model_to_dict(t) for t in Tranche.objects.order_by("pk")],
        [model_to_dict(a) for a in Award.objects.order_by("pk")],
        [model_to_dict(e) for e in AuditEntry.objects.order_by("pk")],
        [model_to_dict(c) for c in ApplicationStatusChange.objects.order_by("pk")],
    )


def test_delete_scrubs_the_account_and_keeps_ledger_and_audit(
    world, django_capture_on_commit_callbacks
):
    nurlan = world["nurlan"]
    give_totp(nurlan)
    deck = world["funded"].pitch_deck.name
    assert default_storage.exists(deck)
    disbursements, tranches, awards, audit, history = _ledger_and_audit()

    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=nurlan)

    user = User.objects.get(pk=nurlan.pk)
    assert (user.email, user.full_name, user.is_active, user.has_usable_password()) == (
        f"deleted-{nurlan.pk}@deleted.invalid",
        "",
        False,
        False,
    )
    assert EmailAddress.objects.filter(user=user).count() == 0
    assert Authenticator.objects.filter(user=user).count() == 0
    assert Membership.objects.filter(user=user).count() == 0

    # Alpha had nobody else: its application loses its personal answers.
    funded = Application.objects.get(pk=world["funded"].pk)
    assert (funded.team, funded.video_url, funded.pitch_deck.name, funded.pitch_deck_name) == (
        "",
        "",
        "",
        "",
    )
    assert funded.problem == "Cold chain losses in Turkistan."
    assert funded.created_by_id == nurlan.pk
    assert not default_storage.exists(deck)
    # Beta keeps its team and its application as they were.
    shared = Application.objects.get(pk=world["shared"].pk)
    assert shared.team == "Dana Owner, Nurlan"

    # The ledger and the existing audit trail are exactly as before.
    after = _ledger_and_audit()
    assert after[:3] == (disbursements, tranches, awards)
    assert after[3][: len(audit)] == audit
    assert after[4] == history
    assert [(e.action, e.object_id) for e in AuditEntry.objects.order_by("pk")[len(audit) :]] == [
        ("account.deleted", str(nurlan.pk))
    ]

    assert list(
        Invitation.objects.filter(startup=world["beta"])
        .values_list("email", flat=True)
        .order_by("pk")
    ) == [
        f"deleted-{nurlan.pk}@deleted.invalid",
        "someone-else@beta.kz",
    ]
    assert list(
        Notification.objects.filter(recipient=user).values_list("email", "status", "context")
    ) == [(f"deleted-{nurlan.pk}@deleted.invalid", "sent", {})]
    assert Notification.objects.filter(email="dana@beta.kz").count() == 1


def test_delete_hands_ownership_to_the_remaining_member(world):
    dana = world["dana"]
    account_delete(user=dana)
    assert list(
        Membership.objects.filter(startup=world["beta"]).values_list("user__email", "role")
    ) == [("nurlan@alpha.kz", "owner")]


def test_delete_refused_for_staff():
    with pytest.raises(AccountDeleteRefused) as refused:
        account_delete(user=manager())
    assert refused.value.messages == [
        "Staff accounts are closed by an administrator, not deleted by their owner."
    ]


def test_delete_view_needs_the_password(client, world):
    nurlan = world["nurlan"]
    client.force_login(nurlan)
    response = client.post(reverse("account_data_delete"), {"password": "wrong"})
    assert response.status_code == 400
    assert response.context["delete_form"].errors == {"password": ["The password is not correct."]}
    assert User.objects.get(pk=nurlan.pk).is_active is True


def test_delete_view_deletes_and_signs_out(client, world):
    nurlan = world["nurlan"]
    client.force_login(nurlan)
    response = client.post(reverse("account_data_delete"), {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.session.get("_auth_user_id") is None
    assert User.objects.get(pk=nurlan.pk).is_active is False
    # The old address and password no longer sign in.
    response = client.post("/accounts/login/", {"login": "nurlan@alpha.kz", "password": PASSWORD})
    assert response.status_code == 200
    assert client.session.get("_auth_user_id") is None


def test_account_data_page_renders_in_the_portal_layout(client, world):
    client.force_login(world["nurlan"])
    page = client.get(reverse("account_data")).content.decode()
    assert '<h1 class="h3 mb-3">Your account and your data</h1>' in page
    assert 'id="delete-account"' in page
    assert 'id="language-switcher"' in page
