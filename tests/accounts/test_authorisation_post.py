"""The POST side of the role matrix: every URL that takes a POST, posted (empty) by every
role with real objects behind it. A role the GET side refuses is refused the POST too (404,
or 405 where the URL takes no POST), and its POST changes nothing but the audit trail;
anonymous posts are sent to sign in."""

import pytest
from django.db import transaction
from django.urls import resolve, reverse

from accounts import rules
from accounts.models import Role
from tests.accounts import test_authorisation as get_side
from tests.accounts.test_authorisation import MATRIX, NOT_PAGES, PUBLIC, _any_url
from tests.rows import no_rows_written

pytestmark = pytest.mark.django_db
url_for = get_side.url_for  # the GET side's fixture: the same objects behind every URL

BUSINESS_UNIT = set(rules.BUSINESS_UNIT)
# The POST-only URLs (NOT_PAGES): who may post, and the page whose objects they act on
# (None: their own arguments in url_for).
POST_ONLY = {
    "cases:triage-take": (BUSINESS_UNIT, "cases:referral-query-ask"),
    "notifications:letters-generate": (BUSINESS_UNIT, "notifications:letters"),
    "rapid_review:terms-agree": ({Role.PARTNER_REPRESENTATIVE}, "rapid_review:terms"),
    "rapid_review:signoff-send": (BUSINESS_UNIT, "rapid_review:signoff"),
    "rapid_review:signoff-sign": ({Role.PARTNER_REPRESENTATIVE}, "rapid_review:signoff"),
    "rapid_review:signoff-documents": (BUSINESS_UNIT, "rapid_review:signoff"),
    "rapid_review:submission-record": (BUSINESS_UNIT, "rapid_review:submission"),
    "rapid_review:return-attachment-remove": ({Role.AGENCY_USER},
                                              "rapid_review:return-attachment"),
    "rapid_review:meeting-confirm": (BUSINESS_UNIT, "rapid_review:meeting"),
    "rapid_review:report-start": (BUSINESS_UNIT, "rapid_review:report"),
    "rapid_review:panel-response-share": (BUSINESS_UNIT, "rapid_review:panel-response-reply"),
    "lcspr:report-freeze": (BUSINESS_UNIT | {Role.REVIEWER}, "lcspr:report"),
    "lcspr:report-documents": (BUSINESS_UNIT | {Role.REVIEWER}, "lcspr:report"),
    "lcspr:report-recommendation-remove": (BUSINESS_UNIT | {Role.REVIEWER}, "lcspr:report"),
    **{f"lcspr:{name}": (BUSINESS_UNIT, "lcspr:redaction") for name in (
        "redaction-suggest", "redaction-confirm", "redaction-copy", "redaction-remove")},
    "lcspr:terms-download": (set(rules.CASE_READERS) | {Role.REVIEWER}, None),
    "lcspr:reviewer-letter-download": (BUSINESS_UNIT, "lcspr:terms-download"),
    "actionplans:start": (BUSINESS_UNIT, "actionplans:plan"),
    "actionplans:briefing-download": (set(rules.PLAN_READERS) | {Role.AGENCY_USER}, None),
    "outbox:message-retry": (BUSINESS_UNIT, None),
    # Posted empty: the search page again, asking for a choice (nothing is exported).
    "records:subject-access-export": (set(rules.SUBJECT_ACCESS), None),
    "accounts:person-reactivate": ({Role.ADMINISTRATOR}, "accounts:person"),
    "accounts:invitation-resend": ({Role.ADMINISTRATOR}, "accounts:person"),
    # Nothing in url_for's case is signed, so the pack is 404 for every role here (and its
    # statement, GET only, not made yet): tests/rapid_review/test_submission.py and
    # tests/lcspr/test_publication.py cover who may have them.
    "rapid_review:submission-pack": (set(), "rapid_review:submission"),
    "lcspr:publication-statement": (set(), "lcspr:terms-download"),
    # No anonymised copy is made in url_for's LCSPR, so none is ready for the family:
    # tests/lcspr/test_redaction.py.
    "lcspr:redaction-ready": (set(), "lcspr:redaction"),
    "lcspr:redaction-family-copy": (set(), "lcspr:terms-download"),
    # Endorsing needs three signatures and a partnership that asks for endorsement:
    # tests/rapid_review/test_signoff.py.
    "rapid_review:signoff-endorse": (set(), "rapid_review:signoff"),
    # Any signed-in person's own session: the second step of signing in (which sends on
    # those already through it) and "Stay signed in".
    **{name: (set(Role), None) for name in (
        "accounts:second-factor", "accounts:second-factor-set-up", "accounts:recovery-codes",
        "accounts:session-keep-alive")},
}
# Not posted: signing out (everyone may; it ends the session the walk goes on with), and
# the public invitation link (tests/accounts/test_administration.py).
NOT_POSTED = {"accounts:sign-out", "accounts:invitation-accept"}
# Where a page is read by more roles than may post to it: who may post (everyone else who
# reads it is refused the POST with a 404, as for the GET).
POST_ROLES = {
    "dashboards:overdue": BUSINESS_UNIT,  # chasing the late returns shown
    "calendars:calendar": set(rules.CALENDAR_EDITORS),  # adding a day
    "rapid_review:collated-returns": BUSINESS_UNIT,  # generating them
}


