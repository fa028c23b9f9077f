"""/favicon.ico answers, and every admin page links the portal's icon."""

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import manager

pytestmark = pytest.mark.django_db


def test_favicon_ico_leads_to_the_portals_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/favicon.svg"
    assert finders.find("favicon.svg") is not None
    assert "max-age=86400" in response["Cache-Control"]


@pytest.mark.parametrize(
    "name", ["admin:index", "admin:programs_assignment_changelist", "admin:startups_program_add"]
)
def test_admin_pages_link_the_portals_icon(client, name):
    client.force_login(manager())
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in page.text
