"""Every answer of /api/v1/ that is an error has the one documented shape, also those
no operation gives: a wrong method (405), a route that does not exist (404)."""

import pytest

from tests.api.conftest import MANAGER, bearer, token_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("method", "url", "allow"),
    [
        ("delete", "/api/v1/programs", "GET"),
        ("get", "/api/v1/founder/applications/1/submit", "POST"),
        ("put", "/api/v1/founder/applications/1", "GET, PATCH"),
        ("get", "/api/v1/manager/milestone-reports/1/approve", "POST"),
    ],
)
def test_wrong_method_is_405_in_the_error_shape(client, method, url, allow):
    response = getattr(client, method)(url)
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert response["Allow"] == allow
    error = response.json()["error"]
    assert (error["code"], error["fields"]) == ("method_not_allowed", {})
    assert method.upper() in error["message"]


@pytest.mark.parametrize(
    "url", ["/api/v1/", "/api/v1/no-such-thing", "/api/v1/programs/", "/api/v1/manager/x/y"]
)
def test_unknown_route_is_404_in_the_error_shape(client, manager_user, url):
    for answer in (client.get(url), bearer(token_for(manager_user, MANAGER)).post(url)):
        assert answer.status_code == 404
        assert answer.json() == {
            "error": {
                "code": "not_found",
                "message": "There is no such route in the API; see /api/docs/.",
                "fields": {},
            }
        }


def test_wrong_method_message_in_the_requested_language(client):
    english = client.delete("/api/v1/programs").json()["error"]["message"]
    russian = client.delete("/api/v1/programs", HTTP_ACCEPT_LANGUAGE="ru")
    assert russian.status_code == 405
    assert russian["Content-Language"] == "ru"
    assert russian.json()["error"]["message"]  # in the catalogue once translated
    assert english == "This route does not answer DELETE; it answers GET."


def test_an_unexpected_failure_is_500_in_the_error_shape(manager_user, monkeypatch):
    from django.test import Client

    from programs.api import milestones

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(milestones, "reports_loaded", broken)
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_for(manager_user, MANAGER)}",
        raise_request_exception=False,
    )
    response = client.get("/api/v1/manager/milestone-reports")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "boom" not in response.content.decode()
