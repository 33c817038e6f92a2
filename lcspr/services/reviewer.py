"""The reviewer (chair/author, seed 002 chapter 3): appointed by the business manager, not
directly associated with the case, with the core skills the seed lists. Their account has
the reviewer role and sees this review only (``accounts.rules.can_view_lcspr``). Their name
goes to the Panel, Ofsted and DfE (seed 003 flowchart 3) in a letter whose every sending is
recorded. Appointing a reviewer sets a deadline for each recipient (5 working days, the
plan's step: see ``calendars.builtin_templates.REVIEWER_LETTERS``); recording the sending to
one meets its deadline. A new reviewer means a new letter: the deadlines open again from
the new appointment."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import AuditEvent, Role, User
from accounts.services import person_add
from calendars.models import Anchor
from calendars.services import anchor_record, deadline_meet, deadlines_reopen
from cases.documents import document_current, document_generate
from cases.models import CaseDocument
from cases.services import CaseError

from ..documents import reviewer_letter_content
from ..models import LETTER_STEPS, SKILLS, Lcspr, Reviewer, ReviewerLetterDispatch
from .checkpoints import checkpoint_updates_assign

INDEPENDENCE = {
    "no_line_management": "Confirm the reviewer has no line management responsibility for "
                          "anyone in the agencies involved in the case",
    "no_involvement": "Confirm the reviewer has had no involvement with the agencies' work "
                      "with the child or family",
}


@transaction.atomic
def reviewer_appoint(*, actor: User, lcspr: Lcspr, name: str, email: str, organisation: str,
                     no_line_management: bool, no_involvement: bool,
                     skills: list[str]) -> Reviewer:
    """Appoint (or replace) the reviewer. Their account is made, or the one with that email
    is given the reviewer role, and invited by email through the outbox; a replaced
    reviewer no longer sees the review."""
    errors = {field: message for field, value, message in (
        ("name", name, "Enter the reviewer's name"),
        ("email", email, "Enter the reviewer's email address"),
        ("organisation", organisation, "Enter the reviewer's organisation"))
        if not value.strip()}
    declared = {"no_line_management": no_line_management, "no_involvement": no_involvement}
    errors.update({field: INDEPENDENCE[field] for field, given in declared.items()
                   if not given})
    known = {code for code, _label in SKILLS}
    if set(skills) - known:
        errors["skills"] = "Select only skills from the list"
    if errors:
        raise CaseError(errors)
    lcspr = (Lcspr.objects.select_for_update(of=("self",))
             .select_related("case__partnership").get(pk=lcspr.pk))
    membership, _made = person_add(actor=actor, partnership=lcspr.case.partnership,
                                   email=email, full_name=name, role=Role.REVIEWER)
    values = {"user": membership.user, "name": name.strip(),
              "email": membership.user.email, "organisation": organisation.strip(),
              "skills": [code for code, _label in SKILLS if code in skills],
              "appointed_by": actor, **declared}
    reviewer = Reviewer.objects.select_for_update(of=("self",)).filter(lcspr=lcspr).first()
    new_person = reviewer is None or reviewer.user_id != membership.user_id
    if reviewer is None:
        reviewer = Reviewer.objects.create(lcspr=lcspr, appointed_on=timezone.localdate(),
                                           **values)
        action = AuditEvent.Action.CREATE
    else:
        if new_person:
            reviewer.appointed_on = timezone.localdate()
        for field, value in values.items():
            setattr(reviewer, field, value)
        reviewer.save()
        action = AuditEvent.Action.UPDATE
    if new_person:
        _letter_deadlines(actor, lcspr, reviewer)
    audit_record(action=action, actor=actor, obj=reviewer,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "user": membership.user_id})
    return reviewer


def _letter_deadlines(actor: User, lcspr: Lcspr, reviewer: Reviewer) -> None:
    """The name goes to each recipient within the plan's time of the appointment; a
    replacement's name goes again, and their checkpoint updates are theirs."""
    deadlines_reopen(actor=actor, case=lcspr.case, actions=LETTER_STEPS.values(),
                     reason="A new reviewer was appointed: their name is to be sent")
    anchor_record(actor=actor, case=lcspr.case, kind=Anchor.LCSPR_REVIEWER_APPOINTED,
                  occurred_on=reviewer.appointed_on)
    checkpoint_updates_assign(actor=actor, lcspr=lcspr, user=reviewer.user)


def reviewer_letter(*, actor: User | None, lcspr: Lcspr) -> CaseDocument:
    """The letter as the record says now (the same content is stored once)."""
    if not lcspr.is_lcspr:
        raise CaseError("Only an LCSPR's reviewer is named to the Panel, Ofsted and DfE")
    if getattr(lcspr, "reviewer", None) is None:
        raise CaseError("Appoint the reviewer before making the letter")
    return document_generate(actor=actor, case=lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_REVIEWER_LETTER,
                             content=reviewer_letter_content(lcspr))


def reviewer_letter_stored(*, lcspr: Lcspr) -> CaseDocument | None:
    """The stored letter when it says what the record says now, for the page (a read: the
    letter is made by asking for it, or by recording a sending)."""
    if not lcspr.is_lcspr or getattr(lcspr, "reviewer", None) is None:
        return None
    return document_current(case=lcspr.case, kind=CaseDocument.Kind.LCSPR_REVIEWER_LETTER,
                            content=reviewer_letter_content(lcspr))


@transaction.atomic
def reviewer_letter_dispatch_record(*, actor: User, lcspr: Lcspr, recipient: str, method: str,
                                    sent_on: datetime.date) -> ReviewerLetterDispatch:
    """The current letter went to one recipient: each recipient once per letter version."""
    errors = {}
    if recipient not in ReviewerLetterDispatch.Recipient.values:
        errors["recipient"] = "Select who the letter was sent to"
    if method not in ReviewerLetterDispatch.Method.values:
        errors["method"] = "Select how the letter was sent"
    if sent_on is None:
        errors["sent_on"] = "Enter the date the letter was sent"
    elif sent_on > timezone.localdate():
        errors["sent_on"] = "The date the letter was sent must be today or in the past"
    if errors:
        raise CaseError(errors)
    document = reviewer_letter(actor=actor, lcspr=lcspr)
    if sent_on < lcspr.reviewer.appointed_on:
        raise CaseError({"sent_on": "The date the letter was sent must be on or after the "
                                    "reviewer was appointed"})
    label = ReviewerLetterDispatch.Recipient(recipient).label
    try:
        with transaction.atomic():
            dispatch = ReviewerLetterDispatch.objects.create(
                lcspr=lcspr, document=document, recipient=recipient, method=method,
                sent_on=sent_on, recorded_by=actor)
    except IntegrityError:
        raise CaseError({"recipient": f"Version {document.version} of the letter has already "
                                      f"been recorded as sent to {label}"}) from None
    deadline_meet(actor=actor, case=lcspr.case, action=LETTER_STEPS[recipient],
                  met_at=min(timezone.now(), timezone.make_aware(
                      datetime.datetime.combine(sent_on, datetime.time(12)))))
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=dispatch,
                 partnership_id=lcspr.case.partnership_id,
                 detail={"case": lcspr.case_id, "recipient": recipient, "method": method,
                         "version": document.version})
    return dispatch
