import json
import re

import pytest
from django.utils import translation

from tests.english_words import english_words, visible_text
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


# --- Languages follow the person (portal/languages.py) ----------------------

LOGIN = "/accounts/login/"
SIGNED_IN = {
    "en": "Successfully signed in as",
    "ru": "Успешный вход под именем",
    "kk": "ретінде сәтті кірдіңіз",
}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def test_choice_on_login_page_wins_over_stored_preference_and_is_saved(client):
    user = UserFactory(preferred_language="ru")
    client.post("/i18n/setlang/", {"language": "kk", "next": LOGIN})
    response = client.post(LOGIN, {"login": user.email, "password": PASSWORD}, follow=True)
    user.refresh_from_db()
    assert user.preferred_language == "kk"
    assert response["Content-Language"] == "kk"
    assert len(_messages(response)) == 1
    assert SIGNED_IN["kk"] in _messages(response)[0]
    assert client.cookies["django_language"].value == "kk"


def test_without_a_choice_the_stored_preference_applies_and_the_message_follows(client):
    user = UserFactory(preferred_language="kk")
    response = client.post(
        LOGIN, {"login": user.email, "password": PASSWORD}, follow=True, HTTP_ACCEPT_LANGUAGE="ru"
    )
    user.refresh_from_db()
    assert user.preferred_language == "kk"
    assert response["Content-Language"] == "kk"
    assert SIGNED_IN["kk"] in _messages(response)[0]
    # The pages after logout stay in the person's language.
    assert client.cookies["django_language"].value == "kk"
    client.post("/accounts/logout/")
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru")["Content-Language"] == "kk"


def test_english_preference_is_not_overridden_by_the_browser_at_login(client):
    user = UserFactory(preferred_language="en")
    response = client.post(
        LOGIN, {"login": user.email, "password": PASSWORD}, follow=True, HTTP_ACCEPT_LANGUAGE="kk"
    )
    assert response["Content-Language"] == "en"
    assert SIGNED_IN["en"] in _messages(response)[0]


def test_staff_login_with_totp_keeps_the_choice_made_on_the_login_page(client):
    from tests.factories import manager
    from tests.mfa_helpers import current_code

    boss = manager(preferred_language="en")
    client.post("/i18n/setlang/", {"language": "ru", "next": LOGIN})
    client.post(f"{LOGIN}?next=/admin/", {"login": boss.email, "password": PASSWORD})
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(boss.totp_secret)}, follow=True
    )
    boss.refresh_from_db()
    assert boss.preferred_language == "ru"
    assert response["Content-Language"] == "ru"
    assert SIGNED_IN["ru"] in _messages(response)[0]


def test_cookie_follows_a_preference_changed_elsewhere(client):
    user = UserFactory(preferred_language="en")
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.force_login(user)
    user.preferred_language = "kk"  # chosen on another device
    user.save(update_fields=["preferred_language"])
    response = client.get("/")
    assert response["Content-Language"] == "kk"
    assert response.cookies["django_language"].value == "kk"
    # Once in step, no cookie is set again.
    assert "django_language" not in client.get("/").cookies


def test_switch_while_signed_in_sends_later_emails_in_the_new_language(client, mailoutbox):
    from portal.notifications import notification_create_for_users, notification_render

    user = UserFactory(preferred_language="en", full_name="Айгерим Садыкова")
    client.force_login(user)
    response = client.post("/i18n/setlang/", {"language": "kk", "next": "/"}, follow=True)
    assert response["Content-Language"] == "kk"
    user.refresh_from_db()
    assert user.preferred_language == "kk"

    [row] = notification_create_for_users(
        kind="cofounder_invitation",
        event_key="lang-test",
        users=[user],
        context={
            "startup": "Алма",
            "inviter": "Ерлан Нұрлан",
            "expires_at": "2026-12-07T10:00:00+05:00",
            "path": "/invitations/x/",
        },
        enqueue=False,
    )
    assert row.language == "kk"
    with translation.override("en"):
        message = notification_render(row)
    assert english_words(message.subject + " " + message.body) == []


