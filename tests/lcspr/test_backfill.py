"""The migration that gives checkpoints and reviewers recorded before their dates were
deadlines the deadlines the services now make, met as the record says."""

import datetime
import importlib

import pytest
from django.apps import apps

from calendars.models import AnchorEvent, Deadline
from lcspr.services import (
    checkpoint_add,
    checkpoint_review_record,
    checkpoint_update_write,
    reviewer_letter_dispatch_record,
)
from tests.lcspr.builders import appointed_reviewer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat
migration = importlib.import_module("lcspr.migrations.0007_timetable")


def _snapshot(case):
    return sorted((dl.step.key, dl.related_key, dl.due_date, dl.status,
                   dl.responsible_user_id) for dl in Deadline.objects.filter(
        case=case, anchor_event__kind__in=["lcspr_checkpoint", "lcspr_reviewer_appointed"]
    ).select_related("step"))


def test_the_backfill_makes_the_deadlines_the_services_make(lcspr, manager):
    reviewer = appointed_reviewer(lcspr, manager)
    written = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-06"))
    checkpoint_update_write(actor=reviewer.user, checkpoint=written, reviewer_update="Fine")
    checkpoint_review_record(actor=manager, checkpoint=written, reviewed_on=d("2027-01-06"),
                             time_view="On time", quality_view="Good")
    checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-02-26"))
    reviewer_letter_dispatch_record(actor=manager, lcspr=lcspr, recipient="ofsted",
                                    method="email", sent_on=d("2027-01-06"))
    made = _snapshot(lcspr.case)
    assert len(made) == 7
    Deadline.objects.filter(case=lcspr.case, anchor_event__kind__in=[
        "lcspr_checkpoint", "lcspr_reviewer_appointed"]).delete()
    AnchorEvent.objects.filter(case=lcspr.case, kind__in=[
        "lcspr_checkpoint", "lcspr_reviewer_appointed"]).delete()
    migration.backfill(apps, None)
    assert _snapshot(lcspr.case) == made
    migration.backfill(apps, None)  # run again, nothing more
    assert _snapshot(lcspr.case) == made
