"""Fictional demo partnership, agencies and one user per role. Later issues add cases here."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from . import services
from .models import Agency, Membership, Partnership, Role, StatutoryPartner, User

DEMO_PASSWORD = "demo-password-not-secret"  # noqa: S105 - printed by make run, demo only

PARTNERSHIP = {
    "name": "Demoshire Safeguarding Children Partnership",
    "code": "DEMO",
    "local_authority": "Demoshire County Council (fictional)",
}

AGENCIES = [
    ("Demoshire Children's Services (fictional)", Agency.Sector.LA_CHILDRENS_SERVICES),
    ("Demoshire Constabulary (fictional)", Agency.Sector.POLICE),
    ("NHS Demoshire Integrated Care Board (fictional)", Agency.Sector.ICB),
    ("Demoshire Hospitals NHS Trust (fictional)", Agency.Sector.HEALTH_PROVIDER),
    ("Demoshire Community Health: health visiting (fictional)", Agency.Sector.HEALTH_PROVIDER),
    ("Demoshire CAMHS (fictional)", Agency.Sector.HEALTH_PROVIDER),
    ("Imaginary Lane Medical Practice (fictional)", Agency.Sector.HEALTH_PROVIDER),
    ("Make-Believe Primary Academy (fictional)", Agency.Sector.EDUCATION),
    ("Demoshire Education Service (fictional)", Agency.Sector.EDUCATION),
    ("Probation Service, Demoshire (fictional)", Agency.Sector.PROBATION),
    ("Demoshire Homes housing (fictional)", Agency.Sector.OTHER),
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    role: str
    agency: str | None = None
    statutory_partner: str = ""


USERS = [
    DemoUser("officer@demo.example", "Olive Officer-Demo", Role.BUSINESS_UNIT_OFFICER),
    DemoUser("manager@demo.example", "Bram Business-Demo", Role.BUSINESS_MANAGER),
    DemoUser("agency@demo.example", "Aggie Agency-Demo", Role.AGENCY_USER,
             agency="Demoshire Hospitals NHS Trust (fictional)"),
    DemoUser("school@demo.example", "Sid School-Demo", Role.AGENCY_USER,
             agency="Make-Believe Primary Academy (fictional)"),
    DemoUser("police@demo.example", "Pat Constable-Demo", Role.AGENCY_USER,
             agency="Demoshire Constabulary (fictional)"),
    DemoUser("la.partner@demo.example", "Lena Localauthority-Demo", Role.PARTNER_REPRESENTATIVE,
             statutory_partner=StatutoryPartner.LOCAL_AUTHORITY),
    DemoUser("police.partner@demo.example", "Percy Police-Demo", Role.PARTNER_REPRESENTATIVE,
             statutory_partner=StatutoryPartner.POLICE),
    DemoUser("icb.partner@demo.example", "Ivy Icb-Demo", Role.PARTNER_REPRESENTATIVE,
             statutory_partner=StatutoryPartner.ICB),
    DemoUser("dashboard@demo.example", "Max Manager-Demo", Role.MANAGER),
    DemoUser("reviewer@demo.example", "Rae Reviewer-Demo", Role.REVIEWER),
    DemoUser("scrutineer@demo.example", "Scout Scrutineer-Demo", Role.SCRUTINEER),
    DemoUser("admin@demo.example", "Ada Admin-Demo", Role.ADMINISTRATOR),
]


@transaction.atomic
def seed_demo() -> list[DemoUser]:
    """Create the demo records that are missing; running it again changes nothing."""
    partnership = Partnership.objects.filter(code=PARTNERSHIP["code"]).first()
    if partnership is None:
        partnership = services.partnership_create(actor=None, **PARTNERSHIP)
    agencies = {}
    for name, sector in AGENCIES:
        agency = Agency.objects.filter(name=name).first()
        if agency is None:
            agency = services.agency_create(actor=None, name=name, sector=sector,
                                            partnerships=[partnership])
        agencies[name] = agency
    for demo in USERS:
        user = User.objects.filter(email=demo.email).first()
        if user is None:
            user = services.user_create(actor=None, email=demo.email, full_name=demo.full_name,
                                        password=DEMO_PASSWORD)
        if not Membership.objects.filter(user=user, partnership=partnership,
                                         role=demo.role).exists():
            services.membership_grant(
                actor=None, user=user, partnership=partnership, role=demo.role,
                agency=agencies.get(demo.agency), statutory_partner=demo.statutory_partner,
            )
    return USERS
