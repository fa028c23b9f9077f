"""The team's consent to the public results page: asked on the form, changed until the decision."""

import pytest
import rules
from django.urls import reverse

from portal.models import AuditEntry
from startups.enums import ApplicationStatus
from startups.forms import ApplicationForm
from startups.models import Application
from tests.factories import ApplicationFactory, StartupFactory, UserFactory, manager

pytestmark = pytest.mark.django_db


def _form(draft, **data):
    return ApplicationForm({"version": draft.version, **data}, {}, instance=draft)


def test_consent_is_not_given_by_default(draft):
    assert Application._meta.get_field("publish_consent").default is False
    assert draft.publish_consent is False
    form = _form(draft, problem="Only the problem")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["publish_consent"] is False


def test_form_asks_for_consent_and_pitch(client, founder, draft):
    client.force_login(founder)
    page = client.get(reverse("startups:application_edit", args=[draft.pk])).content.decode()
    assert 'name="publish_consent"' in page and 'name="one_line_pitch"' in page
    assert "Publish our startup&#x27;s name and one-line pitch if selected" in page
    assert 'maxlength="140"' in page
    # Not ticked for the team.
    checkbox = page.split('name="publish_consent"')[0].rsplit("<input", 1)[1]
    assert "checked" not in checkbox


def test_draft_saves_the_consent_and_the_pitch(client, founder, draft):
    client.force_login(founder)
    response = client.post(
        reverse("startups:application_edit", args=[draft.pk]),
        {
            "version": draft.version,
            "publish_consent": "on",
            "one_line_pitch": "Cold storage for small farms",
            "save": "1",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.publish_consent, draft.one_line_pitch) == (True, "Cold storage for small farms")


@pytest.mark.parametrize(
    ("pitch", "error"),
    [
        ("x" * 141, "Ensure this value has at most 140 characters (it has 141)."),
        ("Two\nlines", "This field is a single line: remove a line break."),
        ("", "Write the one-line pitch to be published, or leave publication unticked."),
    ],
)
def test_consent_refuses_a_bad_or_missing_pitch(draft, pitch, error):
    form = _form(draft, publish_consent="on", one_line_pitch=pitch)
    assert not form.is_valid()
    assert error in " ".join(form.errors["one_line_pitch"])


@pytest.fixture
def submitted(startup, program):
    return ApplicationFactory(
        startup=startup, program=program, status=ApplicationStatus.SUBMITTED, complete=True
    )


def _post(client, application, **data):
    return client.post(reverse("startups:application_publication", args=[application.pk]), data)


def test_team_changes_its_consent_after_submitting(client, founder, submitted):
    client.force_login(founder)
    page = client.get(submitted.get_absolute_url()).content.decode()
    assert reverse("startups:application_publication", args=[submitted.pk]) in page
    version = submitted.version
    response = _post(client, submitted, publish_consent="on", one_line_pitch="Robots for farms")
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert (submitted.publish_consent, submitted.one_line_pitch) == (True, "Robots for farms")
    assert submitted.version == version + 1
    entry = AuditEntry.objects.get(action="application.publication")
    assert entry.after == {"publish_consent": True, "one_line_pitch": "Robots for farms"}
    # Unticking withdraws it.
    _post(client, submitted, one_line_pitch="Robots for farms")
    submitted.refresh_from_db()
    assert submitted.publish_consent is False


@pytest.mark.parametrize(
    "status",
    [ApplicationStatus.SELECTED, ApplicationStatus.REJECTED, ApplicationStatus.WAITLISTED],
)
def test_consent_cannot_change_after_the_decision(client, founder, startup, program, status):
    decided = ApplicationFactory(
        startup=startup,
        program=program,
        status=status,
        complete=True,
        publish_consent=True,
        one_line_pitch="Published pitch",
    )
    client.force_login(founder)
    assert not founder.has_perm("startups.change_publication", decided)
    page = client.get(decided.get_absolute_url()).content.decode()
    assert reverse("startups:application_publication", args=[decided.pk]) not in page
    assert "The choice can no longer change after the decision." in page
    response = _post(client, decided, one_line_pitch="Changed")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["After the decision the consent to publication can no longer change."]
    decided.refresh_from_db()
    assert (decided.publish_consent, decided.one_line_pitch) == (True, "Published pitch")
    assert not AuditEntry.objects.filter(action="application.publication").exists()


def test_only_the_team_changes_the_consent(client, submitted):
    for outsider in (UserFactory(), manager()):
        assert not rules.has_perm("startups.change_publication", outsider, submitted)
        client.force_login(outsider)
        assert _post(client, submitted, publish_consent="on", one_line_pitch="X").status_code == 404
    submitted.refresh_from_db()
    assert submitted.publish_consent is False


def test_a_cofounder_may_change_the_consent(submitted):
    member = UserFactory()
    submitted.startup.memberships.create(user=member, role="member")
    assert rules.has_perm("startups.change_publication", member, submitted)


def test_admin_shows_the_consent_read_only(client, submitted):
    Application.objects.filter(pk=submitted.pk).update(
        publish_consent=True, one_line_pitch="Robots for farms"
    )
    client.force_login(manager())
    page = client.get(
        reverse("admin:startups_application_change", args=[submitted.pk])
    ).content.decode()
    assert "Robots for farms" in page
    assert "Publish our startup" in page
    assert 'name="publish_consent"' not in page and 'name="one_line_pitch"' not in page


def test_another_startup_page_does_not_show_the_form(client, submitted):
    other = UserFactory()
    StartupFactory(owner=other)
    client.force_login(other)
    assert client.get(submitted.get_absolute_url()).status_code == 404


def test_the_founders_data_export_holds_the_consent_and_pitch(founder, submitted):
    from startups.account_data import account_export

    Application.objects.filter(pk=submitted.pk).update(
        publish_consent=True, one_line_pitch="Robots for farms"
    )
    (exported,) = account_export(user=founder)["applications"]
    assert exported["publish_consent"] is True
    assert exported["answers"]["one_line_pitch"] == "Robots for farms"
