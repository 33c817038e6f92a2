"""The copy for publication (seed 002 chapter 3: the report is "written in such a way that it
can be published with minimal redaction"): the business unit confirms a list of terms to
replace (names, dates of birth, addresses, practitioners' names), suggested from the case's
children and people and the review's family; the anonymised copy applies the confirmed list
to the approved version's every section and recommendation, and to the reviewer's uploaded
Word report, and is a version of its own with its own hash, which the business unit reviews
and marks ready. The family's embargoed
copy is made from it, marked embargoed until the planned publication date."""

from __future__ import annotations

import hashlib
import re
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, User
from cases.documents import document_generate
from cases.models import CaseDocument, Relationship
from cases.services import CaseError
from cases.versioning import read_hash_check, snapshot_sha256

from ..models import AnonymisedCopy, FamilyMember, Lcspr, RedactionTerm
from .approval import approved_version

Category = RedactionTerm.Category
DATE_FORMATS = ("%-d %B %Y", "%d/%m/%Y")


def _names(full_name: str) -> list[str]:
    """The full name and the first name: a surname alone is often shared, so the business
    unit adds it with its own replacement if the report uses it."""
    parts = full_name.split()
    return [full_name.strip(), *([parts[0]] if len(parts) > 1 and len(parts[0]) > 2 else [])]


def redaction_suggestions(lcspr: Lcspr) -> list[tuple[str, str, str]]:
    """(term, replacement, category) from the case record: each child is "Child A", "Child
    B"…; each person and family member is named by their relationship; dates of birth and
    addresses are replaced by what they are."""
    case = lcspr.case
    found: dict[str, tuple[str, str]] = {}

    def add(term: str, replacement: str, category: str) -> None:
        term = term.strip()
        if len(term) > 2 and term.lower() not in {t.lower() for t in found}:
            found[term] = (replacement, category)

    def person(name, born, address, role: str, category: str) -> None:
        for term in _names(name):
            add(term, role, category)
        for fmt in DATE_FORMATS if born else ():
            add(born.strftime(fmt), "[date of birth]", Category.DATE_OF_BIRTH)
        for line in re.split(r"[\n,]", address or "")[:1]:
            add(line, "[address]", Category.ADDRESS)

    for i, child in enumerate(case.children.order_by("pk")):
        person(child.full_name, child.date_of_birth, child.address, f"Child {chr(65 + i % 26)}",
               Category.CHILD)
    seen: dict[str, int] = {}
    for someone in case.people.order_by("pk"):
        label = Relationship(someone.relationship).label
        seen[label] = seen.get(label, 0) + 1
        person(someone.full_name, someone.date_of_birth, someone.address,
               label + (f" {seen[label]}" if seen[label] > 1 else ""), Category.FAMILY)
    for member in lcspr.family.order_by("pk"):
        role = member.relationship_detail or FamilyMember.Relationship(member.relationship).label
        for term in _names(member.name):
            add(term, role[:1].upper() + role[1:], Category.FAMILY)
    return [(term, replacement, category) for term, (replacement, category) in found.items()]


def _locked(actor: User, lcspr: Lcspr) -> Lcspr:
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership").get(pk=lcspr.pk)
    if not rules.can_manage_lcspr(actor, lcspr.case):
        raise CaseError("Only the business unit prepares the copy for publication")
    return lcspr


def _audit(actor: User, lcspr: Lcspr, obj, action: str, **detail) -> None:
    audit_record(action=action, actor=actor, obj=obj, partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, **detail})


@transaction.atomic
def redaction_terms_suggest(*, actor: User, lcspr: Lcspr) -> list[RedactionTerm]:
    """Add the suggestions not on the list yet, to be confirmed (or removed)."""
    lcspr = _locked(actor, lcspr)
    existing = {t.lower() for t in lcspr.redaction_terms.values_list("term", flat=True)}
    added = RedactionTerm.objects.bulk_create([
        RedactionTerm(lcspr=lcspr, term=term, replacement=replacement, category=category,
                      suggested=True, added_by=actor)
        for term, replacement, category in redaction_suggestions(lcspr)
        if term.lower() not in existing])
    _audit(actor, lcspr, lcspr, AuditEvent.Action.UPDATE, redaction_suggested=len(added))
    return added


