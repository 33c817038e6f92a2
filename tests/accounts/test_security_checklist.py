"""Proof for the parts of the security checklist (docs/security.md) that had none: reset links
work once and for 2 hours and never skip the app code (item 6), the service's own password
hasher (7), the session id at sign-in (8), a replayed cookie after sign-out (10), a new
password ending other sessions (11), the cookies' names and flags (12), fields a form does
not declare (15) and a role removed while its holder is signed in (18)."""

import datetime
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.models import Membership, Role, User
from tests.cases.builders import adopt_plan
from tests.cases.factories import referred_case
from tests.conftest import LogLines, child_data_in, deliver_emails
from tests.factories import PASSWORD, MembershipFactory
from tests.two_factor import app_code, app_device

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC)
HOME = reverse("dashboards:home")
SIGN_IN = reverse("accounts:sign-in")
SECOND_FACTOR = reverse("accounts:second-factor")
NEW_PASSWORD = "a-brand-new-long-passphrase"
USED_OR_EXPIRED = "This link has expired or was already used"

# The service's settings as a fresh process reads them in production: DEBUG off and
# SECURE_COOKIES left to its default. The tests' own process swaps in a fast hasher
# (tests/conftest.py) and runs with SECURE_COOKIES off, so neither can be read here.
PROBE = """
import json, django
from django.conf import settings
django.setup()
from django.contrib.auth.hashers import make_password
names = ("SECURE_COOKIES", "SESSION_COOKIE_NAME", "SESSION_COOKIE_SECURE",
         "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "SESSION_COOKIE_PATH",
         "SESSION_COOKIE_DOMAIN", "CSRF_COOKIE_NAME", "CSRF_COOKIE_SECURE",
         "CSRF_COOKIE_SAMESITE", "CSRF_COOKIE_PATH", "CSRF_COOKIE_DOMAIN",
         "PASSWORD_HASHERS")
values = {name: getattr(settings, name) for name in names}
values["hashed"] = make_password("a-password-for-the-probe")
print(json.dumps(values))
"""
SETTINGS_ENV = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL",
                "EMAIL_URL", "SECURE_SSL_REDIRECT", "SECURE_COOKIES",
                "DJANGO_ALLOW_ASYNC_UNSAFE")


