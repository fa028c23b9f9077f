"""Milestone report and decision e-mails read without English in Russian and Kazakh."""

import re

import pytest
from django.utils.html import strip_tags

from portal.models import Notification, NotificationKind
from portal.notifications import notification_render

pytestmark = pytest.mark.django_db

KINDS = [
    NotificationKind.REPORT_DUE,
    NotificationKind.REPORT_OVERDUE,
    NotificationKind.REPORT_RETURNED,
    NotificationKind.REPORT_APPROVED,
    NotificationKind.DECISION_SELECTED,
    NotificationKind.DECISION_WAITLISTED,
    NotificationKind.DECISION_REJECTED,
]
CONTEXT = {
    "program": "Zeta",
    "startup": "Qorgan",
    "path": "/dashboard/",
    "sequence": 2,
    "milestone": "Pilot",
    "due_on": "2026-03-01",
    "comments": "Xyz.",
    "amount": "5 000 000 KZT",
    "feedback": [{"n": 1, "total": "80", "scores": [{"criterion": "Qa", "value": 8, "max": 10}]}],
}
# Words that stay in Latin letters in every language: the names given above, the site
# name, links, currency.
KEPT = {"zeta", "qorgan", "pilot", "xyz", "startup", "portal", "http", "dashboard", "kzt"}


def _render(kind, language):
    row = Notification.objects.create(
        kind=kind,
        event_key=f"{kind}-{language}",
        email="a@example.kz",
        language=language,
        context=CONTEXT,
    )
    message = notification_render(row)
    return message.subject, message.body, strip_tags(message.alternatives[0].content)


def _words(text):
    return {w.lower() for w in re.findall(r"[A-Za-z]{3,}", text)} - KEPT


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("kind", KINDS)
def test_mail_has_no_english_words(kind, language):
    english = set().union(*map(_words, _render(kind, "en")))
    assert len(english) > 5  # the English mail has real sentences to compare with
    for part in _render(kind, language):
        assert _words(part) & english == set()


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("kind", [NotificationKind.REPORT_DUE, NotificationKind.REPORT_APPROVED])
def test_a_date_or_number_is_not_followed_by_a_double_full_stop(kind, language):
    _subject, body, _html = _render(kind, language)
    assert ".." not in body