@transaction.atomic
def redaction_term_add(*, actor: User, lcspr: Lcspr, term: str, replacement: str,
                       category: str, form_token=None) -> RedactionTerm:
    """A term the business unit adds itself is confirmed as it is added."""
    lcspr = _locked(actor, lcspr)
    if form_token and (earlier := RedactionTerm.objects.filter(form_token=form_token,
                                                               lcspr=lcspr).first()):
        return earlier
    errors = {}
    if not term.strip():
        errors["term"] = "Enter the word or phrase to replace"
    if not replacement.strip():
        errors["replacement"] = "Enter what replaces it, for example Child A"
    if term.strip() and lcspr.redaction_terms.filter(term__iexact=term.strip()).exists():
        errors["term"] = "This word or phrase is already on the list"
    if errors:
        raise CaseError(errors)
    try:
        with transaction.atomic():
            added = RedactionTerm.objects.create(
                lcspr=lcspr, term=term.strip(), replacement=replacement.strip(),
                category=category, added_by=actor, confirmed_at=timezone.now(),
                confirmed_by=actor, form_token=form_token)
    except IntegrityError:
        raise CaseError({"term": "This word or phrase is already on the list"}) from None
    _audit(actor, lcspr, added, AuditEvent.Action.CREATE)
    return added


@transaction.atomic
def redaction_term_remove(*, actor: User, term: RedactionTerm) -> None:
    lcspr = _locked(actor, term.lcspr)
    _audit(actor, lcspr, term, AuditEvent.Action.DELETE)
    term.delete()


@transaction.atomic
def redaction_terms_confirm(*, actor: User, lcspr: Lcspr) -> int:
    """The business unit confirms the suggestions on the list, as they now stand."""
    lcspr = _locked(actor, lcspr)
    count = lcspr.redaction_terms.filter(confirmed_at__isnull=True).update(
        confirmed_at=timezone.now(), confirmed_by=actor)
    _audit(actor, lcspr, lcspr, AuditEvent.Action.UPDATE, redaction_confirmed=count)
    return count


def redact(text: str, terms: list[tuple[str, str]]) -> str:
    """Every term replaced, whatever its case, longest first (so "Ada Example" goes before
    "Ada"), and only as a whole word."""
    if not text or not terms:
        return text
    ordered = sorted(terms, key=lambda t: -len(t[0]))
    replacements = {term.lower(): replacement for term, replacement in ordered}
    pattern = re.compile("|".join(
        (r"\b" if term[0].isalnum() else "") + re.escape(term)
        + (r"\b" if term[-1].isalnum() else "") for term, _r in ordered), re.IGNORECASE)
    return pattern.sub(lambda m: replacements[m.group(0).lower()], text)


def anonymised_snapshot(snapshot: dict, terms: list[tuple[str, str]],
                        upload: dict | None = None) -> dict:
    """The snapshot with every section and every recommendation's words redacted, and the
    anonymised uploaded report's name and hash (``upload``) when there is one."""
    return {
        "sections": {k: redact(v, terms) for k, v in snapshot["sections"].items()},
        "recommendations": [{**r, **{f: redact(r[f], terms) for f in ("what", "owner",
                                                                     "measure")}}
                            for r in snapshot["recommendations"]],
        "upload": upload,
    }


def docx_redact(data: bytes, terms: list[tuple[str, str]]) -> bytes:
    """An uploaded Word report with the terms replaced in every paragraph, table cell,
    header and footer. A paragraph that changes keeps its first run's formatting."""
    import io

    from docx import Document

    document = Document(io.BytesIO(data))

    def paragraphs():
        yield from document.paragraphs
        for table in document.tables:
            for row in table.rows:
                for cell in row.cells:
                    yield from cell.paragraphs
        for section in document.sections:
            for part in (section.header, section.footer):
                yield from part.paragraphs

    for paragraph in paragraphs():
        text = paragraph.text
        redacted = redact(text, terms)
        if redacted != text and paragraph.runs:
            paragraph.runs[0].text = redacted
            for run in paragraph.runs[1:]:
                run.text = ""
    document.core_properties.author = document.core_properties.last_modified_by = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _anonymised_upload(actor: User, lcspr: Lcspr, version, terms, number: int) -> dict | None:
    """The uploaded Word report, anonymised and stored as the copy's Word document (a PDF
    upload cannot be anonymised here: the copy is then made from the text only)."""
    upload = version.upload
    if upload is None or not upload.filename.lower().endswith(".docx"):
        return None
    data = docx_redact(bytes(upload.data), terms)
    digest = hashlib.sha256(data).hexdigest()
    document = CaseDocument.objects.create(
        case=lcspr.case, kind=CaseDocument.Kind.LCSPR_ANONYMISED_REPORT,
        related_key=f"anonymised-{number}-upload", version=1,
        title=f"The reviewer's report, anonymised (copy {number})", content_sha256=digest,
        docx=data, docx_sha256=digest, pdf=b"",
        pdf_error="the reviewer's report was uploaded as Word, so it is kept as Word only",
        created_by=actor)
    _audit(actor, lcspr, document, AuditEvent.Action.CREATE, number=number, upload=True)
    return {"filename": f"anonymised-{upload.filename}", "sha256": digest}


