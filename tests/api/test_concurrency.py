"""The API under real concurrent PostgreSQL transactions: the selection cap holds,
and the ledger feed gives every entry exactly once while payments are recorded."""

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client

from programs.api import ledger as ledger_api
from programs.models import Disbursement
from programs.ranking import selection_totals
from programs.services import funding
from programs.services import selection as selection_services
from startups.enums import ApplicationStatus, ProgramStatus
from startups.models import Application
from tests.api.conftest import MANAGER, token_for
from tests.factories import ProgramFactory, manager, submitted_application

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 16


def _client(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture(autouse=True)
def _many_requests(settings):
    settings.API_THROTTLE_RATE = "100000/min"


def test_simultaneous_api_selections_stop_at_the_cap(monkeypatch):
    real = selection_services.selection_totals

    def slow_totals(program):  # widen the race window between reading and writing
        totals = real(program)
        time.sleep(0.02)
        return totals

    monkeypatch.setattr(selection_services, "selection_totals", slow_totals)
    program = ProgramFactory(
        selection_cap=5,
        total_budget=Decimal("1000000000"),
        max_amount_per_project=Decimal("1000000"),
        status=ProgramStatus.REVIEWING,
    )
    boss = manager()
    secret = token_for(boss, MANAGER)
    ids = [
        submitted_application(program, requested_amount=Decimal("1000000")).pk for _ in range(12)
    ]
    start = threading.Barrier(len(ids))

    def select(application_id):
        client = _client(secret)
        try:
            start.wait(30)
            response = client.post(
                f"/api/v1/manager/applications/{application_id}/decision",
                {"decision": "selected", "exception_reason": "Committee (test)"},
                content_type="application/json",
            )
            return response.status_code, response.json()
        finally:
            connection.close()

    with ThreadPoolExecutor(len(ids)) as pool:
        outcomes = list(pool.map(select, ids))
    statuses = sorted(code for code, _body in outcomes)
    assert statuses == [200] * 5 + [409] * 7
    assert all("cap of 5" in body["error"]["message"] for code, body in outcomes if code == 409)
    assert selection_totals(program) == (5, Decimal("5000000"))
    assert (
        Application.objects.filter(program=program, status=ApplicationStatus.SELECTED).count() == 5
    )


def _awards(boss, count: int):
    """`count` awards with one large tranche each: payments on different awards do not
    queue behind one award's lock, so their ids can commit out of order."""
    program = ProgramFactory(
        total_budget=Decimal("1000000000"), max_amount_per_project=Decimal("1000000")
    )
    tranches = []
    for _ in range(count):
        application = submitted_application(program, requested_amount=Decimal("1000000"))
        Application.objects.filter(pk=application.pk).update(status=ApplicationStatus.SELECTED)
        award = funding.award_create(
            application=application,
            amount=Decimal("1000000"),
            agreement_date=date(2026, 1, 1),
            actor=boss,
        )
        (tranche,) = funding.tranches_set(
            award=award,
            schedule=[
                {"amount": Decimal("1000000"), "planned_date": date(2026, 1, 2), "milestone": "All"}
            ],
            actor=boss,
        )
        tranches.append(tranche)
    return tranches


def test_ledger_feed_returns_every_entry_once_while_payments_are_recorded(monkeypatch):
    real_settle = funding._settle

    def slow_settle(*args, **kwargs):
        # The entry is inserted (its id drawn) but not committed for a random moment:
        # entries with larger ids commit first, as under real load.
        time.sleep(random.uniform(0, 0.03))  # noqa: S311
        return real_settle(*args, **kwargs)

    monkeypatch.setattr(funding, "_settle", slow_settle)
    boss = manager()
    secret = token_for(boss, MANAGER)
    writers, per_writer = 6, 8
    tranches = _awards(boss, writers)
    done = threading.Event()

    def write(index):
        try:
            for n in range(per_writer):
                funding.disbursement_record(
                    tranche=tranches[index],
                    amount=Decimal("1.00"),
                    paid_on=date(2026, 2, 1),
                    reference=f"W{index}-{n}",
                    actor=boss,
                )
        finally:
            connection.close()

    seen: list[int] = []

    def read():
        client = _client(secret)
        after = 0
        try:
            while True:
                finished = done.is_set()
                page = client.get("/api/v1/manager/ledger", {"after": after, "limit": 3}).json()
                seen.extend(entry["id"] for entry in page["entries"])
                after = page["next_after"]
                if finished and not page["has_more"]:
                    return
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(write, range(writers)))
    done.set()
    reader.join(60)
    assert not reader.is_alive()
    everything = list(Disbursement.objects.order_by("id").values_list("id", flat=True))
    assert len(everything) == writers * per_writer
    assert len(seen) == len(set(seen)), "an entry was returned twice"
    assert sorted(seen) == everything, "an entry was skipped"


def test_without_the_lock_a_reader_can_skip_an_entry(monkeypatch):
    """The race the lock prevents is real: an id drawn earlier commits after a later
    one was read, and a reader without the lock moves its cursor past it."""
    boss = manager()
    (tranche_a, tranche_b) = _awards(boss, 2)
    first_inserted = threading.Event()
    release_first = threading.Event()
    real_settle = funding._settle

    def held_settle(award, *args, **kwargs):
        if award.pk == tranche_a.award_id:
            first_inserted.set()
            release_first.wait(10)
        return real_settle(award, *args, **kwargs)

    monkeypatch.setattr(funding, "_settle", held_settle)

    def pay(tranche, reference):
        try:
            funding.disbursement_record(
                tranche=tranche,
                amount=Decimal("1.00"),
                paid_on=date(2026, 2, 1),
                reference=reference,
                actor=boss,
            )
        finally:
            connection.close()

    slow = threading.Thread(target=pay, args=(tranche_a, "EARLY-ID"))
    slow.start()
    assert first_inserted.wait(10)
    pay(tranche_b, "LATE-ID")  # a larger id, committed first

    # Without the lock: the page shows only the later id, and the cursor passes the earlier.
    monkeypatch.setattr(ledger_api.connection, "vendor", "sqlite", raising=False)
    rows, _more = ledger_api.ledger_page(after=0, limit=10)
    assert [r.reference for r in rows] == ["LATE-ID"]
    monkeypatch.undo()
    monkeypatch.setattr(funding, "_settle", held_settle)

    # With it: the page waits for the earlier payment to commit, and shows both in order.
    result = {}

    def locked_read():
        try:
            result["rows"] = [r.reference for r in ledger_api.ledger_page(after=0, limit=10)[0]]
        finally:
            connection.close()

    reader = threading.Thread(target=locked_read)
    reader.start()
    time.sleep(0.3)
    assert reader.is_alive(), "the locked read must wait for the payment in flight"
    release_first.set()
    slow.join(10)
    reader.join(10)
    assert result["rows"] == ["EARLY-ID", "LATE-ID"]
