"""The startups app's permissions, answered for each kind of user."""

import pytest
import rules

from startups.enums import ApplicationStatus, MembershipRole
from startups.models import Application
from tests.factories import ApplicationFactory, MembershipFactory, UserFactory, manager

pytestmark = pytest.mark.django_db


@pytest.fixture
def team():
    owner, member, stranger = UserFactory(), UserFactory(), UserFactory()
    application = ApplicationFactory()
    MembershipFactory(startup=application.startup, user=owner, role=MembershipRole.OWNER)
    MembershipFactory(startup=application.startup, user=member)
    return {"application": application, "owner": owner, "member": member, "stranger": stranger}


def test_manage_team_is_the_owners(team):
    startup = team["application"].startup
    answers = {
        name: team[name].has_perm("startups.manage_team", startup)
        for name in ["owner", "member", "stranger"]
    }
    assert answers == {"owner": True, "member": False, "stranger": False}


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ApplicationStatus.DRAFT, True),
        (ApplicationStatus.SUBMITTED, True),
        (ApplicationStatus.UNDER_REVIEW, False),
        (ApplicationStatus.SELECTED, False),
        (ApplicationStatus.WITHDRAWN, False),
    ],
)
def test_withdraw_application_by_the_team_until_review_starts(team, status, allowed):
    application = team["application"]
    Application.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    assert team["member"].has_perm("startups.withdraw_application", application) is allowed
    assert team["stranger"].has_perm("startups.withdraw_application", application) is False


def test_download_pitch_deck_by_the_team_and_the_managers(team):
    application = team["application"]
    answers = {
        name: team[name].has_perm("startups.download_pitch_deck", application)
        for name in ["owner", "member", "stranger"]
    }
    assert answers == {"owner": True, "member": True, "stranger": False}
    assert manager().has_perm("startups.download_pitch_deck", application) is True
    assert rules.has_perm("startups.download_pitch_deck", UserFactory(), application) is False
