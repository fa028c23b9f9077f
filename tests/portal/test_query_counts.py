"""Query counts of the portal's changelists: the same ceiling with few and many rows."""

import pytest
from django.urls import reverse

from portal.audit import audit_record
from portal.models import Notification, NotificationKind
from tests.factories import ProgramFactory, StartupFactory, UserFactory, reviewer

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("rows", [1, 30])
def test_user_changelist_query_count(superuser_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        reviewer()
        StartupFactory(owner=UserFactory())
    with django_assert_max_num_queries(8):
        page = superuser_client.get(reverse("admin:portal_user_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 1 + 2 * rows


@pytest.mark.parametrize("rows", [1, 30])
def test_audit_trail_changelist_query_count(superuser_client, django_assert_max_num_queries, rows):
    program = ProgramFactory()
    for index in range(rows):
        audit_record(actor=UserFactory(), action="program.update", obj=program, note=f"n{index}")
    with django_assert_max_num_queries(10):
        page = superuser_client.get(reverse("admin:portal_auditentry_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 30])
def test_notification_changelist_query_count(superuser_client, django_assert_max_num_queries, rows):
    for index in range(rows):
        user = UserFactory()
        Notification.objects.create(
            kind=NotificationKind.APPLICATION_SUBMITTED,
            event_key=f"bench:{index}",
            email=user.email,
            recipient=user,
            language="en",
        )
    with django_assert_max_num_queries(8):
        page = superuser_client.get(reverse("admin:portal_notification_changelist"))
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == rows
