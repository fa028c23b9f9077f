"""The founder's light pages: what they read, what is kept, and that a change shows at once."""

from decimal import Decimal

import pytest
from django.urls import reverse

from programs.services.programs import program_change_status
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import ApplicationStatusChange
from tests.factories import (
    ApplicationFactory,
    MembershipFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
)

pytestmark = pytest.mark.django_db


def open_programs(page) -> list[str]:
    return [program.name for program in page.context["open_programs"]]


@pytest.mark.parametrize("rows", [1, 12])
def test_dashboard_reads_the_same_queries_for_few_and_many_rows(
    client, founder, django_assert_num_queries, rows
):
    co_founder = UserFactory(full_name="Dana Co-founder")
    for index in range(rows):
        startup = StartupFactory(owner=founder, name=f"Startup {index:02}")
        MembershipFactory(startup=startup, user=co_founder)
        application = ApplicationFactory(
            startup=startup, program=ProgramFactory(), requested_amount=Decimal("1000000")
        )
        ApplicationStatusChange.objects.create(
            application=application,
            from_status="",
            to_status=ApplicationStatus.DRAFT,
            actor=co_founder,
            note=f"Started {index}",
        )
    ProgramFactory.create_batch(3)
    client.force_login(founder)
    client.get(reverse("startups:dashboard"))  # the open calls are kept after the first visit
    # The session, the user, the applications, their history, the startups.
    with django_assert_num_queries(5):
        page = client.get(reverse("startups:dashboard"))
    assert len(page.context["applications"]) == rows
    assert len(page.context["open_programs"]) == 3
    assert [s.member_count for s in page.context["startups"]] == [2] * rows
    assert page.text.count("Dana Co-founder") == rows
    assert "Started 0" in page.text
    assert page.text.count("Complete and submit before") == rows


def test_dashboard_offers_open_calls_not_yet_applied_to(client, founder, startup):
    applied = ProgramFactory(name="Applied Seed")
    ApplicationFactory(startup=startup, program=applied)
    ProgramFactory(name="Open Seed")
    ProgramFactory(name="Closed Seed", closed=True)
    ProgramFactory(name="Draft Seed", draft=True)
    client.force_login(founder)
    assert open_programs(client.get(reverse("startups:dashboard"))) == ["Open Seed"]


def test_dashboard_shows_a_new_or_renamed_call_at_once(client, founder, startup):
    first = ProgramFactory(name="Steppe Seed")
    client.force_login(founder)
    assert open_programs(client.get(reverse("startups:dashboard"))) == ["Steppe Seed"]
    first.name = "Steppe Growth"
    first.save()
    ProgramFactory(name="Tengri Lab", closes_at=first.closes_at.replace(year=2099))
    page = client.get(reverse("startups:dashboard"))
    assert open_programs(page) == ["Steppe Growth", "Tengri Lab"]


def test_dashboard_drops_an_unpublished_call_at_once(client, founder, startup):
    program = ProgramFactory(name="Steppe Seed")
    client.force_login(founder)
    assert open_programs(client.get(reverse("startups:dashboard"))) == ["Steppe Seed"]
    # A status change writes with an UPDATE (no post_save): the service forgets the cache.
    program_change_status(program=program, to=ProgramStatus.DRAFT, actor=manager())
    assert open_programs(client.get(reverse("startups:dashboard"))) == []


def test_dashboard_drops_a_call_once_applied_to(client, founder, startup):
    program = ProgramFactory(name="Steppe Seed")
    client.force_login(founder)
    assert open_programs(client.get(reverse("startups:dashboard"))) == ["Steppe Seed"]
    client.get(reverse("startups:apply", args=[program.slug]))
    assert open_programs(client.get(reverse("startups:dashboard"))) == []


def test_dashboard_shows_a_renamed_startup_at_once(client, founder, startup):
    client.force_login(founder)
    client.get(reverse("startups:dashboard"))
    startup.name = "Qazaq Cold Chain"
    startup.save()
    assert "Qazaq Cold Chain" in client.get(reverse("startups:dashboard")).text


def test_startup_page_invitation_form_for_owners_only(client, founder, startup):
    member = UserFactory()
    MembershipFactory(startup=startup, user=member)
    client.force_login(founder)
    owner_page = client.get(reverse("startups:startup_detail", args=[startup.pk])).text
    other = UserFactory()
    StartupFactory(owner=other)
    client.force_login(member)
    member_page = client.get(reverse("startups:startup_detail", args=[startup.pk])).text
    assert 'name="email"' in owner_page
    assert reverse("startups:invitation_create", args=[startup.pk]) in owner_page
    assert 'name="email"' not in member_page


def test_startup_page_lists_applications_newest_first(client, founder, startup):
    older = ApplicationFactory(startup=startup, program=ProgramFactory(name="Older Seed"))
    newer = ApplicationFactory(startup=startup, program=ProgramFactory(name="Newer Seed"))
    newer.save()  # updated last
    client.force_login(founder)
    page = client.get(reverse("startups:startup_detail", args=[startup.pk]))
    assert [a.pk for a in page.context["applications"]] == [newer.pk, older.pk]
    assert page.text.index("Newer Seed") < page.text.index("Older Seed")
