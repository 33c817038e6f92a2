"""Brute force (issue 15): 10 failed sign-ins in 5 minutes lock the account and, separately,
the address, so the 11th attempt is refused even with the right password; on the service's
sign-in and the operations admin's; password reset requests are limited likewise; nothing
says whether an account exists."""

import datetime
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import AuditEvent, Role
from accounts.throttling import password_reset_refused_message, sign_in_locked_message
from outbox.models import Message
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "not-the-password-at-all"
LOCKED = sign_in_locked_message()
START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)


def _sign_in(email: str, password: str, ip: str = "10.0.0.1", **headers):
    """Each attempt from a browser of its own (nothing carried over but the address)."""
    return Client().post(reverse("accounts:sign-in"), {"username": email, "password": password},
                         REMOTE_ADDR=ip, **headers)


def _error_summary(response) -> str:
    html = response.content.decode()
    found = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', html, re.S)
    assert found, "no error summary"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def _signed_in(response) -> bool:
    return response.status_code == 302 and response.url == reverse("dashboards:home")


def test_the_11th_attempt_on_an_account_is_refused_even_with_the_right_password(make_user):
    """By account: ten addresses, one failure each, lock the account for every address."""
    user = make_user(Role.MANAGER)
    for n in range(9):
        response = _sign_in(user.email, WRONG, ip=f"10.0.1.{n}")
        assert "Enter a correct email address and password" in _error_summary(response)
    tenth = _sign_in(user.email.upper(), WRONG, ip="10.0.1.9")  # the same account
    assert tenth.status_code == 429 and LOCKED in _error_summary(tenth)

    refused = _sign_in(user.email, PASSWORD, ip="10.0.1.10")
    assert refused.status_code == 429
    assert LOCKED in _error_summary(refused)
    assert "Sign in to" in refused.content.decode()  # the service's page, not axes' own
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()
    # Audited, the typed address nowhere; the lock-out marked from the failure that set it.
    failed = AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED,
                                       object_id=str(user.pk))
    assert failed.count() == 11
    assert failed.filter(detail__locked_out=True).count() == 2
    assert user.email not in str(list(AuditEvent.objects.values_list()))


def test_the_11th_attempt_from_an_address_is_refused_whichever_accounts_were_tried(make_user):
    """By address: ten accounts tried from one address lock the address, not the accounts."""
    for _ in range(10):
        _sign_in(make_user(Role.MANAGER).email, WRONG, ip="10.0.2.1")
    user = make_user(Role.MANAGER)
    refused = _sign_in(user.email, PASSWORD, ip="10.0.2.1")
    assert refused.status_code == 429 and LOCKED in _error_summary(refused)
    assert _signed_in(_sign_in(user.email, PASSWORD, ip="10.0.2.2"))


def test_an_unknown_account_is_locked_in_the_same_words(make_user):
    """Nothing tells an account that exists from one that does not, locked or not."""
    user = make_user(Role.MANAGER)
    pages = {}
    for email, net in ((user.email, 3), ("nobody@test.example", 4)):
        for n in range(10):
            first = _sign_in(email, WRONG, ip=f"10.0.{net}.{n}")
            if n == 0:
                pages[email, "wrong"] = (first.status_code, _error_summary(first))
        last = _sign_in(email, PASSWORD, ip=f"10.0.{net}.99")
        pages[email, "locked"] = (last.status_code, _error_summary(last))
    assert pages[user.email, "wrong"] == pages["nobody@test.example", "wrong"]
    assert pages[user.email, "locked"] == pages["nobody@test.example", "locked"] == (
        429, f"There is a problem {LOCKED}")


def test_the_lock_ends_5_minutes_after_the_last_failure(make_user):
    user = make_user(Role.MANAGER)
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(10):
            _sign_in(user.email, WRONG)
        traveller.shift(datetime.timedelta(minutes=4, seconds=59))
        assert _sign_in(user.email, PASSWORD, ip="10.9.9.9").status_code == 429
        # That refused attempt counted: the lock runs 5 minutes from it.
        traveller.shift(datetime.timedelta(minutes=5, seconds=1))
        assert _signed_in(_sign_in(user.email, PASSWORD, ip="10.9.9.9"))


