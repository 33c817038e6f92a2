"""The business unit's page of emails not delivered, and its "Try again" button."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, Role
from outbox.models import Message
from outbox.services import message_queue, messages_deliver

pytestmark = pytest.mark.django_db
PAGE = reverse("outbox:undelivered")


def _retry_url(message: Message) -> str:
    return reverse("outbox:message-retry", args=[message.pk])


def _queue(partnership, to: str, reference: str = "ALPHA-2026-001") -> None:
    message_queue(to=to, subject=f"Due today: Agency returns due ({reference})", body="x",
                  kind="reminder", partnership_id=partnership.pk, reference=reference)


def test_the_business_unit_sees_its_emails_not_delivered_and_why(
        client, partnership, other_partnership, make_user, smtp_email):
    stub = smtp_email(refuse={"gone@test.example", "b-gone@test.example"},
                      defer={"busy@test.example"})
    _queue(partnership, "gone@test.example")
    _queue(partnership, "busy@test.example", "ALPHA-2026-002")
    _queue(partnership, "fine@test.example", "ALPHA-2026-003")
    _queue(other_partnership, "b-gone@test.example", "BETA-2026-001")
    messages_deliver(budget_s=None)
    _queue(partnership, "not-tried-yet@test.example")
    assert [r[0] for r in stub.received] == ["fine@test.example"]

    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    html = client.get(PAGE).content.decode()
    assert "gone@test.example" in html and "Not delivered" in html
    assert "550 5.1.1 &lt;[address]&gt;: Recipient address rejected: User unknown" in html
    assert "busy@test.example" in html and "Waiting to try again" in html
    assert "451 4.3.0 Mailbox temporarily unavailable" in html
    assert reverse("cases:case-detail", args=["ALPHA-2026-001"]) in html
    for absent in ("fine@test.example", "not-tried-yet@test.example", "b-gone@test.example",
                   "BETA-2026-001"):
        assert absent not in html, absent
    assert html.count("Try again<span") == 2


def test_the_page_is_paginated_in_a_few_queries(client, partnership, make_user,
                                                django_assert_max_num_queries):
    Message.objects.bulk_create(
        Message(to=f"p{n}@test.example", subject=f"Due today ({n})", body="x", kind="reminder",
                partnership=partnership, reference=f"ALPHA-2026-{n:03d}", status="failed",
                attempts=1, last_error="550 5.1.1 User unknown",
                created_at=timezone.now() - datetime.timedelta(minutes=n))
        for n in range(120))
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    with django_assert_max_num_queries(15):
        first = client.get(PAGE)
    html = first.content.decode()
    assert html.count("Try again<span") == 50
    assert "p0@test.example" in html and "p49@test.example" in html  # newest first
    assert "p50@test.example" not in html
    with django_assert_max_num_queries(15):
        last = client.get(PAGE, {"page": 3}).content.decode()
    assert last.count("Try again<span") == 20 and "p119@test.example" in last


def test_try_again_sends_it_once_and_is_audited_once(client, partnership, make_user,
                                                      smtp_email):
    stub = smtp_email(refuse={"fixed@test.example"})
    _queue(partnership, "fixed@test.example")
    messages_deliver(budget_s=None)
    message = Message.objects.get()
    assert message.status == "failed"
    stub.refuse.clear()  # the address was put right with the agency's IT
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)

    response = client.post(_retry_url(message), follow=True)
    assert "will be sent again within a minute" in response.content.decode()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("pending", 1)
    assert message.next_attempt_at <= timezone.now()
    audited = AuditEvent.objects.filter(object_type="outbox.message",
                                        object_id=str(message.pk))
    assert audited.count() == 1 and audited.get().actor == officer
    assert audited.get().detail == {"event": "email_retry", "kind": "reminder"}

    second = client.post(_retry_url(message), follow=True)  # a double click
    assert "is already being sent again" in second.content.decode()
    assert audited.count() == 1

    assert messages_deliver(budget_s=None) == {"sent": 1}
    third = client.post(_retry_url(message), follow=True)
    assert "has been sent" in third.content.decode()
    assert [r[0] for r in stub.received] == ["fixed@test.example"]
    assert audited.count() == 1


def test_try_again_is_for_the_partnerships_business_unit_only(
        client, partnership, other_partnership, make_user):
    _queue(partnership, "gone@test.example")
    message_queue(to="reset@test.example", subject="Reset your password", body="secret",
                  kind="password_reset", secret=True)
    Message.objects.update(status="failed", attempts=1, last_error="550 User unknown")
    ours, reset = Message.objects.get(kind="reminder"), Message.objects.get(kind="password_reset")

    client.force_login(make_user(Role.BUSINESS_MANAGER))
    assert client.get(_retry_url(ours)).status_code == 405
    assert client.post(_retry_url(reset)).status_code == 404
    for outsider in (make_user(Role.AGENCY_USER), make_user(Role.SCRUTINEER),
                     make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership)):
        client.force_login(outsider)
        assert client.post(_retry_url(ours)).status_code == 404
    # The other partnership's business unit has the page, without this partnership's emails.
    assert "gone@test.example" not in client.get(PAGE).content.decode()
    assert not AuditEvent.objects.filter(object_type="outbox.message").exists()
    assert Message.objects.get(pk=ours.pk).status == "failed"


def test_the_navigation_offers_the_page_to_the_business_unit(client, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert "Emails not delivered" in client.get(reverse("dashboards:home")).content.decode()
    client.force_login(make_user(Role.MANAGER))
    assert "Emails not delivered" not in client.get(reverse("dashboards:home")).content.decode()