@pytest.fixture(scope="module")
def production_settings() -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    env.update(DJANGO_SETTINGS_MODULE="config.settings", DEBUG="false",
               SECRET_KEY="k8#Lz" * 12, ALLOWED_HOSTS="example.org")
    result = subprocess.run([sys.executable, "-c", PROBE], env=env,  # noqa: S603
                            cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _sign_in(client, user, password=PASSWORD):
    """Both steps, as a person does: the password, then the code from their app."""
    client.post(SIGN_IN, {"username": user.email, "password": password})
    client.post(SECOND_FACTOR, {"code": app_code(user)})


def _reset_link(user) -> str:
    """Ask for a reset as the person does and read the link from the email sent."""
    outbox = len(deliver_emails())
    assert Client().post(reverse("accounts:password-reset"),
                         {"email": user.email}).status_code == 302
    emails = deliver_emails()
    assert len(emails) == outbox + 1 and emails[-1].to == [user.email]
    return re.search(r"https?://[^/]+(/password-reset/\S+/)", emails[-1].body).group(1)


def _open(link):
    """A fresh browser opening the link: the page it lands on (a good link goes on to the
    form's own address; a bad one stays put)."""
    client = Client()
    return client, client.get(link, follow=True)


def _set_password(client, page, password=NEW_PASSWORD):
    """Post a new password to the page the link landed on, whatever it showed."""
    target = page.redirect_chain[-1][0] if page.redirect_chain else page.request["PATH_INFO"]
    return client.post(target, {"new_password1": password, "new_password2": password})


def _session_cookie(client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _replayed(cookie: str) -> Client:
    """Someone else's browser holding a copy of this session cookie."""
    other = Client()
    other.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return other


# --------------------------------------------------------------------- item 6: reset links


def test_a_reset_link_works_once(make_user):
    user = make_user(Role.MANAGER)
    link = _reset_link(user)
    client, page = _open(link)
    assert page.context["validlink"]
    done = _set_password(client, page)
    assert done.status_code == 302 and done.url == reverse("accounts:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    _, again = _open(link)
    assert not again.context["validlink"] and USED_OR_EXPIRED in again.content.decode()
    # Even with the form page itself, the used link sets nothing.
    client, again = _open(link)
    _set_password(client, again, "yet-another-long-passphrase")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_reset_link_expires_after_2_hours(make_user):
    assert settings.PASSWORD_RESET_TIMEOUT == 2 * 60 * 60
    user = make_user(Role.MANAGER)
    with time_machine.travel(START, tick=False) as traveller:
        link = _reset_link(user)
        traveller.shift(datetime.timedelta(hours=1, minutes=59))
        _, page = _open(link)
        assert page.context["validlink"]  # still good just before the 2 hours
        traveller.shift(datetime.timedelta(minutes=2))
        client, page = _open(link)
        assert not page.context["validlink"] and USED_OR_EXPIRED in page.content.decode()
        _set_password(client, page)
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(NEW_PASSWORD)


def test_after_a_reset_signing_in_still_asks_for_the_app_code(make_user):
    user = make_user(Role.MANAGER)
    app_device(user)  # the person set up their app before they forgot their password
    client, page = _open(_reset_link(user))
    _set_password(client, page)
    assert "_auth_user_id" not in client.session  # the reset signs nobody in
    assert client.get(HOME).url.startswith(SIGN_IN)
    landed = client.post(SIGN_IN, {"username": user.email, "password": NEW_PASSWORD},
                         follow=True)
    assert landed.redirect_chain[-1][0].startswith(SECOND_FACTOR)
    assert "_auth_user_id" in client.session
    assert client.get(HOME).url.startswith(SECOND_FACTOR)  # no data page without the code
    client.post(SECOND_FACTOR, {"code": app_code(user)})
    assert client.get(HOME).status_code == 200


# ------------------------------------------------------------------ item 7: the hasher


def test_the_service_hashes_passwords_with_pbkdf2_sha256_or_argon2(production_settings):
    """The production process, not this one: the tests swap in MD5 for speed."""
    first = production_settings["PASSWORD_HASHERS"][0]
    assert first in {"django.contrib.auth.hashers.PBKDF2PasswordHasher",
                     "django.contrib.auth.hashers.Argon2PasswordHasher"}
    algorithm, *rest = production_settings["hashed"].split("$")
    assert algorithm in {"pbkdf2_sha256", "argon2"}
    if algorithm == "pbkdf2_sha256":
        assert int(rest[0]) >= 600_000  # OWASP's floor for PBKDF2-HMAC-SHA256


# ------------------------------------------------------------------ items 8, 10, 11: sessions


def test_the_session_id_changes_at_sign_in(client, make_user):
    user = make_user(Role.MANAGER)
    before = client.session.session_key  # an anonymous session, its cookie in the browser
    assert _session_cookie(client) == before
    client.post(SIGN_IN, {"username": user.email, "password": PASSWORD})
    after = _session_cookie(client)
    assert after != before and client.session.get("_auth_user_id") == str(user.pk)
    assert not Session.objects.filter(session_key=before).exists()
    client.post(SECOND_FACTOR, {"code": app_code(user)})
    assert client.get(HOME).status_code == 200
    # Whoever planted or copied the id before sign-in holds nothing.
    assert _replayed(before).get(HOME).url.startswith(SIGN_IN)


def test_a_session_cookie_replayed_after_sign_out_lands_on_sign_in(client, make_user):
    user = make_user(Role.MANAGER)
    _sign_in(client, user)
    assert client.get(HOME).status_code == 200
    cookie = _session_cookie(client)
    assert _replayed(cookie).get(HOME).status_code == 200  # a copy works while signed in
    client.post(reverse("accounts:sign-out"))
    assert not Session.objects.filter(session_key=cookie).exists()
    response = _replayed(cookie).get(HOME, follow=True)
    assert response.redirect_chain[0][0].startswith(SIGN_IN)
    assert response.context["user"].is_anonymous


def test_a_new_password_ends_the_persons_other_sessions(make_user):
    user = make_user(Role.MANAGER)
    laptop, phone = Client(), Client()
    _sign_in(laptop, user)
    phone.force_login(user)
    assert phone.get(HOME).status_code == 200
    client, page = _open(_reset_link(user))
    _set_password(client, page)
    for device in (laptop, phone):
        response = device.get(HOME)
        assert response.status_code == 302 and response.url.startswith(SIGN_IN)
        assert "_auth_user_id" not in device.session
    _sign_in(laptop, user, NEW_PASSWORD)
    assert laptop.get(HOME).status_code == 200


# ------------------------------------------------------------------ item 12: cookies


def test_cookies_are_host_prefixed_secure_httponly_and_same_site_lax(
        client, make_user, production_settings, settings):
    probed = production_settings
    assert probed["SECURE_COOKIES"] is True  # on by default with DEBUG off
    assert (probed["SESSION_COOKIE_NAME"], probed["CSRF_COOKIE_NAME"]) == (
        "__Host-sessionid", "__Host-csrftoken")
    assert probed["SESSION_COOKIE_SECURE"] and probed["CSRF_COOKIE_SECURE"]
    assert probed["SESSION_COOKIE_HTTPONLY"]
    assert probed["SESSION_COOKIE_SAMESITE"] == probed["CSRF_COOKIE_SAMESITE"] == "Lax"
    # A __Host- cookie is refused by browsers unless it has Path=/ and no Domain.
    assert probed["SESSION_COOKIE_PATH"] == probed["CSRF_COOKIE_PATH"] == "/"
    assert probed["SESSION_COOKIE_DOMAIN"] is None and probed["CSRF_COOKIE_DOMAIN"] is None
    # And the cookies the service sends with those settings carry them.
    for name, value in probed.items():
        if name.startswith(("SESSION_COOKIE_", "CSRF_COOKIE_")):
            setattr(settings, name, value)
    csrf = client.get(SIGN_IN).cookies["__Host-csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax" and csrf["path"] == "/"
    assert not csrf["domain"]
    user = make_user(Role.MANAGER)
    session = client.post(SIGN_IN, {"username": user.email, "password": PASSWORD}
                          ).cookies["__Host-sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
    assert session["path"] == "/" and not session["domain"]


# ------------------------------------------------------------------ item 15: undeclared fields


def test_fields_the_person_form_does_not_declare_are_ignored(
        client, make_user, partnership, other_partnership):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("accounts:person-add"), {
        "full_name": "Nia Newperson", "email": "nia.newperson@test.example",
        "job_title": "", "phone": "", "role": Role.MANAGER, "statutory_partner": "",
        # Not on the form:
        "is_superuser": "on", "is_staff": "on", "partnership": other_partnership.pk,
        "password": "chosen-by-the-administrator", "sessions_ended_at": "2020-01-01"})
    assert response.status_code == 302
    person = User.objects.get(email="nia.newperson@test.example")
    assert not person.is_superuser and not person.is_staff
    assert not person.has_usable_password() and person.sessions_ended_at is None
    assert list(Membership.objects.filter(user=person).values_list(
        "partnership", "role")) == [(partnership.pk, Role.MANAGER)]


# Every app's Python files, for the two checks below of what a view reads from a POST.
APPS = ("accounts", "actionplans", "calendars", "cases", "config", "dashboards", "lcspr",
        "notifications", "operations", "outbox", "rapid_review", "records")
# The values read from a POST by name rather than through a form's declared field: each
# is a token or a choice that the view or service checks (a partnership the administrator
# administers, a partner of the review, a version's hash). A new one is reviewed here.
POST_NAMES_REVIEWED = {"username", "next", "partnership", "form_token", "version",
                       "partner", "not_quorate", "content_sha256", "keep_as_written",
                       "subject"}
# The one place the POST is kept whole: a filter form's answers, kept in the session and
# read back through that page's filter form, which reads its declared fields only.
POST_WHOLE_REVIEWED = {"accounts/saved_filters.py"}


def _post_reads() -> list[tuple[str, int, str]]:
    """Every ``request.POST`` read that is not handing the POST to a form: the name read,
    or "(whole)" when the POST is taken whole (``**request.POST``, ``.dict()``, ``.items()``)."""
    import ast

    found = []
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            tree = ast.parse(path.read_text())
            parents = {child: node for node in ast.walk(tree)
                       for child in ast.iter_child_nodes(node)}
            for node in ast.walk(tree):
                if not (isinstance(node, ast.Attribute) and node.attr == "POST"):
                    continue
                parent = parents.get(node)
                where = (str(path.relative_to(settings.BASE_DIR)), node.lineno)
                if isinstance(parent, ast.Subscript):
                    key = parent.slice
                    found.append((*where, key.value if isinstance(key, ast.Constant)
                                  else "(computed)"))
                elif isinstance(parent, ast.Attribute) and parent.attr in ("get", "getlist"):
                    call = parents.get(parent)
                    arg = call.args[0] if isinstance(call, ast.Call) and call.args else None
                    found.append((*where, arg.value if isinstance(arg, ast.Constant)
                                  else "(computed)"))
                elif (isinstance(parent, ast.Attribute)
                      and parent.attr in ("dict", "items", "values", "lists", "keys")
                      or isinstance(parent, ast.keyword) and parent.arg is None):
                    found.append((*where, "(whole)"))
    return found


def test_no_view_reads_a_posted_value_that_no_form_or_check_declares():
    """Item 15, across the whole service: what is posted reaches a service through a
    form's declared fields (a form ignores every other name), or is one of the reviewed
    names; nothing takes the POST whole. The only model form lists its fields."""
    from django import forms
    from django.apps import apps

    reads = _post_reads()
    assert reads, "the walk found no POST read at all: it is looking in the wrong place"
    unreviewed = [read for read in reads if read[2] not in POST_NAMES_REVIEWED
                  and not (read[2] == "(whole)" and read[0] in POST_WHOLE_REVIEWED)]
    assert unreviewed == []

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    for config in apps.get_app_configs():
        if config.name in APPS:
            for module in Path(config.path).rglob("forms*.py"):
                __import__(f"{config.name}.{module.stem}" if module.parent.name == config.name
                           else f"{config.name}.{module.parent.name}.{module.stem}")
    model_forms = [form for form in subclasses(forms.ModelForm)
                   if form.__module__.split(".")[0] in APPS]
    assert model_forms
    for form in model_forms:
        assert isinstance(form._meta.fields, list | tuple), form
        assert not form._meta.exclude, form
        assert not {"partnership", "case", "created_by", "is_superuser", "is_staff",
                    "password"} & set(form._meta.fields), form


# ------------------------------------------------------------------ item 18: roles removed


def test_a_role_removed_while_signed_in_is_gone_at_the_next_request(
        client, make_user, partnership):
    adopt_plan(partnership)
    case = referred_case(partnership)
    page = reverse("cases:case-detail", args=[case.reference])
    person = make_user(Role.MANAGER)
    MembershipFactory(user=person, partnership=partnership, role=Role.ADMINISTRATOR)
    client.force_login(person)
    assert client.get(page).status_code == 200
    administrator = Client()
    administrator.force_login(make_user(Role.ADMINISTRATOR))
    manager = Membership.objects.get(user=person, role=Role.MANAGER)
    removed = administrator.post(reverse("accounts:role-remove",
                                         args=[person.pk, manager.pk]))
    assert removed.status_code == 302 and not Membership.objects.filter(pk=manager.pk).exists()
    assert client.get(page).status_code == 404  # the same session, its next request
    assert client.get(reverse("accounts:people")).status_code == 200  # still signed in


@pytest.mark.django_db
def test_the_journeys_log_check_finds_a_childs_name_or_nhs_number_and_passes_the_rest(
        partnership):
    """Item 23: every browser journey and Celery worker test fails if a line logged names a
    child or a person on a case (tests/conftest.py); here the check itself is shown to
    catch one, through the root logger as the service logs."""
    case = referred_case(partnership)
    child = case.children.get()
    child.nhs_number = "9434765919"
    child.save()
    logged = LogLines()
    logging.getLogger().addHandler(logged)
    try:
        logging.getLogger("cases").warning("Case %s opened", case.reference)
        logging.getLogger("cases").warning("Opened for %s", child.full_name)
        logging.getLogger("outbox").error("NHS number 9434765919 refused")
    finally:
        logging.getLogger().removeHandler(logged)
    assert child_data_in(logged.lines) == [f"Opened for {child.full_name}",
                                           "NHS number 9434765919 refused"]


@pytest.mark.parametrize(("password", "refused"), [
    ("correct horse battery staple and a long tail that goes past sixty-four letters", False),
    ("Fictional-lake-7", False),
    ("Short-pw-11", True),  # 11 characters
    ("password1234", True),  # a common password
    ("348217560912", True),  # all digits
])
def test_passwords_need_twelve_characters_and_no_mix_and_common_ones_are_refused(
        password, refused):
    """Item 5: length, not composition rules; 64 characters and more are accepted; the
    common list is refused. Nothing makes a password expire (no setting for it exists)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError:
        assert refused, password
    else:
        assert not refused, password
    assert not any("expir" in name.lower() for name in dir(settings)
                   if name.startswith(("PASSWORD", "AUTH")))
