"""Staff sign-in: through allauth (rate-limited), with a second factor, idle expiry."""

import time

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from portal.mfa import LAST_SEEN_KEY
from tests.factories import PASSWORD, UserFactory, manager, reviewer
from tests.mfa_helpers import current_code, give_totp, recovery_codes

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"
TOO_MANY = "Too many failed login attempts. Try again later."


def _password_step(client, user, password=PASSWORD, next_url="/admin/", **extra):
    return client.post(
        f"{LOGIN}?next={next_url}", {"login": user.email, "password": password}, **extra
    )


def _logged_in_as(client):
    return client.session.get("_auth_user_id")


# --- The admin's login is allauth's ------------------------------------------


def test_admin_login_redirects_to_allauth_login_with_next(client):
    response = client.get("/admin/login/?next=/admin/startups/program/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/admin/startups/program/",
    )


def test_admin_page_anonymous_ends_on_allauth_login(client):
    response = client.get("/admin/startups/program/", follow=True)
    assert response.redirect_chain == [
        ("/admin/login/?next=/admin/startups/program/", 302),
        ("/accounts/login/?next=/admin/startups/program/", 302),
    ]


def test_admin_login_post_checks_no_password(client):
    boss = manager()
    response = client.post("/admin/login/", {"username": boss.email, "password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/admin/")
    assert _logged_in_as(client) is None


def test_admin_login_refuses_foreign_next(client):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_admin_login_signed_in_founder_goes_home_without_loop(client):
    client.force_login(UserFactory())
    response = client.get("/admin/")
    assert response["Location"] == "/admin/login/?next=/admin/"
    response = client.get(response["Location"])
    assert (response.status_code, response["Location"]) == (302, "/")


def test_admin_login_locks_account_after_five_failures(client):
    boss = manager()
    for _ in range(5):
        response = _password_step(client, boss, password="wrong-password")
        assert response.status_code == 200
        assert _logged_in_as(client) is None
    # The right password is refused too, and from another address as well:
    # the count is per account, not only per address.
    response = _password_step(client, boss, REMOTE_ADDR="10.9.8.7")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [TOO_MANY]
    assert _logged_in_as(client) is None
    assert client.session.get("account_authentication_records") is None
    # The count lives in the cache: emptied, the password step passes.
    cache.clear()
    response = _password_step(client, boss)
    assert (response.status_code, response["Location"]) == (302, AUTHENTICATE)


def test_founder_login_locks_the_same_way(client):
    founder = UserFactory()
    for _ in range(5):
        _password_step(client, founder, password="wrong-password", next_url="/")
    response = _password_step(client, founder, next_url="/")
    assert response.context["form"].non_field_errors() == [TOO_MANY]


# --- TOTP and recovery codes at login ----------------------------------------


def test_staff_login_asks_for_totp_through_the_real_form(client):
    boss = manager()
    response = _password_step(client, boss)
    assert (response.status_code, response["Location"]) == (302, AUTHENTICATE)
    # Between the steps nobody is signed in yet.
    assert _logged_in_as(client) is None
    assert client.get("/admin/")["Location"] == "/admin/login/?next=/admin/"

    response = client.post(AUTHENTICATE, {"code": "000000"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert _logged_in_as(client) is None

    response = client.post(AUTHENTICATE, {"code": current_code(boss.totp_secret)})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert _logged_in_as(client) == str(boss.pk)
    assert client.get("/admin/").status_code == 200


def test_totp_code_is_accepted_only_once(client):
    boss = manager()
    code = current_code(boss.totp_secret)
    _password_step(client, boss)
    assert client.post(AUTHENTICATE, {"code": code})["Location"] == "/admin/"
    client.logout()
    _password_step(client, boss)
    response = client.post(AUTHENTICATE, {"code": code})
    assert response.context["form"].errors == {"code": ["Incorrect code."]}


def test_recovery_code_signs_in_once(client):
    alice = reviewer()
    first, second = recovery_codes(alice)[:2]
    _password_step(client, alice)
    assert client.post(AUTHENTICATE, {"code": first})["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    client.logout()

    _password_step(client, alice)
    response = client.post(AUTHENTICATE, {"code": first})
    assert response.context["form"].errors == {"code": ["Incorrect code."]}
    assert client.post(AUTHENTICATE, {"code": second})["Location"] == "/admin/"
    assert len(recovery_codes(alice)) == 8


# --- Staff must enrol ----------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/startups/program/",
        "/admin/programs/disbursement/",
        "/admin/portal/user/",
        "/",
        "/programs/",
        "/accounts/email/",
        "/accounts/password/change/",
    ],
)
def test_staff_without_second_factor_is_sent_to_setup(client, url):
    boss = manager(totp=False)
    client.force_login(boss)
    response = client.get(url)
    assert (response.status_code, response["Location"]) == (302, ACTIVATE)
    response = client.post(url, {})
    assert (response.status_code, response["Location"]) == (302, ACTIVATE)


@pytest.mark.parametrize("url", ["/accounts/2fa/", "/healthz"])
def test_staff_without_second_factor_reaches_setup_pages(client, url):
    client.force_login(manager(totp=False))
    assert client.get(url).status_code == 200


def test_staff_without_second_factor_can_log_out_and_switch_language(client):
    client.force_login(manager(totp=False))
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    assert response.status_code == 302
    response = client.post(reverse("account_logout"))
    assert (response.status_code, _logged_in_as(client)) == (302, None)


def test_recovery_codes_alone_are_not_a_second_factor(client):
    boss = manager(totp=False)
    recovery_codes(boss)
    client.force_login(boss)
    assert client.get("/admin/")["Location"] == ACTIVATE


def test_staff_enrols_then_logs_in_with_totp_and_the_admin_works(client):
    boss = manager(totp=False)
    response = _password_step(client, boss)
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert client.get("/admin/")["Location"] == ACTIVATE

    # Adding a factor asks for the password again (allauth's reauthentication).
    response = client.get(ACTIVATE)
    assert (
        response["Location"]
        == "/accounts/reauthenticate/?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F"
    )
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response["Location"] == ACTIVATE
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    assert secret in page.content.decode()
    response = client.post(ACTIVATE, {"code": current_code(secret)})
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/recovery-codes/")
    assert Authenticator.objects.filter(user=boss).count() == 2
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    for code in recovery_codes(boss):
        assert code in codes_page
    assert "Continue to the administration" in codes_page
    assert client.get("/admin/").status_code == 200

    # Next time, the code is asked for at login.
    client.logout()
    cache.clear()  # the activation code was marked used
    assert _password_step(client, boss)["Location"] == AUTHENTICATE
    assert client.post(AUTHENTICATE, {"code": current_code(secret)})["Location"] == "/admin/"
    assert client.get("/admin/startups/program/").status_code == 200


def test_staff_cannot_turn_their_second_factor_off(client):
    boss = manager()
    _password_step(client, boss)
    client.post(AUTHENTICATE, {"code": current_code(boss.totp_secret)})
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    response = client.post("/accounts/2fa/totp/deactivate/")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "Staff accounts must keep two-factor authentication; it cannot be turned off."
    ]
    assert Authenticator.objects.filter(user=boss, type=Authenticator.Type.TOTP).count() == 1


def test_founder_without_second_factor_is_not_affected(client):
    founder = UserFactory()
    client.force_login(founder)
    assert client.get("/").status_code == 200
    assert client.get("/programs/").status_code == 200
    assert client.get("/accounts/email/").status_code == 200


def test_founder_may_turn_on_totp_and_then_needs_it(client):
    founder = UserFactory()
    secret = give_totp(founder)
    response = _password_step(client, founder, next_url="/")
    assert response["Location"] == AUTHENTICATE
    assert client.post(AUTHENTICATE, {"code": current_code(secret)})["Location"] == "/"


def test_mfa_pages_use_the_portal_layout(client):
    founder = UserFactory()
    client.force_login(founder)
    page = client.get("/accounts/2fa/").content.decode()
    assert '<h1 class="h3 mb-3">Two-factor authentication</h1>' in page
    assert 'id="language-switcher"' in page  # the portal's base.html
    assert "Set up an authenticator app" in page


# --- Idle staff sessions -------------------------------------------------------


def _age_session(client, seconds):
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def test_staff_session_expires_after_idle_time(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    boss = manager()
    client.force_login(boss)
    assert client.get("/admin/").status_code == 200
    _age_session(client, 601)
    response = client.get("/admin/startups/program/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/admin/startups/program/",
    )
    assert _logged_in_as(client) is None


def test_staff_session_survives_activity_within_idle_time(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(manager())
    _age_session(client, 590)
    assert client.get("/admin/").status_code == 200
    # The request counted as activity: the clock starts again.
    assert int(time.time()) - client.session[LAST_SEEN_KEY] <= 1
    _age_session(client, 599)
    assert client.get("/admin/").status_code == 200


def test_founder_session_has_no_idle_limit(client, settings):
    settings.STAFF_SESSION_IDLE_SECONDS = 600
    client.force_login(UserFactory())
    _age_session(client, 10_000)
    assert client.get("/").status_code == 200
    assert _logged_in_as(client) is not None


# --- The development code printer ---------------------------------------------


def test_totp_code_command_prints_the_current_code(settings, capsys):
    settings.DEBUG = True
    boss = manager()
    call_command("totp_code", boss.email.upper())
    assert capsys.readouterr().out == current_code(boss.totp_secret) + "\n"


def test_totp_code_command_refused_without_debug(settings):
    settings.DEBUG = False
    boss = manager()
    with pytest.raises(CommandError) as refused:
        call_command("totp_code", boss.email)
    assert str(refused.value) == (
        "totp_code only runs with DEBUG on (a development aid): in production "
        "it would bypass the second factor. Use the account's authenticator app."
    )


def test_totp_code_command_account_without_totp(settings):
    settings.DEBUG = True
    founder = UserFactory()
    with pytest.raises(CommandError, match="has no authenticator app set up"):
        call_command("totp_code", founder.email)
