"""Regulation 14 progress checkpoints: set every so many weeks from the decision up to the
target, or on a chosen date, each on a working day of the partnership's calendar; due,
overdue, met or met late; the reviewer writes their update, the business unit records the
partners' view of time and quality, corrective action and learning released early."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.urls import reverse

from accounts.models import Role
from lcspr.models import Checkpoint
from lcspr.services import (
    checkpoint_add,
    checkpoint_review_record,
    checkpoints_schedule,
)
from tests.lcspr.builders import appointed_reviewer, opened_lcspr

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2027, 1, 6, 12, tzinfo=datetime.UTC)
d = datetime.date.fromisoformat


@pytest.fixture
def manager(make_user):
    return make_user(Role.BUSINESS_MANAGER)


@pytest.fixture
def lcspr(partnership, manager):
    with time_machine.travel(TODAY, tick=False):
        return opened_lcspr(partnership, manager)


@time_machine.travel(TODAY, tick=False)
def test_checkpoints_every_four_weeks_fall_on_working_days_up_to_the_target(lcspr, manager):
    added = checkpoints_schedule(actor=manager, lcspr=lcspr, every_weeks=4)
    # From Friday 4 December 2026: 1 January 2027 has passed; 26 March is Good Friday, so
    # the Thursday before; 18 June is after the target (4 June).
    assert [c.due_on for c in added] == [d("2027-01-29"), d("2027-02-26"), d("2027-03-25"),
                                         d("2027-04-23"), d("2027-05-21")]
    assert checkpoints_schedule(actor=manager, lcspr=lcspr, every_weeks=4) == []
    assert checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29")) == added[0]
    # Saturday 13 February: the Friday before.
    assert checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-02-13")).due_on == d(
        "2027-02-12")
    assert Checkpoint.objects.count() == 6
    with pytest.raises(ValidationError, match="from 1 to 26"):
        checkpoints_schedule(actor=manager, lcspr=lcspr, every_weeks=0)
    with pytest.raises(ValidationError, match="today or in the future"):
        checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-05"))
    with pytest.raises(IntegrityError):
        Checkpoint.objects.create(lcspr=lcspr, due_on=d("2027-01-29"), created_by=manager)


def test_a_checkpoint_is_due_then_overdue_then_met_late(lcspr, manager):
    with time_machine.travel(TODAY, tick=False):
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
        assert checkpoint.status(d("2027-01-06")) == "due"
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC),
                             tick=False):
        assert checkpoint.status(d("2027-02-01")) == "overdue"
        with pytest.raises(ValidationError) as refused:
            checkpoint_review_record(actor=manager, checkpoint=checkpoint,
                                     reviewed_on=d("2027-02-02"), time_view="",
                                     quality_view="Good")
        errors = refused.value.message_dict
        assert errors["reviewed_on"] == ["The date the partners reviewed progress must be "
                                         "today or in the past"]
        assert errors["time_view"] == ["Enter the partners' view of progress against the "
                                       "timetable"]
        met = checkpoint_review_record(
            actor=manager, checkpoint=checkpoint, reviewed_on=d("2027-02-01"),
            time_view="Two weeks behind (fictional)", quality_view="Good analysis",
            corrective_action="Extra chronology support",
            early_learning="Share the school's referral learning now")
        assert met.status(d("2027-02-01")) == "met_late"
        met = checkpoint_review_record(
            actor=manager, checkpoint=checkpoint, reviewed_on=d("2027-01-29"),
            time_view="On track", quality_view="Good analysis")
        assert met.status(d("2027-02-01")) == "met"


def test_the_reviewer_writes_the_update_and_the_business_unit_records_the_review(
        client, lcspr, manager, partnership, make_user, django_assert_max_num_queries):
    with time_machine.travel(TODAY, tick=False):
        reviewer = appointed_reviewer(lcspr, manager)
        checkpoint = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-01-29"))
        later = checkpoint_add(actor=manager, lcspr=lcspr, due_on=d("2027-03-01"))
        other = opened_lcspr(partnership, manager)
        elsewhere = checkpoint_add(actor=manager, lcspr=other, due_on=d("2027-01-29"))
    ref = lcspr.case.reference
    with time_machine.travel(datetime.datetime(2027, 2, 1, 12, tzinfo=datetime.UTC),
                             tick=False):
        client.force_login(reviewer.user)
        overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
        assert reverse("lcspr:checkpoints", args=[ref]) in overview
        running = overview[overview.index('id="running"'):]
        assert 'govuk-tag--red">Overdue' in running[running.index("Progress checkpoints"):]
        with django_assert_max_num_queries(15):
            page = client.get(reverse("lcspr:checkpoints", args=[ref])).content.decode()
        assert "Overdue" in page and "Mon 1 Mar 2027" in page
        assert "Set checkpoints at regular intervals" not in page
        url = reverse("lcspr:checkpoint-update", args=[ref, checkpoint.pk])
        response = client.post(url, {"reviewer_update": " "})
        assert "Enter the reviewer&#x27;s update" in response.content.decode()
        response = client.post(url, {"reviewer_update": "Chronologies merged (fictional)"})
        assert response.status_code == 302
        checkpoint.refresh_from_db()
        assert checkpoint.update_by == reviewer.user
        for url in (reverse("lcspr:checkpoint-review", args=[ref, checkpoint.pk]),
                    reverse("lcspr:checkpoints-every", args=[ref]),
                    reverse("lcspr:checkpoint-add", args=[ref]),
                    reverse("lcspr:checkpoint", args=[other.case.reference, elsewhere.pk]),
                    reverse("lcspr:checkpoint-update", args=[ref, elsewhere.pk])):
            assert client.get(url).status_code == 404, url

        client.force_login(manager)
        review = reverse("lcspr:checkpoint-review", args=[ref, checkpoint.pk])
        response = client.post(review, {"reviewed_on_0": "1", "reviewed_on_1": "2",
                                        "reviewed_on_2": "2027", "time_view": "",
                                        "quality_view": "Thorough (fictional)"})
        page = response.content.decode()
        assert "Enter the partners&#x27; view of progress against the timetable" in page
        assert "Thorough (fictional)" in page
        response = client.post(review, {"reviewed_on_0": "1", "reviewed_on_1": "2",
                                        "reviewed_on_2": "2027", "time_view": "Late",
                                        "quality_view": "Thorough (fictional)",
                                        "early_learning": "Release the GP learning"})
        assert response.status_code == 302
        with django_assert_max_num_queries(15):
            page = client.get(response.url).content.decode()
        assert "Met late" in page and "Chronologies merged (fictional)" in page
        assert "Release the GP learning" in page
        every = reverse("lcspr:checkpoints-every", args=[ref])
        response = client.post(every, {"every_weeks": "40"})
        assert "Enter a number of weeks from 1 to 26" in response.content.decode()
        assert client.post(every, {"every_weeks": "6"}).status_code == 302
        with django_assert_max_num_queries(15):
            overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
        assert "Progress checkpoints" in overview
    assert later.pk
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:checkpoints", args=[ref])).status_code == 200
    assert client.get(reverse("lcspr:checkpoint-update",
                              args=[ref, checkpoint.pk])).status_code == 404
