"""The rapid review report (seed 002 Appendix G), its assessment against the criteria, the
decision (seed 003 SRG-8) and the learning items, as the business unit drafts them.

Every saved edit raises ``ReviewReport.revision``, leaves a ``ReportRevision`` with what
the part now says, is audited, and tells the sign-off (``signoff.report_changed``) in the
same transaction: a version out for signature must not survive an edit.
"""

from __future__ import annotations

import datetime
import json

from django.db import transaction
from django.utils import timezone

from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, User
from cases.models import CaseDocument, DocumentDispatch
from cases.services import CaseError, EditConflict

from ..models import (
    AgencyReturn,
    InformationRequest,
    LearningItem,
    RapidReview,
    ReportRevision,
    ReviewMeeting,
    ReviewReport,
    TermsOfReference,
)
from ..report import ASSESSED_CRITERIA, HEADINGS, MET_CHOICES, MET_WORDS, SECTION_KEYS
from . import signoff
from .meetings import require_quorate

MAX_TEXT = 20_000
INTRODUCTION = (
    "This Rapid Review has been commissioned under the requirements set out in Working "
    "Together to Safeguard Children and the Child Safeguarding Practice Review Panel's "
    "practice guidance.\n\n"
    "It is intended to:\n"
    "· include a review of practice, application of procedure, analysis of risk and action "
    "taken;\n"
    "· identify any initial learning and where appropriate make recommendations for "
    "immediate action;\n"
    "· provide information to enable consideration against the criteria for a local or "
    "national Child Safeguarding Practice Review.")


def _date(value: datetime.date | None) -> str:
    return f"{value:%-d %B %Y}" if value else "not recorded"


# --- Starting the report from the record ---------------------------------------------------

def _partners_informed_on(review: RapidReview) -> datetime.date | None:
    """The first time the letter to the safeguarding partners (SCSI-2) was sent."""
    sent = (DocumentDispatch.objects.filter(document__case=review.case_id,
                                            document__kind=CaseDocument.Kind.PARTNER_LETTER)
            .order_by("sent_at").values_list("sent_at", flat=True).first())
    return timezone.localdate(sent) if sent else None


def _meeting_dates(review: RapidReview, terms: TermsOfReference | None) -> list[datetime.date]:
    held = list(ReviewMeeting.objects.filter(review=review).values_list("held_on", flat=True))
    if held:
        return sorted(set(held))
    return [datetime.date.fromisoformat(d) for d in (terms.meeting_dates if terms else [])]


def _methodology(review: RapidReview, terms: TermsOfReference | None, agencies: int) -> str:
    informed = _partners_informed_on(review)
    lines = [
        f"The local authority notified the National Child Safeguarding Practice Review Panel "
        f"on {_date(review.notification.notified_on)}, triggering a Rapid Review. "
        + (f"The partnership informed the safeguarding partners on {_date(informed)}."
           if informed else "The date the partnership informed the safeguarding partners "
                            "is not recorded yet."),
        "The following methodology for the Rapid Review was agreed:",
    ]
    steps = [f"· Information and chronologies were requested from {agencies} "
             f"{'agency' if agencies == 1 else 'agencies'}"
             + (f", to be returned by {_date(terms.returns_due_on)}."
                if terms and terms.returns_due_on else ".")]
    steps.append("· The business unit produced a combined (master) chronology of the "
                 "agencies' involvement.")
    dates = ", ".join(_date(d) for d in _meeting_dates(review, terms)) or "dates to be set"
    steps.append(f"· The rapid review group met on {dates} to complete the Rapid Review "
                 f"Report.")
    lines.append("\n".join(steps))
    members = list(terms.members.all()) if terms else []
    if members:
        lines.append("The members of the rapid review group:\n" + "\n".join(
            f"· {m.get_role_display()}: {m.name}"
            + (f" ({m.organisation})" if m.organisation else "") for m in members))
    lines.append("The senior representatives of the three safeguarding partners sign off the "
                 "final report and decision record.")
    return "\n\n".join(lines)


