"""Practitioners' involvement in an LCSPR (seed 002 Appendix I): "meet with the author
individually, feed information through your SLO or attend a practitioner event", each with
its date and who attended from which agencies."""

from __future__ import annotations

import datetime

from django.db import transaction

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import Agency, AuditEvent, User
from cases.services import CaseError

from ..models import Lcspr, PractitionerInvolvement


@transaction.atomic
def practitioner_involvement_record(*, actor: User, lcspr: Lcspr, kind: str,
                                    held_on: datetime.date | None, agencies: list[Agency],
                                    attendance: str, notes: str = "",
                                    form_token=None) -> PractitionerInvolvement:
    """A meeting, an SLO's input or an event (planned or held). The same form posted twice
    records it once."""
    attendance, notes = (attendance or "").strip(), (notes or "").strip()
    errors = {}
    if kind not in PractitionerInvolvement.Kind.values:
        errors["kind"] = "Select how practitioners were involved"
    if held_on is None:
        errors["held_on"] = "Enter the date"
    if not attendance:
        errors["attendance"] = "Enter who attended or contributed"
    for field, value in (("attendance", attendance), ("notes", notes)):
        if len(value) > NARRATIVE_MAX_LENGTH:
            errors[field] = f"The text must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    allowed = set(lcspr.case.partnership.agencies.values_list("pk", flat=True))
    if any(agency.pk not in allowed for agency in agencies):
        errors["agencies"] = "Select agencies in the partnership's directory"
    if errors:
        raise CaseError(errors)
    if form_token is not None:
        earlier = PractitionerInvolvement.objects.filter(form_token=form_token,
                                                         lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    involvement = PractitionerInvolvement.objects.create(
        lcspr=lcspr, kind=kind, held_on=held_on, attendance=attendance, notes=notes,
        form_token=form_token, recorded_by=actor)
    involvement.agencies.set(agencies)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=involvement,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "kind": kind,
                         "agencies": sorted(a.pk for a in agencies)})
    return involvement
