"""The rest of a subject access export: every other record the service holds on the
person's cases, one CSV per kind of record, and the files themselves (generated documents
in every version, agencies' attachments, evidence, the reviewer's draft).

The hand-written sheets of ``subject_access`` cover the person, the case, the referral,
its history, the requests, the chronology and the family's involvement. Everything else
linked to a case is found here from the models, so a record added to the service later is
in the export without anyone remembering to add it. A child's cases are exported whole;
on a case where only a relative was chosen, only the rows that name them.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from django.apps import apps
from django.db import models
from django.db.models import F, Q
from django.utils.text import capfirst, slugify

from accounts.models import Agency, Partnership, User
from calendars.models import Reminder, TimelineStep
from cases.models import (
    Case,
    CaseDocument,
    CaseStageChange,
    Child,
    DocumentPreparation,
    Incident,
    Person,
    Referral,
    ReferralQuery,
    SpreadsheetUpload,
    TriageDecision,
)
from lcspr.models import FamilyMember
from notifications.models import PanelNotification
from rapid_review.models import AgencyReturn, ChronologyEntry, InformationRequest

# The apps whose records are about a case.
CASE_APPS = ("cases", "notifications", "rapid_review", "lcspr", "actionplans", "calendars",
             "records")
# In the hand-written sheets already, or how the service works rather than what it holds
# about anyone (a document being prepared, a reminder email's schedule, a spreadsheet
# being read into the chronology: its entries are in the chronology, its file is deleted).
NOT_HERE = {Case, Child, Person, Incident, Referral, ReferralQuery, TriageDecision,
            CaseStageChange, PanelNotification, InformationRequest, AgencyReturn,
            ChronologyEntry, CaseDocument, FamilyMember, DocumentPreparation, Reminder,
            SpreadsheetUpload}
# Links shown by name; a link to another record of the case is the case itself.
NAMED = {User: "full_name", Agency: "name", Partnership: "name", TimelineStep: "label"}
MAX_DEPTH = 4
# Where a model's own plural would not read well as a file's title, or two would be alike.
TITLES = {
    "calendars.AnchorEvent": "Dates the deadlines count from",
    "notifications.DecisionNotToNotify": "Decisions not to notify the Panel",
    "cases.DocumentDispatch": "Documents sent",
    "actionplans.Evidence": "Evidence of actions",
    "actionplans.Recommendation": "Action plan recommendations",
    "actionplans.SevenMinuteBriefing": "Seven-minute briefings",
    "lcspr.FinalReportDispatch": "Final reports sent",
    "lcspr.LcsprTerms": "LCSPR terms of reference",
    "lcspr.LcsprTermsAgreement": "LCSPR terms agreed by the partners",
    "lcspr.NationalReferral": "Referrals back to the Panel for a national review",
    "lcspr.Recommendation": "LCSPR recommendations",
    "lcspr.ReviewerLetterDispatch": "Letters naming the reviewer",
    "lcspr.SubGroupMember": "LCSPR sub-group members",
    "rapid_review.MeetingAttendee": "Rapid review meeting attendees",
    "rapid_review.ReviewMeeting": "Rapid review meetings",
    "rapid_review.ReviewReport": "Rapid review reports",
    "rapid_review.ReportRevision": "Rapid review report revisions",
    "rapid_review.ReportVersion": "Rapid review report versions",
    "rapid_review.TermsAgreement": "Rapid review terms agreed by the partners",
    "rapid_review.TermsMember": "Rapid review group members",
    "rapid_review.TermsOfReference": "Rapid review terms of reference",
    "records.CaseRetention": "Retention of the case's records",
}


@dataclass(frozen=True)
class RecordKind:
    """A model linked to a case and the lookup from it to the case."""

    model: type[models.Model]
    to_case: str  # "review__case"

    @property
    def title(self) -> str:
        return TITLES.get(self.model._meta.label,
                          capfirst(str(self.model._meta.verbose_name_plural)))

    @property
    def file_name(self) -> str:
        return f"{slugify(self.title)}.csv"


def _to_case(model: type[models.Model], seen: tuple = ()) -> str | None:
    """The shortest chain of links from ``model`` to a case, if there is one."""
    if model is Case:
        return ""
    if len(seen) >= MAX_DEPTH:
        return None
    best = None
    for field in model._meta.concrete_fields:
        if not field.is_relation or field.related_model in (*seen, model):
            continue
        rest = _to_case(field.related_model, (*seen, model))
        if rest is not None:
            chain = field.name + (f"__{rest}" if rest else "")
            if best is None or chain.count("__") < best.count("__"):
                best = chain
    return best


@cache
def record_kinds() -> list[RecordKind]:
    kinds = []
    for model in apps.get_models():
        if model._meta.app_label not in CASE_APPS or model in NOT_HERE:
            continue
        chain = _to_case(model)
        if chain:
            kinds.append(RecordKind(model, chain))
    return sorted(kinds, key=lambda kind: kind.title)


def _shown_fields(kind: RecordKind) -> list[models.Field]:
    """Fields a person reads: no keys, file contents, hashes or form tokens; links only to
    people, agencies and the like, by name."""
    first_link = kind.to_case.split("__")[0]
    shown = []
    for field in kind.model._meta.concrete_fields:
        if field.primary_key or field.name == first_link \
                or isinstance(field, models.BinaryField | models.UUIDField) \
                or field.name.endswith(("sha256", "token", "_key")):
            continue
        if field.is_relation and field.related_model not in NAMED:
            continue
        shown.append(field)
    return shown


def _cell(record: models.Model, field: models.Field) -> str:
    if field.is_relation:
        related = getattr(record, field.name)
        return getattr(related, NAMED[field.related_model]) if related else ""
    value = getattr(record, field.attname)
    if value is None:
        return ""
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value if isinstance(value, datetime.date) else str(value)


def _naming(fields: list[models.Field], names: list[str]) -> Q:
    q = Q(pk__in=[])
    for field in fields:
        if isinstance(field, models.CharField | models.TextField) and not field.choices:
            for name in names:
                q |= Q(**{f"{field.name}__icontains": name})
    return q


def other_records(kind: RecordKind, *, whole_cases: set[int], named_cases: set[int],
                  names: list[str]) -> tuple[list[str], Iterator[list]]:
    """The header and rows of one kind: every row of the whole cases, and the rows naming
    one of ``names`` on the others."""
    fields = _shown_fields(kind)
    links = [f.name for f in fields if f.is_relation]
    wanted = Q(**{f"{kind.to_case}__in": whole_cases})
    if named_cases and names:
        wanted |= Q(**{f"{kind.to_case}__in": named_cases}) & _naming(fields, names)
    rows = (kind.model._default_manager.filter(wanted).select_related(*links)
            .annotate(case_reference=F(f"{kind.to_case}__reference"))
            .order_by("case_reference", "pk"))
    header = ["Case", *[capfirst(str(f.verbose_name)) for f in fields]]
    return header, ([r.case_reference, *[_cell(r, f) for f in fields]]
                    for r in rows.iterator(chunk_size=500))


# The files -------------------------------------------------------------------------------

@dataclass(frozen=True)
class HeldFile:
    path: str  # inside the ZIP
    data: bytes


def _safe(name: str) -> str:
    """A file name that every system opens: no folders, colons or other marks."""
    name = re.sub(r"\s*[:/\\]\s*", " - ", name)
    return re.sub(r"[^\w .,'()-]+", "", name).strip(" .-")[:120] or "file"


def held_files(case_ids: list[int]) -> Iterator[HeldFile]:
    """Every file kept on the cases, a few at a time: each generated document's versions
    (Word and PDF), the agencies' attachments, evidence of actions and the reviewer's
    uploaded drafts."""
    from actionplans.models import Evidence
    from lcspr.models import ReportUpload
    from rapid_review.models import ReturnAttachment

    used: set[str] = set()

    def unique(path: str) -> str:
        stem, dot, ext = path.rpartition(".")
        candidate, n = path, 1
        while candidate in used:
            n += 1
            candidate = f"{stem} ({n}).{ext}" if dot else f"{path} ({n})"
        used.add(candidate)
        return candidate

    documents = (CaseDocument.objects.filter(case_id__in=case_ids).select_related("agency")
                 .annotate(case_reference=F("case__reference"))
                 .order_by("case_reference", "kind", "related_key", "version"))
    for doc in documents.iterator(chunk_size=20):
        to = f" to {doc.agency.name}" if doc.agency else ""
        base = f"files/{doc.case_reference}/{_safe(doc.title + to)} (version {doc.version})"
        yield HeldFile(unique(f"{base}.docx"), bytes(doc.docx))
        if doc.pdf:
            yield HeldFile(unique(f"{base}.pdf"), bytes(doc.pdf))
    stored = [
        (ReturnAttachment.objects.filter(agency_return__request__review__case_id__in=case_ids)
         .annotate(case_reference=F("agency_return__request__review__case__reference")),
         "from agencies"),
        (ReportUpload.objects.filter(lcspr__case_id__in=case_ids)
         .annotate(case_reference=F("lcspr__case__reference")), "reviewer's drafts"),
    ]
    for files, folder in stored:
        for upload in files.order_by("case_reference", "pk").iterator(chunk_size=20):
            yield HeldFile(unique(f"files/{upload.case_reference}/{folder}/"
                                  f"{_safe(upload.filename)}"), bytes(upload.data))
    evidence = (Evidence.objects.filter(action__recommendation__plan__case_id__in=case_ids,
                                        file__isnull=False)
                .select_related("file")
                .annotate(case_reference=F("action__recommendation__plan__case__reference"))
                .order_by("case_reference", "pk"))
    for item in evidence.iterator(chunk_size=20):
        yield HeldFile(unique(f"files/{item.case_reference}/evidence of actions/"
                              f"{_safe(item.file.filename)}"), bytes(item.file.data))