def _scope(terms: TermsOfReference | None) -> str:
    if terms is None or not (terms.scope_from or terms.scope_to):
        return "The terms of reference have not set the scope period yet."
    text = (f"It has been agreed by the partnership that the review will focus on the period "
            f"{_date(terms.scope_from)} to {_date(terms.scope_to)}.")
    if terms.earlier_history:
        text += ("\n\nPertinent history before this period is also included: "
                 + terms.earlier_history)
    return text


def _return_status(request: InformationRequest) -> str:
    agency_return = getattr(request, "agency_return", None)
    if agency_return is None or agency_return.status != AgencyReturn.Status.SUBMITTED:
        return "not returned yet"
    return "nil return (no involvement)" if agency_return.is_nil_return \
        else "returned information"


def _contributors(requests: list[InformationRequest], terms: TermsOfReference | None) -> str:
    lines = [f"· {r.agency.name}: {_return_status(r)}" for r in requests]
    if terms and terms.other_contributors:
        lines.append(terms.other_contributors)
    return "\n".join(lines) or "No agencies have been asked for information yet."


def _family(review: RapidReview) -> str:
    case = review.case
    lines = [f"{c.full_name}: the child (subject of the review), born {_date(c.date_of_birth)}"
             + (f", died {_date(c.date_of_death)}" if c.date_of_death else "")
             for c in case.children.order_by("pk")]
    lines += [f"{p.full_name}: {p.get_relationship_display().lower()}"
              for p in case.people.order_by("pk")]
    return "\n".join(lines)


def _incident(review: RapidReview) -> str:
    incident = getattr(review.case, "incident", None)
    if incident is None:
        return ""
    when = _date(incident.occurred_on)
    if incident.occurred_time:
        when += f" at {incident.occurred_time:%H:%M}"
    return f"Date: {when}\nPlace: {incident.place}\n\n{incident.description}"


def _by_agency(returns: list[AgencyReturn], field: str) -> str:
    return "\n\n".join(f"{r.request.agency.name}: {getattr(r, field).strip()}"
                       for r in returns if getattr(r, field).strip())


def report_prefill(review: RapidReview) -> dict[str, str]:
    """The sections the record can already write; the rest are left for the writer."""
    terms = (TermsOfReference.objects.filter(review=review)
             .prefetch_related("members").first())
    requests = list(InformationRequest.objects.filter(review=review)
                    .select_related("agency", "agency_return").order_by("agency__name"))
    returns = [r.agency_return for r in requests
               if getattr(r, "agency_return", None) is not None
               and r.agency_return.status == AgencyReturn.Status.SUBMITTED
               and not r.agency_return.is_nil_return]
    incident = getattr(review.case, "incident", None)
    sections = {
        "introduction": INTRODUCTION,
        "methodology": _methodology(review, terms, len(requests)),
        "scope": _scope(terms),
        "contributors": _contributors(requests, terms),
        "family_composition": _family(review),
        "incident": _incident(review),
        "worked_well": _by_agency(returns, "worked_well"),
        "worried_about": _by_agency(returns, "worried_about"),
        "learning_points": _by_agency(returns, "immediate_learning"),
        "initial_actions": (f"Actions taken to keep other children safe (from the referral): "
                            f"{incident.immediate_actions}"
                            if incident and incident.immediate_actions else ""),
    }
    return {key: sections.get(key, "") for key in SECTION_KEYS}


@transaction.atomic
def report_start(*, actor: User, review: RapidReview) -> ReviewReport:
    """Start the report pre-filled from the record (revision 1 keeps what was pre-filled)."""
    review = RapidReview.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "notification").get(pk=review.pk)
    if review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    if ReviewReport.objects.filter(review=review).exists():
        raise CaseError("The report has already been started")
    sections = report_prefill(review)
    report = ReviewReport.objects.create(review=review, sections=sections, revision=1,
                                         updated_by=actor)
    ReportRevision.objects.create(report=report, number=1, part="start",
                                  text=json.dumps(sections, indent=2, ensure_ascii=False),
                                  edited_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=report,
                 partnership=review.case.partnership,
                 detail={"case": review.case_id, "revision": 1})
    return report


# --- Edits ---------------------------------------------------------------------------------

