"""Reviewers' feedback to the teams: only what the program shares, never who wrote it."""

import pytest
from django.core import mail
from django.urls import reverse

from portal.models import Notification, NotificationKind
from programs.feedback import application_feedback
from programs.models import Review
from programs.services import assignment as assigning
from programs.services import reviewing
from programs.services.selection import application_decide, decisions_finalise
from startups.enums import ApplicationStatus, ProgramStatus
from tests.factories import (
    CriterionFactory,
    ProgramFactory,
    UserFactory,
    manager,
    reviewer,
    submitted_application,
)

pytestmark = pytest.mark.django_db

# What a reviewer wrote for the program office only, and who they are.
PRIVATE = [
    "NOTE-FOR-MANAGERS-MARKER",
    "CRITERION-COMMENT-MARKER",
    "Zhanna Expertova",
    "zhanna@expert-panel.kz",
    "Timur Critic",
    "timur@expert-panel.kz",
]
COMMENTS = ["TEAM-COMMENT-ONE", "TEAM-COMMENT-TWO"]


@pytest.fixture
def reviewed():
    """A closed call, one team with two submitted reviews (scores 8/6 and 4/4 of 10)."""
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING, reviews_per_application=2)
    criteria = [
        CriterionFactory(program=program, name="Innovation"),
        CriterionFactory(program=program, name="Team strength"),
    ]
    boss = manager()
    founder = UserFactory(email="founder@feedback-team.kz")
    application = submitted_application(program)
    application.startup.memberships.create(user=founder, role="owner")
    experts = [
        reviewer(full_name="Zhanna Expertova", email="zhanna@expert-panel.kz"),
        reviewer(full_name="Timur Critic", email="timur@expert-panel.kz"),
    ]
    for expert, values, comment in zip(experts, [(8, 6), (4, 4)], COMMENTS, strict=True):
        assignment = assigning.assignment_create(
            application=application, reviewer=expert, actor=boss
        )
        reviewing.review_save(
            assignment=assignment,
            reviewer=expert,
            scores={
                c.pk: (v, "CRITERION-COMMENT-MARKER") for c, v in zip(criteria, values, strict=True)
            },
            recommendation="fund",
            note="NOTE-FOR-MANAGERS-MARKER",
            comment_for_team=comment,
            submit=True,
        )
    return {"program": program, "application": application, "boss": boss, "founder": founder}


def _share(program, *, comments, scores):
    program.share_review_comments = comments
    program.share_review_scores = scores
    program.save()


def _decide(reviewed, captured):
    # The decision is e-mailed when made (with the feedback); finalising adds no e-mail.
    with captured(execute=True):
        application_decide(
            application=reviewed["application"], decision="rejected", actor=reviewed["boss"]
        )
        decisions_finalise(program=reviewed["program"], actor=reviewed["boss"])


