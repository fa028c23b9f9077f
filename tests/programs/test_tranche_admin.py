"""The tranche list (managers): searched by the payment form's autocomplete, read-only."""

import pytest
from django.urls import reverse

from tests.factories import ProgramFactory, manager, reviewer
from tests.programs.test_query_counts import _awarded

pytestmark = pytest.mark.django_db

URL = reverse("admin:programs_tranche_changelist")


@pytest.mark.parametrize("awards", [1, 8])
def test_tranche_changelist_query_count(client, django_assert_max_num_queries, awards):
    boss = manager()
    program = ProgramFactory()
    for _ in range(awards):
        _awarded(program, boss, tranches=3, payments_per_tranche=0)
    client.force_login(boss)
    with django_assert_max_num_queries(10):
        page = client.get(URL)
    assert page.status_code == 200
    assert len(page.context["cl"].result_list) == 3 * awards


def test_tranche_search_by_startup_name(client):
    boss = manager()
    program = ProgramFactory()
    application, _owner = _awarded(program, boss, tranches=2, payments_per_tranche=0)
    _awarded(program, boss, tranches=1, payments_per_tranche=0)
    client.force_login(boss)
    page = client.get(URL, {"q": application.startup.name})
    found = page.context["cl"].result_list
    assert [(t.award.application_id, t.sequence) for t in found] == [
        (application.pk, 1),
        (application.pk, 2),
    ]


def test_tranches_are_nobodys_to_add_or_edit_here(client):
    client.force_login(manager())
    assert client.get(reverse("admin:programs_tranche_add")).status_code == 403
    client.force_login(reviewer())
    assert client.get(URL).status_code == 403