def test_every_url_is_posted_or_said_why_not():
    assert set(MATRIX) | set(POST_ONLY) | NOT_POSTED | PUBLIC == set(MATRIX) | NOT_PAGES | PUBLIC


def _objects(url_for, manager) -> dict[str, dict]:
    """URL arguments for the POST-only URLs whose objects url_for does not make."""
    from lcspr.models import Lcspr
    from lcspr.services.redaction import redaction_term_add
    from outbox.models import Message

    reference = resolve(url_for("lcspr:report")).kwargs["reference"]
    lcspr = Lcspr.objects.get(case__reference=reference)
    recommendation = lcspr.recommendations.first()
    term = redaction_term_add(actor=manager, lcspr=lcspr, term="Child Example",
                              replacement="Child A", category="child")
    return {"lcspr:report-recommendation-remove": {"reference": reference,
                                                   "pk": recommendation.pk},
            "lcspr:redaction-remove": {"reference": reference, "pk": term.pk},
            "lcspr:redaction-ready": {"reference": reference, "pk": 1},
            "outbox:message-retry": {"pk": Message.objects.order_by("pk").first().pk}}


def _urls(url_for, manager) -> dict[str, tuple[str, set]]:
    """Every URL posted: name -> (URL with real objects, the roles that may post)."""
    urls = {name: (url_for(name), POST_ROLES.get(name, allowed))
            for name, allowed in MATRIX.items()}
    made = _objects(url_for, manager)
    for name, (allowed, like) in POST_ONLY.items():
        kwargs = made.get(name) or (resolve(url_for(like)).kwargs if like else None)
        urls[name] = (reverse(name, kwargs=kwargs) if kwargs is not None else url_for(name),
                      allowed)
    return urls


@pytest.mark.slow
def test_post_matrix(client, make_user, url_for):
    # Every role in one test: url_for's objects are made once (they are most of the time).
    urls = _urls(url_for, make_user(Role.BUSINESS_MANAGER))
    users = {Role.AGENCY_USER: url_for.referrer, Role.REVIEWER: url_for.reviewer}
    users = {role: users.get(role) or make_user(role) for role in Role}
    # First every role posts where it may. A URL that answers its own roles 405 takes no
    # POST at all: the refused roles' posts to it would test Django's method check, not
    # the rules, so they are left out (they are 404 or 405 and write nothing either way).
    takes_no_post = set()
    for role in Role:
        client.force_login(users[role])
        for name, (url, allowed) in urls.items():
            if role in allowed:
                with transaction.atomic():  # what a post changes is undone for the next
                    # Not refused (405: the URL takes no POST; 200 or 400: the empty form's
                    # errors; 302: done, or nothing to do).
                    status = client.post(url).status_code
                    assert status != 404, (role, name)
                    transaction.set_rollback(True)
                if status == 405:
                    takes_no_post.add(name)
    for role in Role:
        client.force_login(users[role])
        for name, (url, allowed) in urls.items():
            if role not in allowed and name not in takes_no_post:
                with transaction.atomic():
                    with no_rows_written((role, name)):
                        response = client.post(url)
                    assert response.status_code in (404, 405), (role, name,
                                                                response.status_code)
                    transaction.set_rollback(True)
    assert len(takes_no_post) < len(urls) / 2  # most URLs take a POST: the walk posts there


@pytest.mark.parametrize("name", sorted(set(MATRIX) | set(POST_ONLY)))
def test_anonymous_posts_are_sent_to_sign_in(client, name):
    with no_rows_written(name):
        response = client.post(_any_url(name))
    assert response.status_code == 302, name
    assert response.url.startswith(reverse("accounts:sign-in")), name
