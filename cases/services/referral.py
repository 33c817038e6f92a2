"""An agency's referral: started as a draft, saved section by section, submitted once."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, Partnership, User
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record, deadline_meet

from ..models import (
    Case,
    Child,
    Incident,
    Involvement,
    LegalStatus,
    Person,
    Referral,
    ReferralQuery,
    Stage,
)
from ..validators import validate_nhs_number
from .case import CaseError, case_stage_change, next_reference
from .emails import email_referral_query, email_referral_received


def _locked_draft(referral: Referral) -> Referral:
    referral = Referral.objects.select_for_update(of=("self",)).select_related("case").get(
        pk=referral.pk)
    if referral.case.stage != Stage.DRAFT:
        raise CaseError("This referral has been submitted and can no longer be changed")
    return referral


def _not_future(value: datetime.date | None, field: str, what: str) -> None:
    if value and value > timezone.localdate():
        raise CaseError({field: f"{what} must be today or in the past"})


@transaction.atomic
def referral_start(*, actor: User, agency: Agency, partnership: Partnership) -> Referral:
    """Open a draft referral (a case with no reference yet) for the actor's agency."""
    if not agency.partnerships.filter(pk=partnership.pk).exists():
        raise CaseError("Your agency does not work with this partnership")
    case = Case.objects.create(partnership=partnership, stage=Stage.DRAFT)
    referral = Referral.objects.create(case=case, referring_agency=agency, referrer=actor,
                                       referrer_phone=actor.phone)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=referral,
                 partnership=partnership)
    return referral


REFERRAL_FIELDS = {"referrer_phone", "lead_officer_name", "lead_officer_role", "request_type",
                   "reason"}


def _save(actor: User, referral: Referral, instance: Model, fields: dict) -> Model:
    created = instance.pk is None
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=instance, partnership=referral.case.partnership,
                 detail={"referral": referral.pk, "fields": sorted(fields)})
    return instance


@transaction.atomic
def referral_update(*, actor: User, referral: Referral, **fields) -> Referral:
    unknown = set(fields) - REFERRAL_FIELDS
    if unknown:
        raise ValueError(f"Not referral fields: {sorted(unknown)}")
    referral = _locked_draft(referral)
    return _save(actor, referral, referral, fields)


def _check_nhs_number(fields: dict) -> None:
    if fields.get("nhs_number"):
        try:
            validate_nhs_number(fields["nhs_number"])
        except ValidationError as error:
            raise CaseError({"nhs_number": error.messages[0]}) from error
        fields["nhs_number"] = fields["nhs_number"].replace(" ", "")


def _check_child(fields: dict, incident: Incident | None) -> None:
    born, died = fields.get("date_of_birth"), fields.get("date_of_death")
    _not_future(born, "date_of_birth", "Date of birth")
    _not_future(died, "date_of_death", "Date of death")
    if born and died and died < born:
        raise CaseError({"date_of_death": "Date of death must be the same as or after the "
                                          "date of birth"})
    if born and incident and born > incident.occurred_on:
        raise CaseError({"date_of_birth": "Date of birth must be before the date of the "
                                          "incident"})
    _check_nhs_number(fields)


@transaction.atomic
def child_save(*, actor: User, referral: Referral, child: Child | None = None,
               **fields) -> Child:
    referral = _locked_draft(referral)
    _check_child(fields, Incident.objects.filter(case=referral.case).first())
    return _save(actor, referral, child or Child(case=referral.case), fields)


@transaction.atomic
def person_save(*, actor: User, referral: Referral, person: Person | None = None,
                **fields) -> Person:
    referral = _locked_draft(referral)
    _not_future(fields.get("date_of_birth"), "date_of_birth", "Date of birth")
    _check_nhs_number(fields)
    return _save(actor, referral, person or Person(case=referral.case), fields)


@transaction.atomic
def involvement_save(*, actor: User, referral: Referral,
                     involvement: Involvement | None = None, **fields) -> Involvement:
    referral = _locked_draft(referral)
    agency = fields.get("agency")
    if agency and not agency.partnerships.filter(pk=referral.case.partnership_id).exists():
        raise CaseError({"agency": "Choose an agency that works in this partnership's area"})
    _not_future(fields.get("from_date"), "from_date", "The start date")
    if fields.get("from_date") and fields.get("to_date") and fields["to_date"] < fields[
            "from_date"]:
        raise CaseError({"to_date": "The end date must be the same as or after the start date"})
    return _save(actor, referral, involvement or Involvement(case=referral.case), fields)


