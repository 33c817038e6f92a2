"""The family and wider network in an LCSPR (seed 002 chapter 3): who they are, and the
date each of the six minimum offers was made. A member's wish not to take part is recorded
as such (with the date they said so), not as an offer missed."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, User
from cases.services import CaseError

from ..models import OFFERS, FamilyMember, Lcspr


@transaction.atomic
def family_member_add(*, actor: User, lcspr: Lcspr, name: str, relationship: str,
                      relationship_detail: str = "", form_token=None) -> FamilyMember:
    """The same form posted twice adds them once."""
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the family member's name"
    if relationship not in FamilyMember.Relationship.values:
        errors["relationship"] = "Select their relationship to the child"
    if errors:
        raise CaseError(errors)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if form_token is not None:
        earlier = FamilyMember.objects.filter(form_token=form_token, lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    member = FamilyMember.objects.create(
        lcspr=lcspr, name=name.strip(), relationship=relationship,
        relationship_detail=relationship_detail.strip(), form_token=form_token,
        updated_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=member,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "relationship": relationship})
    return member


@transaction.atomic
def family_offers_record(*, actor: User, member: FamilyMember,
                         contact_arrangement: str = "", contribution: str = "",
                         declined_on: datetime.date | None = None, declined_note: str = "",
                         **dates: datetime.date | None) -> FamilyMember:
    """The offers made so far, each with its date (none in the future), how they will
    contribute, and any wish not to take part."""
    today, errors = timezone.localdate(), {}
    known = {field for field, _label in OFFERS}
    if set(dates) - known:
        raise TypeError(f"Not an offer: {sorted(set(dates) - known)}")
    for field, _label in OFFERS:
        when = dates.get(field)
        if when is not None and when > today:
            errors[field] = "The date must be today or in the past"
    if declined_on is not None and declined_on > today:
        errors["declined_on"] = "The date must be today or in the past"
    contact_arrangement, declined_note = contact_arrangement.strip(), declined_note.strip()
    if dates.get("contact_agreed_on") and not contact_arrangement:
        errors["contact_arrangement"] = "Enter the level and frequency of contact agreed"
    wrong = contribution and contribution not in FamilyMember.Contribution.values
    if wrong or (dates.get("contribution_on") and not contribution):
        errors["contribution"] = "Select how they will contribute"
    if len(declined_note) > NARRATIVE_MAX_LENGTH:
        errors["declined_note"] = (f"The note must be {NARRATIVE_MAX_LENGTH:,} characters or "
                                   f"fewer")
    if errors:
        raise CaseError(errors)
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=member.lcspr_id).first()
    member = FamilyMember.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case").get(pk=member.pk)
    for field in known:
        setattr(member, field, dates.get(field))
    member.contact_arrangement, member.contribution = contact_arrangement, contribution
    member.declined_on, member.declined_note = declined_on, declined_note
    member.updated_by = actor
    member.save()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=member,
                 partnership_id=member.lcspr.case.partnership_id,
                 detail={"case": member.lcspr.case_id,
                         "offers": [field for field, _label in OFFERS if dates.get(field)],
                         "declined": declined_on is not None})
    return member
