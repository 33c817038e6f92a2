"""The rapid review's terms of reference (seed 002 Appendix E): set by the business unit,
agreed by each of the three safeguarding partners for one version.

Every change raises the version, so agreements given to an earlier version no longer
count and the partners must agree again.
"""

from __future__ import annotations

import datetime
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, StatutoryPartner, User
from calendars.models import StepAction
from calendars.services import calendar_for, deadline_meet
from calendars.working_days import add_working_days
from cases.documents import document_generate
from cases.models import CaseDocument, Child, Person
from cases.services import CaseError, EditConflict

from ..documents.terms import terms_content
from ..models import RapidReview, TermsAgreement, TermsMember, TermsOfReference
from ..selectors.terms import requested_returns_due

# Returns due 5 working days after the requests, which go 2 working days after the
# notification (seed 003 flowchart 2: requests on day 2, returns on day 7).
RETURNS_DUE_WORKING_DAYS = 2 + 5


def terms_document_refresh(*, actor: User | None, review: RapidReview) -> None:
    """Make the terms document again once the caller commits, when what it shows from
    elsewhere changed (the agencies asked and their return date): the same terms version,
    so no agreement is needed again."""
    terms = TermsOfReference.objects.filter(review=review).only("pk").first()
    if terms is not None:
        transaction.on_commit(partial(_document_now, actor.pk if actor else None, terms.pk),
                              robust=True)


def terms_defaults(review: RapidReview) -> dict:
    """What a new terms of reference starts with: the notification's children, and the
    returns due date of the information requests already sent (the latest), else day 7."""
    returns_due = requested_returns_due(review) or add_working_days(
        review.started_on, RETURNS_DUE_WORKING_DAYS, calendar_for(review.case.partnership_id))
    return {"children": list(review.notification.children.all()),
            "returns_due_on": returns_due}


def _check_running(review: RapidReview) -> None:
    if review.stopped_on:
        raise CaseError("This rapid review has been stopped: its terms of reference can no "
                        "longer change")


def _new_version(actor: User, terms: TermsOfReference) -> None:
    """An edit: the next version, stored as a document, and agreements needed again."""
    terms.version += 1
    terms.updated_by = actor
    terms.save(update_fields=["version", "updated_by", "updated_at"])
    _document_after_commit(actor, terms)


def _document_after_commit(actor: User, terms: TermsOfReference) -> None:
    """Store the terms as a document once the change commits, outside its locks (rendering
    takes seconds). A failure leaves the change saved; the next change, agreement or
    submission pack makes the document."""
    transaction.on_commit(partial(_document_now, actor.pk, terms.pk), robust=True)


def _document_now(actor_id: int | None, terms_id: int) -> None:
    terms = TermsOfReference.objects.select_related("review__case__partnership").get(
        pk=terms_id)
    terms_document(actor=User.objects.filter(pk=actor_id).first() if actor_id else None,
                   terms=terms)


