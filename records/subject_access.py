"""Subject access (UK GDPR Article 15; checklist item 29): find a child or a relative by
name, and export every record the partnership holds that is linked to them, with who
accessed their cases, as one ZIP of CSV files and a readable summary.

The name is posted, never put in an address; the export is made for the request and
stored nowhere; its audit event counts the records and names the cases and records by id,
never the person (docs/decisions/0019-records-management.md).
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import BinaryIO

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, Partnership, User
from cases.models import (
    Case,
    CaseDocument,
    CaseStageChange,
    Child,
    Person,
    ReferralQuery,
    Stage,
    TriageDecision,
)
from dashboards.audit import describe
from lcspr.models import FamilyMember
from notifications.models import PanelNotification
from rapid_review.chronology_io import neutralise
from rapid_review.models import ChronologyEntry, InformationRequest

from .subject_access_records import held_files, other_records, record_kinds

MAX_MATCHES = 50
AUDIT_CHUNK = 2000


@dataclass(frozen=True)
class Match:
    """A record of a child or a relative on one case, as the search lists it."""

    key: str  # "child:12" or "person:7": what the export form posts back
    full_name: str
    date_of_birth: datetime.date | None
    recorded_as: str
    reference: str


def _cases(user: User, partnership: Partnership) -> QuerySet[Case]:
    """The partnership's referred cases; a draft is the referring agency's own, not yet
    the partnership's record."""
    if not rules.can_export_subject_access(user, partnership):
        return Case.objects.none()
    return Case.objects.filter(partnership=partnership).exclude(stage=Stage.DRAFT)


def subject_search(user: User, partnership: Partnership, *, name: str,
                   date_of_birth: datetime.date | None = None) -> list[Match]:
    """Children and relatives whose name holds every word typed (and born on the date, if
    given), across the partnership's cases: each case's record listed on its own, for the
    person answering the request to say which are the same person."""
    words = name.split()
    if not words:
        return []
    cases = _cases(user, partnership)
    matches = []
    for model in (Child, Person):
        found = model.objects.filter(case__in=cases)
        for word in words:
            found = found.filter(full_name__icontains=word)
        if date_of_birth:
            found = found.filter(date_of_birth=date_of_birth)
        for record in found.select_related("case").order_by("full_name", "pk")[:MAX_MATCHES]:
            recorded_as = ("Child" if model is Child
                           else record.get_relationship_display())
            matches.append(Match(f"{model._meta.model_name}:{record.pk}", record.full_name,
                                 record.date_of_birth, recorded_as, record.case.reference))
    return sorted(matches, key=lambda m: (m.full_name.casefold(), m.reference))[:MAX_MATCHES]


@dataclass
class Subjects:
    """The records chosen as one person's, and their cases."""

    children: list[Child] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @property
    def case_ids(self) -> list[int]:
        return sorted({r.case_id for r in [*self.children, *self.people]})


def subjects_chosen(user: User, partnership: Partnership, keys: Iterable[str]) -> Subjects:
    """The records posted back, each checked to be of the partnership: anything else (another
    partnership's, a draft's, made up) is a 404, as a page for it would be."""
    wanted: dict[str, set[int]] = {"child": set(), "person": set()}
    for key in keys:
        kind, _, pk = key.partition(":")
        if kind not in wanted or not pk.isdigit():
            raise Http404
        wanted[kind].add(int(pk))
    cases = _cases(user, partnership)
    subjects = Subjects(
        children=list(Child.objects.filter(case__in=cases, pk__in=wanted["child"])
                      .select_related("case")),
        people=list(Person.objects.filter(case__in=cases, pk__in=wanted["person"])
                    .select_related("case")))
    if len(subjects.children) != len(wanted["child"]) or \
            len(subjects.people) != len(wanted["person"]):
        raise Http404
    return subjects


# The export ------------------------------------------------------------------------------

