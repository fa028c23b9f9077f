"""Reviewers, one automatic assignment run and the submitted reviews, in bulk.

Each reviewer has a style (harsh, lenient, noisy, steady: `data.REVIEWER_STYLES`)
that bends the application's merit into their scores, so normalisation and
the disagreement flag have something to show on the board. The rows are the
services': one `assignment.auto` audit entry for the run, a `review.submit`
entry per review with its scores (as `review_save` writes it). Reviewers are
not mailed about a demo run: no outbox rows.
"""

from datetime import datetime, timedelta
from random import Random

from django.contrib.auth.models import Group

from portal.audit import audit_entry
from portal.models import AuditEntry, User
from programs.management.demo import names
from programs.management.demo.bulk import rows_insert
from programs.management.demo.cohort import Team
from programs.management.demo.data import (
    DANA_TO_DO,
    DEMO_REVIEWER_STYLES,
    LANGUAGE_WEIGHTS,
    REVIEWER_STYLES,
)
from programs.management.demo.texts import review_note, team_comment
from programs.models import Assignment, Recommendation, Review, ReviewStatus, Score
from programs.roles import REVIEWERS
from programs.services.reviewing import review_total
from startups.enums import Country
from startups.models import Program

STYLES = {name: (bias, noise) for name, bias, noise in REVIEWER_STYLES}
DANA = "reviewer@experts.kz"


def reviewers_create(*, count: int, rng: Random) -> list[tuple[User, str]]:
    """The pool: the demo reviewers and generated ones up to `count`, each with a style."""
    group = Group.objects.get(name=REVIEWERS)
    demo = list(User.objects.filter(email__in=DEMO_REVIEWER_STYLES).order_by("id"))
    made = []
    for index in range(max(0, count - len(demo))):
        language = rng.choices(list(LANGUAGE_WEIGHTS), weights=list(LANGUAGE_WEIGHTS.values()))[0]
        full_name = names.person_name(rng, Country.KAZAKHSTAN, language)
        first, family = full_name.lower().split(" ", 1)
        where = rng.choice(names.REVIEWER_AFFILIATIONS)
        user = User(
            email=f"{first[0]}.{family}.{index:03d}@{where}.experts.kz",
            full_name=full_name,
            preferred_language=language,
            is_staff=True,
        )
        user.set_unusable_password()  # generated experts do not sign in
        made.append(user)
    rows_insert(User, made, with_ids=True)
    Through = User.groups.through
    Through.objects.bulk_create([Through(user_id=u.pk, group_id=group.pk) for u in made])
    styles = [name for name, _bias, _noise in REVIEWER_STYLES]
    return [(u, DEMO_REVIEWER_STYLES[u.email]) for u in demo] + [
        (u, styles[i % len(styles)]) for i, u in enumerate(made)
    ]


def _plan(
    rng: Random, teams: list[Team], reviewers: list[User], k: int, *, dana_first: int
) -> list[list[User]]:
    """k distinct reviewers per team, loads within one of each other.

    Reviewers are drawn from a stream of shuffled copies of the pool; a
    reviewer already on the team is put back for the next team. Dana gets
    the first teams, so her queue is never empty.
    """
    stream: list[User] = []
    plan = []
    for index, _team in enumerate(teams):
        chosen: list[User] = []
        skipped: list[User] = []
        while len(chosen) < k:
            if not stream:
                stream = rng.sample(reviewers, len(reviewers))
            reviewer = stream.pop()
            (skipped if reviewer in chosen else chosen).append(reviewer)
        stream.extend(skipped)
        if index < dana_first:
            dana = next((r for r in reviewers if r.email == DANA), None)
            if dana is not None and dana not in chosen:
                chosen[0] = dana
        plan.append(chosen)
    return plan


def reviews_create(
    *,
    program: Program,
    teams: list[Team],
    reviewers: list[tuple[User, str]],
    rng: Random,
    now: datetime,
    assigned_at: datetime,
    manager: User,
    keep_to_do: int = DANA_TO_DO,
) -> tuple[int, int]:
    """Assign every team k reviewers and submit their reviews (Dana keeps `keep_to_do`).

    Returns (assignments, submitted reviews).
    """
    k = program.reviews_per_application
    style = {user.pk: STYLES[name] for user, name in reviewers}
    plan = _plan(rng, teams, [u for u, _s in reviewers], k, dana_first=keep_to_do)
    assignments = [
        Assignment(
            program=program,
            application=team.application,
            reviewer=reviewer,
            assigned_at=assigned_at,
            assigned_by=manager,
            automatic=True,
        )
        for team, chosen in zip(teams, plan, strict=True)
        for reviewer in chosen
    ]
    rows_insert(Assignment, assignments, with_ids=True)
    criteria = list(program.criteria.order_by("position", "id"))
    weight_sum = sum(c.weight for c in criteria)
    merit = {team.application.pk: team for team in teams}
    dana_left = keep_to_do
    reviews, scores, audit = [], [], []
    for assignment in assignments:
        if assignment.reviewer.email == DANA and dana_left:
            dana_left -= 1
            continue
        team = merit[assignment.application_id]
        bias, noise = style[assignment.reviewer_id]
        values = {
            c.pk: max(
                c.scale_min, min(c.scale_max, round(team.quality + bias + rng.gauss(0, noise)))
            )
            for c in criteria
        }
        total = review_total([(values[c.pk], c.weight, c.scale_min, c.scale_max) for c in criteria])
        felt = sum(values[c.pk] * c.weight for c in criteria) / weight_sum
        recommendation = (
            Recommendation.FUND
            if felt > 7
            else (Recommendation.MAYBE if felt > 5 else Recommendation.DO_NOT_FUND)
        )
        submitted_at = min(now, assigned_at + timedelta(days=rng.uniform(0.3, 5.5)))
        note = ""
        if rng.random() < 0.25:
            note = review_note(rng, assignment.reviewer.preferred_language)
        review = Review(
            assignment=assignment,
            status=ReviewStatus.SUBMITTED,
            recommendation=recommendation,
            note_for_managers=note,
            # Four reviews in five write to the team too.
            comment_for_team=team_comment(assignment.pk, assignment.reviewer.preferred_language)
            if assignment.pk % 5
            else "",
            total=total,
            created_at=assigned_at + timedelta(hours=2),
            updated_at=submitted_at,
            submitted_at=submitted_at,
        )
        reviews.append((review, values))
        entry = audit_entry(
            actor=assignment.reviewer,
            action="review.submit",
            obj=review,
            before={"status": ReviewStatus.DRAFT.value},
            after={
                "status": ReviewStatus.SUBMITTED.value,
                "total": str(total),
                "recommendation": recommendation.value,
                "scores": {str(cid): v for cid, v in values.items()},
            },
        )
        entry.at = submitted_at
        audit.append(entry)
    rows_insert(Review, [r for r, _v in reviews], with_ids=True)
    for (review, values), entry in zip(reviews, audit, strict=True):
        entry.object_id = str(review.pk)
        entry.object_repr = str(review)[:200]
        scores.extend(
            Score(review=review, criterion_id=cid, value=value) for cid, value in values.items()
        )
    rows_insert(Score, scores)
    run = audit_entry(
        actor=manager,
        action="assignment.auto",
        obj=program,
        after={"assignments": len(assignments), "applications": len(teams)},
    )
    run.at = assigned_at
    rows_insert(AuditEntry, [run, *audit])
    return len(assignments), len(reviews)
