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
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts import rules
from accounts.audit import audit_record
from accounts.models import Agency, AuditEvent, Membership, Role, StatutoryPartner, User
from calendars.models import StepAction
from calendars.services import deadline_meet, deadlines_close, deadlines_reopen
from cases.documents import Paragraph, document_generate
from cases.models import CaseDocument
from cases.services import CaseError
from cases.versioning import posted_before, read_hash_check, snapshot_sha256
from outbox.services import message_queue

from ..models import (
    LearningItem,
    PartnerSignature,
    ReportEndorsement,
    ReportVersion,
    ReviewReport,
)
from ..selectors.signoff import SIGNED_DOCUMENTS, VERSION_DOCUMENTS, disagreements_before


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
    """Queued in the outbox in the caller's transaction, delivered once it commits; the
    email carries the case reference and a link only."""
    signoff_email_queue(event, pk)


def _link(report: ReviewReport) -> str:
    return settings.SITE_URL + reverse("rapid_review:signoff",
                                       args=[report.review.case.reference])


def frozen_report(version: ReportVersion) -> tuple[ReviewReport, list[LearningItem]]:
    """The report as it was frozen, rebuilt (unsaved, never written) from the version's
    snapshot with its learning items: the version's documents say what was signed, even
    when the live report has moved on since."""
    live, snapshot = version.report, version.content
    meeting = version.decision_meeting
    if meeting is None and snapshot.get("decision_meeting") and live.decision_meeting and \
            live.decision_meeting.held_on.isoformat() == snapshot["decision_meeting"]:
        meeting = live.decision_meeting  # a version frozen before versions named it
    report = ReviewReport(
        review=live.review, sections=snapshot["sections"], criteria=snapshot["criteria"],
        may_be_complex_or_national=snapshot["may_be_complex_or_national"],
        complex_or_national_reason=snapshot["complex_or_national_reason"],
        decision=snapshot["decision"], decision_meeting=meeting,
        key_lines_of_enquiry=snapshot["key_lines_of_enquiry"],
        no_further_learning_reason=snapshot["no_further_learning_reason"],
        dissemination=snapshot["dissemination"],
        revision=live.revision if version.report_revision is None else version.report_revision)
    items = [LearningItem(kind=i["kind"], text=i["text"], owner=i["owner"],
                          agency=Agency(name=i["agency"]) if i["agency"] else None,
                          due_on=datetime.date.fromisoformat(i["due_on"]) if i["due_on"]
                          else None)
             for i in snapshot["learning_items"]]
    return report, items


def version_documents_generate(*, actor: User | None, version: ReportVersion
                               ) -> list[CaseDocument]:
    """The version's documents, rendered from its snapshot after the change that froze (or
    signed) it has committed, so no lock is held while they render: the report, the
    decision record and its covering letter, and the signed decision record once all three
    partners signed. Safe to run again: what is stored is left alone, what is missing is
    made, and a PDF that failed is tried again."""
    from ..documents.report import decision_record_content, report_content
    from ..documents.signoff import decision_record_letter_content

    version = ReportVersion.objects.select_related(
        "report__review__case__partnership", "report__review__notification",
        "report__decision_meeting", "decision_meeting").get(pk=version.pk)
    case = version.report.review.case
    key = version_key(version)
    signatures = list(version.signatures.filter(
        outcome=PartnerSignature.Outcome.SIGNED).order_by("partner"))
    signed = len({s.partner for s in signatures}) == len(StatutoryPartner.values)
    stored = {(d.kind, d.related_key): d for d in CaseDocument.objects.filter(
        case=case, related_key__in=[key, f"{key}-signed"]).defer("docx", "pdf")
        .order_by("version")}
    report, items = frozen_report(version)
    wanted = [(kind, key) for kind in VERSION_DOCUMENTS]
    if signed:
        wanted += [(kind, f"{key}-signed") for kind in SIGNED_DOCUMENTS]
    documents = []
    for kind, related_key in wanted:
        document = stored.get((kind, related_key))
        # The signed documents are made again when what they say changed since (a
        # disagreement resolved after the signing): the same content is never stored twice.
        if document is not None and not document.pdf_error and \
                not related_key.endswith("-signed"):
            documents.append(document)
            continue
        if related_key.endswith("-signed"):
            content = decision_record_content(
                report, signatures, disagreements_before(version)) \
                if kind == CaseDocument.Kind.DECISION_RECORD else report_content(report, items)
            content.blocks.insert(0, Paragraph(signed_statement(version, signatures)))
        elif kind == CaseDocument.Kind.DECISION_RECORD_LETTER:
            # Seed 003, working day 12: a letter goes with the decision record to the
            # partners.
            content = decision_record_letter_content(version, report)
        else:
            content = report_content(report, items) \
                if kind == CaseDocument.Kind.RAPID_REVIEW_REPORT \
                else decision_record_content(report, [])
            content.blocks.insert(0, Paragraph(
                f"Version {version.number} for signature. SHA-256 of this version: "
                f"{version.content_sha256}"))
        documents.append(document_generate(actor=actor, case=case, kind=kind,
                                           content=content, related_key=related_key))
    return documents