def _d(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


class _Sheet:
    """One CSV file of the export: a header and rows, every cell safe to open in a
    spreadsheet (a leading = + - @ is text, never a formula)."""

    def __init__(self, name: str, title: str, header: list[str]):
        self.name, self.title = name, title
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer)
        self.writer.writerow(header)
        self.rows = 0

    def add(self, *cells) -> None:
        self.writer.writerow([neutralise(c if isinstance(c, str) else _d(c)) for c in cells])
        self.rows += 1


def _named(people: list[Person], *fields: str) -> Q:
    """Rows whose ``fields`` name one of the relatives chosen (none: no row)."""
    q = Q(pk__in=[])
    for person in people:
        for name in fields:
            q |= Q(**{f"{name}__icontains": person.full_name})
    return q


def _access_events(partnership: Partnership, subjects: Subjects) -> QuerySet[AuditEvent]:
    """Every event of the partnership's trail about the cases, or the records chosen."""
    ids = subjects.case_ids
    about = (Q(object_type="cases.case", object_id__in=[str(pk) for pk in ids])
             | Q(detail__case__in=ids)
             | Q(object_type="cases.child", object_id__in=[str(c.pk) for c in subjects.children])
             | Q(object_type="cases.person", object_id__in=[str(p.pk) for p in subjects.people]))
    return (AuditEvent.objects.filter(partnership=partnership).filter(about)
            .select_related("actor").order_by("id"))


