import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from startups.enums import ApplicationStatus
from tests.factories import ApplicationFactory

pytestmark = pytest.mark.django_db

EXPECTED = {
    ApplicationStatus.SUBMITTED: "Submitted: the experts' review starts after the deadline.",
    ApplicationStatus.UNDER_REVIEW: "Experts are reviewing your application.",
    ApplicationStatus.SELECTED: "Congratulations: your project is selected for funding.",
    ApplicationStatus.WAITLISTED: "Your project is on the waiting list",
    ApplicationStatus.REJECTED: "Your project was not selected this time.",
    ApplicationStatus.FUNDED: "Funding is under way: see the tranche schedule.",
    ApplicationStatus.COMPLETED: "The funded project is completed.",
    ApplicationStatus.WITHDRAWN: "The application is withdrawn.",
}


@pytest.mark.parametrize("status", list(EXPECTED))
def test_next_step_follows_the_status_enum(status):
    application = ApplicationFactory.build(status=status)
    html = render_to_string(
        "includes/next_step.html",
        {"application": application},
        request=RequestFactory().get("/"),
    )
    assert EXPECTED[status] in html
    others = [text for key, text in EXPECTED.items() if key != status]
    assert not any(text in html for text in others)
