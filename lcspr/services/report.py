"""The overview report (seed 002 chapter 3 "The final overview report"): drafted in the app
section by section with SMART recommendations as rows, or uploaded by the reviewer as a
Word or PDF draft. The reviewer or the business unit freezes a draft as a version: a
snapshot, its SHA-256 (as the rapid review's sign-off hashes its versions) and its DOCX and
PDF. An edit after freezing voids the version with its approvals; the next needs freezing
again. Once the final report has gone to the Panel it no longer changes."""

from __future__ import annotations

import datetime
import hashlib
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, Membership, Role, User
from cases.documents import document_generate
from cases.models import CaseDocument
from cases.services import CaseError, EditConflict
from cases.versioning import snapshot_sha256
from cases.virus_scan import virus_scan
from outbox.services import message_queue
from rapid_review.services.returns import attachment_problem

from ..models import (
    SECTION_LABELS,
    SECTIONS,
    Lcspr,
    OverviewReport,
    OverviewReportVersion,
    Recommendation,
    ReportApproval,
    ReportUpload,
)
from .chain import approval_chain

UPLOAD_TYPES = {"pdf": "application/pdf",
                "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def report_snapshot(report: OverviewReport) -> dict:
    """Everything a version says, as plain data: the sections, the recommendations and the
    uploaded draft's name and hash."""
    upload = report.upload
    return {
        "sections": {key: report.sections.get(key, "") for key, _label in SECTIONS},
        "recommendations": [
            {"what": r.what, "lead_agency": r.lead_agency.name if r.lead_agency else "",
             "owner": r.owner, "due_on": r.due_on.isoformat(), "measure": r.measure}
            for r in report.lcspr.recommendations.select_related("lead_agency").order_by("pk")],
        "upload": {"filename": upload.filename, "sha256": upload.sha256} if upload else None,
    }


def live_version(report: OverviewReport | None) -> OverviewReportVersion | None:
    if report is None or report.pk is None:
        return None
    return report.versions.filter(voided_at__isnull=True).order_by("-number").first()


def version_key(version: OverviewReportVersion) -> str:
    return f"overview-version-{version.number}"


def _lock(actor: User, lcspr: Lcspr) -> tuple[Lcspr, OverviewReport]:
    """The LCSPR and its report, locked in that order (every edit and decision takes them
    so: docs/decisions/0006), for someone who may write the report, before the final report
    was sent."""
    lcspr = Lcspr.objects.select_for_update(of=("self",)).select_related(
        "case__partnership", "reviewer").get(pk=lcspr.pk)
    if not rules.can_write_lcspr_report(actor, lcspr):
        raise CaseError("Only the reviewer and the business unit write the report")
    if lcspr.final_report_dispatches.exists():
        raise CaseError("The final report has been sent to the Panel: it can no longer change")
    report, _ = OverviewReport.objects.select_for_update(of=("self",)).get_or_create(
        lcspr=lcspr, defaults={"updated_by": actor})
    report.lcspr = lcspr
    return lcspr, report


def _edited(actor: User, report: OverviewReport, part: str) -> OverviewReportVersion | None:
    """After every saved edit, in its transaction: the revision goes up, and a version
    frozen before that no longer matches is voided with its approvals. Returns it."""
    report.revision += 1
    report.updated_by = actor
    report.save(update_fields=["revision", "updated_by", "updated_at"])
    lcspr = report.lcspr
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=report,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "part": part, "revision": report.revision})
    current = live_version(report)
    if current is None or current.content_sha256 == snapshot_sha256(report_snapshot(report)):
        return None
    version_void(actor=actor, version=current,
                 reason=f"The report was edited after version {current.number} was frozen")
    return current


def version_void(*, actor: User, version: OverviewReportVersion, reason: str) -> None:
    """Void a version with its approvals (call under the report's lock); whoever approved
    or signed it is told it needs their decision again once a new version is frozen."""
    version.voided_at, version.void_reason = timezone.now(), reason
    version.save(update_fields=["voided_at", "void_reason"])
    lcspr = version.report.lcspr
    approvals = version.approvals.exclude(outcome=ReportApproval.Outcome.SENT_BACK).count()
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=version,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "voided": True, "approvals": approvals})
    if approvals:
        report_email_queue("voided", version.pk)


@transaction.atomic
def report_section_save(*, actor: User, lcspr: Lcspr, key: str, text: str,
                        revision: int) -> OverviewReportVersion | None:
    """Save one section, refused when someone saved the report after the form was read
    (``revision``). Returns the version the edit voided, if any."""
    if key not in SECTION_LABELS:
        raise CaseError("Select a section of the report")
    lcspr, report = _lock(actor, lcspr)
    if revision != report.revision:
        when = timezone.localtime(report.updated_at)
        raise EditConflict(
            f"{report.updated_by.full_name} saved the report at {when:%H:%M} on "
            f"{when:%-d %B %Y}, after you opened this page. Yours has not been saved: read "
            f"what it says now, then save again", field="text",
            who=report.updated_by.full_name, when=report.updated_at,
            theirs=[(SECTION_LABELS[key], report.sections.get(key, ""))],
            current=report.revision)
    report.sections = {**report.sections, key: text.strip()}
    report.save(update_fields=["sections"])
    return _edited(actor, report, key)