def _sheets(partnership: Partnership, subjects: Subjects) -> list[_Sheet]:
    ids = subjects.case_ids
    cases = list(Case.objects.filter(pk__in=ids).select_related(
        "incident", "referral__referring_agency", "referral__referrer").order_by("reference"))
    reference = {c.pk: c.reference for c in cases}

    person = _Sheet("01-the-person.csv", "The person's details, as recorded on each case", [
        "Case", "Recorded as", "Full name", "Date of birth", "Date of death", "Gender",
        "Ethnicity", "Disability", "Address", "NHS number", "Education", "Legal status",
        "Protection plan from", "Protection plan category", "Other services"])
    for c in subjects.children:
        person.add(reference[c.case_id], "Child", c.full_name, c.date_of_birth,
                   c.date_of_death, c.get_gender_display(), c.ethnicity, c.disability,
                   c.address, c.nhs_number, c.education_provision, c.get_legal_status_display(),
                   c.protection_plan_start, c.get_protection_plan_category_display(),
                   c.other_services)
    for p in subjects.people:
        person.add(reference[p.case_id], p.get_relationship_display(), p.full_name,
                   p.date_of_birth, None, "", "", "", p.address, p.nhs_number, "", "", None,
                   "", "")

    case_sheet = _Sheet("02-cases.csv", "The cases they are on, and the incident", [
        "Case", "Stage", "Pathway", "Opened", "Stage since", "Incident date", "Place",
        "What happened", "Immediate actions", "Harm", "Abuse or neglect", "Characteristics"])
    referral_sheet = _Sheet("03-referrals.csv", "The referrals", [
        "Case", "Referring agency", "Referred by", "Submitted", "Request", "Reason",
        "Lead officer", "Lead officer's role"])
    for c in cases:
        incident = getattr(c, "incident", None)
        case_sheet.add(c.reference, c.get_stage_display(), c.get_pathway_display(), c.created_at,
                       c.stage_changed_at, incident and incident.occurred_on,
                       incident.place if incident else "",
                       incident.description if incident else "",
                       incident.immediate_actions if incident else "",
                       incident.get_harm_display() if incident else "",
                       incident.get_concern_display() if incident else "",
                       "; ".join(incident.characteristic_labels()) if incident else "")
        referral = getattr(c, "referral", None)
        if referral is not None:
            referral_sheet.add(c.reference, referral.referring_agency.name,
                               referral.referrer.full_name, referral.submitted_at,
                               referral.get_request_type_display(), referral.reason,
                               referral.lead_officer_name, referral.lead_officer_role)

    history = _Sheet("04-case-history.csv", "Stage changes, triage decisions, questions to "
                     "the referrer and the Panel's notification",
                     ["Case", "When", "What", "By", "Note or rationale"])
    for change in (CaseStageChange.objects.filter(case_id__in=ids)
                   .select_related("changed_by").order_by("case_id", "changed_at", "id")):
        history.add(reference[change.case_id], change.changed_at,
                    f"Moved to {change.get_to_stage_display().lower()}",
                    change.changed_by.full_name if change.changed_by else "The service",
                    change.note)
    for decision in (TriageDecision.objects.filter(case_id__in=ids)
                     .select_related("decided_by").order_by("case_id", "decided_at", "id")):
        history.add(reference[decision.case_id], decision.decided_at,
                    f"Triage decision: {decision.get_decision_display()}",
                    decision.decided_by.full_name, decision.rationale)
    for query in (ReferralQuery.objects.filter(referral__case_id__in=ids)
                  .select_related("referral", "asked_by").order_by("asked_at", "id")):
        history.add(reference[query.referral.case_id], query.asked_at,
                    "Question to the referrer", query.asked_by.full_name,
                    f"{query.question}\nAnswer: {query.answer or 'not answered yet'}")

    for notice in (PanelNotification.objects.filter(case_id__in=ids)
                   .order_by("case_id")):
        history.add(reference[notice.case_id], notice.notified_on,
                    "The National Panel was notified"
                    + (f" (its reference {notice.panel_reference})"
                       if notice.panel_reference else ""), notice.notified_by,
                    notice.late_reason)

    requests = _Sheet("05-information-requests.csv", "Information requested from agencies "
                      "and their returns", [
                          "Case", "Agency", "Why asked", "Sent", "Return", "Submitted",
                          "Nil return reason", "Involved with", "Services", "Summary",
                          "Further answers", "Worked well", "Worried about",
                          "Immediate learning"])
    for r in (InformationRequest.objects.filter(review__case_id__in=ids)
              .select_related("agency", "review", "agency_return").order_by("sent_at", "id")):
        answer = getattr(r, "agency_return", None)
        requests.add(reference[r.review.case_id], r.agency.name, r.get_reason_display(),
                     r.sent_at, answer.get_status_display() if answer else "Not started",
                     answer and answer.submitted_at, answer.nil_reason if answer else "",
                     *[getattr(answer, f, "") if answer else "" for f in (
                         "involved_with", "services", "summary", "further_answers",
                         "worked_well", "worried_about", "immediate_learning")])

    chronology = _Sheet("06-chronology.csv", "Chronology entries: every entry of a child's "
                        "case, and those naming a relative chosen", [
                            "Case", "Agency", "Date", "Subjects", "Type of contact",
                            "By whom", "Details", "Comments"])
    child_cases = {c.case_id for c in subjects.children}
    entries = ChronologyEntry.objects.filter(
        Q(review__case_id__in=child_cases)
        | (Q(review__case_id__in=ids) & _named(subjects.people, "subjects", "details")))
    for e in entries.select_related("agency", "review").order_by("review_id", "date", "id"):
        chronology.add(reference[e.review.case_id], e.agency.name, e.date, e.subjects,
                       e.contact_type, e.by_whom, e.details, e.comments)

    documents = _Sheet("07-documents.csv", "Documents made on their cases (each version is "
                       "in the files folder)", [
                           "Case", "Document", "Version", "Made", "SHA-256 of the Word file"])
    for doc in CaseDocument.objects.filter(case_id__in=ids).order_by("case_id", "kind",
                                                                      "version"):
        documents.add(reference[doc.case_id], doc.title, doc.version, doc.created_at,
                      doc.docx_sha256)

    access = _Sheet("08-who-accessed.csv", "Who viewed, changed or downloaded their "
                    "records, from the audit trail", [
                        "When", "Who", "What", "Address", "Request"])
    events, last = _access_events(partnership, subjects), 0
    while chunk := list(events.filter(id__gt=last)[:AUDIT_CHUNK]):  # a chunk at a time
        for line in describe(chunk):
            access.add(line.event.occurred_at, line.who, line.what,
                       line.event.ip_address or "", line.event.request_id)
        last = chunk[-1].id
    family = _Sheet("09-review-family-involvement.csv", "A relative's involvement in a "
                    "local review of the case, found by their name", [
                        "Case", "Name", "Relationship", "Told of the review",
                        "Contact agreed", "Contact arranged", "Contributed", "How",
                        "Told the findings", "Declined", "Note"])
    for member in (FamilyMember.objects.filter(lcspr__case_id__in=ids)
                   .filter(_named(subjects.people, "name"))
                   .select_related("lcspr").order_by("lcspr__case_id", "pk")):
        family.add(reference[member.lcspr.case_id], member.name,
                   member.get_relationship_display(), member.notified_on,
                   member.contact_agreed_on, member.contact_arrangement, member.contribution_on,
                   member.get_contribution_display(), member.feedback_on, member.declined_on,
                   member.declined_note)
    sheets = [person, case_sheet, referral_sheet, history, requests, chronology, documents,
              access, family]
    whole = {c.case_id for c in subjects.children}
    for kind in record_kinds():
        header, rows = other_records(kind, whole_cases=whole, named_cases=set(ids) - whole,
                                     names=[p.full_name for p in subjects.people])
        sheet = _Sheet(f"{len(sheets) + 1:02d}-{kind.file_name}", kind.title, header)
        for row in rows:
            sheet.add(*row)
        if sheet.rows:  # a kind of record the cases do not have is left out
            sheets.append(sheet)
    return sheets


