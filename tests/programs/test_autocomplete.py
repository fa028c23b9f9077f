"""The admin's autocomplete: the choices the form would accept, for whoever may fill it.

`portal.admin_site.PortalAutocompleteJsonView` answers for a field only if
the admin that owns the form lists it in `autocomplete_fields` and the user
may fill that form; the results are the form's own choices within what the
target admin shows this user. A founder, a reviewer asking for another
form's field, or anyone asking for a field no form offers gets nothing.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from programs.models import Tranche
from programs.services import assignment as assigning
from programs.services import funding
from startups.enums import ApplicationStatus
from tests.factories import (
    ApplicationFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:autocomplete")


def _ask(client, app_label, model_name, field_name, term=""):
    return client.get(
        URL,
        {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": term},
    )


def _texts(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [row["text"] for row in response.json()["results"]]


@pytest.fixture
def world():
    program = ProgramFactory(name="Autocomplete Program")
    boss = manager(email="boss@office.kz")
    alice = reviewer(email="alice@review.kz", full_name="Alice Reviewer")
    retired = reviewer(email="retired@review.kz", is_active=False)
    founder = UserFactory(email="founder@orchard.kz", full_name="Farida Founder")
    orchard = submitted_application(
        program, startup=StartupFactory(name="Orchard Robotics", owner=founder, bin="990340001234")
    )
    meadow = submitted_application(program, startup=StartupFactory(name="Meadow Data"))
    draft = ApplicationFactory(program=program, startup=StartupFactory(name="Orchard Drafts"))
    selected = ApplicationFactory(
        program=program,
        status=ApplicationStatus.SELECTED,
        complete=True,
        startup=StartupFactory(name="Selected Seeds"),
    )
    return {
        "program": program,
        "boss": boss,
        "alice": alice,
        "retired": retired,
        "founder": founder,
        "orchard": orchard,
        "meadow": meadow,
        "draft": draft,
        "selected": selected,
    }


def test_manager_finds_reviewable_applications_by_name_for_an_assignment(client, world):
    client.force_login(world["boss"])
    texts = _texts(_ask(client, "programs", "assignment", "application", "orchard"))
    # The draft's startup matches the name too, but the form would refuse it.
    assert texts == ["Orchard Robotics → Autocomplete Program"]


def test_manager_finds_an_application_by_bin_and_by_number(client, world):
    client.force_login(world["boss"])
    by_bin = _texts(_ask(client, "programs", "assignment", "application", "990340001234"))
    number = str(world["meadow"].pk)
    by_number = _texts(_ask(client, "programs", "assignment", "application", number))
    assert (by_bin, by_number) == (
        ["Orchard Robotics → Autocomplete Program"],
        ["Meadow Data → Autocomplete Program"],
    )


def test_manager_picks_only_active_reviewers_never_founders(client, world):
    client.force_login(world["boss"])
    everyone = _texts(_ask(client, "programs", "assignment", "reviewer"))
    assert everyone == [str(world["alice"])]
    assert _texts(_ask(client, "programs", "assignment", "reviewer", "founder")) == []


def test_award_form_offers_only_selected_applications_without_an_award(client, world):
    client.force_login(world["boss"])
    assert _texts(_ask(client, "programs", "award", "application")) == [
        "Selected Seeds → Autocomplete Program"
    ]
    funding.award_create(
        application=world["selected"],
        amount=Decimal("1000"),
        agreement_date=date(2026, 1, 5),
        actor=world["boss"],
    )
    assert _texts(_ask(client, "programs", "award", "application")) == []


def test_payment_form_finds_tranches_by_startup_labelled_with_what_is_unpaid(client, world):
    award = funding.award_create(
        application=world["selected"],
        amount=Decimal("3000"),
        agreement_date=date(2026, 1, 5),
        actor=world["boss"],
    )
    funding.tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal("1000"), "planned_date": date(2026, 2, 1), "milestone": "Start"},
            {"amount": Decimal("2000"), "planned_date": date(2026, 6, 1), "milestone": "Pilot"},
        ],
        actor=world["boss"],
    )
    client.force_login(world["boss"])
    response = _ask(client, "programs", "disbursement", "tranche", "seeds")
    texts = _texts(response)
    assert len(texts) == 2
    assert texts[0].startswith("Selected Seeds · #1 Start (")
    assert texts[1].startswith("Selected Seeds · #2 Pilot (")
    ids = [int(row["id"]) for row in response.json()["results"]]
    tranches = Tranche.objects.filter(award=award).order_by("sequence")
    assert ids == list(tranches.values_list("pk", flat=True))
    assert _texts(_ask(client, "programs", "disbursement", "tranche", "meadow")) == []


@pytest.mark.parametrize(
    ("model", "field"),
    [
        ("assignment", "application"),
        ("assignment", "reviewer"),
        ("award", "application"),
        ("disbursement", "tranche"),
    ],
)
def test_reviewer_may_not_search_the_managers_forms(client, world, model, field):
    client.force_login(world["alice"])
    assert _ask(client, "programs", model, field, "orchard").status_code == 403


@pytest.mark.parametrize(
    ("app", "model", "field"),
    [
        ("programs", "assignment", "application"),
        ("programs", "conflictofinterest", "startup"),
        ("startups", "invitation", "startup"),
    ],
)
def test_founder_is_sent_to_the_login_and_learns_nothing(client, world, app, model, field):
    client.force_login(world["founder"])
    response = _ask(client, app, model, field, "orchard")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert "Orchard" not in response.content.decode()


@pytest.mark.parametrize("role", ["boss", "alice"])
def test_no_parameters_no_answer(client, world, role):
    client.force_login(world[role])
    assert client.get(URL, {"term": "orchard"}).status_code == 403


def test_anonymous_is_sent_to_the_login(client, world):
    response = _ask(client, "programs", "assignment", "application", "orchard")
    assert response.status_code == 302


def test_reviewer_finds_startups_for_a_conflict_by_name_only(client, world):
    client.force_login(world["alice"])
    assert _texts(_ask(client, "programs", "conflictofinterest", "startup", "orchard")) == [
        "Orchard Robotics"
    ]
    # Not by the founder's address or the BIN: that would say whose company it is.
    for term in ("founder@orchard", "990340001234"):
        assert _texts(_ask(client, "programs", "conflictofinterest", "startup", term)) == []


def test_manager_may_not_use_the_reviewers_conflict_form(client, world):
    """Only reviewers declare conflicts: the form, and so its search, is theirs."""
    client.force_login(world["boss"])
    assert _ask(client, "programs", "conflictofinterest", "startup", "orchard").status_code == 403


@pytest.mark.parametrize(
    ("app", "model", "field"),
    [
        # Foreign keys no form of this user offers for search.
        ("portal", "auditentry", "actor"),
        ("startups", "application", "startup"),
        ("programs", "award", "program"),
        ("programs", "assignment", "assigned_by"),
        # The team inline and invitations: the superuser's forms.
        ("startups", "membership", "user"),
        ("startups", "invitation", "startup"),
    ],
)
def test_fields_without_a_form_offering_search_are_refused(client, world, app, model, field):
    client.force_login(world["boss"])
    assert _ask(client, app, model, field, "a").status_code == 403


def test_superuser_picks_a_team_member_by_autocomplete(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert _texts(_ask(client, "startups", "membership", "user", "farida")) == [
        str(world["founder"])
    ]


def test_assignment_made_with_autocomplete_choices(client, world):
    """The ids the search returns are what the add form accepts."""
    client.force_login(world["boss"])
    application = _ask(client, "programs", "assignment", "application", "meadow").json()
    person = _ask(client, "programs", "assignment", "reviewer", "alice").json()
    response = client.post(
        reverse("admin:programs_assignment_add"),
        {"application": application["results"][0]["id"], "reviewer": person["results"][0]["id"]},
    )
    assert response.status_code == 302
    assert world["meadow"].assignments.get().reviewer == world["alice"]


def test_the_add_forms_render_the_autocomplete_widget(client, world):
    assigning.assignment_create(
        application=world["orchard"], reviewer=world["alice"], actor=world["boss"]
    )
    client.force_login(world["boss"])
    for name in (
        "admin:programs_assignment_add",
        "admin:programs_award_add",
        "admin:programs_disbursement_add",
    ):
        page = client.get(reverse(name))
        assert page.status_code == 200
        text = page.content.decode()
        assert "admin-autocomplete" in text, name
        assert "admin/js/autocomplete.js" in text, name
        # No drop-down of every application: only the (empty) selected option.
        assert "Meadow Data" not in text, name