@transaction.atomic
def recommendation_add(*, actor: User, lcspr: Lcspr, what: str, owner: str,
                       due_on: datetime.date, lead_agency: Agency | None = None,
                       measure: str = "", form_token=None) -> Recommendation:
    """A SMART recommendation: what, who leads it and owns it, by when. The same form
    posted twice adds once."""
    lcspr, report = _lock(actor, lcspr)
    if form_token and (earlier := Recommendation.objects.filter(
            form_token=form_token, lcspr=lcspr).first()):
        return earlier
    errors = {}
    if not what.strip():
        errors["what"] = "Enter what is recommended"
    if not owner.strip():
        errors["owner"] = "Enter who owns the recommendation"
    if due_on is None:
        errors["due_on"] = "Enter the date it is to be done by"
    elif due_on <= timezone.localdate():
        errors["due_on"] = "The date it is to be done by must be in the future"
    if lead_agency is not None and not lead_agency.partnerships.filter(
            pk=lcspr.case.partnership_id).exists():
        errors["lead_agency"] = "Select an agency of this partnership"
    if errors:
        raise CaseError(errors)
    try:
        with transaction.atomic():
            recommendation = Recommendation.objects.create(
                lcspr=lcspr, what=what.strip(), lead_agency=lead_agency, owner=owner.strip(),
                due_on=due_on, measure=measure.strip(), form_token=form_token,
                created_by=actor)
    except IntegrityError:
        raise CaseError("This form has already been used: reload the page") from None
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=recommendation,
                 partnership=lcspr.case.partnership, detail={"case": lcspr.case_id})
    _edited(actor, report, "recommendations")
    return recommendation


@transaction.atomic
def recommendation_remove(*, actor: User, recommendation: Recommendation) -> None:
    lcspr, report = _lock(actor, recommendation.lcspr)
    audit_record(action=AuditEvent.Action.DELETE, actor=actor, obj=recommendation,
                 partnership=lcspr.case.partnership, detail={"case": lcspr.case_id})
    recommendation.delete()
    _edited(actor, report, "recommendations")


@transaction.atomic
def report_upload_add(*, actor: User, lcspr: Lcspr, filename: str,
                      data: bytes) -> ReportUpload:
    """The reviewer's draft as a Word or PDF file, checked by type, content and size; it
    replaces the previous upload as the draft's file."""
    filename = filename.replace("\\", "/").rsplit("/", 1)[-1].replace('"', "")[:200]
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    problem = ("The selected file must be a Word document (DOCX) or a PDF"
               if extension not in UPLOAD_TYPES
               else attachment_problem(filename, data, opened=True))
    if problem:
        raise CaseError({"file": problem})
    scan = virus_scan(data)
    lcspr, report = _lock(actor, lcspr)
    upload = ReportUpload.objects.create(
        lcspr=lcspr, filename=filename, content_type=UPLOAD_TYPES[extension], size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), data=data, uploaded_by=actor,
        virus_scan=scan)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=upload,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "size": len(data), "virus_scan": scan})
    report.upload = upload
    report.save(update_fields=["upload"])
    _edited(actor, report, "upload")
    return upload


@transaction.atomic
def report_freeze(*, actor: User, lcspr: Lcspr) -> OverviewReportVersion:
    """Freeze the draft as the next version, to go through the partnership's approval
    chain. Freezing an unchanged draft again returns the live version."""
    lcspr, report = _lock(actor, lcspr)
    snapshot = report_snapshot(report)
    if not any(snapshot["sections"].values()) and snapshot["upload"] is None:
        raise CaseError("Write the report, or upload the reviewer's draft, before freezing "
                        "a version")
    if lcspr.kind == Lcspr.Kind.LCSPR and not snapshot["recommendations"]:
        raise CaseError("Add the report's recommendations before freezing a version: each "
                        "becomes part of the action plan")
    digest = snapshot_sha256(snapshot)
    current = live_version(report)
    if current is not None:
        if current.content_sha256 == digest:
            _documents_after_commit(actor, current)
            return current
        version_void(actor=actor, version=current, reason="Replaced by a newer version")
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = OverviewReportVersion.objects.create(
        report=report, number=number, content=snapshot, content_sha256=digest,
        chain=approval_chain(lcspr.case.partnership_id, lcspr.kind), upload=report.upload,
        frozen_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=version,
                 partnership=lcspr.case.partnership,
                 detail={"case": lcspr.case_id, "version": number, "sha256": digest})
    _documents_after_commit(actor, version)
    report_email_queue("frozen", version.pk)
    return version


