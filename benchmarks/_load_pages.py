"""The load benchmark's Django side (``bench_load``): which pages each signed-in person
opens on the national data set, and how many queries each page costs.

``python -m benchmarks._load_pages <users>`` (with ``DATABASE_URL`` on the seeded database)
prints one JSON line: ``people`` (email, role, authenticator key and the pages they open,
the partnership's own page, the floor, among them), and ``queries`` per page label, measured
with Django's test client and ``CaptureQueriesContext``, one request per page after one
to warm the session, by the first person given each page.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable

# What each role opens: (label, how to find its address for one person). Labels name the
# page and the role, since one page shows each role different work.
OFFICER = "business_unit_officer"


def _pages() -> dict[str, list[tuple[str, Callable]]]:
    from django.urls import reverse

    def case_page(name: str, field: str):
        def find(person):
            case = person.cases.get(field)
            return reverse(name, args=[case]) if case else None
        return find

    def fixed(name: str):
        return lambda _person: reverse(name)

    return {
        OFFICER: [
            ("home (officer)", fixed("dashboards:home")),
            ("case list", fixed("cases:case-list")),
            ("case page", case_page("cases:case-detail", "big")),
            ("rapid review", case_page("rapid_review:overview", "big")),
            ("master chronology (largest)",
             case_page("rapid_review:master-chronology", "big")),
            ("information requests of a review", case_page("rapid_review:requests", "big")),
            ("deadlines", fixed("calendars:deadlines")),
            ("referral inbox", fixed("cases:referral-inbox")),
            ("returns to chase", fixed("rapid_review:chase-list")),
            ("LCSPR", case_page("lcspr:overview", "lcspr")),
            ("action plan", case_page("actionplans:plan", "plan")),
        ],
        "business_manager": [
            ("home (business manager)", fixed("dashboards:home")),
            ("overdue dashboard (business manager)", fixed("dashboards:overdue")),
        ],
        "agency_user": [
            ("home (agency user)", fixed("dashboards:home")),
            ("agency requests", fixed("rapid_review:agency-requests")),
            ("agency return", lambda p: reverse("rapid_review:return", args=[p.cases["request"]])
             if p.cases.get("request") else None),
            ("agency referrals", fixed("cases:my-referrals")),
        ],
        "partner_representative": [
            ("home (partner representative)", fixed("dashboards:home")),
            ("rapid review (partner representative)",
             case_page("rapid_review:overview", "active")),
            ("terms of reference (partner representative)",
             case_page("rapid_review:terms", "active")),
            ("sign-off (partner representative)", case_page("rapid_review:signoff", "active")),
        ],
        "manager": [
            ("home (manager)", fixed("dashboards:home")),
            ("overdue dashboard (manager)", fixed("dashboards:overdue")),
            ("figures", fixed("dashboards:figures")),
        ],
        "reviewer": [
            ("home (reviewer)", fixed("dashboards:home")),
            ("LCSPR (reviewer)", case_page("lcspr:overview", "appointed")),
        ],
        "scrutineer": [
            ("home (scrutineer)", fixed("dashboards:home")),
            ("overdue dashboard (scrutineer)", fixed("dashboards:overdue")),
            ("action plan (scrutineer)", case_page("actionplans:plan", "plan")),
        ],
        "administrator": [
            ("home (administrator)", fixed("dashboards:home")),
            ("people", fixed("accounts:people")),
            ("agencies", fixed("accounts:agency-list")),
        ],
    }


class Person:
    """One signed-in person of the load and the records their pages show."""

    def __init__(self, membership):
        self.user, self.role = membership.user, membership.role
        self.partnership, self.agency = membership.partnership, membership.agency
        self.cases: dict[str, object] = {}


def _cases_for(person: Person) -> None:
    from django.db.models import Count

    from actionplans.models import ActionPlan
    from lcspr.models import Lcspr
    from rapid_review.models import InformationRequest, RapidReview

    partnership = person.partnership
    big = (RapidReview.objects.filter(case__partnership=partnership)
           .annotate(entries=Count("information_requests__agency_return__chronology_entries"))
           .order_by("-entries").values_list("case__reference", "entries").first())
    person.cases["big"], person.cases["big_entries"] = big or (None, 0)
    person.cases["active"] = RapidReview.objects.filter(
        case__partnership=partnership, case__stage="rapid_review").order_by(
        "-started_on").values_list("case__reference", flat=True).first()
    person.cases["lcspr"] = Lcspr.objects.filter(
        case__partnership=partnership, kind=Lcspr.Kind.LCSPR).values_list(
        "case__reference", flat=True).first()
    person.cases["appointed"] = Lcspr.objects.filter(
        reviewer__user=person.user).values_list("case__reference", flat=True).first()
    person.cases["plan"] = ActionPlan.objects.filter(
        case__partnership=partnership, status=ActionPlan.Status.MONITORING).values_list(
        "case__reference", flat=True).first()
    if person.agency is not None:
        person.cases["request"] = InformationRequest.objects.filter(
            agency=person.agency, review__case__partnership=partnership).order_by(
            "-sent_at").values_list("pk", flat=True).first()


def people(count: int) -> list[Person]:
    """``count`` people, the roles in turn, from partnerships in turn (the first of each
    role in each partnership, an agency user whose agency has requests)."""
    from django.db.models import Count

    from accounts.models import Membership
    from dashboards.national import EMAIL_DOMAIN
    from rapid_review.models import ChronologyEntry

    roles = list(_pages())
    by_role = {role: list(Membership.objects.filter(
        role=role, user__email__endswith=EMAIL_DOMAIN,
        **({"agency__information_requests__isnull": False} if role == "agency_user" else {}))
        .select_related("user", "partnership", "agency").order_by("partnership_id", "user_id")
        .distinct()) for role in roles}
    # Officers first from the partnerships with the longest chronologies (2,000+ entries).
    longest: dict[int, int] = {}
    for partnership, n in (ChronologyEntry.objects.values("review_id")
                           .annotate(n=Count("id"))
                           .values_list("review__case__partnership_id", "n")):
        longest[partnership] = max(n, longest.get(partnership, 0))
    by_role[OFFICER].sort(key=lambda m: -longest.get(m.partnership_id, 0))
    chosen, seen_partnerships = [], {role: set() for role in roles}
    turn = 0
    while len(chosen) < count and any(by_role.values()):
        role = roles[turn % len(roles)]
        turn += 1
        pool = by_role[role]
        if not pool:
            continue
        pick = next((m for m in pool if m.partnership_id not in seen_partnerships[role]),
                    pool[0])
        pool.remove(pick)
        seen_partnerships[role].add(pick.partnership_id)
        person = Person(pick)
        _cases_for(person)
        chosen.append(person)
    return chosen


def _signed_in_client(user):
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    session.save()
    return client


def queries_per_page(plan: list[dict]) -> dict[str, dict]:
    """One request per page label (after one to warm the session): queries and status."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    User = get_user_model()  # noqa: N806
    measured: dict[str, dict] = {}
    for entry in plan:
        todo = [(label, path) for label, path in entry["pages"] if label not in measured]
        if not todo:
            continue
        client = _signed_in_client(User.objects.get(email=entry["email"]))
        client.get(todo[0][1])
        for label, path in todo:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            measured[label] = {"queries": len(queries), "status": response.status_code}
    return measured


def main(count: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.urls import reverse

    from dashboards.national import NATIONAL_PASSWORD, totp_key

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    pages = _pages()
    plan = []
    for person in people(count):
        floor = reverse("accounts:partnership-detail", args=[person.partnership.code])
        mine = [("floor: the partnership's page", floor)]
        for label, find in pages[person.role]:
            path = find(person)
            if path:
                mine.append((label, path))
        plan.append({"email": person.user.email, "role": person.role,
                     "key": totp_key(person.user.email), "pages": mine})
    return {"people": plan, "password": NATIONAL_PASSWORD, "queries": queries_per_page(plan)}


if __name__ == "__main__":
    sys.stdout.write(json.dumps(main(int(sys.argv[1]))) + "\n")
