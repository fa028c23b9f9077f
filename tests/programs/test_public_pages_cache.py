"""The public program pages are cached per language and forgotten when a program changes."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from programs.public_pages import MAX_AGE, seconds_until
from programs.services.programs import program_change_status
from startups.enums import ProgramStatus
from tests.factories import CriterionFactory, ProgramFactory, UserFactory, manager

pytestmark = pytest.mark.django_db


def test_program_list_second_visit_reads_no_row(client, django_assert_num_queries):
    ProgramFactory(name="Steppe Seed")
    first = client.get(reverse("programs:list"))
    with django_assert_num_queries(0):
        second = client.get(reverse("programs:list"))
    assert "Steppe Seed" in second.text
    assert second.text.split("<main")[1] == first.text.split("<main")[1]


def test_program_detail_second_visit_reads_no_row(client, django_assert_num_queries):
    program = ProgramFactory(name="Steppe Seed")
    CriterionFactory(program=program, name="Innovation")
    client.get(program.get_absolute_url())
    with django_assert_num_queries(0):
        page = client.get(program.get_absolute_url())
    assert "Innovation" in page.text
    assert "<title>Steppe Seed · Startup Portal</title>" in page.text


def test_saved_program_is_shown_at_once(client):
    program = ProgramFactory(name="Steppe Seed")
    client.get(reverse("programs:list"))
    client.get(program.get_absolute_url())
    program.name = "Steppe Growth"
    program.save()
    assert "Steppe Growth" in client.get(reverse("programs:list")).text
    assert "Steppe Growth" in client.get(program.get_absolute_url()).text


def test_saved_or_deleted_criterion_is_shown_at_once(client):
    program = ProgramFactory()
    criterion = CriterionFactory(program=program, name="Innovation")
    client.get(program.get_absolute_url())
    criterion.name = "Market"
    criterion.save()
    assert "Market" in client.get(program.get_absolute_url()).text
    criterion.delete()
    assert "Market" not in client.get(program.get_absolute_url()).text


def test_status_change_is_shown_at_once(client):
    program = ProgramFactory(closed=True)
    apply = reverse("startups:apply", args=[program.slug])
    client.get(program.get_absolute_url())
    program_change_status(program=program, to=ProgramStatus.REVIEWING, actor=manager())
    page = client.get(program.get_absolute_url())
    assert "Reviewing" in page.text
    assert apply not in page.text


def test_each_language_has_its_own_page(client):
    ProgramFactory(name="Steppe Seed")
    english = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="en")
    russian = client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Programs" in english.text
    assert "Программы" in russian.text
    assert "Программы" not in client.get(reverse("programs:list"), HTTP_ACCEPT_LANGUAGE="en").text


def test_cached_content_holds_nothing_of_the_visitor(client):
    program = ProgramFactory(name="Steppe Seed")
    client.force_login(UserFactory(email="aliya@founders.kz", full_name="Aliya Founder"))
    signed_in = client.get(program.get_absolute_url())
    assert "Aliya Founder" in signed_in.text  # the page chrome names the user...
    client.logout()
    anonymous = client.get(program.get_absolute_url())
    assert "Aliya Founder" not in anonymous.text  # ...but the kept content does not
    token = signed_in.context["csrf_token"]
    kept = [cache.get(key) for key in cache._cache]  # noqa: SLF001 (the test's own LocMem cache)
    assert not any(str(token) in str(value) for value in kept)
    assert not any("aliya@founders.kz" in str(value) for value in kept)


def test_unusual_page_numbers_are_not_kept(client):
    ProgramFactory()
    client.get(reverse("programs:list"), {"page": "last"})
    client.get(reverse("programs:list"), {"page": "x" * 50})
    assert not any("last" in key or "xxx" in key for key in cache._cache)  # noqa: SLF001


def test_page_expires_when_a_call_opens_or_closes():
    now = timezone.now()
    assert seconds_until([now + timedelta(seconds=20), None], now=now) == 21
    assert seconds_until([now - timedelta(days=1), now + timedelta(days=3)], now=now) == MAX_AGE
    assert seconds_until([], now=now) == MAX_AGE