def test_allauth_email_goes_out_in_the_signed_in_users_language(client, mailoutbox):
    user = UserFactory(preferred_language="ru", full_name="Айгерим Садыкова")
    client.force_login(user)
    client.post("/accounts/email/", {"action_add": "", "email": "second@company.kz"})
    [mail] = mailoutbox
    assert "подтвердите" in mail.subject
    assert english_words(mail.subject + " " + mail.body, allowed={"testserver"}) == []


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_password_reset_email_has_no_english(client, mailoutbox, language):
    user = UserFactory(preferred_language=language)
    client.post("/i18n/setlang/", {"language": language, "next": "/"})
    client.post("/accounts/password/reset/", {"email": user.email})
    [mail] = mailoutbox
    # The site's domain (here the test client's host) is the only Latin word.
    assert english_words(mail.subject + " " + mail.body, allowed={"testserver"}) == []


# --- The admin speaks the person's language too ------------------------------


def test_admin_header_has_the_language_switcher_and_it_updates_the_preference(client):
    boss = UserFactory(is_staff=True, is_superuser=True, preferred_language="kk")
    client.force_login(boss)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.text
    form = html[html.index('<form id="language-form"') :]
    form = form[: form.index("</form>")]
    assert 'action="/i18n/setlang/"' in form
    assert 'name="csrfmiddlewaretoken"' in form
    assert 'value="kk" lang="kk" aria-current="true"' in form
    assert "onclick" not in form and "<script" not in form

    response = client.post("/i18n/setlang/", {"language": "ru", "next": "/admin/"}, follow=True)
    boss.refresh_from_db()
    assert boss.preferred_language == "ru"
    assert response["Content-Language"] == "ru"


def test_admin_chrome_is_kazakh(client):
    boss = UserFactory(is_staff=True, is_superuser=True, preferred_language="kk")
    client.force_login(boss)
    html = client.get("/admin/").text + client.get("/admin/startups/program/").text
    for kazakh in ("Сайтты қарау", "Соңғы әрекеттер", "Сүзу үшін тере бастаңыз…"):
        assert kazakh in html
    for english in ("View site", "Recent actions", "Start typing to filter"):
        assert english not in html
    # The admin's JavaScript catalogue: the calendar and the time picker.
    script = client.get("/admin/jsi18n/").text
    catalogue = json.loads(re.search(r"const newcatalog = (\{.*?\});\n", script, re.S)[1])
    assert catalogue["January"] == "Қаңтар"
    assert catalogue["Sunday"] == "Жексенбі"
    assert catalogue["Choose a Time"] == "Уақытты таңдаңыз"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_notification_email_reads_in_the_language(language):
    """Each kind of the portal's e-mails, subject, text and HTML, without English."""
    from portal.models import Notification, NotificationKind
    from portal.notifications import notification_render

    context = {
        "program": "Стартап Қазақстан 2026",
        "startup": "Алма",
        "recipient_name": "Айгерим Садыкова",
        "inviter": "Ерлан Нұрлан",
        "actor": "Ерлан Нұрлан",
        "count": 3,
        "more": 2,
        "amount": "5 000 000 ₸",
        "total": "20 000 000 ₸",
        "award": "20 000 000 ₸",
        "tranche": "1",
        "milestone": "MVP",
        "deadline_at": "2026-12-07T18:00:00+05:00",
        "submitted_at": "2026-11-30T10:00:00+05:00",
        "expires_at": "2026-12-07T10:00:00+05:00",
        "paid_on": "2026-12-01",
        "path": "/",
    }
    found = {}
    for kind in NotificationKind:
        message = notification_render(
            Notification(pk=1, kind=kind, language=language, email="a@b.kz", context=context)
        )
        html = message.alternatives[0].content
        text = f"{message.subject}\n{message.body}\n{visible_text(html)}"
        found[kind.value] = english_words(text, allowed={"MVP", "testserver", "localhost"})
    assert found == dict.fromkeys(found, [])
