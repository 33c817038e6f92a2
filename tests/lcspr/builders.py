"""An opened LCSPR, its sub-group and reviewer, for the LCSPR tests."""

import datetime

from accounts.models import StatutoryPartner
from cases.models import Stage
from cases.services import case_create
from lcspr.services import lcspr_open, reviewer_appoint, subgroup_member_add
from tests.cases.builders import adopt_plan

ALL_SKILLS = ["leadership", "facilitation", "problem_solving", "best_practice", "analysis",
              "safeguarding", "writing", "complexity"]


def opened_lcspr(partnership, actor, *, decided_on=datetime.date(2026, 12, 4),
                 key_lines="1. How well did agencies share information? (fictional)"):
    adopt_plan(partnership)
    case = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    return lcspr_open(actor=actor, case=case, decided_on=decided_on,
                      key_lines_of_enquiry=key_lines)


def full_sub_group(lcspr, actor):
    for partner, organisation in ((StatutoryPartner.LOCAL_AUTHORITY, "Alphashire Council"),
                                  (StatutoryPartner.POLICE, "Alphashire Police"),
                                  (StatutoryPartner.ICB, "Alphashire ICB")):
        subgroup_member_add(actor=actor, lcspr=lcspr, name=f"Member {partner} (fictional)",
                            job_title="Safeguarding lead", organisation=organisation,
                            represents=partner)


def appointed_reviewer(lcspr, manager, email="reviewer.one@example.org"):
    return reviewer_appoint(actor=manager, lcspr=lcspr, name="Robin Reviewer-Example",
                            email=email, organisation="Independent (fictional)",
                            no_line_management=True, no_involvement=True, skills=ALL_SKILLS)


def lcspr_with_reviewer_who_signs_in(partnership, manager, *, decided_on):
    """An opened LCSPR and its appointed reviewer's account, with the test password (for the
    browser journeys)."""
    from tests.factories import PASSWORD

    lcspr = opened_lcspr(partnership, manager, decided_on=decided_on)
    reviewer = appointed_reviewer(lcspr, manager).user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    return lcspr, reviewer
