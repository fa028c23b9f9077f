import pytest

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def test_home_in_english_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    assert "Open programs" in response.text


def test_language_switch_to_russian_translates_navigation_and_home(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/"}, follow=True)
    assert response.status_code == 200
    assert response["Content-Language"] == "ru"
    assert "Программы" in response.text  # navigation
    assert "Открытые программы" in response.text  # home text
    assert "Open programs" not in response.text


def test_language_switch_to_kazakh_translates_navigation_and_home(client):
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/"}, follow=True)
    assert response["Content-Language"] == "kk"
    assert "Бағдарламалар" in response.text  # navigation
    assert "Ашық бағдарламалар" in response.text  # home text
    assert "Open programs" not in response.text


def test_language_is_remembered_for_anonymous_visitor(client):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    assert client.get("/programs/")["Content-Language"] == "kk"


def test_unknown_language_is_ignored(client):
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    assert client.get("/")["Content-Language"] == "en"


def test_signed_in_user_choice_is_stored_and_follows_them(client):
    user = UserFactory(preferred_language="en")
    client.force_login(user)
    client.post("/i18n/setlang/", {"language": "ru", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "ru"

    # A fresh browser (no language cookie) gets the stored language after login.
    client.logout()
    client.cookies.clear()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert client.get("/")["Content-Language"] == "ru"


def test_user_preference_wins_over_browser_language(client):
    user = UserFactory(preferred_language="kk")
    client.force_login(user)
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response["Content-Language"] == "kk"