def _editable(report: ReviewReport) -> ReviewReport:
    """The report locked for an edit: its row only, never the case's or the partnership's
    (docs/decisions/0006), so the other cases of the partnership go on meanwhile."""
    report = ReviewReport.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership").get(pk=report.pk)
    if report.review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    return report


def _refuse_if_changed(report: ReviewReport, *, part: str, revision: int | None, what: str,
                       theirs, field: str | None = None) -> None:
    """No lost update: a form read at ``revision`` may not overwrite what someone else saved
    of the same part since (a save of another part since does not matter). ``theirs()``
    says what the part says now."""
    if revision is None or revision >= report.revision:
        return
    newer = (report.revisions.filter(number__gt=revision, part=part)
             .select_related("edited_by").order_by("-number").first())
    if newer is None:
        return
    when = timezone.localtime(newer.edited_at)
    raise EditConflict(
        f"{newer.edited_by.full_name} saved {what} at {when:%H:%M} on {when:%-d %B %Y}, after "
        f"you opened this page. Yours has not been saved: read their change, then save again",
        field=field, who=newer.edited_by.full_name, when=newer.edited_at, theirs=theirs(),
        current=report.revision)


def _saved(*, actor: User, report: ReviewReport, part: str, text: str,
           fields: list[str]) -> ReviewReport:
    """One saved edit: the next revision, its history row, the audit, the sign-off."""
    report.revision += 1
    report.updated_by = actor
    report.save(update_fields=[*fields, "revision", "updated_by", "updated_at"])
    ReportRevision.objects.create(report=report, number=report.revision, part=part, text=text,
                                  edited_by=actor)
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=report,
                 partnership=report.review.case.partnership,
                 detail={"case": report.review.case_id, "part": part,
                         "revision": report.revision})
    # The version out for signature this edit voided, if any: the page says so.
    report.voided_version = signoff.report_changed(actor=actor, report=report)
    return report


def _too_long(text: str) -> bool:
    return len(text) > MAX_TEXT


def _assessment_now(report: ReviewReport) -> list[tuple[str, str]]:
    rows = []
    for code, _group, label in ASSESSED_CRITERIA:
        answer = report.criteria.get(code) or {}
        words = MET_WORDS.get(answer.get("met", ""), "Not assessed")
        evidence = answer.get("evidence", "")
        rows.append((label, f"{words}: {evidence}" if evidence else words))
    complex_now = {True: f"Yes: {report.complex_or_national_reason}", False: "No",
                   None: "Not assessed"}[report.may_be_complex_or_national]
    return [*rows, ("May the case be complex or of national importance?", complex_now)]


def _decision_now(report: ReviewReport) -> list[tuple[str, str]]:
    meeting = report.decision_meeting
    return [(label, value) for label, value in (
        ("Decision", report.get_decision_display() or "Not recorded"),
        ("Meeting", f"{meeting.held_on:%-d %B %Y}" if meeting else "Not recorded"),
        ("Key lines of enquiry", report.key_lines_of_enquiry),
        ("Why no further learning is expected", report.no_further_learning_reason),
        ("How the learning will be disseminated", report.dissemination)) if value]


@transaction.atomic
def report_section_save(*, actor: User, report: ReviewReport, key: str, text: str,
                        revision: int | None = None) -> ReviewReport:
    """Save one heading's text. Saving it unchanged is not an edit (no new revision).
    ``revision``: the report's when the form was read (see ``_refuse_if_changed``)."""
    if key not in HEADINGS:
        raise CaseError({"key": "Choose a heading of the report"})
    report = _editable(report)
    text = text.strip()
    if _too_long(text):
        raise CaseError({"text": f"{HEADINGS[key]} must be {MAX_TEXT:,} characters or fewer"})
    if report.sections.get(key, "") == text:
        return report
    _refuse_if_changed(report, part=key, revision=revision, field="text",
                       what=f"{HEADINGS[key][0].lower()}{HEADINGS[key][1:]}",
                       theirs=lambda: [(HEADINGS[key], report.sections.get(key, ""))])
    report.sections = {**report.sections, key: text}
    return _saved(actor=actor, report=report, part=key, text=text, fields=["sections"])