@transaction.atomic
def incident_save(*, actor: User, referral: Referral, **fields) -> Incident:
    referral = _locked_draft(referral)
    _not_future(fields.get("occurred_on"), "occurred_on", "The date of the incident")
    occurred = fields.get("occurred_on")
    if occurred and referral.case.children.filter(date_of_birth__gt=occurred).exists():
        raise CaseError({"occurred_on": "The date of the incident must be after each child's "
                                        "date of birth"})
    incident = Incident.objects.filter(case=referral.case).first() or Incident(
        case=referral.case)
    return _save(actor, referral, incident, fields)


def _remove(actor: User, referral: Referral, instance: Model) -> None:
    referral = _locked_draft(referral)
    if instance.case_id != referral.case_id:
        raise CaseError("That is not part of this referral")
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=instance,
                 partnership=referral.case.partnership, detail={"referral": referral.pk})
    instance.delete()


@transaction.atomic
def child_remove(*, actor: User, referral: Referral, child: Child) -> None:
    _remove(actor, referral, child)


@transaction.atomic
def person_remove(*, actor: User, referral: Referral, person: Person) -> None:
    _remove(actor, referral, person)


@transaction.atomic
def involvement_remove(*, actor: User, referral: Referral, involvement: Involvement) -> None:
    _remove(actor, referral, involvement)


def referral_missing_answers(referral: Referral) -> dict[str, str]:
    """What must be answered before submitting: section key -> what to do."""
    missing = {}
    case = referral.case
    if not case.children.exists():
        missing["children"] = "Add at least one child"
    elif case.children.filter(legal_status="child_protection_plan").filter(
            Q(protection_plan_start__isnull=True) | Q(protection_plan_category="")).exists():
        missing["children"] = ("Enter when each child protection plan started and its "
                               "category")
    incident = Incident.objects.filter(case=case).first()
    if incident is None:
        missing["incident"] = "Describe the incident"
    if not referral.request_type:
        missing["reason"] = "Select what you are asking the partnership to do"
    elif not referral.reason.strip():
        missing["reason"] = "Explain why you think the criteria are met"
    elif referral.request_type == Referral.RequestType.PARTNER_NOTIFICATION and incident and (
            not incident.harm or not incident.concern or not incident.certainty):
        missing["reason"] = ("Select whether the child died or was seriously harmed and "
                             "whether abuse or neglect is known or suspected")
    if not referral.lead_officer_name.strip():
        missing["authorisation"] = "Enter the safeguarding lead officer who authorised it"
    return missing


SERIOUS_CONCERNS = (Incident.Concern.ABUSE, Incident.Concern.NEGLECT, Incident.Concern.BOTH)


def reports_serious_incident(referral: Referral) -> bool:
    """A partner notification of a serious incident, or any referral whose incident says a
    child died or was seriously harmed with abuse or neglect known or suspected: the local
    authority's duty to notify may apply, whatever the referrer asked for."""
    if referral.request_type == Referral.RequestType.PARTNER_NOTIFICATION:
        return True
    incident = Incident.objects.filter(case=referral.case_id).first()
    return bool(incident and incident.harm and incident.concern in SERIOUS_CONCERNS)


def looked_after_child_died(case: Case) -> bool:
    """A child on the case is looked after and has died (or the incident says so): the
    Secretary of State and Ofsted must be told, whatever the pathway."""
    if case.children.filter(legal_status=LegalStatus.LOOKED_AFTER,
                            date_of_death__isnull=False).exists():
        return True
    return Incident.objects.filter(case=case, looked_after_child_death=True).exists()


