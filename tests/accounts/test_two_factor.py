"""The second step of signing in (issue 15): a password alone opens nothing, the service's
pages or the operations admin; an authenticator app is set up at the first sign-in, its
codes and the recovery codes each work once, and an administrator can reset a lost app."""

import base64
import re

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import two_factor
from accounts.models import AuditEvent, Role
from tests.factories import PASSWORD, UserFactory
from tests.two_factor import app_code, app_device, code_for_key

pytestmark = pytest.mark.django_db

CODE_PAGE = reverse("accounts:second-factor")
SET_UP_PAGE = reverse("accounts:second-factor-set-up")


def _password_only(client, user):
    response = client.post(reverse("accounts:sign-in"),
                           {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return response


def _key_on_page(response) -> bytes:
    typed = re.search(r'id="app-key">([A-Z2-7 ]+)<', response.content.decode()).group(1)
    text = typed.replace(" ", "")
    return base64.b32decode(text + "=" * (-len(text) % 8))


def test_a_password_alone_opens_no_page_and_no_operations_admin(client, make_user):
    user = make_user(Role.BUSINESS_UNIT_OFFICER)
    user.is_staff = user.is_superuser = True
    user.save()
    app_device(user)
    _password_only(client, user)
    for path in ("/", reverse("cases:case-list"), "/ops/admin/", "/ops/admin/accounts/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.url == f"{CODE_PAGE}?next={path.replace('/', '%2F')}", path
    page = client.get(CODE_PAGE)
    assert page.status_code == 200
    # Only "Sign out" is offered until the code is entered.
    assert page.content.count(b'class="govuk-service-navigation__item') == 1
    assert b"Sign out" in page.content

    response = client.post(f"{CODE_PAGE}?next=/ops/admin/", {"code": app_code(user)})
    assert response.url == "/ops/admin/"
    assert client.get("/ops/admin/").status_code == 200


def test_the_first_sign_in_sets_up_an_app_and_shows_the_recovery_codes_once(client,
                                                                             make_user):
    user = make_user(Role.AGENCY_USER)
    response = _password_only(client, user)
    assert client.get(response.url).url.startswith(SET_UP_PAGE)

    page = client.get(SET_UP_PAGE)
    assert page.status_code == 200
    assert b"<svg" in page.content and b"QR code to scan" in page.content
    assert not TOTPDevice.objects.exists()  # showing the page stores nothing
    key = _key_on_page(page)
    assert _key_on_page(client.get(SET_UP_PAGE)) == key  # a reload shows the same key

    wrong = client.post(SET_UP_PAGE, {"code": "000000" if code_for_key(key) != "000000"
                                      else "111111"})
    assert wrong.status_code == 200
    assert b"The code is not right" in wrong.content
    assert not TOTPDevice.objects.exists()

    response = client.post(SET_UP_PAGE, {"code": code_for_key(key)})
    assert response.url == reverse("accounts:recovery-codes")
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed and device.bin_key == key
    codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
    assert len(codes) == 10
    shown = client.get(reverse("accounts:recovery-codes")).content.decode()
    assert all(code in shown for code in codes)
    assert client.post(reverse("accounts:recovery-codes")).url == reverse("dashboards:home")
    assert client.get(reverse("accounts:recovery-codes")).status_code == 302  # once only
    assert client.get(reverse("dashboards:home")).status_code == 200
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=user,
                                     detail__second_factor="set up").exists()


def test_each_code_works_once_and_a_wrong_code_is_refused_and_audited(client, make_user):
    user = make_user(Role.BUSINESS_UNIT_OFFICER)
    code = app_code(user)
    _password_only(client, user)
    wrong = client.post(CODE_PAGE, {"code": "123456" if code != "123456" else "654321"})
    assert b"The code is not right" in wrong.content
    assert AuditEvent.objects.filter(action=AuditEvent.Action.SIGN_IN_FAILED, actor=user,
                                     detail__second_factor=True).exists()
    # django-otp makes the next try wait after a wrong code.
    assert b"too many wrong codes" in client.post(CODE_PAGE, {"code": code}).content
    device = app_device(user)
    device.throttle_reset()

    assert client.post(CODE_PAGE, {"code": code}).url == reverse("dashboards:home")
    client.post(reverse("accounts:sign-out"))
    _password_only(client, user)
    again = client.post(CODE_PAGE, {"code": code})
    assert again.status_code == 200 and b"The code is not right" in again.content


def test_a_recovery_code_signs_in_once(client, make_user):
    user = make_user(Role.MANAGER)
    app_device(user)
    recovery = StaticDevice.objects.create(user=user, name="Recovery codes")
    StaticToken.objects.create(device=recovery, token="abcd2345")
    _password_only(client, user)
    assert client.post(CODE_PAGE, {"code": "ABCD 2345"}).url == reverse("dashboards:home")
    assert not StaticToken.objects.exists()
    assert AuditEvent.objects.filter(actor=user, detail__second_factor="recovery code used",
                                     detail__recovery_codes_left=0).exists()


def test_where_to_go_next_is_never_another_site(client, make_user):
    user = make_user(Role.BUSINESS_UNIT_OFFICER)
    code = app_code(user)
    _password_only(client, user)
    response = client.post(f"{CODE_PAGE}?next=https://evil.example/", {"code": code})
    assert response.url == reverse("dashboards:home")


def test_an_administrator_resets_a_lost_app(client, make_user, partnership):
    admin = make_user(Role.ADMINISTRATOR)
    person = make_user(Role.AGENCY_USER)
    app_device(person)
    person_client = client.__class__()
    person_client.force_login(person)
    assert person_client.get(reverse("dashboards:home")).status_code == 200

    client.force_login(admin)
    detail = client.get(reverse("accounts:person", args=[person.pk])).content.decode()
    assert "Authenticator app" in detail and "Set up" in detail
    url = reverse("accounts:second-factor-reset", args=[person.pk])
    assert client.get(url).status_code == 200
    assert client.post(url).url == reverse("accounts:person", args=[person.pk])
    assert not TOTPDevice.objects.filter(user=person).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE, actor=admin,
                                     object_id=str(person.pk),
                                     detail__second_factor="reset").exists()
    # Whoever has the lost phone is signed out; at the next sign-in, a new app.
    response = person_client.get(reverse("dashboards:home"))
    assert response.url.startswith(reverse("accounts:sign-in"))
    response = _password_only(person_client, person)
    assert person_client.get(response.url).url.startswith(SET_UP_PAGE)

    # Never their own, and never someone outside the partnerships they administer.
    assert b"cannot reset your own" in client.get(
        reverse("accounts:second-factor-reset", args=[admin.pk])).content
    outsider = UserFactory()
    assert client.get(reverse("accounts:second-factor-reset",
                              args=[outsider.pk])).status_code == 404
    assert client.post(reverse("accounts:second-factor-reset",
                               args=[outsider.pk])).status_code == 404


def test_only_administrators_may_reset(client, make_user):
    person = make_user(Role.AGENCY_USER)
    app_device(person)
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    url = reverse("accounts:second-factor-reset", args=[person.pk])
    assert client.post(url).status_code == 404
    assert two_factor.has_app(person)