@transaction.atomic
def report_assessment_save(*, actor: User, report: ReviewReport, criteria: dict,
                           may_be_complex_or_national: bool | None,
                           reason: str, revision: int | None = None) -> ReviewReport:
    """The assessment against each criterion: ``criteria`` maps a code to
    ``{"met": "yes" | "no" | "not_known", "evidence": str}``. Every criterion needs an
    answer, and a criterion found met needs its evidence. Errors are keyed
    ``<code>_met`` and ``<code>_evidence``. ``revision``: as for a section."""
    report = _editable(report)
    _refuse_if_changed(report, part="assessment", revision=revision, what="the assessment",
                       theirs=lambda: _assessment_now(report))
    errors = {}
    values = {}
    met_values = {value for value, _label in MET_CHOICES}
    unknown = set(criteria) - {code for code, _group, _label in ASSESSED_CRITERIA}
    if unknown:
        raise CaseError(f"Unknown criteria: {', '.join(sorted(unknown))}")
    for code, _group, label in ASSESSED_CRITERIA:
        answer = criteria.get(code) or {}
        met = answer.get("met") or ""
        evidence = (answer.get("evidence") or "").strip()
        short = label[0].lower() + label[1:]
        if met not in met_values:
            errors[f"{code}_met"] = f"Select yes, no or not known for: {short}"
        elif met == "yes" and not evidence:
            errors[f"{code}_evidence"] = f"Enter the evidence that this is met: {short}"
        if _too_long(evidence):
            errors[f"{code}_evidence"] = f"The evidence must be {MAX_TEXT:,} characters or fewer"
        values[code] = {"met": met, "evidence": evidence}
    reason = reason.strip()
    if may_be_complex_or_national is None:
        errors["may_be_complex_or_national"] = (
            "Select whether the case may be complex or of national importance")
    elif may_be_complex_or_national and not reason:
        errors["complex_or_national_reason"] = (
            "Enter why the case may be complex or of national importance")
    if errors:
        raise CaseError(errors)
    report.criteria = values
    report.may_be_complex_or_national = may_be_complex_or_national
    report.complex_or_national_reason = reason if may_be_complex_or_national else ""
    text = json.dumps({"criteria": values,
                       "may_be_complex_or_national": may_be_complex_or_national,
                       "complex_or_national_reason": report.complex_or_national_reason},
                      indent=2, ensure_ascii=False)
    return _saved(actor=actor, report=report, part="assessment", text=text,
                  fields=["criteria", "may_be_complex_or_national",
                          "complex_or_national_reason"])


@transaction.atomic
def report_decision_record(*, actor: User, report: ReviewReport, decision: str,
                           meeting: ReviewMeeting | None, key_lines_of_enquiry: str = "",
                           no_further_learning_reason: str = "",
                           dissemination: str = "", revision: int | None = None
                           ) -> ReviewReport:
    """The group's decision, made at a quorate meeting that took place (seed 004 §4.6):
    a local CSPR needs its key lines of enquiry; no further review needs why no further
    learning is expected and how the learning found will be shared. ``revision``: as for a
    section."""
    report = _editable(report)
    _refuse_if_changed(report, part="decision", revision=revision, what="the decision",
                       theirs=lambda: _decision_now(report))
    Decision = ReviewReport.Decision
    key_lines = key_lines_of_enquiry.strip()
    no_learning = no_further_learning_reason.strip()
    shared = dissemination.strip()
    errors = {}
    if decision not in Decision.values:
        errors["decision"] = "Select the decision"
    elif decision == Decision.LOCAL_CSPR and not key_lines:
        errors["key_lines_of_enquiry"] = (
            "Enter the key lines of enquiry (the questions for the local review)")
    elif decision == Decision.NO_FURTHER_REVIEW:
        if not no_learning:
            errors["no_further_learning_reason"] = (
                "Enter why no further learning is expected from a review")
        if not shared:
            errors["dissemination"] = (
                "Enter how the learning already found will be disseminated")
    if any(_too_long(t) for t in (key_lines, no_learning, shared)):
        errors.setdefault("decision", f"Each answer must be {MAX_TEXT:,} characters or fewer")
    if meeting is None:
        errors["meeting"] = "Select the meeting that made the decision"
    elif meeting.review_id != report.review_id:
        errors["meeting"] = "Select a meeting of this rapid review"
    else:
        try:
            require_quorate(meeting)
        except CaseError as refused:
            errors["meeting"] = " ".join(refused.messages)
    if not report.criteria:
        errors.setdefault("decision", "Record the assessment against the criteria before the "
                                      "decision")
    if errors:
        raise CaseError(errors)
    report.decision = decision
    report.decision_meeting = meeting
    report.key_lines_of_enquiry = key_lines if decision == Decision.LOCAL_CSPR else ""
    report.no_further_learning_reason = no_learning \
        if decision == Decision.NO_FURTHER_REVIEW else ""
    report.dissemination = shared if decision == Decision.NO_FURTHER_REVIEW else ""
    report.decided_at = timezone.now()
    report.decided_by = actor
    text = json.dumps({"decision": decision, "meeting": meeting.pk,
                       "meeting_held_on": meeting.held_on.isoformat(),
                       "key_lines_of_enquiry": report.key_lines_of_enquiry,
                       "no_further_learning_reason": report.no_further_learning_reason,
                       "dissemination": report.dissemination},
                      indent=2, ensure_ascii=False)
    return _saved(actor=actor, report=report, part="decision", text=text,
                  fields=["decision", "decision_meeting", "key_lines_of_enquiry",
                          "no_further_learning_reason", "dissemination", "decided_at",
                          "decided_by"])


