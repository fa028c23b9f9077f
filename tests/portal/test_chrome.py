"""The page chrome's fragments: rendered once per language and flags, never a visitor's own."""

import re

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def csrf_tokens(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


def current_language_button(html: str) -> str:
    return re.findall(r'value="(\w+)" lang="\w+"\s+class="btn btn-light"', html)[0]


def test_signed_in_user_sees_their_own_name_and_menu(client):
    client.force_login(UserFactory(full_name="Aliya Founder"))
    first = client.get(reverse("programs:list")).text
    client.force_login(UserFactory(full_name="Daniyar Founder"))
    second = client.get(reverse("programs:list")).text
    assert 'id="account-menu">Aliya Founder</a>' in first
    assert 'id="account-menu">Daniyar Founder</a>' in second
    assert "Aliya Founder" not in second
    assert reverse("startups:dashboard") in second
    assert reverse("account_logout") in second


def test_changed_name_shows_on_the_next_page(client):
    user = UserFactory(full_name="Aliya Founder")
    client.force_login(user)
    client.get(reverse("startups:dashboard"))
    user.full_name = "Aliya Nurlanovna"
    user.save(update_fields=["full_name"])
    page = client.get(reverse("startups:dashboard")).text
    assert 'id="account-menu">Aliya Nurlanovna</a>' in page


def test_staff_link_follows_the_user_not_the_first_visitor(client):
    client.get(reverse("programs:list"))  # the anonymous chrome first
    client.force_login(UserFactory(full_name="Founder"))
    founder_page = client.get(reverse("programs:list")).text
    client.logout()
    anonymous = client.get(reverse("programs:list")).text
    assert reverse("admin:index") not in founder_page
    assert reverse("account_login") in anonymous
    assert reverse("account_logout") not in anonymous
    assert reverse("startups:dashboard") not in anonymous


def test_each_visitor_gets_their_own_csrf_token(client):
    first = client.get(reverse("programs:list"))
    second = Client().get(reverse("programs:list"))
    client.force_login(UserFactory())
    signed_in = client.get(reverse("programs:list"))
    # The language switcher, and for a signed-in user the logout form, carry a token.
    assert len(csrf_tokens(first.text)) == 1
    assert len(csrf_tokens(signed_in.text)) == 2
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value
    assert csrf_tokens(first.text) != csrf_tokens(second.text)


def test_language_switcher_keeps_the_current_path_and_language(client):
    english = client.get(reverse("programs:list") + "?page=1", HTTP_ACCEPT_LANGUAGE="en").text
    russian = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="ru").text
    assert '<input name="next" type="hidden" value="/programs/?page=1">' in english
    assert current_language_button(english) == "en"
    assert current_language_button(russian) == "ru"
    assert '<input name="next" type="hidden" value="/programs/">' in russian
    assert "Программы" in russian


def test_fragment_is_rendered_once_per_language_and_values():
    template = Template(
        '{% load portal_chrome %}{% chrome "t" flag %}{{ counter.next }}{% endchrome %}'
    )

    class Counter:
        count = 0

        def next(self):
            self.count += 1
            return self.count

    counter = Counter()
    with translation.override("en"):
        assert template.render(Context({"counter": counter, "flag": True})) == "1"
        assert template.render(Context({"counter": counter, "flag": True})) == "1"
        assert template.render(Context({"counter": counter, "flag": False})) == "2"
    with translation.override("ru"):
        assert template.render(Context({"counter": counter, "flag": True})) == "3"
    with override_settings(PORTAL_NAME="Another"), translation.override("en"):
        # A changed setting forgets every fragment (the chrome reads settings).
        assert template.render(Context({"counter": counter, "flag": True})) == "4"


def test_changed_setting_shows_in_the_chrome(client):
    client.get(reverse("programs:list"))
    with override_settings(PORTAL_NAME="Qazaq Startups"):
        page = client.get(reverse("programs:list")).text
    assert '<a class="navbar-brand fw-semibold" href="/">Qazaq Startups</a>' in page


def test_fragment_with_a_csrf_token_is_refused():
    with pytest.raises(TemplateSyntaxError, match="CSRF token"):
        Template('{% load portal_chrome %}{% chrome "form" %}{% csrf_token %}{% endchrome %}')


def test_fragment_with_a_block_is_refused():
    with pytest.raises(TemplateSyntaxError, match="holds a block"):
        Template(
            '{% load portal_chrome %}{% chrome "nav" %}{% block nav %}{% endblock %}{% endchrome %}'
        )
