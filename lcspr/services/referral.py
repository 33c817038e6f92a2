"""Referring the case back to the Panel for a national review during the LCSPR (seed 002
chapter 3: "if, during the course of a local CSPR, new information comes to light which
suggests that a national review may be appropriate"; seed 003 flowchart 3), with the letter
to the Panel and the Panel's reply. The LCSPR goes on unless the Panel says it will carry
out a national review instead: then its open deadlines close, with that reason."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.fields import NARRATIVE_MAX_LENGTH
from accounts.models import AuditEvent, User
from calendars.models import Part
from calendars.services import deadlines_close
from cases.documents import document_generate
from cases.models import CaseDocument
from cases.services import CaseError

from ..documents import national_referral_content
from ..models import NATIONAL_GROUNDS, Lcspr, NationalReferral

STOPPED_REASON = "The Panel will carry out a national review instead of the LCSPR"


def _text(errors: dict, field: str, value: str, missing: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        errors[field] = missing
    elif len(value) > NARRATIVE_MAX_LENGTH:
        errors[field] = f"{what} must be {NARRATIVE_MAX_LENGTH:,} characters or fewer"
    return value


def _past_date(errors: dict, field: str, value: datetime.date | None, what: str,
               earliest: datetime.date, since: str) -> None:
    """A date between ``earliest`` (``since`` names it) and today."""
    if value is None:
        errors[field] = f"Enter {what}"
    elif value > timezone.localdate():
        errors[field] = f"{what[0].upper()}{what[1:]} must be today or in the past"
    elif value < earliest:
        errors[field] = (f"{what[0].upper()}{what[1:]} must be on or after {since} "
                         f"({earliest:%-d %B %Y})")


def national_referral_letter(*, actor: User | None, referral: NationalReferral
                             ) -> CaseDocument:
    """The letter as the record says (the same content is stored once)."""
    return document_generate(actor=actor, case=referral.lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_NATIONAL_REFERRAL,
                             content=national_referral_content(referral),
                             related_key=referral.related_key)


@transaction.atomic
def national_referral_record(*, actor: User, lcspr: Lcspr, referred_on: datetime.date | None,
                             new_information: str, grounds: list[str], decided_by: str,
                             form_token=None) -> NationalReferral:
    """The partners decided new information may meet the criteria for a national review:
    record it and make the letter to the Panel. The same form posted twice records once."""
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if form_token is not None:
        earlier = NationalReferral.objects.filter(form_token=form_token, lcspr=lcspr).first()
        if earlier is not None:
            return earlier
    if lcspr.decided_on is None:
        raise CaseError("Record the decision to commission the LCSPR first")
    errors: dict[str, str] = {}
    _past_date(errors, "referred_on", referred_on, "the date the referral was decided",
               lcspr.decided_on, "the LCSPR was commissioned")
    new_information = _text(errors, "new_information", new_information,
                            "Enter the new information", "The new information")
    known = {code for code, _label in NATIONAL_GROUNDS}
    grounds = [code for code, _label in NATIONAL_GROUNDS if code in set(grounds or [])]
    if not grounds or set(grounds or []) - known:
        errors["grounds"] = "Select the criteria for a national review the new information " \
                            "may meet"
    if decided_by not in Lcspr.DecidedBy.values:
        errors["decided_by"] = "Select who decided to refer the case to the Panel"
    if errors:
        raise CaseError(errors)
    referral = NationalReferral.objects.create(
        lcspr=lcspr, referred_on=referred_on, new_information=new_information, grounds=grounds,
        decided_by=decided_by, recorded_by=actor, form_token=form_token)
    national_referral_letter(actor=actor, referral=referral)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=referral,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "referred_on": referred_on.isoformat(),
                         "grounds": grounds})
    return referral


@transaction.atomic
def national_referral_reply_record(*, actor: User, referral: NationalReferral,
                                   received_on: datetime.date | None, outcome: str,
                                   summary: str, lcspr_continues: bool | None,
                                   form_token=None) -> NationalReferral:
    """The Panel's reply: when, its outcome and what it said, and whether the LCSPR goes on
    (only a national review stops it; then the LCSPR's open deadlines close). Recorded
    once: the same form posted twice records once."""
    Lcspr.objects.select_for_update(of=("self",)).filter(pk=referral.lcspr_id).first()
    referral = NationalReferral.objects.select_for_update(of=("self",)).select_related(
        "lcspr__case__partnership").get(pk=referral.pk)
    if referral.reply_received_on is not None:
        if form_token is not None and str(referral.reply_form_token) == str(form_token):
            return referral
        raise CaseError("The Panel's reply to this referral has already been recorded")
    errors: dict[str, str] = {}
    _past_date(errors, "received_on", received_on, "the date the Panel replied",
               referral.referred_on, "the referral")
    if outcome not in NationalReferral.Outcome.values:
        errors["outcome"] = "Select the Panel's reply"
    summary = _text(errors, "summary", summary, "Enter what the Panel said",
                    "What the Panel said")
    if lcspr_continues is None:
        errors["lcspr_continues"] = "Select whether the LCSPR goes on"
    elif not lcspr_continues and outcome != NationalReferral.Outcome.NATIONAL_REVIEW:
        errors["lcspr_continues"] = "The LCSPR stops only if the Panel will carry out a " \
                                    "national review instead"
    if errors:
        raise CaseError(errors)
    referral.reply_received_on, referral.reply_outcome = received_on, outcome
    referral.reply_summary, referral.lcspr_continues = summary, lcspr_continues
    referral.reply_recorded_by, referral.reply_recorded_at = actor, timezone.now()
    referral.reply_form_token = form_token
    referral.save()
    case = referral.lcspr.case
    closed = 0
    if not lcspr_continues:
        closed = deadlines_close(actor=actor, case=case, parts=[Part.LCSPR],
                                 reason=STOPPED_REASON)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=referral,
                 partnership=case.partnership,
                 detail={"case": case.pk, "reply_outcome": outcome,
                         "lcspr_continues": lcspr_continues, "deadlines_closed": closed})
    return referral