def clocks_start(*, actor: User | None, case: Case, received_at: datetime.datetime) -> None:
    """The partnership knows of a serious incident from the referral: the local
    authority's 5 working days to notify run from then (the business unit corrects the
    date if the local authority knew earlier), and so does the partnership's own plan
    (counted from receiving the referral in the built-in plans). Recording again changes
    nothing already recorded."""
    received_on = timezone.localdate(received_at)
    recorded = set(case.anchor_events.values_list("kind", flat=True))
    if Anchor.REFERRAL_RECEIVED not in recorded:
        anchor_record(actor=actor, case=case, kind=Anchor.REFERRAL_RECEIVED,
                      occurred_on=received_on, occurred_at=received_at)
    if Anchor.BECAME_AWARE not in recorded:
        anchor_record(actor=actor, case=case, kind=Anchor.BECAME_AWARE,
                      occurred_on=received_on)


@transaction.atomic
def referral_submit(*, actor: User, referral: Referral) -> Case:
    """Submit once: a second submit (double click, back button) returns the same case."""
    # Locks in the one order (docs/decisions/0006): the case, then its referral.
    Case.objects.select_for_update(of=("self",)).get(pk=referral.case_id)
    referral = Referral.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=referral.pk)
    case = referral.case
    if case.stage != Stage.DRAFT:
        return case
    missing = referral_missing_answers(referral)
    if missing:
        raise CaseError(missing)
    now = timezone.now()
    case.reference = next_reference(case.partnership)
    case.media_monitoring = referral.request_type == Referral.RequestType.MEDIA_INTEREST
    case.save(update_fields=["reference", "media_monitoring"])
    case_stage_change(actor=actor, case=case, to_stage=Stage.REFERRED, note="Referral submitted")
    referral.submitted_at = now
    referral.save(update_fields=["submitted_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=referral,
                 detail={"submitted": True, "case": case.pk})
    anchor_record(actor=actor, case=case, kind=Anchor.INCIDENT,
                  occurred_on=case.incident.occurred_on,
                  responsible_agency=referral.referring_agency)
    deadline_meet(actor=actor, case=case, action=StepAction.REFERRAL_SUBMITTED, met_at=now)
    if reports_serious_incident(referral):
        clocks_start(actor=actor, case=case, received_at=now)
    if looked_after_child_died(case):
        anchor_record(actor=actor, case=case, kind=Anchor.LOOKED_AFTER_CHILD_DIED,
                      occurred_on=timezone.localdate(now))
    email_referral_received(referral)
    return case


@transaction.atomic
def referral_query_ask(*, actor: User, referral: Referral, question: str) -> ReferralQuery:
    """Ask the referrer for more; the case waits in 'more information requested'."""
    question = question.strip()
    if not question:
        raise CaseError({"question": "Enter what you need to know"})
    case = Case.objects.select_for_update(of=("self",)).get(pk=referral.case_id)
    query = ReferralQuery.objects.create(referral=referral, question=question, asked_by=actor)
    if case.stage != Stage.MORE_INFORMATION:
        case_stage_change(actor=actor, case=case, to_stage=Stage.MORE_INFORMATION,
                          note="Question for the referrer")
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=query,
                 partnership=case.partnership)
    email_referral_query(query)
    return query


@transaction.atomic
def referral_query_answer(*, actor: User, query: ReferralQuery, answer: str) -> ReferralQuery:
    """The referrer answers; when nothing is left open the case goes back where it was."""
    answer = answer.strip()
    if not answer:
        raise CaseError({"answer": "Enter your answer"})
    case = Case.objects.select_for_update(of=("self",)).get(pk=query.referral.case_id)
    query = ReferralQuery.objects.select_for_update(of=("self",)).select_related(
        "referral__case").get(pk=query.pk)
    if query.answered_at:
        raise CaseError("This question has already been answered")
    query.answer, query.answered_by, query.answered_at = answer, actor, timezone.now()
    query.save(update_fields=["answer", "answered_by", "answered_at"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=query,
                 partnership=case.partnership)
    still_open = query.referral.queries.filter(answered_at__isnull=True).exists()
    if case.stage == Stage.MORE_INFORMATION and not still_open:
        came_from = case.stage_changes.filter(to_stage=Stage.MORE_INFORMATION).last()
        back = came_from.from_stage if came_from and came_from.from_stage in (
            Stage.REFERRED, Stage.TRIAGE) else Stage.REFERRED
        case_stage_change(actor=actor, case=case, to_stage=back, note="Referrer answered")
    return query