def signed_statement(version: ReportVersion, signatures: list[PartnerSignature]) -> str:
    """Which version was signed, by whom and when, as the signed documents open."""
    who = "; ".join(
        f"{s.signer_name}, {s.signer_role}, for the {s.get_partner_display().lower()}, on "
        f"{timezone.localtime(s.signed_at):%-d %B %Y}"
        for s in sorted(signatures, key=lambda s: s.partner))
    return (f"Version {version.number}, signed by the three safeguarding partners: {who}. "
            f"SHA-256 of this version: {version.content_sha256}")


def _documents_after_commit(actor: User, version: ReportVersion) -> None:
    """Render the version's documents once the change commits, outside its locks. If that
    fails, the version stands (what is signed is the snapshot and its hash) and the
    sign-off page says which documents are missing, with a button to make them."""
    transaction.on_commit(partial(_documents_now, actor.pk if actor else None, version.pk),
                          robust=True)


def _documents_now(actor_id: int | None, version_id: int) -> None:
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    version_documents_generate(actor=actor, version=ReportVersion(pk=version_id))


def _freeze(actor: User, report: ReviewReport) -> ReportVersion:
    """The version the partners sign: the snapshot and its hash, in the edit's transaction.
    Its documents are rendered from the snapshot after the edit commits."""
    snapshot = report_snapshot(report)
    number = (report.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ReportVersion.objects.create(report=report, number=number, content=snapshot,
                                           content_sha256=snapshot_sha256(snapshot),
                                           frozen_by=actor, report_revision=report.revision,
                                           decision_meeting=report.decision_meeting)
    case = report.review.case
    _documents_after_commit(actor, version)
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
        _documents_after_commit(actor, current)  # any that failed before are made again
        return current
    if current:
        _void(actor, current, "Replaced by a newer version")
    return _freeze(actor, report)


REOPENED = (": all three partners had signed it, so the plan's step for their signatures is "
            "open again until they sign the new version")


def _void(actor: User, version: ReportVersion, reason: str) -> list[PartnerSignature]:
    """Void a version with its signatures. When all three partners had signed it, the plan's
    steps their signatures (and an endorsement) met are open again: the new version needs
    them again, and the reason says so."""
    signatures = list(version.signatures.select_related("signed_by"))
    fully_signed = {s.partner for s in signatures if s.outcome == PartnerSignature.Outcome.SIGNED
                    } == set(StatutoryPartner.values)
    version.voided_at = timezone.now()
    version.void_reason = reason + REOPENED if fully_signed else reason
    version.save(update_fields=["voided_at", "void_reason"])
    case = version.report.review.case
    audit_record(action=AuditEvent.Action.UPDATE, actor=actor, obj=version,
                 partnership=case.partnership,
                 detail={"voided": True, "signatures": len(signatures),
                         **({"steps_reopened": True} if fully_signed else {})})
    if fully_signed:
        deadlines_reopen(actor=actor, case=case,
                         actions=[StepAction.PARTNERS_SIGNED, StepAction.REPORT_ENDORSED],
                         reason="The signed version was voided by an edit")
    return signatures


def report_changed(*, actor: User, report: ReviewReport) -> ReportVersion | None:
    """Called inside the transaction of every saved edit of the report, its assessment,
    decision or learning items, which holds the report's lock: a version out for signature
    that no longer matches is voided with its signatures, the signers are told, and the next
    version is frozen. Returns the version voided, if any, for the page to say so."""
    current = live_version(report)
    if current is None:
        return None
    report = ReviewReport.objects.select_related("review__case__partnership",
                                                 "decision_meeting").get(pk=report.pk)
    if current.content_sha256 == snapshot_sha256(report_snapshot(report)):
        return None
    voided = _void(actor, current, "The report was edited after it was sent for signature")
    if voided:
        _email_later("signatures_voided", current.pk)
    _freeze(actor, report)
    return current


def _lock_report_then_version(version: ReportVersion) -> ReportVersion:
    """The locks in the order every edit takes them (docs/decisions/0006): the report, then
    the version. An edit holds the report's lock while it voids the version, so a signer
    queues behind it (no deadlock) and then reads the version as the edit left it (no
    signature on a voided version)."""
    ReviewReport.objects.select_for_update(of=("self",)).only("pk").get(pk=version.report_id)
    return ReportVersion.objects.select_for_update(of=("self",)).select_related(
        "report__review__case__partnership").get(pk=version.pk)


def _posted_before(actor: User, form_token) -> PartnerSignature | None:
    """What the same sign or disagree form recorded when it was posted before (a double
    click, the back button): asked under the locks, so two posts at once record once."""
    return posted_before(PartnerSignature, form_token=form_token, actor=actor, by="signed_by")


def _version_to_sign(actor: User, version: ReportVersion, content_sha256: str,
                     partner: str | None) -> tuple[ReportVersion, str]:
    """Checks on the locked version (``_lock_report_then_version``)."""
    case = version.report.review.case
    own = rules.partner_represented_by(actor, case.partnership)
    if not own or not rules.can_sign_report(actor, case):
        raise CaseError("Only the safeguarding partners' representatives can sign")
    if partner and partner != own:
        raise CaseError(f"You represent the {StatutoryPartner(own).label.lower()}: you can "
                        f"sign only for it, not for the {StatutoryPartner(partner).label}")
    if version.report.review.stopped_on:
        raise CaseError("This version is no longer current: read the current version")
    read_hash_check(read_sha256=content_sha256, version=version)
    return version, own


@transaction.atomic
def report_sign(*, actor: User, version: ReportVersion, content_sha256: str,
                signer_role: str, partner: str | None = None,
                form_token=None) -> PartnerSignature:
    """The representative signs the version they read, for their own partner only. The
    same form posted twice signs once."""
    version = _lock_report_then_version(version)
    earlier = _posted_before(actor, form_token)
    if earlier is not None:
        return earlier
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
        content_sha256=version.content_sha256, form_token=form_token)
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
        _documents_after_commit(actor, version)  # the signed decision record
        _email_later("all_signed", version.pk)
    return signature


