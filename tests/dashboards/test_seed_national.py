"""seed_national: refused with DEBUG off; at a tiny scale, a consistent miniature of the
national data set whose people can sign in with both steps."""

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import AuditEvent, Membership, Partnership, Role, User
from calendars.models import Deadline, DeadlineStatus
from cases.models import Case
from dashboards.national import NATIONAL_PASSWORD, Size, totp_key
from rapid_review.models import ChronologyEntry, InformationRequest

SCALE = 0.01


@pytest.mark.django_db
def test_refused_with_debug_off():
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_national", scale=SCALE)
    assert not Partnership.objects.exists()


@pytest.mark.django_db
def test_a_tiny_national_set_has_the_shape_of_the_real_one(client):
    with override_settings(DEBUG=True):
        call_command("seed_national", scale=SCALE, stdout=open("/dev/null", "w"))  # noqa: SIM115
    size = Size.of(SCALE)
    assert Partnership.objects.count() == size.partnerships
    assert Case.objects.count() == size.cases
    # One request per agency a review: a tiny set's few agencies may not hold them all.
    assert size.requests / 2 <= InformationRequest.objects.count() <= size.requests
    assert AuditEvent.objects.count() >= size.audit_rows  # and the plans adopted
    assert abs(ChronologyEntry.objects.count() - size.entries) < size.entries * 0.2
    longest = (ChronologyEntry.objects.values("review").annotate(n=Count("id"))
               .order_by("-n").first())
    assert longest["n"] >= 2_000
    for partnership in Partnership.objects.all():  # every role in every partnership
        roles = set(Membership.objects.filter(partnership=partnership)
                    .values_list("role", flat=True))
        assert roles == set(Role.values)
    assert set(Case.objects.values_list("stage", flat=True)) >= {"rapid_review", "lcspr",
                                                                 "action_plan", "closed"}
    today = timezone.localdate()
    open_ = Deadline.objects.filter(status=DeadlineStatus.OPEN)
    assert open_.filter(due_date__lt=today).exists() and open_.filter(due_date__gt=today)
    assert Deadline.objects.exclude(status=DeadlineStatus.OPEN).exists()
    request = InformationRequest.objects.select_related("return_deadline", "review").first()
    assert request.return_deadline.case_id == request.review.case_id
    assert request.return_deadline.related_key == request.deadline_key

    user = User.objects.filter(memberships__role=Role.BUSINESS_UNIT_OFFICER).first()
    device = TOTPDevice.objects.get(user=user)
    assert device.key == totp_key(user.email) and device.confirmed
    client.post(reverse("accounts:sign-in"), {"username": user.email,
                                              "password": NATIONAL_PASSWORD})
    code = str(totp(bytes.fromhex(device.key), step=30, t0=0, digits=6)).zfill(6)
    response = client.post(reverse("accounts:second-factor"), {"code": code})
    assert response.status_code == 302
    assert client.get(reverse("dashboards:home")).status_code == 200
