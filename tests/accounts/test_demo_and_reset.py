import re

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.http import HttpRequest
from django.urls import reverse

from accounts.demo import DEMO_PASSWORD, seed_demo
from accounts.models import Agency, AuditEvent, Membership, Role, User
from outbox.models import Message
from tests.conftest import deliver_emails

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_a_user_for_every_role(client):
    """Seeding twice changes nothing: tests/cases/test_demo.py seeds twice and compares
    every count, users and memberships included (seeding takes half a minute)."""
    seed_demo()
    assert set(Membership.objects.values_list("role", flat=True)) == set(Role)
    partners = Membership.objects.filter(role=Role.PARTNER_REPRESENTATIVE)
    assert partners.values("statutory_partner").distinct().count() == 3
    assert Agency.objects.count() >= 11
    assert all("(fictional)" in name for name in Agency.objects.values_list("name", flat=True))
    for user in User.objects.all():
        assert client.login(request=HttpRequest(), username=user.email,
                            password=DEMO_PASSWORD), user.email


def test_the_demo_is_refused_where_debug_is_off_unless_asked_for():
    """Demo accounts share a published password: a live service never gets them by
    accident (make run asks for them explicitly)."""
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", verbosity=0)
    assert not User.objects.exists()


def test_password_reset_by_email(client, make_user):
    user = make_user(Role.MANAGER)
    response = client.post(reverse("accounts:password-reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 0  # queued in the outbox, not sent inside the request
    queued = Message.objects.get(kind="password_reset")
    assert queued.to == user.email and queued.secret and queued.partnership is None
    assert len(deliver_emails()) == 1 and mail.outbox[0].to == [user.email]
    link = re.search(r"https?://[^/]+(/password-reset/\S+/)", mail.outbox[0].body).group(1)
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.body == ""  # the link is not kept
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-long-passphrase"
    done = client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert client.login(request=HttpRequest(), username=user.email, password=new_password)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.PASSWORD_RESET,
                                     object_id=str(user.pk)).exists()


def test_password_reset_for_an_unknown_address_says_the_same(client):
    response = client.post(reverse("accounts:password-reset"), {"email": "nobody@test.example"})
    assert response.status_code == 302 and not Message.objects.exists()


def test_empty_sign_in_shows_gov_uk_errors_next_to_fields(client):
    response = client.post(reverse("accounts:sign-in"), {"username": "", "password": ""})
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert html.count("Enter your email address") == 2  # summary and next to the field
    assert html.count("Enter your password") == 2
