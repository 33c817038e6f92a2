"""Three-partner sign-off of the rapid review report and decision record (seed 001: the
three safeguarding partners sign; seed 003: SRG-8 on day 12-14).

The business unit freezes the report as a version: a snapshot, its SHA-256, and the
report and decision record stored as DOCX and PDF. Each partner representative signs that
exact version (the hash they read is checked), or records a disagreement the business unit
must resolve. Any edit to a frozen report voids the version with its signatures, freezes
the next one and tells the signers; signed versions never change.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import AuditEvent, Membership, Role, StatutoryPartner, User
from calendars.models import StepAction
from calendars.services import deadline_meet, deadlines_close
from cases.documents import Paragraph, document_generate
from cases.models import CaseDocument
from cases.services import CaseError

from ..models import PartnerSignature, ReportEndorsement, ReportVersion, ReviewReport


def report_snapshot(report: ReviewReport) -> dict:
    """Everything the partners sign, as plain data: the sections, the assessment, the
    decision and the learning items."""
    meeting = report.decision_meeting
    return {
        "sections": report.sections,
        "criteria": report.criteria,
        "may_be_complex_or_national": report.may_be_complex_or_national,
        "complex_or_national_reason": report.complex_or_national_reason,
        "decision": report.decision,
        "decision_meeting": meeting.held_on.isoformat() if meeting else None,
        "key_lines_of_enquiry": report.key_lines_of_enquiry,
        "no_further_learning_reason": report.no_further_learning_reason,
        "dissemination": report.dissemination,
        "learning_items": [
            {"kind": i.kind, "text": i.text, "owner": i.owner,
             "agency": i.agency.name if i.agency else "",
             "due_on": i.due_on.isoformat() if i.due_on else None}
            for i in report.learning_items.select_related("agency").order_by("kind", "id")],
    }


def snapshot_sha256(snapshot: dict) -> str:
    text = json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def version_key(version: ReportVersion) -> str:
    return f"report-version-{version.number}"


def live_version(report: ReviewReport) -> ReportVersion | None:
    return report.versions.filter(voided_at__isnull=True).order_by("-number").first()


def _partner_representatives(partnership_id: int) -> list[Membership]:
    return list(Membership.objects.filter(
        partnership_id=partnership_id, role=Role.PARTNER_REPRESENTATIVE,
        user__is_active=True).select_related("user").order_by("statutory_partner", "user_id"))


def _business_unit_emails(partnership_id: int) -> list[str]:
    return sorted(set(Membership.objects.filter(
        partnership_id=partnership_id, user__is_active=True,
        role__in=[Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER]).values_list(
        "user__email", flat=True)))


def _email_later(event: str, pk: int) -> None:
    """Queued for the worker once the transaction commits; only the event and an id travel
    through the broker, and the email carries the case reference and a link only."""
    from ..tasks import signoff_email

    transaction.on_commit(lambda: signoff_email.delay(event, pk))


def _link(report: ReviewReport) -> str:
    return settings.SITE_URL + reverse("rapid_review:signoff",
                                       args=[report.review.case.reference])


def _freeze(actor: User, report: ReviewReport) -> ReportVersion:
    from ..documents.report import decision_record_content, report_content
    from ..documents.signoff import decision_record_letter_content

    snapshot = report_snapshot(report)
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(report=report, number=number, content=snapshot,
                                           content_sha256=snapshot_sha256(snapshot),
                                           frozen_by=actor)
    case = report.review.case
    for kind, content in ((CaseDocument.Kind.RAPID_REVIEW_REPORT, report_content(report)),
                          (CaseDocument.Kind.DECISION_RECORD,
                           decision_record_content(report, []))):
        content.blocks.insert(0, Paragraph(
            f"Version {number} for signature. SHA-256 of this version: "
            f"{version.content_sha256}"))
        document_generate(actor=actor, case=case, kind=kind, content=content,
                          related_key=version_key(version))
    # Seed 003, working day 12: a letter accompanies the decision record to the partners.
    document_generate(actor=actor, case=case, kind=CaseDocument.Kind.DECISION_RECORD_LETTER,
                      content=decision_record_letter_content(version),
                      related_key=version_key(version))
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=version,
                 partnership=case.partnership,
                 detail={"case": case.pk, "version": number, "sha256": version.content_sha256})
    deadline_meet(actor=actor, case=case, action=StepAction.DECISION_RECORD_SENT)
    _email_later("version_ready", version.pk)
    return version


def _locked_report(report: ReviewReport) -> ReviewReport:
    report = ReviewReport.objects.select_for_update(of=("self",)).select_related(
        "review__case__partnership", "decision_meeting").get(pk=report.pk)
    if report.review.stopped_on:
        raise CaseError("This rapid review has been stopped")
    return report


@transaction.atomic
def report_send_for_signature(*, actor: User, report: ReviewReport) -> ReportVersion:
    """Freeze the report for the partners. Sending an unchanged report again is a no-op."""
    report = _locked_report(report)
    if not report.decision:
        raise CaseError("Record the decision before sending the report for signature")
    current = live_version(report)
    if current and current.content_sha256 == snapshot_sha256(report_snapshot(report)):
        return current
    if current:
        _void(actor, current, "Replaced by a newer version")
    return _freeze(actor, report)


def _void(actor: User, version: ReportVersion, reason: str) -> list[PartnerSignature]:
    version.voided_at, version.void_reason = timezone.now(), reason
    version.save(update_fields=["voided_at", "void_reason"])
    signatures = list(version.signatures.select_related("signed_by"))
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=version,
                 partnership=version.report.review.case.partnership,
                 detail={"voided": True, "signatures": len(signatures)})
    return signatures


def report_changed(*, actor: User, report: ReviewReport) -> None:
    """Called inside the transaction of every saved edit of the report, its assessment,
    decision or learning items: a version out for signature that no longer matches is
    voided with its signatures, the signers are told, and the next version is frozen."""
    current = live_version(report)
    if current is None:
        return
    report = ReviewReport.objects.select_related("review__case__partnership",
                                                 "decision_meeting").get(pk=report.pk)
    if current.content_sha256 == snapshot_sha256(report_snapshot(report)):
        return
    voided = _void(actor, current, "The report was edited after it was sent for signature")
    if voided:
        _email_later("signatures_voided", current.pk)
    _freeze(actor, report)


def _version_to_sign(actor: User, version: ReportVersion, content_sha256: str,
                     partner: str | None) -> tuple[ReportVersion, str]:
    version = ReportVersion.objects.select_for_update().select_related(
        "report__review__case__partnership").get(pk=version.pk)
    case = version.report.review.case
    own = rules.partner_represented_by(actor, case.partnership)
    if not own or not rules.can_sign_report(actor, case):
        raise CaseError("Only the safeguarding partners' representatives can sign")
    if partner and partner != own:
        raise CaseError(f"You represent the {StatutoryPartner(own).label.lower()}: you can "
                        f"sign only for it, not for the {StatutoryPartner(partner).label}")
    if version.voided_at or version.report.review.stopped_on:
        raise CaseError("This version is no longer current: read the current version")
    if content_sha256 != version.content_sha256:
        raise CaseError(f"The report changed while you were reading it: read version "
                        f"{version.number} again")
    return version, own


@transaction.atomic
def report_sign(*, actor: User, version: ReportVersion, content_sha256: str,
                signer_role: str, partner: str | None = None) -> PartnerSignature:
    """The representative signs the version they read, for their own partner only."""
    version, own = _version_to_sign(actor, version, content_sha256, partner)
    signer_role = signer_role.strip()
    if not signer_role:
        raise CaseError({"signer_role": "Enter your role, for example Director of "
                                        "Children's Services"})
    if version.signatures.filter(partner=own, outcome=PartnerSignature.Outcome.SIGNED).exists():
        raise CaseError(f"The {StatutoryPartner(own).label.lower()} has already signed "
                        f"version {version.number}")
    now = timezone.now()
    version.signatures.filter(partner=own, outcome=PartnerSignature.Outcome.DISAGREED,
                              resolved_at__isnull=True).update(
        resolved_at=now, resolved_by=actor, resolution="Withdrawn: the partner signed")
    signature = PartnerSignature.objects.create(
        version=version, partner=own, outcome=PartnerSignature.Outcome.SIGNED,
        signed_by=actor, signer_name=actor.full_name, signer_role=signer_role,
        content_sha256=version.content_sha256)
    case = version.report.review.case
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=signature,
                 partnership=case.partnership,
                 detail={"case": case.pk, "version": version.number, "partner": own,
                         "sha256": version.content_sha256})
    signed = set(version.signatures.filter(outcome=PartnerSignature.Outcome.SIGNED)
                 .values_list("partner", flat=True))
    if signed == set(StatutoryPartner.values):
        deadline_meet(actor=actor, case=case, action=StepAction.PARTNERS_SIGNED, met_at=now)
        if not endorsement_required(version.report.review):
            deadlines_close(actor=actor, case=case, actions=[StepAction.REPORT_ENDORSED],
                            reason="The partnership does not ask for an endorsement")
        _store_signed_record(actor, version)
        _email_later("all_signed", version.pk)
    return signature


def _store_signed_record(actor: User, version: ReportVersion) -> None:
    """The decision record with the three signatures, stored beside the version."""
    from ..documents.report import decision_record_content

    report = version.report
    content = decision_record_content(report, list(version.signatures.filter(
        outcome=PartnerSignature.Outcome.SIGNED).order_by("partner")))
    content.blocks.insert(0, Paragraph(
        f"Version {version.number}, signed by the three safeguarding partners. SHA-256 of "
        f"this version: {version.content_sha256}"))
    document_generate(actor=actor, case=report.review.case,
                      kind=CaseDocument.Kind.DECISION_RECORD,
                      content=content, related_key=f"{version_key(version)}-signed")


@transaction.atomic
def report_disagree(*, actor: User, version: ReportVersion, content_sha256: str,
                    comment: str, signer_role: str = "",
                    partner: str | None = None) -> PartnerSignature:
    """Instead of signing: the partner's disagreement, for the business unit to resolve."""
    version, own = _version_to_sign(actor, version, content_sha256, partner)
    comment = comment.strip()
    if not comment:
        raise CaseError({"comment": "Enter what the partner disagrees with"})
    if version.signatures.filter(partner=own, outcome=PartnerSignature.Outcome.SIGNED).exists():
        raise CaseError("You have already signed this version")
    signature = PartnerSignature.objects.create(
        version=version, partner=own, outcome=PartnerSignature.Outcome.DISAGREED,
        signed_by=actor, signer_name=actor.full_name,
        signer_role=signer_role.strip() or f"{StatutoryPartner(own).label} representative",
        content_sha256=version.content_sha256, comment=comment)
    case = version.report.review.case
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=signature,
                 partnership=case.partnership,
                 detail={"case": case.pk, "version": version.number, "partner": own,
                         "disagreed": True})
    _email_later("disagreed", signature.pk)
    return signature