def _summary(partnership: Partnership, actor: User, sheets: list[_Sheet],
             references: list[str], attached: int) -> str:
    made = timezone.localtime()
    lines = [
        f"Subject access export: {partnership.name}",
        f"Made on {made:%d %B %Y at %H:%M} by {actor.full_name}.",
        "",
        f"The person's records on {len(references)} case(s): {', '.join(references)}.",
        "",
        "What each file holds (rows):",
        *[f"- {s.name}: {s.title} ({s.rows})" for s in sheets],
        "",
        "Before anything is disclosed, check every file for other people's information",
        "(relatives, practitioners, other children) and redact what the law requires.",
        "A referral an agency is still drafting is that agency's, not the partnership's,",
        "and is not in this export.",
        "",
        f"The files folder holds every file kept on the cases ({attached}): each version",
        "of every document made from the record, agencies' attachments, evidence of actions",
        "and reviewers' drafts. On a case where only a relative was chosen, the records",
        "are those naming them, but the files are all the case's: read them for the",
        "person's name.",
        "",
        "The request must be answered within one month of receiving it.",
    ]
    return "\n".join(lines) + "\n"


def subject_access_export(*, actor: User, partnership: Partnership, subjects: Subjects,
                          out: BinaryIO) -> int:
    """Write the ZIP to ``out`` (a temporary file: the files can be large) and return how
    many records it holds; audited (a download, with counts and ids, never the name)."""
    sheets = _sheets(partnership, subjects)
    references = list(Case.objects.filter(pk__in=subjects.case_ids).order_by("reference")
                      .values_list("reference", flat=True))
    records = sum(s.rows for s in sheets)
    attached = 0
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for sheet in sheets:
            # A byte-order mark, so a spreadsheet opens the file as UTF-8.
            archive.writestr(sheet.name, "\ufeff" + sheet.buffer.getvalue())
        for held in held_files(subjects.case_ids):
            archive.writestr(held.path, held.data)
            attached += 1
        archive.writestr("00-summary.txt", _summary(partnership, actor, sheets, references,
                                                    attached))
    audit_record(action=AuditEvent.Action.DOWNLOAD, actor=actor, partnership=partnership,
                 detail={"export": "subject_access", "records": records,
                         "files": {s.name: s.rows for s in sheets}, "attached": attached,
                         "cases": subjects.case_ids,
                         "children": [c.pk for c in subjects.children],
                         "people": [p.pk for p in subjects.people]})
    return records
