import pytest
from django.urls import reverse

from tests.factories import ApplicationFactory, ProgramFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize(
    "name",
    [
        "admin:startups_program_changelist",
        "admin:startups_program_add",
        "admin:startups_application_changelist",
        "admin:startups_startup_changelist",
        "admin:startups_invitation_changelist",
        "admin:portal_user_changelist",
        "admin:portal_auditentry_changelist",
    ],
)
def test_admin_pages_render(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_application_changelist_query_count(admin_client, django_assert_max_num_queries, rows):
    program = ProgramFactory()
    for _ in range(rows):
        ApplicationFactory(program=program)
    with django_assert_max_num_queries(12):
        response = admin_client.get(reverse("admin:startups_application_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [1, 25])
def test_program_changelist_query_count(admin_client, django_assert_max_num_queries, rows):
    for _ in range(rows):
        ProgramFactory()
    with django_assert_max_num_queries(10):
        assert admin_client.get(reverse("admin:startups_program_changelist")).status_code == 200


def test_application_change_page_shows_history(admin_client):
    application = ApplicationFactory()
    from startups.workflow import application_record_creation

    application_record_creation(application=application, actor=None)
    page = admin_client.get(reverse("admin:startups_application_change", args=[application.pk]))
    assert page.status_code == 200
    assert "Status changes" in page.text


def test_non_staff_cannot_open_admin(client):
    client.force_login(UserFactory())
    response = client.get(reverse("admin:startups_application_changelist"))
    assert response.status_code == 302
