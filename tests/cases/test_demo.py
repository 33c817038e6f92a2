import pytest
from django.core.management import call_command

from cases.models import Case, Stage

pytestmark = pytest.mark.django_db


def test_demo_has_a_case_at_every_referral_and_triage_stage():
    call_command("seed_demo", verbosity=0)
    stages = set(Case.objects.values_list("stage", flat=True))
    assert {Stage.DRAFT, Stage.REFERRED, Stage.MORE_INFORMATION, Stage.TRIAGE,
            Stage.RAPID_REVIEW, Stage.LEARNING_REVIEW, Stage.SINGLE_AGENCY_REVIEW,
            Stage.NO_FURTHER_ACTION} <= stages
    rapid = Case.objects.filter(stage=Stage.RAPID_REVIEW)
    assert all(c.anchor_events.filter(kind="notification_sent").exists() for c in rapid)
    assert all("(fictional)" in name for name in
               Case.objects.values_list("children__full_name", flat=True) if name)
