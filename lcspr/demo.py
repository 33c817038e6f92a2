"""Demo LCSPRs (fictional): one being commissioned, one mid-way with a progress checkpoint
overdue, a timetable and further information asked of an agency, each from a rapid review
the Panel agreed should lead to an LCSPR; and a learning review in progress, from its triage
decision."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.models import StatutoryPartner, User
from calendars.models import AnchorEvent, Deadline
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Case
from rapid_review.demo.signoff import SIGNER_ROLES, review_with_panel_response
from rapid_review.services import further_information_request_send
from rapid_review.services.panel_response import NextStep, case_move_on

from .models import SKILLS, Checkpoint, Lcspr, TimetableItem
from .services import (
    checkpoint_add,
    checkpoint_update_write,
    lcspr_terms_save,
    learning_review_method_save,
    reviewer_appoint,
    subgroup_member_add,
    timetable_item_add,
)

# The mid-way review's timetable: (kind, what, working days from today).
TIMETABLE = [
    (TimetableItem.Kind.SUB_GROUP_MEETING, "Review sub-group meeting 3", 3),
    (TimetableItem.Kind.PRACTITIONERS, "Practitioner event for the agencies involved", 8),
    (TimetableItem.Kind.FAMILY, "Meeting with the child's mother and her advocate", 10),
    (TimetableItem.Kind.LEARNING_EVENT, "Learning event on the emerging findings", 25),
]

SUB_GROUP = [
    (StatutoryPartner.LOCAL_AUTHORITY, "Demo Head-of-Service", "Head of safeguarding",
     "Demoshire County Council (fictional)"),
    (StatutoryPartner.POLICE, "Demo Detective-Inspector", "Public protection unit",
     "Demoshire Constabulary (fictional)"),
    (StatutoryPartner.ICB, "Demo Designated-Nurse", "Designated nurse for safeguarding",
     "Demoshire Integrated Care Board (fictional)"),
]


def _sub_group_and_terms(lcspr: Lcspr, officer: User, manager: User, *, method: str,
                         practitioners: str) -> None:
    """The three partners' members of the sub-group and a first draft of the terms."""
    for partner, name, job_title, organisation in SUB_GROUP:
        subgroup_member_add(actor=manager, lcspr=lcspr, name=f"{name} (fictional)",
                            job_title=job_title, organisation=organisation,
                            represents=partner)
    lcspr_terms_save(
        actor=officer, lcspr=lcspr, questions=lcspr.key_lines_of_enquiry or
        "How well did agencies share what they knew? (fictional)",
        scope_from=lcspr.decided_on.replace(year=lcspr.decided_on.year - 1),
        scope_to=lcspr.decided_on, agencies=[], method=method,
        child_perspective="What was life like for the child? (fictional)",
        practitioner_involvement=practitioners,
        family_involvement="The six minimum offers, through a named contact (fictional)",
        communications_lead="Demo Comms-Lead (fictional)", version=0)


def _commissioned(case: Case, officer: User, number: int) -> Lcspr:
    """The rapid review, the Panel's agreement, the case moved on; the sub-group, the demo
    reviewer and a first draft of the terms of reference."""
    review_with_panel_response(case, officer, number)
    case_move_on(actor=officer, review=case.rapid_review, next_step=NextStep.LCSPR)
    lcspr = Lcspr.objects.select_related("case__partnership").get(case=case)
    manager = User.objects.get(email="manager@demo.example")
    reviewer_appoint(actor=manager, lcspr=lcspr, name="Rae Reviewer-Demo",
                     email="reviewer@demo.example", organisation="Independent (fictional)",
                     no_line_management=True, no_involvement=True,
                     skills=[code for code, _label in SKILLS])
    _sub_group_and_terms(
        lcspr, officer, manager,
        method="Systems methodology, with the child's perspective at its centre (fictional)",
        practitioners="A practitioner event and individual conversations (fictional)")
    return lcspr


def lcspr_commissioning(case: Case, officer: User, number: int) -> None:
    _commissioned(case, officer, number)


