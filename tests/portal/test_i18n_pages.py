"""Every allauth page and e-mail the portal uses reads wholly in Russian and in Kazakh.

Each page is fetched in the language, its visible text (with placeholders,
labels and titles) searched for English words (tests/english_words.py), and
the same for each e-mail a step sends. Flows are walked for real (sign-up,
e-mail confirmation, password reset by its link, two-factor set-up and
sign-in) so that the forms and their error messages are seen too.
"""

import re

import pytest

from tests.english_words import english_words, visible_text
from tests.factories import PASSWORD, UserFactory
from tests.mfa_helpers import current_code, give_totp

pytestmark = pytest.mark.django_db
LANGUAGES = ["ru", "kk"]
NAME = "Айгерим Садыкова"
HOST = {"testserver"}  # the site's domain in e-mails


def _english(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return english_words(visible_text(response.text))


def _mail_english(mail) -> list[str]:
    return english_words(f"{mail.subject}\n{mail.body}", allowed=HOST)


def _link(mail) -> str:
    return re.search(r"https?://testserver(/\S+)", mail.body).group(1)


@pytest.fixture
def in_language(client):
    def choose(language):
        client.post("/i18n/setlang/", {"language": language, "next": "/"})
        return client

    return choose


@pytest.mark.parametrize("language", LANGUAGES)
def test_anonymous_account_pages(in_language, language):
    client = in_language(language)
    found = {}
    for path in (
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
        "/accounts/password/reset/key/1-bad-key/",
        "/accounts/password/reset/key/done/",
        "/accounts/confirm-email/",
        "/accounts/confirm-email/bad-key/",
        "/accounts/inactive/",
    ):
        found[path] = _english(client.get(path, follow=True))
    # Forms sent back with their errors.
    found["login error"] = _english(
        client.post("/accounts/login/", {"login": "nobody@example.kz", "password": "x"})
    )
    found["signup errors"] = _english(
        client.post(
            "/accounts/signup/",
            {"full_name": "", "email": "not-an-address", "password1": "1", "password2": "2"},
        )
    )
    assert found == dict.fromkeys(found, [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_signup_and_email_confirmation(in_language, mailoutbox, language):
    client = in_language(language)
    response = client.post(
        "/accounts/signup/",
        {
            "full_name": NAME,
            "email": "aigerim@company.kz",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
        follow=True,
    )
    found = {"verification sent": _english(response)}
    [mail] = mailoutbox
    found["confirmation e-mail"] = _mail_english(mail)
    found["confirm page"] = _english(client.get(_link(mail)))
    response = client.post(_link(mail), follow=True)
    found["after confirming"] = _english(response)
    # The same address again: allauth writes "account already exists".
    client.post("/accounts/logout/")
    in_language(language)
    client.post(
        "/accounts/signup/",
        {
            "full_name": NAME,
            "email": "aigerim@company.kz",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )
    found["already exists e-mail"] = _mail_english(mailoutbox[-1])
    assert found == dict.fromkeys(found, [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_password_reset_by_link(in_language, mailoutbox, language):
    user = UserFactory(full_name=NAME, preferred_language=language)
    client = in_language(language)
    client.post("/accounts/password/reset/", {"email": "stranger@company.kz"})
    found = {"unknown account e-mail": _mail_english(mailoutbox[-1])}
    client.post("/accounts/password/reset/", {"email": user.email})
    found["reset e-mail"] = _mail_english(mailoutbox[-1])
    response = client.get(_link(mailoutbox[-1]), follow=True)
    found["new password form"] = _english(response)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else _link(mailoutbox[-1])
    response = client.post(
        form_url, {"password1": "new-" + PASSWORD, "password2": "new-" + PASSWORD}, follow=True
    )
    found["reset done"] = _english(response)
    assert "/accounts/password/reset/key/done/" in response.redirect_chain[-1][0]
    assert found == dict.fromkeys(found, [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_signed_in_account_and_two_factor_pages(client, mailoutbox, language):
    user = UserFactory(full_name=NAME, preferred_language=language)
    client.force_login(user)
    found = {}
    for path in (
        "/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/logout/",
        "/accounts/reauthenticate/",
        "/accounts/2fa/",
        "/accounts/2fa/totp/activate/",
    ):
        found[path] = _english(client.get(path, follow=True))
    found["wrong current password"] = _english(
        client.post(
            "/accounts/password/change/",
            {"oldpassword": "wrong", "password1": "x", "password2": "y"},
        )
    )
    give_totp(user)
    for path in (
        "/accounts/2fa/",
        "/accounts/2fa/recovery-codes/",
        "/accounts/2fa/recovery-codes/generate/",
        "/accounts/2fa/totp/deactivate/",
        "/accounts/2fa/reauthenticate/",
    ):
        found[f"with TOTP {path}"] = _english(client.get(path, follow=True))
    response = client.post("/accounts/logout/", follow=True)
    found["signed out"] = _english(response)
    assert found == dict.fromkeys(found, [])


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_factor_sign_in(in_language, language):
    user = UserFactory(full_name=NAME, preferred_language=language)
    secret = give_totp(user)
    client = in_language(language)
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True
    )
    found = {"authenticate": _english(response)}
    found["wrong code"] = _english(client.post("/accounts/2fa/authenticate/", {"code": "000000"}))
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(secret)}, follow=True
    )
    found["signed in"] = _english(response)
    assert found == dict.fromkeys(found, [])