def _store_signed_record(actor: User, version: ReportVersion) -> None:
    """The decision record with the three signatures, stored beside the version (now: the
    signing service stores it once it commits)."""
    version_documents_generate(actor=actor, version=version)


@transaction.atomic
def report_disagree(*, actor: User, version: ReportVersion, content_sha256: str,
                    comment: str, signer_role: str = "",
                    partner: str | None = None, form_token=None) -> PartnerSignature:
    """Instead of signing: the partner's disagreement, for the business unit to resolve.
    The same form posted twice records it once."""
    version = _lock_report_then_version(version)
    earlier = _posted_before(actor, form_token)
    if earlier is not None:
        return earlier
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
        content_sha256=version.content_sha256, comment=comment, form_token=form_token)
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
    signature = PartnerSignature.objects.select_for_update(of=("self",)).select_related(
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


def signoff_email_queue(event: str, pk: int) -> int:
    """Who is told what, by event; each event of each version or signature once (the
    outbox's dedupe key)."""
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
    return message_queue(to=to, subject=subject, body=f"{body}\n\n{link}\n",
                         kind=f"signoff_{event}", partnership_id=case.partnership_id,
                         reference=ref, related={"report": report.pk, "version": number},
                         dedupe_key=f"signoff:{event}:{pk}")


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
    version = _lock_report_then_version(version)
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