def lcspr_checkpoint_overdue(case: Case, officer: User, number: int) -> None:
    """Mid-way: a progress checkpoint two working days ago has the reviewer's update but
    not yet the partners' view, so it is overdue."""
    lcspr = _commissioned(case, officer, number)
    calendar = calendar_for(case.partnership_id)
    today = timezone.localdate()
    checkpoint = checkpoint_add(actor=officer, lcspr=lcspr,
                                due_on=add_working_days(today, 1, calendar))
    checkpoint_update_write(actor=User.objects.get(email="reviewer@demo.example"),
                            checkpoint=checkpoint,
                            reviewer_update="Chronologies are in; the practitioner event is "
                                            "being arranged (fictional)")
    # Set in the past as if two working days had gone by: the checkpoint, its date on the
    # calendar and the partners' review still due from it.
    overdue_on = add_working_days(today, -2, calendar)
    Checkpoint.objects.filter(pk=checkpoint.pk).update(due_on=overdue_on)
    AnchorEvent.objects.filter(case=case, related_key=checkpoint.deadline_key).update(
        occurred_on=overdue_on)
    Deadline.objects.filter(case=case, related_key=checkpoint.deadline_key).update(
        due_date=overdue_on)
    for kind, title, days in TIMETABLE:
        timetable_item_add(actor=officer, lcspr=lcspr, kind=kind, title=f"{title} (fictional)",
                           due_on=add_working_days(today, days, calendar))
    asked = case.rapid_review.information_requests.select_related("agency").first()
    if asked is not None:
        further_information_request_send(
            actor=officer, review=case.rapid_review, agency=asked.agency,
            questions="1. What did the health visitor know of the move to a new address? "
                      "(fictional)\n2. Who was told of the missed appointments? (fictional)",
            return_by=add_working_days(today, 10, calendar))


def learning_review_in_progress(case: Case, officer: User, number: int) -> None:
    """A learning review the partnership facilitates, opened by its triage decision: a
    professional de-brief, its sub-group and a first draft of its terms of reference."""
    lcspr = Lcspr.objects.select_related("case__partnership").get(case=case)
    learning_review_method_save(actor=officer, lcspr=lcspr,
                                method=Lcspr.Method.PROFESSIONAL_DEBRIEF, leading_agency=None)
    _sub_group_and_terms(
        lcspr, officer, User.objects.get(email="manager@demo.example"),
        method="A professional de-brief with the practitioners involved (fictional)",
        practitioners="A de-brief session for the practitioners involved (fictional)")


REPORT_SECTIONS = {
    "executive_summary": "Agencies each held part of the picture of {child}'s life; no one "
                         "put it together (fictional).",
    "improvements_needed": "Information about a family's move reaches every agency working "
                           "with the child (fictional).",
    "systemic_analysis": "Referral pathways depended on individual practitioners' knowledge "
                         "rather than on shared systems (fictional).",
    "learning_points": "Missed health appointments are a safeguarding signal, not only an "
                       "administrative one (fictional).",
}


def _approved_report(lcspr: Lcspr, officer: User) -> None:
    """The reviewer's report, with one recommendation, frozen and taken through the
    partnership's approval chain: the groups' decisions recorded by the business manager,
    the three demo partner representatives endorsing it."""
    from .models import SECTIONS, StageKind
    from .services.approval import approval_record, approval_sign
    from .services.report import recommendation_add, report_freeze, report_section_save

    reviewer = User.objects.get(email="reviewer@demo.example")
    manager = User.objects.get(email="manager@demo.example")
    child = lcspr.case.children.first()
    name = child.full_name if child else "the child"
    for revision, (key, label) in enumerate(SECTIONS):
        text = REPORT_SECTIONS.get(key, f"{label}: as the review found it (fictional).")
        report_section_save(actor=reviewer, lcspr=lcspr, key=key, revision=revision,
                            text=text.format(child=name))
    recommendation_add(
        actor=reviewer, lcspr=lcspr, owner="Head of safeguarding, each agency (fictional)",
        what="Every agency records a family's change of address and tells the others within "
             "5 working days",
        due_on=add_working_days(timezone.localdate(), 60,
                                calendar_for(lcspr.case.partnership_id)),
        measure="A multi-agency audit of 20 cases in six months (fictional)")
    version = report_freeze(actor=reviewer, lcspr=lcspr)
    signers = {"la.partner@demo.example", "police.partner@demo.example",
               "icb.partner@demo.example"}
    for stage, spec in enumerate(version.chain, start=1):
        if spec["kind"] == StageKind.PARTNERS:
            for user in User.objects.filter(email__in=signers).order_by("email"):
                approval_sign(actor=user, version=version, stage=stage,
                              content_sha256=version.content_sha256,
                              signer_role=SIGNER_ROLES.get(user.email, "Partner (fictional)"))
        else:
            approval_record(actor=manager, version=version, stage=stage,
                            content_sha256=version.content_sha256,
                            decided_on=timezone.localdate(),
                            decided_by="The review sub-group, chaired by Demo Head-of-Service "
                                       "(fictional)")