def _day(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "Not set"


def _terms_now(terms: TermsOfReference) -> list[tuple[str, str]]:
    """What the terms of reference say now, for someone whose save they refused."""
    return [
        ("Children in scope", ", ".join(c.full_name for c in terms.children.all())),
        ("Significant others in scope",
         ", ".join(p.full_name for p in terms.people.all()) or "None"),
        ("Scope period", f"{_day(terms.scope_from)} to {_day(terms.scope_to)}"),
        ("Pertinent history before the scope period", terms.earlier_history),
        ("Other contributors", terms.other_contributors),
        ("Rapid review meeting dates", ", ".join(
            _day(datetime.date.fromisoformat(d)) for d in terms.meeting_dates)),
        ("Agencies' returns due", _day(terms.returns_due_on)),
        ("Members of the rapid review group", ", ".join(
            f"{m.name} ({m.get_role_display()})" for m in terms.members.all()) or "None"),
    ]


@transaction.atomic
def terms_save(*, actor: User, review: RapidReview, children: list[Child],
               people: list[Person], scope_from: datetime.date | None,
               scope_to: datetime.date | None, earlier_history: str = "",
               other_contributors: str = "", meeting_dates: list[datetime.date],
               returns_due_on: datetime.date | None,
               version: int | None = None) -> TermsOfReference:
    """Create or change the terms of reference; a change is a new version to agree.
    ``version``: the one the form was read at (0 before there were any terms); a save
    against an older one is refused, so a change made meanwhile is never overwritten."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=review.pk)
    _check_running(review)
    errors = {}
    if not children:
        errors["children"] = "Select the children the review is about"
    elif any(child.case_id != review.case_id for child in children):
        errors["children"] = "Select children of this case"
    if any(person.case_id != review.case_id for person in people):
        errors["people"] = "Select people of this case"
    if not scope_from:
        errors["scope_from"] = "Enter the date the scope period starts"
    if not scope_to:
        errors["scope_to"] = "Enter the date the scope period ends"
    elif scope_from and scope_to < scope_from:
        errors["scope_to"] = "The end of the scope period must be the same as or after its start"
    meeting_dates = sorted({d for d in meeting_dates if d})
    if not meeting_dates:
        errors["meeting_dates"] = "Enter the date of at least one rapid review meeting"
    elif meeting_dates[0] < review.started_on:
        errors["meeting_dates"] = "Meeting dates must be on or after the date the Panel " \
                                  "was notified"
    requested = requested_returns_due(review)
    if requested is not None:
        # The requests' own date stands: it is computed (and moved) by the calendar.
        returns_due_on = requested
    elif not returns_due_on:
        errors["returns_due_on"] = "Enter the date agencies' returns are due"
    elif returns_due_on < review.started_on:
        errors["returns_due_on"] = "The returns due date must be on or after the date the " \
                                   "Panel was notified"
    if errors:
        raise CaseError(errors)
    values = {"scope_from": scope_from, "scope_to": scope_to,
              "earlier_history": earlier_history.strip(),
              "other_contributors": other_contributors.strip(),
              "meeting_dates": [d.isoformat() for d in meeting_dates],
              "returns_due_on": returns_due_on}
    terms = TermsOfReference.objects.select_for_update(of=("self",)).select_related(
        "updated_by").filter(review=review).first()
    if terms is not None and version is not None and version != terms.version:
        when = timezone.localtime(terms.updated_at)
        raise EditConflict(
            f"{terms.updated_by.full_name} saved version {terms.version} of the terms of "
            f"reference at {when:%H:%M} on {when:%-d %B %Y}, after you opened this page. "
            f"Yours has not been saved: read their version, then save again",
            who=terms.updated_by.full_name, when=terms.updated_at, theirs=_terms_now(terms),
            current=terms.version)
    created = terms is None
    if created:
        terms = TermsOfReference.objects.create(review=review, updated_by=actor, version=1,
                                                **values)
    else:
        for field, value in values.items():
            setattr(terms, field, value)
        terms.version += 1
        terms.updated_by = actor
        terms.save()
    terms.children.set(children)
    terms.people.set(people)
    audit_record(action=AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
                 actor=actor, obj=terms, partnership=review.case.partnership,
                 detail={"case": review.case_id, "version": terms.version})
    _document_after_commit(actor, terms)
    return terms


@transaction.atomic
def terms_member_add(*, actor: User, terms: TermsOfReference, role: str, name: str,
                     organisation: str = "") -> TermsMember:
    terms = TermsOfReference.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=terms.pk)
    _check_running(terms.review)
    errors = {}
    if role not in TermsMember.Role.values:
        errors["role"] = "Select the member's role"
    if not name.strip():
        errors["name"] = "Enter the member's name"
    if errors:
        raise CaseError(errors)
    member = TermsMember.objects.create(terms=terms, role=role, name=name.strip(),
                                        organisation=organisation.strip())
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=member,
                 partnership=terms.review.case.partnership,
                 detail={"case": terms.review.case_id, "role": role})
    _new_version(actor, terms)
    return member


@transaction.atomic
def terms_member_remove(*, actor: User, member: TermsMember) -> None:
    terms = TermsOfReference.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=member.terms_id)
    _check_running(terms.review)
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=member,
                 partnership=terms.review.case.partnership,
                 detail={"case": terms.review.case_id, "role": member.role})
    member.delete()
    _new_version(actor, terms)


@transaction.atomic
def terms_agree(*, actor: User, terms: TermsOfReference, version: int) -> TermsAgreement:
    """A partner representative agrees the version they read, for their own partner only."""
    terms = TermsOfReference.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=terms.pk)
    if not rules.can_agree_terms(actor, terms):
        raise CaseError("Only a safeguarding partner representative can agree the terms of "
                        "reference while the rapid review is running")
    partner = rules.partner_represented_by(actor, terms.review.case.partnership)
    if version != terms.version:
        raise CaseError(f"The terms of reference have changed since you opened them: read "
                        f"version {terms.version} and agree it")
    label = StatutoryPartner(partner).label
    if terms.agreements.filter(version=version, partner=partner).exists():
        raise CaseError(f"The {label.lower()} has already agreed version {version}")
    try:
        with transaction.atomic():
            agreement = TermsAgreement.objects.create(terms=terms, version=version,
                                                      partner=partner, agreed_by=actor)
    except IntegrityError:
        raise CaseError(f"The {label.lower()} has already agreed version {version}") from None
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=agreement,
                 partnership=terms.review.case.partnership,
                 detail={"case": terms.review.case_id, "version": version,
                         "partner": partner})
    _document_after_commit(actor, terms)  # its approval table lists the agreements
    agreed = set(terms.agreements.filter(version=version).values_list("partner", flat=True))
    if agreed == set(StatutoryPartner.values):
        deadline_meet(actor=actor, case=terms.review.case, action=StepAction.TERMS_AGREED)
    return agreement


def terms_document(*, actor: User | None, terms: TermsOfReference) -> CaseDocument:
    """The current version as DOCX and PDF, stored; downloads serve the stored version."""
    return document_generate(actor=actor, case=terms.review.case,
                             kind=CaseDocument.Kind.TERMS_OF_REFERENCE,
                             content=terms_content(terms), related_key="")