# Documents ---------------------------------------------------------------------------------
def _documents_after_commit(actor: User | None, version: OverviewReportVersion) -> None:
    """Rendered once the change commits, outside its locks; the page offers to make any
    that failed."""
    transaction.on_commit(partial(_documents_now, actor.pk if actor else None, version.pk),
                          robust=True)


def _documents_now(actor_id: int | None, version_id: int) -> None:
    version_documents_generate(actor=User.objects.filter(pk=actor_id).first(),
                               version=OverviewReportVersion(pk=version_id))


def version_documents_generate(*, actor: User | None, version: OverviewReportVersion
                               ) -> list[CaseDocument]:
    """The version's report as frozen, and once approved through its chain the report as
    approved (opening with who approved it and when): the final report sent to the Panel.
    Safe to run again: the same content is stored once."""
    from ..report_documents import approved_statement, report_content

    version = OverviewReportVersion.objects.select_related(
        "report__lcspr__case__partnership").get(pk=version.pk)
    lcspr = version.report.lcspr
    key = version_key(version)
    content = report_content(lcspr, version.content, opening=[
        f"Version {version.number}. SHA-256 of this version: {version.content_sha256}"])
    documents = [document_generate(actor=actor, case=lcspr.case,
                                   kind=CaseDocument.Kind.LCSPR_OVERVIEW_REPORT,
                                   content=content, related_key=key)]
    if version.approved_at:
        approved = report_content(lcspr, version.content, opening=[approved_statement(version)])
        documents.append(document_generate(
            actor=actor, case=lcspr.case, kind=CaseDocument.Kind.LCSPR_OVERVIEW_REPORT,
            content=approved, related_key=f"{key}-approved"))
    return documents


# Emails ------------------------------------------------------------------------------------
def _emails(partnership_id: int, roles) -> list[str]:
    return sorted(set(Membership.objects.filter(
        partnership_id=partnership_id, role__in=list(roles), user__is_active=True)
        .values_list("user__email", flat=True)))


def _next_stage(version: OverviewReportVersion) -> tuple[int, dict] | None:
    from .approval import stages_state

    return next(((s.position, s.stage) for s in stages_state(version) if s.is_next), None)


def report_email_queue(event: str, pk: int) -> int:
    """Who is told what, by event: the next stage's people when a version is frozen or a
    stage completes, the authors when it is sent back or approved, the approvers when their
    version is voided. Each event of each version once (the outbox's dedupe key)."""
    if event == "sent_back":
        approval = ReportApproval.objects.select_related(
            "version__report__lcspr__case", "version__report__lcspr__reviewer__user").get(pk=pk)
        version = approval.version
    else:
        version = OverviewReportVersion.objects.select_related(
            "report__lcspr__case", "report__lcspr__reviewer__user").get(pk=pk)
    lcspr = version.report.lcspr
    case, number = lcspr.case, version.number
    business_unit = _emails(case.partnership_id, rules.BUSINESS_UNIT)
    reviewer = getattr(lcspr, "reviewer", None)
    authors = business_unit + ([reviewer.user.email] if reviewer else [])
    what = f"the {lcspr.get_kind_display().lower()} report for case {case.reference}"
    if event in ("frozen", "stage_done"):
        following = _next_stage(version)
        if following is None:
            return 0
        position, stage = following
        to = (_emails(case.partnership_id, {Role.PARTNER_REPRESENTATIVE})
              if stage["kind"] == "partners" else business_unit)
        subject = (f"{case.reference}: version {number} of the report is ready for "
                   f"{stage['name'].lower()}")
        body = (f"Version {number} of {what} is ready for the next stage of its approval: "
                f"{stage['name']}.")
        event = f"{event}:{position}"
    elif event == "approved":
        to = authors
        subject = f"{case.reference}: the report is approved"
        body = (f"Version {number} of {what} is approved. The final report can be sent to the "
                f"Panel, the Secretary of State and Ofsted.")
    elif event == "sent_back":
        to = authors
        subject = f"{case.reference}: the report was sent back with comments"
        body = (f"{approval.stage_name} sent version {number} of {what} back with comments. "
                f"Revise the report and freeze a new version.")
    elif event == "voided":
        to = sorted(set(version.approvals.values_list("recorded_by__email", flat=True)))
        subject = f"{case.reference}: the report changed after your decision"
        body = (f"Version {number} of {what} was changed after it was approved or signed. "
                f"That version and its approvals are void: the next version needs them again.")
    else:
        raise ValueError(f"Unknown report event {event!r}")
    link = settings.SITE_URL + reverse("lcspr:approval", args=[case.reference])
    return message_queue(to=to, subject=subject, body=f"{body}\n\n{link}\n",
                         kind=f"lcspr_report_{event.split(':')[0]}",
                         partnership_id=case.partnership_id, reference=case.reference,
                         related={"lcspr": lcspr.pk, "version": number},
                         dedupe_key=f"lcspr-report:{event}:{pk}")
