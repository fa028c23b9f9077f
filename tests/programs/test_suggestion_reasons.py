"""The suggestion's reasons and limits: codes with parameters, written in the reader's language."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from programs.optimiser import Candidate, Objective, SelectionProblem, suggest
from programs.optimiser.reasons import limits_params, limits_text, reason_text
from tests.programs.test_board import _reviewed_program

NBSP = "\xa0"


def _budget_problem() -> SelectionProblem:
    return SelectionProblem(
        candidates=[
            Candidate(1, Decimal("90"), Decimal("600000"), "astana", "fintech", "Alpha"),
            Candidate(2, Decimal("85.25"), Decimal("500000.5"), "astana", "fintech", "Beta"),
        ],
        cap=2,
        budget=Decimal("1000000"),
    )


def test_reasons_are_stored_as_codes_and_parameters():
    suggestion = suggest(_budget_problem(), objective=Objective.RANK_ORDER)
    reason = suggestion.reasons[2]
    assert (reason.code, reason.message) == ("budget", "rank_budget")
    assert reason.params == {"score": "85.3", "requested": "500000.50", "left": "400000"}


def test_a_reason_in_russian_has_russian_numbers_and_the_currency():
    params = _budget_problem()
    reason = suggest(params, objective=Objective.RANK_ORDER).reasons[2]
    with translation.override("ru"):
        text = reason_text(reason.message, reason.params, "KZT")
        plain = reason.text
    with translation.override("en"):
        english = reason_text(reason.message, reason.params, "KZT")
    assert f"500{NBSP}000,50{NBSP}KZT" in text
    assert f"400{NBSP}000{NBSP}KZT" in text
    assert "85,3" in text
    assert text != english
    assert english == (
        f"Requests 500,000.50{NBSP}KZT, more than the 400,000{NBSP}KZT left in the budget "
        "when its turn came (score 85.3)."
    )
    # Without a currency (the optimiser alone): the numbers in the reader's format.
    assert f"500{NBSP}000,50" in plain and "KZT" not in plain


def test_a_known_russian_sentence_is_the_catalogues():
    with translation.override("ru"):
        text = reason_text("budget", {"requested": "25000000", "left": "1500000"}, currency="KZT")
    assert text == (
        f"Запрашивает 25{NBSP}000{NBSP}000{NBSP}KZT — больше остатка бюджета "
        f"(1{NBSP}500{NBSP}000{NBSP}KZT)."
    )


def test_limits_read_as_words_with_figures_not_identifiers():
    limits = limits_params(["cap", "budget"], cap=50, budget=Decimal("1000000000"), minimums=[])
    assert limits == [["cap", {"cap": 50}], ["budget", {"budget": "1000000000"}]]
    with translation.override("en"):
        assert limits_text(limits, "KZT") == (
            f"Limits reached: the number of projects (50) and the budget (1,000,000,000{NBSP}KZT)."
        )
    with translation.override("ru"):
        assert f"(1{NBSP}000{NBSP}000{NBSP}000{NBSP}KZT)" in limits_text(limits, "KZT")
    with translation.override("en"):
        assert limits_text([], "KZT") == "Limits reached: none."


@pytest.mark.django_db
def test_result_page_writes_reasons_and_limits_in_the_managers_language(
    client, django_capture_on_commit_callbacks
):
    program, _apps, boss = _reviewed_program(6, cap=3, budget="30000000")
    client.force_login(boss)
    url = reverse("admin:startups_program_suggest", args=[program.pk])
    form = {"run": "1", "objective": "rank_order", "min-TOTAL_FORMS": "3", "min-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(url, form)
    english = client.get(started.url, follow=True)
    result = english.context["result"]
    assert all("message" in row and "reason" not in row for row in result["rows"])
    assert (
        f'<p id="suggest-limits">Limits reached: the budget (30,000,000{NBSP}KZT).</p>'
        in english.text
    )
    assert "<code>cap</code>" not in english.text
    assert f"{NBSP}KZT, more than the" in english.text

    boss.preferred_language = "ru"
    boss.save(update_fields=["preferred_language"])
    russian = client.get(english.request["PATH_INFO"], HTTP_ACCEPT_LANGUAGE="ru")
    assert russian["Content-Language"] == "ru"
    assert f"{NBSP}000{NBSP}000{NBSP}KZT" in russian.text
    rows = russian.context["near_in"] + russian.context["near_out"]
    with translation.override("ru"):
        assert [row["reason"] for row in rows] == [
            reason_text(row["message"], row["params"], "KZT") for row in rows
        ]
