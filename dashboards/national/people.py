"""The national data set's partnerships, agencies and people: every role in every
partnership, each person with the one known password and an authenticator app whose key
follows from their email address (``totp_key``), so a load test can pass both sign-in steps."""

from __future__ import annotations

import hashlib
import hmac
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Agency, Membership, Partnership, Role, StatutoryPartner, User
from calendars.models import TimelineTemplate
from calendars.services import template_adopt

from . import names
from .bulk import copy_in, with_ids

NATIONAL_PASSWORD = "national-load-not-secret"  # noqa: S105 - fictional benchmark data only
EMAIL_DOMAIN = "national.example"
_KEY_SALT = b"seed_national: fictional authenticator keys"
# Everyone but agency users, per partnership: (role, how many, statutory partners in turn).
STAFF = [
    (Role.BUSINESS_UNIT_OFFICER, 4), (Role.BUSINESS_MANAGER, 1),
    (Role.PARTNER_REPRESENTATIVE, 3), (Role.MANAGER, 2), (Role.REVIEWER, 2),
    (Role.SCRUTINEER, 1), (Role.ADMINISTRATOR, 1),
]
PARTNERS = [StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.POLICE, StatutoryPartner.ICB]


def totp_key(email: str) -> str:
    """The hex key of this person's authenticator app (fictional accounts only)."""
    return hmac.new(_KEY_SALT, email.encode(), hashlib.sha1).hexdigest()


@dataclass
class Area:
    """One partnership and who works in it."""

    partnership: Partnership
    agencies: list[Agency]
    staff: dict[str, list[User]] = field(default_factory=dict)
    agency_users: dict[int, list[User]] = field(default_factory=dict)  # agency id -> users

    def first(self, role: str) -> User:
        return self.staff[role][0]


def _spread(total: int, parts: int) -> list[int]:
    per, extra = divmod(total, parts)
    return [per + (1 if i < extra else 0) for i in range(parts)]


def build_partnerships(count: int) -> list[Partnership]:
    rows = [Partnership(name=f"{place} Safeguarding Children Partnership (fictional)",
                        code=names.place_code(place),
                        local_authority=f"{place} Council (fictional)",
                        letter_signatory_name=f"Chair of {place} partnership (fictional)",
                        letter_signatory_role="Independent chair")
            for place in names.places(count)]
    partnerships = Partnership.objects.bulk_create(rows)
    builtins = list(TimelineTemplate.objects.filter(partnership=None).order_by("name"))
    for i, partnership in enumerate(partnerships):
        template_adopt(actor=None, partnership=partnership, builtin=builtins[i % len(builtins)])
    return partnerships


def build_agencies(partnerships: list[Partnership], total: int) -> list[list[Agency]]:
    """Police forces and ICBs each serve a few neighbouring partnerships (as 43 forces and
    42 ICBs serve England's 132); the rest are each partnership's own. Returns each
    partnership's agencies, the shared ones first."""
    n = len(partnerships)
    forces = max(1, round(n * 43 / 132))
    icbs = max(1, round(n * 42 / 132))
    shared = ([Agency(name=f"{r} Constabulary (fictional)", sector=Agency.Sector.POLICE)
               for r in names.regions(forces)]
              + [Agency(name=f"NHS {r} Integrated Care Board (fictional)",
                        sector=Agency.Sector.ICB) for r in names.regions(icbs)])
    own_counts = _spread(max(total - forces - icbs, n), n)
    own: list[list[Agency]] = []
    for partnership, count in zip(partnerships, own_counts, strict=True):
        place = partnership.local_authority.removesuffix(" Council (fictional)")
        rows = []
        for i in range(count):
            kind, sector = names.LOCAL_AGENCIES[i % len(names.LOCAL_AGENCIES)]
            number = f" {i // len(names.LOCAL_AGENCIES) + 1}" if i >= len(names.LOCAL_AGENCIES) \
                else ""
            slug = f"{partnership.code.lower()}-{i}"
            rows.append(Agency(name=f"{place} {kind}{number} (fictional)", sector=sector,
                               email=f"safeguarding@{slug}.{EMAIL_DOMAIN}",
                               contact_name=f"Safeguarding lead {i + 1} (fictional)",
                               contact_email=f"lead@{slug}.{EMAIL_DOMAIN}"))
        own.append(rows)
    Agency.objects.bulk_create(shared + [a for rows in own for a in rows])
    through = Agency.partnerships.through
    links, result = [], []
    for i, (partnership, rows) in enumerate(zip(partnerships, own, strict=True)):
        mine = [shared[i % forces], shared[forces + i % icbs], *rows]
        links += [through(agency_id=a.pk, partnership_id=partnership.pk) for a in mine]
        result.append(mine)
    through.objects.bulk_create(links)
    return result


def build_people(partnerships: list[Partnership], agencies: list[list[Agency]], total: int,
                 rng: random.Random) -> list[Area]:
    """Every role in every partnership; the agency users (the rest of ``total``) two or so
    per agency. One password hash is made once and shared: hashing 7,000 passwords would
    take most of an hour."""
    password = make_password(NATIONAL_PASSWORD)
    staff_each = sum(count for _role, count in STAFF)
    agency_counts = _spread(max(total - staff_each * len(partnerships), len(partnerships)),
                            len(partnerships))
    users, memberships, areas = [], [], []
    for partnership, mine, agency_users in zip(partnerships, agencies, agency_counts,
                                               strict=True):
        area = Area(partnership, mine)
        code = partnership.code.lower()

        def person(label: str, n: int, *, area=area, code=code) -> User:
            user = User(email=f"{label}.{n}@{code}.{EMAIL_DOMAIN}", full_name=names.person(rng),
                        password=password, job_title=label.replace("-", " ").capitalize())
            users.append(user)
            return user

        for role, count in STAFF:
            label = role.replace("_", "-")
            area.staff[role] = []
            for n in range(1, count + 1):
                user = person(label, n)
                area.staff[role].append(user)
                memberships.append(Membership(
                    user=user, partnership=partnership, role=role,
                    statutory_partner=PARTNERS[(n - 1) % 3]
                    if role == Role.PARTNER_REPRESENTATIVE else ""))
        for n in range(agency_users):
            agency = mine[n % len(mine)]
            user = person("agency", n + 1)
            area.agency_users.setdefault(agency.pk, []).append(user)
            memberships.append(Membership(user=user, partnership=partnership,
                                          role=Role.AGENCY_USER, agency=agency))
        areas.append(area)
    copy_in(User, with_ids(User, users))
    for membership in memberships:
        membership.user_id = membership.user.pk
    Membership.objects.bulk_create(memberships, batch_size=2000)
    copy_in(TOTPDevice, with_ids(TOTPDevice, [
        TOTPDevice(user_id=user.pk, name="Authenticator app", key=totp_key(user.email),
                   confirmed=True) for user in users]))
    return areas