def _learning_text(report: ReviewReport) -> str:
    return json.dumps([
        {"kind": i.kind, "text": i.text, "owner": i.owner,
         "agency": i.agency.name if i.agency else "",
         "due_on": i.due_on.isoformat() if i.due_on else None}
        for i in report.learning_items.select_related("agency").order_by("kind", "id")],
        indent=2, ensure_ascii=False)


@transaction.atomic
def learning_item_add(*, actor: User, report: ReviewReport, kind: str, text: str,
                      owner: str = "", agency: Agency | None = None,
                      due_on: datetime.date | None = None, form_token=None) -> LearningItem:
    """A provisional learning point or an initial action, which an action plan can take up.
    The same form posted twice adds it once."""
    report = _editable(report)
    earlier = LearningItem.objects.filter(form_token=form_token, report=report).first() \
        if form_token else None
    if earlier is not None:
        return earlier
    text, owner = text.strip(), owner.strip()
    errors = {}
    if kind not in LearningItem.Kind.values:
        errors["kind"] = "Select whether this is a learning point or an initial action"
    if not text:
        errors["text"] = ("Enter the initial action" if kind == LearningItem.Kind.IMMEDIATE_ACTION
                          else "Enter the learning point")
    elif _too_long(text):
        errors["text"] = f"The text must be {MAX_TEXT:,} characters or fewer"
    if agency is not None and not agency.partnerships.filter(
            pk=report.review.case.partnership_id).exists():
        errors["agency"] = "Select an agency in the partnership's directory"
    if due_on is not None and due_on < report.review.started_on:
        errors["due_on"] = (f"The due date must be on or after the day the Panel was notified "
                            f"({report.review.started_on:%-d %B %Y})")
    if errors:
        raise CaseError(errors)
    item = LearningItem.objects.create(report=report, kind=kind, text=text, owner=owner,
                                       agency=agency, due_on=due_on, created_by=actor,
                                       form_token=form_token)
    _saved(actor=actor, report=report, part="learning_items", text=_learning_text(report),
           fields=[])
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=item,
                 partnership=report.review.case.partnership,
                 detail={"case": report.review.case_id, "kind": kind})
    return item


@transaction.atomic
def learning_item_remove(*, actor: User, item: LearningItem) -> ReviewReport:
    """Removing one already removed (by someone else, or a double click) does nothing."""
    report = _editable(item.report)
    if not LearningItem.objects.filter(pk=item.pk).exists():
        return report
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=item,
                 partnership=report.review.case.partnership,
                 detail={"case": report.review.case_id, "kind": item.kind})
    item.delete()
    return _saved(actor=actor, report=report, part="learning_items",
                  text=_learning_text(report), fields=[])
