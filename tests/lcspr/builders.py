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


def lcspr_after_rapid_review(partnership, manager, *, decided_on=None,
                             agency_name="Alphashire Police (fictional)"):
    """A rapid review with one agency's return in, whose case moved on to an LCSPR: the
    case, its review, the returned request and the opened LCSPR."""
    from django.utils import timezone

    from cases.services import case_stage_change
    from tests.rapid_review.builders import (
        agency_with_user,
        review_for,
        send_requests,
        submitted_return,
    )

    review = review_for(partnership)
    police = agency_with_user(partnership, agency_name)
    [returned] = send_requests(review, [police.agency])
    submitted_return(returned)
    case_stage_change(actor=manager, case=review.case, to_stage=Stage.LCSPR,
                      note="The partners decided to commission an LCSPR")
    lcspr = lcspr_open(actor=manager, case=review.case,
                       decided_on=decided_on or timezone.localdate(),
                       key_lines_of_enquiry="1. Information sharing (fictional)")
    return lcspr, review, returned


def lcspr_with_reviewer_who_signs_in(partnership, manager, *, decided_on):
    """An opened LCSPR and its appointed reviewer's account, with the test password (for the
    browser journeys)."""
    from tests.factories import PASSWORD

    lcspr = opened_lcspr(partnership, manager, decided_on=decided_on)
    reviewer = appointed_reviewer(lcspr, manager).user
    reviewer.set_password(PASSWORD)
    reviewer.save()
    return lcspr, reviewer


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
