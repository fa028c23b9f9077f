"""Awards, tranches and the ledger: limits in the database, balances from the entries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.exceptions import NotAllowed
from portal.models import AuditEntry, Notification, NotificationKind
from programs.models import Award, Disbursement, Tranche
from programs.models.funding import LedgerImmutable
from programs.services import funding as services
from programs.services.selection import application_decide
from startups.enums import ApplicationStatus as S
from startups.models import Program
from tests.factories import (
    ProgramFactory,
    StartupFactory,
    UserFactory,
    manager,
    milestone_reports_approved,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


def _selected(program, boss, requested="10000000", owner=None):
    app = submitted_application(
        program,
        requested_amount=Decimal(requested),
        startup=StartupFactory(owner=owner or UserFactory()),
    )
    application_decide(
        application=app,
        decision="selected",
        actor=boss,
        exception_reason="Decided before review (test).",
    )
    app.refresh_from_db()
    return app


@pytest.fixture
def boss():
    return manager()


@pytest.fixture
def program():
    return ProgramFactory(
        closed=True,
        total_budget=Decimal("25000000"),
        max_amount_per_project=Decimal("20000000"),
        selection_cap=10,
    )


@pytest.fixture
def award(program, boss):
    app = _selected(program, boss)
    award = services.award_create(
        application=app, amount=Decimal("10000000"), agreement_date=TODAY, actor=boss
    )
    services.tranches_set(
        award=award,
        schedule=[
            {"amount": "4000000", "planned_date": TODAY, "milestone": "MVP"},
            {"amount": "6000000", "planned_date": TODAY + timedelta(days=90), "milestone": "Pilot"},
        ],
        actor=boss,
    )
    milestone_reports_approved(award, actor=boss)  # the second tranche may be paid
    award.refresh_from_db()
    return award


def test_award_commits_budget_and_funds_the_application(program, boss, award):
    program.refresh_from_db()
    assert program.committed == Decimal("10000000")
    assert award.application.status == S.FUNDED
    assert AuditEntry.objects.get(action="award.create").after["amount"] == "10000000"
    assert Notification.objects.filter(kind=NotificationKind.AWARD_MADE).count() == 1


def test_awards_never_pass_the_budget(program, boss, award):
    # Selection counted the requested 14 million; the commission awards more.
    second = _selected(program, boss, requested="14000000")
    with pytest.raises(services.FundingRefused) as info:
        services.award_create(
            application=second,
            amount=Decimal("16000000"),
            agreement_date=TODAY,
            actor=boss,
            over_request_reason="Equipment",
        )
    assert "above the program's budget of 25,000,000\xa0KZT" in str(info.value)
    program.refresh_from_db()
    assert program.committed == Decimal("10000000")


def test_budget_check_holds_in_the_database(program, award):
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(committed=Decimal("25000000.01"))


def test_award_above_request_needs_a_reason(program, boss):
    app = _selected(program, boss, requested="5000000")
    with pytest.raises(services.FundingRefused) as info:
        services.award_create(
            application=app, amount=Decimal("6000000"), agreement_date=TODAY, actor=boss
        )
    assert "give the reason for awarding more" in str(info.value)
    award = services.award_create(
        application=app,
        amount=Decimal("6000000"),
        agreement_date=TODAY,
        actor=boss,
        over_request_reason="Commission added equipment costs",
    )
    assert award.over_request_reason == "Commission added equipment costs"


def test_award_reason_rule_holds_in_the_database(award):
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(amount=Decimal("10000001"))


def test_only_selected_applications_and_managers(program, boss):
    app = submitted_application(program, requested_amount=Decimal("1000000"))
    with pytest.raises(services.FundingRefused):
        services.award_create(application=app, amount=1, agreement_date=TODAY, actor=boss)
    with pytest.raises(NotAllowed):
        services.award_create(application=app, amount=1, agreement_date=TODAY, actor=reviewer())


def test_tranches_must_add_up_to_the_award(program, boss):
    app = _selected(program, boss)
    award = services.award_create(
        application=app, amount=Decimal("10000000"), agreement_date=TODAY, actor=boss
    )
    with pytest.raises(services.FundingRefused) as info:
        services.tranches_set(
            award=award,
            schedule=[{"amount": "3000000", "planned_date": TODAY, "milestone": "MVP"}],
            actor=boss,
        )
    assert info.value.messages == [
        "The tranches add up to 3,000,000\xa0KZT, but the award is 10,000,000\xa0KZT."
    ]
    assert not Tranche.objects.filter(award=award).exists()


def test_payments_within_tranche_and_award(award, boss):
    first, second = award.tranches.order_by("sequence")
    services.disbursement_record(
        tranche=first, amount=Decimal("4000000"), paid_on=TODAY, reference="PP-1", actor=boss
    )
    with pytest.raises(services.FundingRefused) as info:
        services.disbursement_record(
            tranche=first, amount=Decimal("1"), paid_on=TODAY, reference="PP-2", actor=boss
        )
    assert info.value.messages == [
        "This tranche is already fully paid (4,000,000\xa0KZT of 4,000,000\xa0KZT)."
    ]
    award.refresh_from_db()
    assert (award.disbursed, services.award_balance(award)) == (Decimal("4000000"),) * 2
    assert Notification.objects.filter(kind=NotificationKind.DISBURSEMENT_RECORDED).count() == 1


def test_ledger_limits_hold_in_the_database(award):
    with pytest.raises(IntegrityError), transaction.atomic():
        Award.objects.filter(pk=award.pk).update(disbursed=Decimal("10000000.01"))
    tranche = award.tranches.first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Tranche.objects.filter(pk=tranche.pk).update(paid=tranche.amount + 1)


def _entry(award, boss):
    return services.disbursement_record(
        tranche=award.tranches.first(),
        amount=Decimal("100"),
        paid_on=TODAY,
        reference="X",
        actor=boss,
    )


def test_ledger_rows_cannot_be_changed_or_deleted_through_the_orm(award, boss):
    entry = _entry(award, boss)
    with pytest.raises(LedgerImmutable):
        Disbursement.objects.filter(pk=entry.pk).update(amount=Decimal("50"))
    with pytest.raises(LedgerImmutable):
        Disbursement.objects.filter(pk=entry.pk).delete()
    entry.amount = Decimal("50")
    with pytest.raises(LedgerImmutable):
        entry.save()
    with pytest.raises(LedgerImmutable):
        entry.delete()
    assert Disbursement.objects.get(pk=entry.pk).amount == Decimal("100")


def test_ledger_update_refused_by_the_database(award, boss):
    entry = _entry(award, boss)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE programs_disbursement SET amount = 50 WHERE id = %s", [entry.pk])
    assert Disbursement.objects.get(pk=entry.pk).amount == Decimal("100")


@pytest.mark.postgres
def test_ledger_delete_refused_by_the_database(award, boss):
    entry = _entry(award, boss)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM programs_disbursement WHERE id = %s", [entry.pk])
    assert Disbursement.objects.filter(pk=entry.pk).exists()


def test_award_cannot_exceed_the_program_maximum(program, boss):
    app = _selected(program, boss, requested="20000000")
    with pytest.raises(services.FundingRefused) as info:
        services.award_create(
            application=app,
            amount=Decimal("20000001"),
            agreement_date=TODAY,
            actor=boss,
            over_request_reason="More",
        )
    assert "maximum of 20,000,000\xa0KZT per project" in str(info.value)


def test_award_is_fully_paid_then_active_again_after_a_reversal(award, boss):
    payments = [
        services.disbursement_record(
            tranche=t, amount=t.amount, paid_on=TODAY, reference=f"P{t.sequence}", actor=boss
        )
        for t in award.tranches.order_by("sequence")
    ]
    award.refresh_from_db()
    assert award.status == "completed"
    # The payment that completes the award completes the application, in its transaction.
    assert award.application.status == S.COMPLETED
    services.disbursement_reverse(disbursement=payments[-1], actor=boss, note="Bounced")
    award.refresh_from_db()
    assert (award.status, award.disbursed) == ("active", Decimal("4000000"))
    assert award.application.status == S.FUNDED
    assert list(
        award.application.status_changes.order_by("id").values_list("from_status", "to_status")
    )[-3:] == [(S.SELECTED, S.FUNDED), (S.FUNDED, S.COMPLETED), (S.COMPLETED, S.FUNDED)]
    assert list(
        AuditEntry.objects.filter(action="award.status", object_id=str(award.pk))
        .order_by("id")
        .values_list("before", "after")
    ) == [
        ({"status": "active"}, {"status": "completed", "disbursed": "10000000.00"}),
        ({"status": "completed"}, {"status": "active", "disbursed": "4000000.00"}),
    ]


def test_reversal_corrects_without_deleting(award, boss):
    tranche = award.tranches.first()
    wrong = services.disbursement_record(
        tranche=tranche, amount=Decimal("400000"), paid_on=TODAY, reference="PP-9", actor=boss
    )
    reversal = services.disbursement_reverse(disbursement=wrong, actor=boss, note="Typo")
    assert (reversal.amount, reversal.reverses) == (Decimal("-400000"), wrong)
    with pytest.raises(services.FundingRefused):
        services.disbursement_reverse(disbursement=wrong, actor=boss, note="Again")
    with pytest.raises(services.FundingRefused):
        services.disbursement_reverse(disbursement=reversal, actor=boss, note="Undo")
    award.refresh_from_db()
    assert award.disbursed == 0 == services.award_balance(award)
    assert Disbursement.objects.filter(award=award).count() == 2


def test_schedule_is_frozen_after_a_payment(award, boss):
    services.disbursement_record(
        tranche=award.tranches.first(),
        amount=Decimal("1"),
        paid_on=TODAY,
        reference="R",
        actor=boss,
    )
    with pytest.raises(services.FundingRefused):
        services.tranches_set(
            award=award,
            schedule=[{"amount": "10000000", "planned_date": TODAY, "milestone": "All"}],
            actor=boss,
        )


def test_founder_sees_award_schedule_and_payments(client, award, boss):
    services.disbursement_record(
        tranche=award.tranches.first(),
        amount=Decimal("4000000"),
        paid_on=TODAY,
        reference="PP-1",
        actor=boss,
    )
    owner = award.application.startup.memberships.get().user
    client.force_login(owner)
    page = client.get(award.application.get_absolute_url())
    assert 'id="funding"' in page.text
    assert "10,000,000\xa0KZT" in page.text
    assert "Pilot" in page.text  # the next milestone
    assert 'id="payments"' in page.text and "PP-1" in page.text


def test_other_founder_cannot_see_the_award(client, award):
    client.force_login(UserFactory())
    assert client.get(award.application.get_absolute_url()).status_code == 404


# --- Property: random sequences never pass a limit; balances equal the entries ---

# A payment's amount: whole tenge, or exactly what the tranche has left, or one
# tiyn more than that (the boundaries a random integer almost never hits).
payment_amounts = st.one_of(
    st.integers(min_value=1, max_value=7_000_000),
    st.sampled_from(["left", "over"]),
)
operations = st.lists(
    st.tuples(
        st.sampled_from(["pay", "reverse"]),
        st.integers(min_value=0, max_value=1),  # which tranche
        payment_amounts,
        st.integers(min_value=0, max_value=20),  # which payment to reverse
    ),
    max_size=25,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=operations)
def test_ledger_property_random_sequences(award, boss, steps):
    """Every step is predicted by a model of the ledger: accepted or refused, and the totals.

    A payment within the tranche's remainder (and so within the award: the
    tranches add up to it) must be recorded; one past it must be refused and
    change nothing. Reversing a payment must succeed once and be refused the
    second time.
    """
    tranches = list(award.tranches.order_by("sequence"))
    assert sum(t.amount for t in tranches) == award.amount
    paid = [Decimal(0) for _ in tranches]  # the model: paid per tranche
    payments: list[tuple[Disbursement, int, bool]] = []  # (entry, tranche index, reversed?)
    for kind, which, choice, entry_index in steps:
        if kind == "pay":
            left = tranches[which].amount - paid[which]
            if choice == "left":
                amount = left
            elif choice == "over":
                amount = left + Decimal("0.01")
            else:
                amount = Decimal(choice)

            def pay(amount=amount, which=which):
                return services.disbursement_record(
                    tranche=tranches[which],
                    amount=amount,
                    paid_on=TODAY,
                    reference="P",
                    actor=boss,
                    confirm_duplicate=True,
                )

            if amount <= 0:
                with pytest.raises(services.FundingRefused):
                    pay()
            elif amount <= left:
                entry = pay()
                assert (entry.tranche_id, entry.amount, entry.reverses_id) == (
                    tranches[which].pk,
                    amount,
                    None,
                )
                paid[which] += amount
                payments.append((entry, which, False))
            else:
                with pytest.raises(services.FundingRefused):
                    pay()
        elif payments:
            position = entry_index % len(payments)
            entry, index, reversed_already = payments[position]
            if reversed_already:
                with pytest.raises(services.FundingRefused):
                    services.disbursement_reverse(disbursement=entry, actor=boss, note="n")
            else:
                reversal = services.disbursement_reverse(disbursement=entry, actor=boss, note="n")
                assert (reversal.amount, reversal.reverses_id) == (-entry.amount, entry.pk)
                paid[index] -= entry.amount
                payments[position] = (entry, index, True)
        award.refresh_from_db()
        assert award.disbursed == sum(paid)
        assert award.disbursed == services.award_balance(award)
        stored = list(Tranche.objects.filter(award=award).order_by("sequence"))
        assert [t.paid for t in stored] == paid
        for tranche in stored:
            assert tranche.paid == sum(d.amount for d in tranche.disbursements.all())
    # Clean up for the next example (the fixture is shared): reverse what is left.
    for entry in Disbursement.objects.filter(award=award, amount__gt=0, reversed_by__isnull=True):
        services.disbursement_reverse(disbursement=entry, actor=boss, note="reset")
    award.refresh_from_db()
    assert award.disbursed == 0