@transaction.atomic
def anonymised_copy_make(*, actor: User, lcspr: Lcspr) -> AnonymisedCopy:
    """The next anonymised copy, from the approved version and the confirmed list."""
    lcspr = _locked(actor, lcspr)
    version = approved_version(lcspr)
    if version is None:
        raise CaseError("The anonymised copy is made from the approved report: approve the "
                        "report through its chain first")
    if lcspr.redaction_terms.filter(confirmed_at__isnull=True).exists():
        raise CaseError("Confirm the suggested terms (or remove those not wanted) before "
                        "making the anonymised copy")
    terms = [[t.term, t.replacement] for t in lcspr.redaction_terms.order_by("term")]
    number = (lcspr.anonymised_copies.aggregate(n=Max("number"))["n"] or 0) + 1
    content = anonymised_snapshot(version.content, terms,
                                  _anonymised_upload(actor, lcspr, version, terms, number))
    copy = AnonymisedCopy.objects.create(lcspr=lcspr, version=version, number=number,
                                         content=content,
                                         content_sha256=snapshot_sha256(content),
                                         terms=terms, made_by=actor)
    _audit(actor, lcspr, copy, AuditEvent.Action.CREATE, number=number,
           version=version.number, sha256=copy.content_sha256)
    transaction.on_commit(partial(_copy_document_now, actor.pk, copy.pk), robust=True)
    return copy


def _copy_document_now(actor_id: int, copy_id: int) -> None:
    anonymised_copy_document(actor=User.objects.filter(pk=actor_id).first(),
                             copy=AnonymisedCopy.objects.get(pk=copy_id))


def anonymised_copy_document(*, actor: User | None, copy: AnonymisedCopy) -> CaseDocument:
    from ..report_documents import anonymised_content

    return document_generate(actor=actor, case=copy.lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_ANONYMISED_REPORT,
                             content=anonymised_content(copy),
                             related_key=f"anonymised-{copy.number}")


@transaction.atomic
def anonymised_copy_ready(*, actor: User, copy: AnonymisedCopy,
                          content_sha256: str) -> AnonymisedCopy:
    """The business unit has read the copy (the hash it read is checked) and marks it ready
    for publication. Only the latest copy of the approved version can be."""
    lcspr = _locked(actor, copy.lcspr)
    copy = AnonymisedCopy.objects.select_for_update(of=("self",)).select_related(
        "version").get(pk=copy.pk)
    latest = lcspr.anonymised_copies.order_by("-number").first()
    if copy != latest or copy.version != approved_version(lcspr):
        raise CaseError("This copy is no longer the latest of the approved report: read the "
                        "latest copy")
    read_hash_check(read_sha256=content_sha256, version=copy, what="anonymised copy")
    if copy.ready_at is None:
        copy.ready_at, copy.ready_by = timezone.now(), actor
        copy.save(update_fields=["ready_at", "ready_by"])
        _audit(actor, lcspr, copy, AuditEvent.Action.UPDATE, ready=True)
    return copy


def ready_copy(lcspr: Lcspr) -> AnonymisedCopy | None:
    """The latest copy, if it is ready and made from the approved version."""
    version = approved_version(lcspr)
    copy = lcspr.anonymised_copies.select_related("version").order_by("-number").first()
    if copy is None or version is None or copy.version_id != version.pk or not copy.ready_at:
        return None
    return copy


def family_copy_document(*, actor: User, lcspr: Lcspr) -> CaseDocument:
    """The family's embargoed, confidential copy: the copy to be published, marked embargoed
    until the planned publication date (seed 002)."""
    from ..report_documents import family_copy_content

    copy = ready_copy(lcspr)
    if copy is None:
        raise CaseError("Mark the anonymised copy ready first: the family is given the report "
                        "as it will be published")
    if lcspr.planned_publication_on is None:
        raise CaseError("Plan the publication date first: the copy is embargoed until then")
    copy.lcspr = lcspr
    return document_generate(actor=actor, case=lcspr.case,
                             kind=CaseDocument.Kind.LCSPR_FAMILY_COPY,
                             content=family_copy_content(copy, lcspr.planned_publication_on),
                             related_key=f"family-{copy.number}")
