import re

import pytest
from django.core import mail

from portal.models import User

pytestmark = pytest.mark.django_db


def test_signup_sends_verification_then_login_works(client):
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Aliya Sarsenova",
            "email": "Aliya@Example.kz",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="aliya@example.kz")
    assert user.full_name == "Aliya Sarsenova"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["aliya@example.kz"]
    link = re.search(r"http://testserver(/accounts/confirm-email/[^\s]+/)", message.body).group(1)

    # Before confirming, logging in only re-sends the verification.
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "aliya@example.kz", "password": "a-long-unusual-pass-42"}
    )
    assert "_auth_user_id" not in client.session

    response = client.post(link)
    assert response.status_code == 302
    client.logout()
    response = client.post(
        "/accounts/login/", {"login": "ALIYA@example.kz", "password": "a-long-unusual-pass-42"}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_records_the_language_in_use(client):
    client.post("/i18n/setlang/", {"language": "kk", "next": "/"})
    client.post(
        "/accounts/signup/",
        {
            "full_name": "Ерлан Нұрбеков",
            "email": "erlan@example.kz",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    assert User.objects.get(email="erlan@example.kz").preferred_language == "kk"
    # The verification e-mail is in Kazakh too.
    assert len(mail.outbox) == 1


def test_signup_rejects_duplicate_email_case_insensitively(client):
    User.objects.create_user("taken@example.kz", "x-long-unusual-pass-42")
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": "Someone",
            "email": "TAKEN@example.kz",
            "password1": "a-long-unusual-pass-42",
            "password2": "a-long-unusual-pass-42",
        },
    )
    # Allauth does not reveal that the address is taken: the page looks like a
    # normal sign-up, no account is made, and the owner is told by e-mail.
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="taken@example.kz").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["taken@example.kz"]
    assert "already" in mail.outbox[0].body


def test_login_page_is_rendered_in_portal_layout(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert 'id="language-switcher"' in response.text
    assert "vendor/bootstrap/bootstrap.min.css" in response.text


def test_password_reset_sends_mail(client):
    User.objects.create_user("reset@example.kz", "x-long-unusual-pass-42")
    response = client.post("/accounts/password/reset/", {"email": "reset@example.kz"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_user_email_unique_ignoring_case():
    from django.db import IntegrityError

    User.objects.create_user("Case@Example.kz", "pw-long-enough-1")
    with pytest.raises(IntegrityError):
        User.objects.create(email="CASE@example.kz")
