"""The admin's reviewer filters list the Reviewers group, never every account."""

import pytest
from django.urls import reverse

from programs.admin.filters import ReviewerListFilter
from tests.factories import StartupFactory, UserFactory, manager, reviewer

pytestmark = pytest.mark.django_db

PAGES = [
    "admin:programs_assignment_changelist",
    "admin:programs_review_changelist",
    "admin:programs_conflictofinterest_changelist",
]


def _reviewer_filters(page):
    return [
        spec for spec in page.context["cl"].filter_specs if isinstance(spec, ReviewerListFilter)
    ]


@pytest.mark.parametrize("name", PAGES)
def test_reviewer_filter_lists_only_reviewers(client, name):
    first = reviewer(email="aliya@review.kz")
    second = reviewer(email="bolat@review.kz")
    boss = manager(email="boss@office.kz")
    StartupFactory(owner=UserFactory(email="founder@team.kz"))
    UserFactory(is_staff=True, email="plain-staff@office.kz")
    client.force_login(boss)
    page = client.get(reverse(name))
    assert page.status_code == 200
    (spec,) = _reviewer_filters(page)
    assert list(spec.lookup_choices) == [(first.pk, str(first)), (second.pk, str(second))]
    assert "founder@team.kz" not in page.text
    assert "plain-staff@office.kz" not in page.text


@pytest.mark.parametrize("name", PAGES)
def test_reviewer_sees_no_reviewer_filter(client, name):
    own = reviewer(email="aliya@review.kz")
    reviewer(email="bolat@review.kz")
    client.force_login(own)
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert _reviewer_filters(page) == []
    assert "bolat@review.kz" not in page.text