@transaction.atomic
def disagreement_resolve(*, actor: User, signature: PartnerSignature,
                         resolution: str) -> PartnerSignature:
    """The business unit's answer: usually an edit (which voids the version) and a note."""
    signature = PartnerSignature.objects.select_for_update().select_related(
        "version__report__review__case__partnership", "signed_by").get(pk=signature.pk)
    case = signature.version.report.review.case
    if not rules.can_run_rapid_review(actor, case):
        raise CaseError("Only the business unit resolves disagreements")
    if signature.outcome != PartnerSignature.Outcome.DISAGREED or signature.resolved_at:
        raise CaseError("This disagreement has already been resolved")
    resolution = resolution.strip()
    if not resolution:
        raise CaseError({"resolution": "Enter how the disagreement was resolved"})
    signature.resolved_at, signature.resolved_by = timezone.now(), actor
    signature.resolution = resolution
    signature.save(update_fields=["resolved_at", "resolved_by", "resolution"])
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=signature,
                 partnership=case.partnership, detail={"case": case.pk, "resolved": True})
    _email_later("resolved", signature.pk)
    return signature


def signoff_email_send(event: str, pk: int) -> int:
    """The worker's half of ``_email_later``: who is told what, by event."""
    if event in ("version_ready", "signatures_voided", "all_signed"):
        version = ReportVersion.objects.select_related(
            "report__review__case__partnership").get(pk=pk)
        report, number = version.report, version.number
    else:
        signature = PartnerSignature.objects.select_related(
            "version__report__review__case__partnership", "signed_by").get(pk=pk)
        report, number = signature.version.report, signature.version.number
    case = report.review.case
    ref, link = case.reference, _link(report)
    if event == "version_ready":
        to = [m.user.email for m in _partner_representatives(case.partnership_id)]
        subject = f"Rapid review {ref}: version {number} is ready for signature"
        body = (f"Version {number} of the rapid review report and decision record for case "
                f"{ref} is ready for you to read and sign.")
    elif event == "signatures_voided":
        to = sorted(set(version.signatures.values_list("signed_by__email", flat=True)))
        subject = f"Rapid review {ref}: your signature is needed again"
        body = (f"The rapid review report for case {ref} was changed after you signed or "
                f"commented on version {number}. That version and its signatures are void: "
                "please read and sign the new version.")
    elif event == "all_signed":
        to = _business_unit_emails(case.partnership_id)
        subject = f"Rapid review {ref}: signed by all three partners"
        body = (f"All three safeguarding partners have signed version {number} of the rapid "
                f"review report for case {ref}. The submission to the Panel can be prepared.")
    elif event == "disagreed":
        to = _business_unit_emails(case.partnership_id)
        subject = f"Rapid review {ref}: a partner disagrees"
        body = (f"The {signature.get_partner_display().lower()} recorded a disagreement with "
                f"version {number} of the rapid review report for case {ref}. It needs "
                "resolving.")
    elif event == "resolved":
        to = [signature.signed_by.email]
        subject = f"Rapid review {ref}: your comment was answered"
        body = (f"The business unit answered your comment on version {number} of the rapid "
                f"review report for case {ref}.")
    else:
        raise ValueError(f"Unknown sign-off event {event!r}")
    text = f"{body}\n\n{link}\n"
    return send_mass_mail([(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
                           for address in to])


def endorsement_required(review) -> str:
    """Who must endorse the signed version before submission ('' when nobody), as the
    partnership's setting says."""
    partnership = review.case.partnership
    return partnership.get_rapid_review_endorsement_display() \
        if partnership.rapid_review_endorsement else ""


@transaction.atomic
def report_endorse(*, actor: User, version: ReportVersion, endorsed_by_name: str,
                   endorsed_by_role: str, endorsed_on) -> ReportEndorsement:
    """The business unit records the executive's or independent chair's endorsement of the
    version all three partners signed."""
    version = ReportVersion.objects.select_for_update().select_related(
        "report__review__case__partnership").get(pk=version.pk)
    review = version.report.review
    case = review.case
    if not rules.can_run_rapid_review(actor, case):
        raise CaseError("Only the business unit records an endorsement")
    who = endorsement_required(review)
    if not who:
        raise CaseError("This partnership does not ask for an endorsement")
    signed = list(version.signatures.filter(outcome=PartnerSignature.Outcome.SIGNED))
    if version.voided_at or len({s.partner for s in signed}) < len(StatutoryPartner.values):
        raise CaseError("Only the version all three partners signed can be endorsed")
    if version.endorsements.exists():
        raise CaseError(f"Version {version.number} has already been endorsed")
    errors = {}
    if not endorsed_by_name.strip():
        errors["endorsed_by_name"] = "Enter the name of the person who endorsed it"
    if not endorsed_by_role.strip():
        errors["endorsed_by_role"] = f"Enter their role, for example {who}"
    last_signed = max(timezone.localdate(s.signed_at) for s in signed)
    if endorsed_on > timezone.localdate() or endorsed_on < last_signed:
        errors["endorsed_on"] = (f"The date it was endorsed must be between "
                                 f"{last_signed:%-d %B %Y} and today")
    if errors:
        raise CaseError(errors)
    endorsement = ReportEndorsement.objects.create(
        version=version, endorsed_by_name=endorsed_by_name.strip(),
        endorsed_by_role=endorsed_by_role.strip(), endorsed_on=endorsed_on,
        content_sha256=version.content_sha256, recorded_by=actor)
    audit_record(action=AuditEvent.Action.CREATE, actor=actor, obj=endorsement,
                 partnership=case.partnership,
                 detail={"case": case.pk, "version": version.number})
    deadline_meet(actor=actor, case=case, action=StepAction.REPORT_ENDORSED,
                  met_at=timezone.make_aware(datetime.datetime.combine(
                      endorsed_on, datetime.time(12))))
    return endorsement