def test_nine_failures_then_the_right_password_signs_in(make_user):
    user = make_user(Role.MANAGER)
    for _ in range(9):
        _sign_in(user.email, WRONG)
    assert _signed_in(_sign_in(user.email, PASSWORD))


def test_the_operations_admin_login_is_locked_too(make_user):
    staff = UserFactory(is_staff=True, is_superuser=True)
    login = reverse("admin:login")
    for n in range(10):
        Client().post(login, {"username": staff.email, "password": WRONG},
                      REMOTE_ADDR=f"10.0.5.{n}")
    response = Client().post(login, {"username": staff.email, "password": PASSWORD},
                             REMOTE_ADDR="10.0.5.99")
    assert response.status_code == 429
    assert LOCKED in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN).exists()
    # The address is locked for the operations admin too.
    for n in range(10):
        Client().post(login, {"username": f"n{n}@test.example", "password": WRONG},
                      REMOTE_ADDR="10.0.6.1")
    other = UserFactory(is_staff=True, is_superuser=True)
    assert Client().post(login, {"username": other.email, "password": PASSWORD},
                         REMOTE_ADDR="10.0.6.1").status_code == 429
    assert Client().post(login, {"username": other.email, "password": PASSWORD},
                         REMOTE_ADDR="10.0.6.2").status_code == 302


def _reset(email: str, ip: str):
    return Client().post(reverse("accounts:password-reset"), {"email": email}, REMOTE_ADDR=ip)


def test_reset_requests_from_one_address_are_refused_after_10_in_5_minutes(make_user):
    user = make_user(Role.MANAGER)
    with time_machine.travel(START, tick=False) as traveller:
        for n in range(10):
            assert _reset(f"someone{n}@test.example", "10.0.7.1").status_code == 302
        refused = _reset(user.email, "10.0.7.1")
        assert refused.status_code == 429
        assert password_reset_refused_message() in _error_summary(refused)
        assert not Message.objects.filter(kind="password_reset").exists()
        # Another address is not held up, and the window moves on.
        assert _reset(user.email, "10.0.7.2").status_code == 302
        traveller.shift(datetime.timedelta(minutes=5, seconds=1))
        assert _reset(user.email, "10.0.7.1").status_code == 302
    assert Message.objects.filter(kind="password_reset", to=user.email).count() == 2
    refused_event = AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET,
                                              detail__outcome="refused").get()
    assert refused_event.ip_address == "10.0.7.1"


def test_reset_emails_to_one_account_stop_at_10_in_5_minutes_without_a_word(make_user):
    """By the email asked for: the 11th request from anywhere gets the same answer as any
    other, known account or not, and no email."""
    user = make_user(Role.MANAGER)
    sent = reverse("accounts:password-reset-sent")
    for n in range(10):
        assert _reset(user.email, f"10.0.8.{n}").url == sent
    assert Message.objects.filter(kind="password_reset", to=user.email).count() == 10
    known = _reset(user.email.upper(), "10.0.8.50")
    unknown = _reset("nobody@test.example", "10.0.8.51")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url) == (302, sent)
    assert Message.objects.filter(kind="password_reset", to=user.email).count() == 10
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET,
                                     object_id=str(user.pk),
                                     detail__outcome="held_back").count() == 1


def test_the_address_is_remote_addr_unless_a_trusted_proxy_header_is_set(settings, make_user):
    user = make_user(Role.MANAGER)
    spoofed = {"HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    _sign_in(user.email, WRONG, ip="10.0.9.1", **spoofed)
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.ip_address == "10.0.9.1"  # the header is nobody's word until configured

    settings.TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    # Our proxy appends the client's address; whatever the client put before it is ignored,
    # so changing it does not get round the lock on the address.
    for n in range(10):
        _sign_in(f"n{n}@test.example", WRONG, ip="10.0.0.254",
                 HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.7")
    assert AuditEvent.objects.filter(ip_address="203.0.113.7").count() == 10
    refused = _sign_in(user.email, PASSWORD, ip="10.0.0.254",
                       HTTP_X_FORWARDED_FOR="198.51.100.77, 203.0.113.7")
    assert refused.status_code == 429
    assert _signed_in(_sign_in(user.email, PASSWORD, ip="10.0.0.254",
                               HTTP_X_FORWARDED_FOR="203.0.113.8"))
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN).ip_address == "203.0.113.8"
