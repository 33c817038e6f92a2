"""Demo LCSPRs (fictional): one being commissioned, one mid-way with a progress checkpoint
overdue, a timetable and further information asked of an agency, each from a rapid review
the Panel agreed should lead to an LCSPR; and a learning review in progress, from its triage
decision."""

from __future__ import annotations

from django.utils import timezone

from accounts.models import StatutoryPartner, User
from calendars.models import AnchorEvent, Deadline
from calendars.services import calendar_for
from calendars.working_days import add_working_days
from cases.models import Case
from rapid_review.demo.signoff import review_with_panel_response
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