def _anonymised(lcspr: Lcspr, officer: User) -> None:
    """The list of names confirmed and the anonymised copy read and marked ready."""
    from .services.redaction import (
        anonymised_copy_make,
        anonymised_copy_ready,
        redaction_terms_confirm,
        redaction_terms_suggest,
    )

    redaction_terms_suggest(actor=officer, lcspr=lcspr)
    redaction_terms_confirm(actor=officer, lcspr=lcspr)
    copy = anonymised_copy_make(actor=officer, lcspr=lcspr)
    anonymised_copy_ready(actor=officer, copy=copy, content_sha256=copy.content_sha256)


def lcspr_awaiting_publication(case: Case, officer: User, number: int) -> None:
    """The report approved by the whole chain and anonymised; publication planned in four
    weeks, so the final report to the Panel, the Secretary of State and Ofsted is due in
    about two."""
    from .services import lcspr_publication_plan

    lcspr = _commissioned(case, officer, number)
    _approved_report(lcspr, officer)
    _anonymised(lcspr, officer)
    lcspr_publication_plan(actor=officer, case=case, planned_on=add_working_days(
        timezone.localdate(), 20, calendar_for(case.partnership_id)))


def lcspr_published(case: Case, officer: User, number: int) -> None:
    """Approved, anonymised, the final report sent nine working days before publication,
    published today; the case has moved to its action plan. The services record today's
    date; the demo then dates the approval and the dispatches back, as they would have
    happened."""
    from calendars.models import StepAction

    from .models import FinalReportDispatch, OverviewReportVersion, ReportApproval
    from .services import lcspr_final_report_sent, lcspr_publication_plan
    from .services.publication import publication_decide, publication_record

    calendar = calendar_for(case.partnership_id)
    today = timezone.localdate()
    lcspr = _commissioned(case, officer, number)
    _approved_report(lcspr, officer)
    _anonymised(lcspr, officer)
    lcspr_publication_plan(actor=officer, case=case,
                           planned_on=add_working_days(today, 1, calendar))
    lcspr_final_report_sent(actor=officer, case=case, sent_on=today)
    approved_on = add_working_days(today, -12, calendar)
    sent_on = add_working_days(today, -9, calendar)
    at = timezone.make_aware(datetime.datetime.combine(sent_on, datetime.time(10)))
    OverviewReportVersion.objects.filter(report__lcspr=lcspr).update(
        approved_at=at - datetime.timedelta(days=3))
    ReportApproval.objects.filter(version__report__lcspr=lcspr).update(decided_on=approved_on)
    FinalReportDispatch.objects.filter(lcspr=lcspr).update(sent_on=sent_on)
    Lcspr.objects.filter(pk=lcspr.pk).update(final_report_sent_on=sent_on,
                                             planned_publication_on=today)
    AnchorEvent.objects.filter(case=case, kind="planned_publication").update(occurred_on=today)
    Deadline.objects.filter(case=case, step__met_by=StepAction.FINAL_REPORT_SENT).update(
        status="met", met_at=at)
    lcspr.refresh_from_db()
    publication_decide(actor=officer, lcspr=lcspr, decision="publish", decided_on=sent_on,
                       decided_by="The three safeguarding partners (fictional)")
    publication_record(actor=officer, lcspr=lcspr, published_on=today,
                       link="https://demoshire.example/reviews/demo-child-12")
