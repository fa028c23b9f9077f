"""Hostile input on the managers' and reviewers' forms: no 500, nothing invalid stored,
output escaped (admin pages, e-mails, CSV and XLSX read back)."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from portal.models import Notification
from portal.notifications import notification_render
from programs.admin.tranche_forms import TrancheForm
from programs.forms import (
    AwardAddForm,
    ConflictForm,
    DisbursementAddForm,
    ProgramAdminForm,
    ReverseForm,
    ReviewForm,
)
from programs.models import Award, Disbursement, Tranche
from programs.services.funding import award_create, disbursement_record, tranches_set
from programs.services.selection import application_decide
from startups.enums import ApplicationStatus
from startups.models import Program
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    submitted_application,
)
from tests.hostile import (
    AMOUNTS,
    FEW,
    SAMPLES,
    SCRIPT,
    clean_multiline,
    clean_single_line,
    finite_money,
    hostile_amount,
    hostile_date,
    hostile_text,
)

pytestmark = pytest.mark.django_db

PROGRAM = {
    "name": "Startup Kazakhstan 2026",
    "slug": "sk-2026",
    "organiser": "Tech park",
    "description": "Seed grants.",
    "status": "draft",
    "currency": "KZT",
    "total_budget": "1000000000",
    "max_amount_per_project": "20000000",
    "selection_cap": "50",
    "opens_at": "2026-03-01 09:00",
    "closes_at": "2026-04-01 18:00",
    "timezone": "Asia/Almaty",
    "review_deadline": "2026-05-01 18:00",
    "eligible_countries": ["KZ"],
    "sectors": [],
    "min_team_size": "1",
    "requires_legal_entity": "",
    "reviews_per_application": "3",
    "reviewers_see_others_before_submit": "",
    "normalise_reviewers": "on",
    "disagreement_threshold": "20",
}
ESCAPED_SCRIPT = "&lt;script&gt;alert(document.cookie)&lt;/script&gt;"


def test_program_form_base_data_is_valid():
    form = ProgramAdminForm(data=PROGRAM)
    assert form.is_valid(), form.errors


# --- Forms, called directly: breadth ---------------------------------------------


@FEW
@given(
    name=hostile_text,
    organiser=hostile_text,
    description=hostile_text,
    timezone=st.one_of(hostile_text, st.sampled_from(["Asia/Almaty\x00", "../../etc/passwd"])),
    budget=hostile_amount,
    maximum=hostile_amount,
    opens=hostile_date,
)
def test_program_form_keeps_text_clean_and_money_finite(
    db, name, organiser, description, timezone, budget, maximum, opens
):
    form = ProgramAdminForm(
        data={
            **PROGRAM,
            "name": name,
            "organiser": organiser,
            "description": description,
            "timezone": timezone,
            "total_budget": budget,
            "max_amount_per_project": maximum,
            "opens_at": opens,
        }
    )
    valid = form.is_valid()
    if not clean_single_line(name.strip()):
        assert "name" in form.errors
    if not clean_multiline(description.strip()):
        assert "description" in form.errors
    if valid:
        data = form.cleaned_data
        for field in ("name", "organiser", "timezone"):
            assert clean_single_line(data[field])
        assert clean_multiline(data["description"])
        assert finite_money(data["total_budget"]) and data["total_budget"] >= 0
        assert finite_money(data["max_amount_per_project"])
        assert Decimal("0.01") <= data["max_amount_per_project"] <= data["total_budget"]


@pytest.mark.parametrize("amount", [a for a in AMOUNTS if a not in ("0", "1_000", "١٢٣")])
def test_program_form_refuses_non_finite_and_negative_budgets(amount):
    form = ProgramAdminForm(data={**PROGRAM, "total_budget": amount})
    assert not form.is_valid()
    assert "total_budget" in form.errors


@FEW
@given(note=hostile_text, comment=hostile_text, reason=hostile_text, score=hostile_text)
def test_review_and_conflict_forms_refuse_control_characters(db, note, comment, reason, score):
    criterion = CriterionFactory.build(pk=1, scale_min=1, scale_max=10)
    form = ReviewForm(
        data={"note": note, "comment_1": comment, "score_1": score, "recommendation": "fund"},
        criteria=[criterion],
    )
    if form.is_valid():
        assert clean_multiline(form.cleaned_data["note"])
        assert clean_multiline(form.cleaned_data["comment_1"])
        assert form.cleaned_data["score_1"] in (None, *range(1, 11))
    else:
        assert set(form.errors) <= {"note", "comment_1", "score_1"}
    conflict = ConflictForm(data={"reason": reason})
    if conflict.is_valid():
        assert clean_multiline(conflict.cleaned_data["reason"])


@FEW
@given(milestone=hostile_text, amount=hostile_amount, planned=hostile_date, note=hostile_text)
def test_tranche_and_reverse_forms_refuse_control_characters(milestone, amount, planned, note):
    tranche = TrancheForm(data={"milestone": milestone, "amount": amount, "planned_date": planned})
    if not clean_single_line(milestone.strip()):
        assert "milestone" in tranche.errors
    if tranche.is_valid():
        assert clean_single_line(tranche.cleaned_data["milestone"])
        assert finite_money(tranche.cleaned_data["amount"])
        assert tranche.cleaned_data["amount"] >= 0
    reverse_form = ReverseForm(data={"note": note})
    if reverse_form.is_valid():
        assert clean_multiline(reverse_form.cleaned_data["note"])


@pytest.fixture
def funded():
    """A selected application with an award of 10,000,000 KZT and one tranche."""
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"))
    boss = manager(full_name="Aigerim Manager")
    founder = UserFactory()
    application = submitted_application(
        program, requested_amount=Decimal("10000000"), startup=StartupFactory(owner=founder)
    )
    application_decide(
        application=application,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    award = award_create(
        application=application,
        amount=Decimal("10000000"),
        agreement_date=date(2026, 11, 1),
        actor=boss,
    )
    (tranche,) = tranches_set(
        award=award,
        schedule=[
            {"amount": Decimal("10000000"), "planned_date": date(2026, 11, 5), "milestone": "MVP"}
        ],
        actor=boss,
    )
    return boss, award, tranche


@FEW
@given(reference=hostile_text, amount=hostile_amount, paid_on=hostile_date)
def test_disbursement_form_refuses_control_characters_and_bad_amounts(
    funded, reference, amount, paid_on
):
    _boss, _award, tranche = funded
    form = DisbursementAddForm(
        data={"tranche": tranche.pk, "amount": amount, "paid_on": paid_on, "reference": reference}
    )
    if not clean_single_line(reference.strip()):
        assert "reference" in form.errors
    if form.is_valid():
        assert clean_single_line(form.cleaned_data["reference"])
        assert finite_money(form.cleaned_data["amount"])


@FEW
@given(reason=hostile_text, amount=hostile_amount, agreed=hostile_date)
def test_award_form_refuses_control_characters_and_bad_amounts(db, reason, amount, agreed):
    form = AwardAddForm(
        data={"amount": amount, "agreement_date": agreed, "over_request_reason": reason}
    )
    form.is_valid()
    if not clean_multiline(reason.strip()):
        assert "over_request_reason" in form.errors
    if "amount" in form.cleaned_data:
        assert finite_money(form.cleaned_data["amount"])


# --- Through the real admin: a representative set --------------------------------


@pytest.mark.parametrize("text", SAMPLES)
def test_disbursement_add_view_stores_only_clean_references(client, funded, text):
    boss, award, tranche = funded
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_disbursement_add"),
        {"tranche": tranche.pk, "amount": "1000", "paid_on": "2026-11-12", "reference": text},
    )
    assert response.status_code in (200, 302)
    stored = list(Disbursement.objects.values_list("reference", flat=True))
    if not clean_single_line(text.strip()) or len(text.strip()) > 100:
        assert response.status_code == 200
        assert stored == []
    else:
        assert stored == [text.strip()]
        listing = client.get(reverse("admin:programs_disbursement_changelist"))
        assert listing.status_code == 200
        assert SCRIPT not in listing.text


def test_disbursement_refused_reference_says_why(client, funded):
    boss, _award, tranche = funded
    client.force_login(boss)
    for reference, message in [
        ("PP\x001", "Null characters are not allowed."),
        ("PP\x1b1", "This text contains a control character (U+001B) that cannot be stored;"),
        ("PP-1\r\nBcc: x", "This field is a single line: remove a carriage return."),
    ]:
        response = client.post(
            reverse("admin:programs_disbursement_add"),
            {"tranche": tranche.pk, "amount": "1", "paid_on": "2026-11-12", "reference": reference},
        )
        assert response.status_code == 200
        assert message in response.text
    assert not Disbursement.objects.exists()


@pytest.mark.parametrize("amount", ["NaN", "Infinity", "-Infinity", "1e999", "-5", "9" * 40])
def test_award_and_payment_views_refuse_bad_amounts_without_500(client, funded, amount):
    boss, award, tranche = funded
    client.force_login(boss)
    payment = client.post(
        reverse("admin:programs_disbursement_add"),
        {"tranche": tranche.pk, "amount": amount, "paid_on": "2026-11-12", "reference": "PP-1"},
    )
    assert payment.status_code == 200
    assert not Disbursement.objects.exists()
    schedule = client.post(
        reverse("admin:programs_award_schedule", args=[award.pk]),
        {
            "tranche-TOTAL_FORMS": "1",
            "tranche-INITIAL_FORMS": "0",
            "tranche-0-amount": amount,
            "tranche-0-planned_date": "2026-11-10",
            "tranche-0-milestone": "MVP",
        },
    )
    assert schedule.status_code == 200
    assert list(Tranche.objects.values_list("amount", flat=True)) == [Decimal("10000000.00")]


@pytest.mark.parametrize("milestone", ["MVP\x07", "MVP\r\nPilot", "MVP\x00"])
def test_schedule_view_refuses_control_characters_in_milestones(client, funded, milestone):
    boss, award, _tranche = funded
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_schedule", args=[award.pk]),
        {
            "tranche-TOTAL_FORMS": "1",
            "tranche-INITIAL_FORMS": "0",
            "tranche-0-amount": "10000000",
            "tranche-0-planned_date": "2026-11-10",
            "tranche-0-milestone": milestone,
        },
    )
    assert response.status_code == 200
    assert list(Tranche.objects.values_list("milestone", flat=True)) == ["MVP"]


def test_program_add_view_with_hostile_input_is_a_form_error(client):
    boss = manager()
    client.force_login(boss)
    response = client.post(
        reverse("admin:startups_program_add"),
        {
            **{k: v for k, v in PROGRAM.items() if k not in ("opens_at", "closes_at")},
            "name_en": "Evil\x1b[2J",
            "total_budget": "NaN",
            "opens_at_0": "2026-02-30",
            "opens_at_1": "25:61",
            "closes_at_0": "2026-04-01",
            "closes_at_1": "18:00",
        },
    )
    assert response.status_code == 200
    assert not Program.objects.exists()
    errors = response.context["adminform"].form.errors
    assert {"name_en", "total_budget", "opens_at"} <= set(errors)


def test_board_decision_note_with_control_characters_changes_nothing(client, funded):
    boss, award, _tranche = funded
    program = award.program
    other = submitted_application(program, startup=StartupFactory(owner=UserFactory()))
    client.force_login(boss)
    response = client.post(
        reverse("admin:startups_program_board", args=[program.pk]),
        {"decision": "rejected", "ids": [other.pk], "note": "no\x1b[2J"},
        follow=True,
    )
    assert response.status_code == 200
    other.refresh_from_db()
    assert other.status == ApplicationStatus.SUBMITTED
    assert [str(m) for m in response.context["messages"]] == [
        "This text contains a control character (U+001B) that cannot be stored; please remove it."
    ]


# --- Exports and e-mails: old rows may hold anything ------------------------------


def _ledger(client, kind: str):
    response = client.get(reverse("admin:programs_award_ledger_export"), {"format": kind})
    assert response.status_code == 200
    return response


LEGACY = [
    ("PP\x071", "PP1"),  # recorded before the validator (the service does not check)
    ("PP-2\r\nX", "PP-2\r\nX"),
    ('=HYPERLINK("http://evil.example","x")', '=HYPERLINK("http://evil.example","x")'),
    ("-3+4", "-3+4"),
    (SCRIPT, SCRIPT),
]


@pytest.fixture
def legacy_ledger(funded):
    boss, _award, tranche = funded
    for number, (reference, _exported) in enumerate(LEGACY, start=1):
        disbursement_record(
            tranche=tranche,
            amount=Decimal(number),
            paid_on=date(2026, 11, number),
            reference=reference,
            actor=boss,
        )
    Tranche.objects.filter(pk=tranche.pk).update(milestone="@SUM(A1)\x1b")
    return boss


def test_ledger_xlsx_export_survives_old_control_characters(client, legacy_ledger):
    client.force_login(legacy_ledger)
    sheet = load_workbook(io.BytesIO(_ledger(client, "xlsx").content))["Ledger"]
    rows = list(sheet.iter_rows(min_row=2))
    # XML reads CR LF back as LF: the line break itself survives.
    assert [row[8].value for row in rows] == [
        exported.replace("\r\n", "\n") for _stored, exported in LEGACY
    ]
    assert [row[6].value for row in rows] == [1, 2, 3, 4, 5]  # numbers stay numbers
    assert all(row[6].data_type == "n" for row in rows)
    formulas = [row[8] for row in rows if row[8].value.startswith(("=", "-"))]
    assert [(c.data_type, c.quotePrefix) for c in formulas] == [("s", True), ("s", True)]
    assert {row[5].value for row in rows} == {"@SUM(A1)"}
    assert all(row[5].quotePrefix for row in rows)


def test_ledger_csv_export_survives_old_control_characters(client, legacy_ledger):
    client.force_login(legacy_ledger)
    response = _ledger(client, "csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))[1:]
    assert [row[8] for row in rows] == [
        "PP1",
        "PP-2\r\nX",
        '\'=HYPERLINK("http://evil.example","x")',
        "'-3+4",
        SCRIPT,
    ]
    assert [row[6] for row in rows] == ["1.00", "2.00", "3.00", "4.00", "5.00"]
    assert {row[5] for row in rows} == {"'@SUM(A1)"}


def test_negative_amounts_stay_numbers_in_exports(client, legacy_ledger):
    from programs.services.funding import disbursement_reverse

    entry = Disbursement.objects.get(reference=SCRIPT)
    disbursement_reverse(disbursement=entry, actor=legacy_ledger, note="=cmd|' /C calc'!A0")
    client.force_login(legacy_ledger)
    sheet = load_workbook(io.BytesIO(_ledger(client, "xlsx").content))["Ledger"]
    last = list(sheet.iter_rows(min_row=2))[-1]
    assert (last[6].value, last[6].data_type) == (-5, "n")
    assert (last[12].value, last[12].quotePrefix) == ("=cmd|' /C calc'!A0", True)
    text = b"".join(_ledger(client, "csv").streaming_content).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(text)))[-1]
    assert (row[6], row[12]) == ("-5.00", "'=cmd|' /C calc'!A0")


def test_payment_email_escapes_text_from_the_ledger(funded):
    boss, award, tranche = funded
    Tranche.objects.filter(pk=tranche.pk).update(milestone=SCRIPT)
    tranche.refresh_from_db()
    disbursement_record(
        tranche=tranche, amount=Decimal(1), paid_on=date(2026, 11, 2), reference="PP", actor=boss
    )
    notification = Notification.objects.filter(kind="disbursement_recorded").first()
    html = notification_render(notification).alternatives[0].content
    assert SCRIPT not in html
    assert ESCAPED_SCRIPT in html


def test_award_over_request_reason_with_control_characters_is_refused(client):
    program = ProgramFactory(closed=True, total_budget=Decimal("50000000"))
    boss = manager()
    application = submitted_application(
        program, requested_amount=Decimal("1000"), startup=StartupFactory(owner=UserFactory())
    )
    application_decide(
        application=application,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    client.force_login(boss)
    response = client.post(
        reverse("admin:programs_award_add"),
        {
            "application": application.pk,
            "amount": "2000",
            "agreement_date": "2026-11-01",
            "over_request_reason": "because\x1b[2J",
        },
    )
    assert response.status_code == 200
    assert not Award.objects.exists()
