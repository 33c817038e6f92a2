"""The review sub-group (CSPRG, seed 002 chapter 3): its membership "must include
representation from each of the three key statutory partners as a minimum"; others may be
co-opted. The terms of reference cannot be agreed until it does."""

from __future__ import annotations

from django.db import transaction

from accounts.audit import audit_record
from accounts.models import AuditEvent, StatutoryPartner, User
from cases.services import CaseError

from ..models import REPRESENTS, Lcspr, SubGroupMember


def partners_missing(lcspr: Lcspr) -> list[str]:
    """The statutory partners with nobody on the sub-group yet, in words."""
    present = {m.represents for m in lcspr.members.all()}
    return [label for value, label in StatutoryPartner.choices if value not in present]


@transaction.atomic
def subgroup_member_add(*, actor: User, lcspr: Lcspr, name: str, job_title: str,
                        organisation: str, represents: str) -> SubGroupMember:
    errors = {}
    for field, value, message in (
            ("name", name, "Enter the member's name"),
            ("job_title", job_title, "Enter the member's role or job title"),
            ("organisation", organisation, "Enter the member's organisation")):
        if not value.strip():
            errors[field] = message
    if represents not in dict(REPRESENTS):
        errors["represents"] = "Select the statutory partner they represent, or co-opted"
    if errors:
        raise CaseError(errors)
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=lcspr.pk).first()
    member = SubGroupMember.objects.create(lcspr=lcspr, name=name.strip(),
                                          job_title=job_title.strip(),
                                          organisation=organisation.strip(),
                                          represents=represents, added_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=member,
                 partnership_id=lcspr.case.partnership_id,
                 detail={"case": lcspr.case_id, "represents": represents})
    return member


@transaction.atomic
def subgroup_member_remove(*, actor: User, member: SubGroupMember) -> None:
    """Removing one already removed (the same form posted twice) does nothing."""
    member = (SubGroupMember.objects.select_for_update(of=("self",))
              .select_related("lcspr__case").filter(pk=member.pk).first())
    if member is None:
        return
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=member,
                 partnership_id=member.lcspr.case.partnership_id,
                 detail={"case": member.lcspr.case_id, "represents": member.represents})
    member.delete()