def _team_page(client, reviewed):
    client.force_login(reviewed["founder"])
    response = client.get(reviewed["application"].get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_comment_for_team_is_kept_apart_from_the_note(reviewed):
    reviews = Review.objects.filter(assignment__application=reviewed["application"])
    assert sorted(reviews.values_list("comment_for_team", "note_for_managers")) == [
        ("TEAM-COMMENT-ONE", "NOTE-FOR-MANAGERS-MARKER"),
        ("TEAM-COMMENT-TWO", "NOTE-FOR-MANAGERS-MARKER"),
    ]


def test_team_page_shows_comments_without_names_or_scores(
    client, reviewed, django_capture_on_commit_callbacks
):
    _share(reviewed["program"], comments=True, scores=False)
    _decide(reviewed, django_capture_on_commit_callbacks)
    page = _team_page(client, reviewed)
    assert 'id="feedback"' in page
    assert all(comment in page for comment in COMMENTS)
    assert "Reviewer 1" in page and "Reviewer 2" in page
    assert [m for m in PRIVATE if m in page] == []
    # No score: neither a review's total nor a criterion's mark.
    assert "/ 100" not in page and "Innovation" not in page and "8 / 10" not in page


def test_team_page_shows_scores_when_the_program_shares_them(
    client, reviewed, django_capture_on_commit_callbacks
):
    _share(reviewed["program"], comments=False, scores=True)
    _decide(reviewed, django_capture_on_commit_callbacks)
    page = _team_page(client, reviewed)
    feedback = page.split('id="feedback"')[1].split("</section>")[0]
    assert "Innovation: 8 / 10" in feedback and "Team strength: 4 / 10" in feedback
    totals = sorted(item["total"] for item in application_feedback(reviewed["application"]))
    assert totals == ["33.3", "66.7"]
    assert all(f"{t} / 100" in feedback for t in totals)
    assert [m for m in PRIVATE + COMMENTS if m in page] == []


def test_nothing_is_shared_unless_the_program_chooses(
    client, reviewed, django_capture_on_commit_callbacks
):
    _decide(reviewed, django_capture_on_commit_callbacks)
    page = _team_page(client, reviewed)
    assert 'id="feedback"' not in page
    assert [m for m in PRIVATE + COMMENTS if m in page] == []
    (message,) = mail.outbox
    assert [m for m in PRIVATE + COMMENTS if m in message.body] == []


def test_nothing_is_shown_before_the_decision_is_final(client, reviewed):
    _share(reviewed["program"], comments=True, scores=True)
    # Decided on the board, but the program has not finalised (teams not told).
    application_decide(
        application=reviewed["application"], decision="rejected", actor=reviewed["boss"]
    )
    reviewed["application"].refresh_from_db()
    assert reviewed["application"].status == ApplicationStatus.REJECTED
    page = _team_page(client, reviewed)
    assert 'id="feedback"' not in page
    assert [m for m in COMMENTS if m in page] == []


def test_decision_email_carries_the_comments_without_names(
    reviewed, django_capture_on_commit_callbacks
):
    _share(reviewed["program"], comments=True, scores=False)
    _decide(reviewed, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    html = message.alternatives[0][0]
    for text in (message.body, html):
        assert all(comment in text for comment in COMMENTS)
        assert "Reviewer 2" in text
        assert [m for m in PRIVATE if m in text] == []
        assert "/ 100" not in text and "Innovation" not in text
    row = Notification.objects.get(kind=NotificationKind.DECISION_REJECTED)
    assert [m for m in PRIVATE if m in str(row.context)] == []


def test_decision_email_carries_scores_only_when_shared(
    reviewed, django_capture_on_commit_callbacks
):
    _share(reviewed["program"], comments=True, scores=True)
    _decide(reviewed, django_capture_on_commit_callbacks)
    (message,) = mail.outbox
    assert "66.7 / 100" in message.body and "Innovation: 8 / 10" in message.body
    assert [m for m in PRIVATE if m in message.body] == []


# --- The reviewer is told before writing ---------------------------------------


@pytest.mark.parametrize(
    ("comments", "scores", "expected"),
    [
        (False, False, "This program does not share reviews with the teams"),
        (True, False, "shares your comment for the team with the team"),
        (False, True, "shares your scores (not your comments)"),
        (True, True, "shares your comment for the team and your scores"),
    ],
)
def test_review_form_says_what_will_be_shared(client, comments, scores, expected):
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING)
    _share(program, comments=comments, scores=scores)
    CriterionFactory(program=program)
    expert = reviewer()
    assignment = assigning.assignment_create(
        application=submitted_application(program), reviewer=expert, actor=manager()
    )
    client.force_login(expert)
    page = client.get(assignment.get_review_url()).content.decode()
    notice = page.split('id="feedback-notice"')[1].split("</p>")[0]
    assert expected in notice
    # At the top of the form, before the first field the reviewer fills in.
    assert page.index('id="feedback-notice"') < page.index('name="comment_for_team"')
    assert page.index('id="feedback-notice"') < page.index('<form method="post"')


def test_review_form_saves_the_comment_for_the_team(client):
    program = ProgramFactory(closed=True, status=ProgramStatus.REVIEWING)
    criterion = CriterionFactory(program=program)
    expert = reviewer()
    assignment = assigning.assignment_create(
        application=submitted_application(program), reviewer=expert, actor=manager()
    )
    client.force_login(expert)
    response = client.post(
        assignment.get_review_url(),
        {
            f"score_{criterion.pk}": "5",
            f"comment_{criterion.pk}": "",
            "recommendation": "maybe",
            "note": "Only for you",
            "comment_for_team": "Show more traction",
            "save": "1",
        },
    )
    assert response.status_code == 302
    review = Review.objects.get(assignment=assignment)
    assert (review.note_for_managers, review.comment_for_team) == (
        "Only for you",
        "Show more traction",
    )


def test_program_admin_offers_the_feedback_settings(client):
    boss = manager()
    program = ProgramFactory()
    client.force_login(boss)
    page = client.get(reverse("admin:startups_program_change", args=[program.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'name="share_review_comments"' in text and 'name="share_review_scores"' in text
