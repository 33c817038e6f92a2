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


def written_report(lcspr, author, *, child_name="Ada Example-Child"):
    """Every section written (naming the child, as a draft does) and one recommendation."""
    from lcspr.models import SECTIONS
    from lcspr.services.report import recommendation_add, report_section_save

    for revision, (key, label) in enumerate(SECTIONS):
        report_section_save(actor=author, lcspr=lcspr, key=key, revision=revision,
                            text=f"{label}: what the review found about {child_name} "
                                 f"(fictional).")
    recommendation_add(actor=author, lcspr=lcspr, owner="Head of safeguarding (fictional)",
                       what=f"Agencies share information about children like {child_name}.",
                       due_on=datetime.date(2027, 9, 30), measure="An audit in six months")
    return lcspr


def approved_version(lcspr, manager, representatives, *, on=None):
    """Frozen and taken through the default LCSPR chain: the sub-group's quality assurance
    and ratification, the three partners' endorsement, the strategic group noting it."""
    from django.utils import timezone

    from lcspr.services.approval import approval_record, approval_sign
    from lcspr.services.report import report_freeze

    version = report_freeze(actor=manager, lcspr=lcspr)
    on = on or timezone.localdate()
    for stage, spec in enumerate(version.chain, start=1):
        if spec["kind"] == "partners":
            for user in representatives.values():
                approval_sign(actor=user, version=version, stage=stage,
                              content_sha256=version.content_sha256, signer_role="Director")
        else:
            approval_record(actor=manager, version=version, stage=stage,
                            content_sha256=version.content_sha256, decided_on=on,
                            decided_by="The review sub-group, chaired by Sam Chair-Example")
    version.refresh_from_db()
    return version
