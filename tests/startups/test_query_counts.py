"""Query counts of the startups changelists and the founder's startup page.

The same ceiling with few and many rows: a page that grows a query per row
fails here first.
"""

import pytest
from django.urls import reverse

from startups.models import Invitation
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("rows", [1, 30])
def test_startup_changelist_query_count(superuser_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        startup = StartupFactory(owner=UserFactory())
        MembershipFactory(startup=startup, user=UserFactory())
    with django_assert_max_num_queries(6):
        page = superuser_client.get(reverse("admin:startups_startup_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_invitation_changelist_query_count(superuser_client, django_assert_max_num_queries, rows):
    for index in range(rows):
        owner = UserFactory()
        startup = StartupFactory(owner=owner)
        Invitation.objects.create(
            startup=startup, email=f"cofounder{index}@example.kz", invited_by=owner
        )
    with django_assert_max_num_queries(7):
        page = superuser_client.get(reverse("admin:startups_invitation_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 15])
def test_startup_page_query_count(client, django_assert_max_num_queries, rows):
    founder = UserFactory()
    startup = StartupFactory(owner=founder)
    for index in range(rows):
        MembershipFactory(startup=startup, user=UserFactory())
        Invitation.objects.create(
            startup=startup, email=f"next{index}@example.kz", invited_by=founder
        )
        ApplicationFactory(startup=startup, program=ProgramFactory())
    client.force_login(founder)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("startups:startup_detail", args=[startup.pk]))
    assert page.status_code == 200
    assert len(page.context["team"]) == 1 + rows
    assert len(page.context["invitations"]) == rows
    assert len(page.context["applications"]) == rows
