"""The LCSPR's terms of reference (seed 002 chapter 3): the questions framed from the key
lines of enquiry, scope, agencies, method, involvement of practitioners and family, the
communication lead, and links with criminal proceedings and the coroner. Every save is a
new version; a save against a version someone else replaced is refused (docs/decisions/
0006); the sub-group agrees a version, and only once all three statutory partners sit on
it."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from cases.documents import document_generate
from cases.models import CaseDocument
from cases.services import CaseError, EditConflict

from ..documents import terms_content
from ..models import Lcspr, LcsprTerms, LcsprTermsAgreement
from .subgroup import partners_missing

METHOD = ("The review will follow the principles of the systems methodology: it looks at "
          "frontline practice and at organisational structures and learning, seeks to "
          "understand why events happened as they did from the viewpoint of those involved "
          "at the time rather than with hindsight, and reaches recommendations that will "
          "improve outcomes for children.")
CHILD_PERSPECTIVE = ("The review will reflect the child's perspective and the family "
                     "context throughout: what life was like for the child, and what the "
                     "child would have seen, heard and needed from the agencies.")
TEXT_FIELDS = {
    "questions": "Enter the questions the review will answer",
    "method": "Enter the method of the review",
    "child_perspective": "Enter how the review will reflect the child's perspective",
    "practitioner_involvement": "Enter how practitioners will be involved",
    "family_involvement": "Enter how the family will be involved",
    "communications_lead": "Enter who leads communications about the review",
}
LABELS = {"questions": "Questions", "scope": "Scope period", "agencies": "Agencies in scope",
          "method": "Method", "child_perspective": "The child's perspective",
          "practitioner_involvement": "Practitioner involvement",
          "family_involvement": "Family involvement",
          "communications_lead": "Communication lead",
          "criminal_proceedings": "Criminal proceedings", "coroner": "Coroner"}


def terms_defaults(lcspr: Lcspr) -> dict:
    """A first draft: the questions from the key lines of enquiry, the rapid review's scope
    period and the agencies it asked, and the seed's method."""
    review = getattr(lcspr.case, "rapid_review", None)
    rr_terms = getattr(review, "terms_of_reference", None) if review else None
    agencies = (list(Agency.objects.filter(information_requests__review=review).distinct())
                if review else [])
    return {"questions": lcspr.key_lines_of_enquiry, "method": METHOD,
            "child_perspective": CHILD_PERSPECTIVE, "agencies": agencies,
            "scope_from": rr_terms.scope_from if rr_terms else None,
            "scope_to": rr_terms.scope_to if rr_terms else None}


def _day(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def terms_now(terms: LcsprTerms) -> list[tuple[str, str]]:
    """What the terms say, part by part, for the summary and an edit conflict."""
    return [
        (LABELS["questions"], terms.questions),
        (LABELS["scope"], f"{_day(terms.scope_from)} to {_day(terms.scope_to)}"),
        (LABELS["agencies"], ", ".join(a.name for a in terms.agencies.all())),
        *[(LABELS[f], getattr(terms, f)) for f in (
            "method", "child_perspective", "practitioner_involvement", "family_involvement",
            "communications_lead", "criminal_proceedings", "coroner")],
    ]


@transaction.atomic
def lcspr_terms_save(*, actor: User, lcspr: Lcspr, questions: str, scope_from: datetime.date,
                     scope_to: datetime.date, agencies: list[Agency], method: str,
                     child_perspective: str, practitioner_involvement: str,
                     family_involvement: str, communications_lead: str,
                     criminal_proceedings: str = "", coroner: str = "",
                     version: int | None = None) -> LcsprTerms:
    """Create or change the terms: each save is the next version, to be agreed again.
    ``version``: the one the form was read at (0 before there were terms)."""
    values = {"questions": questions, "method": method, "child_perspective": child_perspective,
              "practitioner_involvement": practitioner_involvement,
              "family_involvement": family_involvement,
              "communications_lead": communications_lead,
              "criminal_proceedings": criminal_proceedings, "coroner": coroner}
    values = {field: (value or "").strip() for field, value in values.items()}
    errors = {field: message for field, message in TEXT_FIELDS.items() if not values[field]}
    if scope_from is None:
        errors["scope_from"] = "Enter the date the scope period starts"
    if scope_to is None:
        errors["scope_to"] = "Enter the date the scope period ends"
    elif scope_from is not None and scope_to < scope_from:
        errors["scope_to"] = "The end of the scope period must be on or after its start"
    if errors:
        raise CaseError(errors)
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    terms = (LcsprTerms.objects.select_for_update(of=("self",)).select_related("updated_by")
             .filter(lcspr=lcspr).first())
    read = 0 if version is None else version
    if terms is not None and version is not None and read != terms.version:
        when = timezone.localtime(terms.updated_at)
        raise EditConflict(
            f"{terms.updated_by.full_name} saved version {terms.version} of the terms of "
            f"reference at {when:%H:%M} on {when:%-d %B %Y}, after you opened this page. "
            f"Yours has not been saved: read their version, then save again",
            who=terms.updated_by.full_name, when=terms.updated_at, theirs=terms_now(terms),
            current=terms.version)
    values.update(scope_from=scope_from, scope_to=scope_to, updated_by=actor)
    created = terms is None
    if created:
        terms = LcsprTerms.objects.create(lcspr=lcspr, version=1, **values)
    else:
        for field, value in values.items():
            setattr(terms, field, value)
        terms.version += 1
        terms.save()
    terms.agencies.set(agencies)
    terms.lcspr = lcspr
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=terms, partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "version": terms.version})
    return terms


@transaction.atomic
def lcspr_terms_agree(*, actor: User, terms: LcsprTerms, version: int,
                      agreed_on: datetime.date, agreed_by: str) -> LcsprTermsAgreement:
    """The sub-group agreed the version it read; refused until each statutory partner has a
    member on it."""
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=terms.lcspr_id)
    terms = LcsprTerms.objects.select_for_update(of=("self",)).get(pk=terms.pk)
    missing = partners_missing(lcspr)
    if missing:
        raise CaseError("The terms of reference cannot be agreed until the review sub-group "
                        "has a member for each statutory partner. Add a member for: "
                        + ", ".join(label.lower() for label in missing))
    errors = {}
    if not agreed_by.strip():
        errors["agreed_by"] = "Enter who agreed the terms for the sub-group"
    if agreed_on is None:
        errors["agreed_on"] = "Enter the date the sub-group agreed the terms"
    elif agreed_on > timezone.localdate():
        errors["agreed_on"] = "The date the terms were agreed must be today or in the past"
    if errors:
        raise CaseError(errors)
    if version != terms.version:
        raise CaseError(f"The terms of reference changed to version {terms.version} after you "
                        f"opened this page: read version {terms.version}, then record its "
                        f"agreement")
    try:
        with transaction.atomic():
            agreement = LcsprTermsAgreement.objects.create(
                terms=terms, version=version, agreed_on=agreed_on,
                agreed_by=agreed_by.strip(), recorded_by=actor)
    except IntegrityError:
        raise CaseError(f"Version {version} has already been agreed") from None
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=agreement,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "version": version})
    return agreement


def lcspr_terms_document(*, actor: User | None, terms: LcsprTerms) -> CaseDocument:
    """The terms as they stand, as DOCX and PDF (the same content is stored once)."""
    return document_generate(actor=actor, case=terms.lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_TERMS_OF_REFERENCE,
                             content=terms_content(terms))
