"""`make run` depends on seed_demo: it must build a consistent demo."""

import pytest
from django.core.management import call_command

from programs.models import Assignment, Award, Disbursement, Review
from startups.models import Application, Program

pytestmark = pytest.mark.django_db


def test_seed_demo_builds_every_stage_once(capsys):
    call_command("seed_demo", "--if-empty", "--cohort", "12")
    out = capsys.readouterr().out
    assert "Demo logins (password for all: demo-portal-2026)" in out
    current = Program.objects.get(slug="startup-kazakhstan-2026")
    assert current.criteria.count() == 5
    statuses = set(current.applications.values_list("status", flat=True))
    assert {"draft", "submitted", "under_review", "withdrawn"} <= statuses
    dana = Assignment.objects.filter(reviewer__email="reviewer@experts.kz", status="active")
    assert dana.exists()
    assert dana.exclude(review__status="submitted").count() == 3  # Dana's queue
    assert Review.objects.filter(status="submitted").exists()
    past = Program.objects.get(slug="startup-kazakhstan-2025")
    assert past.status == "decided"
    assert Award.objects.filter(program=past).count() == 6
    assert Disbursement.objects.exists()
    founder_apps = Application.objects.filter(startup__memberships__user__email="founder@demo.kz")
    assert founder_apps.filter(award__isnull=False).exists()

    call_command("seed_demo", "--if-empty")
    assert "Demo data already present; nothing created." in capsys.readouterr().out
    assert Program.objects.count() == 2
