"""Three-partner sign-off: each partner representative signs the exact frozen version for
their own partner only; an edit voids the version and its signatures and tells the
signers; a disagreement waits for the business unit's resolution."""

import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from calendars.models import DeadlineStatus
from cases.models import CaseDocument
from outbox.models import Message
from rapid_review.models import PartnerSignature, ReportVersion, ReviewReport
from rapid_review.services import (
    terms_save,
)
from rapid_review.services.signoff import (
    disagreement_resolve,
    report_changed,
    report_disagree,
    report_endorse,
    report_send_for_signature,
    report_sign,
)
from rapid_review.services.submission import submission_pack
from tests.factories import user_with_role
from tests.notifications.builders import partner_representatives
from tests.rapid_review.builders import agency_with_user, held_quorate_meeting, review_for
from tests.readback import docx_text, flat, has_name, pdf_text

pytestmark = pytest.mark.django_db
NOTIFIED = datetime.date(2026, 11, 2)
MEETING = datetime.date(2026, 11, 17)
LATER = datetime.datetime(2026, 11, 19, 12, tzinfo=datetime.UTC)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@pytest.fixture
def report(partnership, officer, partners):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 12, tzinfo=datetime.UTC)):
        review = review_for(partnership, officer, notified_on=NOTIFIED)
    with time_machine.travel(LATER):
        meeting = held_quorate_meeting(review, officer, MEETING)
    return ReviewReport.objects.create(
        review=review, sections={"introduction": "This rapid review (fictional)."},
        decision=ReviewReport.Decision.LOCAL_CSPR, decision_meeting=meeting,
        key_lines_of_enquiry="How did agencies share information? (fictional)",
        updated_by=officer)


def _sign_all(version, partners, order=StatutoryPartner.values):
    return [report_sign(actor=partners[p], version=version,
                        content_sha256=version.content_sha256, signer_role="Director")
            for p in order]


def test_sending_freezes_a_hashed_version_with_its_documents(
        report, officer, django_capture_on_commit_callbacks):
    # The documents are rendered once the freeze commits (docs/decisions/0006).
    with time_machine.travel(LATER), django_capture_on_commit_callbacks(execute=True):
        version = report_send_for_signature(actor=officer, report=report)
        assert report_send_for_signature(actor=officer, report=report) == version
    assert version.number == 1 and len(version.content_sha256) == 64
    sent = report.review.case.deadlines.get(step__key="send_decision_record")
    assert sent.status == DeadlineStatus.MISSED  # day 12 was 18 November: a day late
    documents = CaseDocument.objects.filter(case=report.review.case,
                                            related_key="report-version-1")
    assert {d.kind for d in documents} == {CaseDocument.Kind.RAPID_REVIEW_REPORT,
                                           CaseDocument.Kind.DECISION_RECORD,
                                           CaseDocument.Kind.DECISION_RECORD_LETTER}
    record = pdf_text(documents.get(kind=CaseDocument.Kind.DECISION_RECORD).pdf)
    assert version.content_sha256 in record.replace("\n", "").replace(" ", "")


def _row(words: str, *cells: str) -> bool:
    """A table row with these cells, in order, in a Word document's text."""
    return "\n".join(cells) in words


def test_the_decision_record_goes_to_the_partners_with_a_covering_letter(
        client, report, officer, partners, django_capture_on_commit_callbacks):
    """Seed 003, working day 12: the letter names the version, what is enclosed and the
    plan's date for the partners' conference (day 14: 20 November here)."""
    case = report.review.case
    with time_machine.travel(LATER), django_capture_on_commit_callbacks(execute=True):
        first = report_send_for_signature(actor=officer, report=report)
    letter = CaseDocument.objects.get(case=case, related_key="report-version-1",
                                      kind=CaseDocument.Kind.DECISION_RECORD_LETTER)
    words = docx_text(letter.docx)
    assert words.startswith("SRG-8 Letter to Safeguarding Partners")
    assert "To: the safeguarding partners of the Alphashire Safeguarding Children " \
           f"Partnership – {case.partnership.local_authority}, the police and the " \
           "Integrated Care Board" in words
    assert "agree your response to the review group's recommendation at your conference " \
           "and sign it by 20 November 2026" in words
    for cells in (("Version for signature", "Version 1"),
                  ("Rapid review meeting", "17 November 2026, Room 1 (fictional)"),
                  ("The review group's recommendation",
                   ReviewReport.Decision.LOCAL_CSPR.label),
                  ("Your conference to agree and sign the decision record",
                   "20 November 2026"),
                  ("Rapid review sent to the National Panel", "23 November 2026"),
                  ("Recommendation to Safeguarding Partners and their Decision Record "
                   "(SRG-8)", "1"),
                  ("Rapid Review Report", "1")):
        assert _row(words, *cells), cells
    assert first.content_sha256 in words
    assert "Safeguarding Children Partnership Team, Alphashire Safeguarding Children " \
           "Partnership" in words
    text = flat(pdf_text(letter.pdf))
    assert "sign it by 20 November 2026" in text and "version 1" in text
    assert not any(c.full_name in text or c.full_name in words
                   for c in case.children.all())

    # An edit after the partners' date: version 2 has its own letter, which says so.
    with time_machine.travel(datetime.datetime(2026, 11, 23, 12, tzinfo=datetime.UTC)), \
            django_capture_on_commit_callbacks(execute=True):
        report.sections = {**report.sections, "background": "Added (fictional)"}
        report.save()
        report_changed(actor=officer, report=report)
    second = CaseDocument.objects.get(case=case, related_key="report-version-2",
                                      kind=CaseDocument.Kind.DECISION_RECORD_LETTER)
    words = docx_text(second.docx)
    assert _row(words, "Version for signature", "Version 2")
    assert "sign it as soon as possible: the partnership's plan asked for your signatures " \
           "by 20 November 2026" in words
    assert report.versions.get(number=2).content_sha256 in words

    # Where the record is downloaded: the sign-off page and the review group's papers.
    police = partners[StatutoryPartner.POLICE]
    client.force_login(police)
    page = client.get(reverse("rapid_review:signoff", args=[case.reference])).content.decode()
    links = page[page.index('id="version-documents"'):]
    links = links[:links.index("</ul>")]
    assert links.index("Covering letter to the partners with the decision record") < \
        links.index("Rapid review decision record (SRG-8)")
    assert reverse("cases:document-download", args=[case.reference, second.pk, "pdf"]) in links
    assert reverse("cases:document-download", args=[case.reference, letter.pk, "pdf"]) \
        not in page
    papers = client.get(reverse("rapid_review:papers")).content.decode()
    assert reverse("cases:document-download", args=[case.reference, second.pk, "pdf"]) in \
        papers
    assert "Covering letter to the partners with the decision record (SRG-8) (PDF, version " \
           "2)" in papers and "Rapid review report (PDF, version 2)" in papers
    # The voided version's letter is only behind "Older versions".
    older = papers.index("Older versions")
    first_link = papers.index(reverse("cases:document-download",
                                      args=[case.reference, letter.pk, "pdf"]))
    assert papers.count(reverse("cases:document-download",
                                args=[case.reference, letter.pk, "pdf"])) == 1
    assert first_link > older
    response = client.get(reverse("cases:document-download",
                                  args=[case.reference, second.pk, "docx"]))
    assert response.status_code == 200 and bytes(response.content) == bytes(second.docx)


def test_a_decision_is_needed_before_sending(report, officer):
    report.decision = ""
    report.save()
    with pytest.raises(ValidationError, match="Record the decision"):
        report_send_for_signature(actor=officer, report=report)


def test_three_signatures_meet_the_step_and_store_the_signed_record(
        report, officer, partners, django_capture_on_commit_callbacks):
    with time_machine.travel(LATER), django_capture_on_commit_callbacks(execute=True):
        version = report_send_for_signature(actor=officer, report=report)
        signatures = _sign_all(version, partners)
    assert [s.signer_name for s in signatures] == [
        partners[p].full_name for p in StatutoryPartner.values]
    assert all(s.content_sha256 == version.content_sha256 for s in signatures)
    step = report.review.case.deadlines.get(step__key="partners_sign")
    assert step.status == DeadlineStatus.MET
    signed = CaseDocument.objects.get(case=report.review.case,
                                      kind=CaseDocument.Kind.DECISION_RECORD,
                                      related_key="report-version-1-signed")
    text = flat(pdf_text(signed.pdf, layout=False))
    for partner in partners.values():
        assert has_name(text, partner.full_name)
    assert "19 November 2026" in text


def test_a_partner_signs_only_for_their_own_partner_and_only_once(report, officer,
                                                                  partners):
    version = report_send_for_signature(actor=officer, report=report)
    police = partners[StatutoryPartner.POLICE]
    with pytest.raises(ValidationError, match="you can sign only for it"):
        report_sign(actor=police, version=version, content_sha256=version.content_sha256,
                    signer_role="Chief Superintendent", partner=StatutoryPartner.ICB)
    signature = report_sign(actor=police, version=version,
                            content_sha256=version.content_sha256, signer_role="Chief Supt")
    assert signature.partner == StatutoryPartner.POLICE
    with pytest.raises(ValidationError, match="already signed"):
        report_sign(actor=police, version=version, content_sha256=version.content_sha256,
                    signer_role="Chief Supt")
    for outsider in (officer, agency_with_user(report.review.case.partnership).user):
        with pytest.raises(ValidationError, match="Only the safeguarding partners"):
            report_sign(actor=outsider, version=version,
                        content_sha256=version.content_sha256, signer_role="x")


def test_a_stale_hash_is_refused(report, officer, partners):
    version = report_send_for_signature(actor=officer, report=report)
    with pytest.raises(ValidationError, match="changed while you were reading"):
        report_sign(actor=partners[StatutoryPartner.LOCAL_AUTHORITY], version=version,
                    content_sha256="0" * 64, signer_role="Director")


def test_an_edit_voids_the_version_and_its_signatures_and_tells_the_signers(
        report, officer, partners):
    version = report_send_for_signature(actor=officer, report=report)
    police = partners[StatutoryPartner.POLICE]
    report_sign(actor=police, version=version, content_sha256=version.content_sha256,
                signer_role="Chief Supt")
    report_changed(actor=officer, report=report)  # nothing changed: nothing happens
    assert report.versions.count() == 1
    report.sections = {**report.sections, "case_summary": "Added after signing (fictional)"}
    report.save()
    report_changed(actor=officer, report=report)
    version.refresh_from_db()
    assert version.voided_at is not None
    new = report.versions.get(voided_at__isnull=True)
    assert new.number == 2 and new.content_sha256 != version.content_sha256
    assert not new.signatures.exists()
    with pytest.raises(ValidationError, match="no longer current"):
        report_sign(actor=partners[StatutoryPartner.ICB], version=version,
                    content_sha256=version.content_sha256, signer_role="Director")
    [told] = Message.objects.filter(kind="signoff_signatures_voided")  # with the edit
    assert told.to == police.email and told.dedupe_key.startswith(
        f"signoff:signatures_voided:{version.pk}:")
    assert "signature is needed again" in told.subject
    assert "fictional" not in told.body
    ready = Message.objects.filter(kind="signoff_version_ready")
    assert {m.related["version"] for m in ready} == {1, 2}  # each version, to each partner
    assert ready.count() == 2 * len(partners)
    # Signed versions never change: the signature still points at version 1's hash.
    assert PartnerSignature.objects.get(version=version).content_sha256 == \
        version.content_sha256


def test_a_disagreement_is_resolved_by_the_business_unit(report, officer, partners):
    version = report_send_for_signature(actor=officer, report=report)
    icb = partners[StatutoryPartner.ICB]
    with pytest.raises(ValidationError) as refused:
        report_disagree(actor=icb, version=version, content_sha256=version.content_sha256,
                        comment="  ")
    assert "comment" in refused.value.message_dict
    disagreement = report_disagree(actor=icb, version=version,
                                   content_sha256=version.content_sha256,
                                   comment="The health visiting section is incomplete")
    with pytest.raises(ValidationError, match="Only the business unit"):
        disagreement_resolve(actor=icb, signature=disagreement, resolution="x")
    resolved = disagreement_resolve(actor=officer, signature=disagreement,
                                    resolution="Section rewritten with the provider")
    assert resolved.resolved_by == officer
    with pytest.raises(ValidationError, match="already been resolved"):
        disagreement_resolve(actor=officer, signature=disagreement, resolution="again")


# --- Pages ---------------------------------------------------------------------------------

def test_the_partner_signs_through_the_page_and_cannot_sign_for_another(
        client, report, officer, partners):
    ref = report.review.case.reference
    client.force_login(officer)
    assert client.post(reverse("rapid_review:signoff-send", args=[ref])).status_code == 302
    version = ReportVersion.objects.get(report=report)
    police = partners[StatutoryPartner.POLICE]
    client.force_login(police)
    page = client.get(reverse("rapid_review:signoff", args=[ref])).content.decode()
    assert "Sign for the police" in page and version.content_sha256 in page
    sign = reverse("rapid_review:signoff-sign", args=[ref])
    response = client.post(sign, {"content_sha256": version.content_sha256,
                                  "signer_role": "Chief Supt", "confirm": "on",
                                  "partner": StatutoryPartner.ICB})
    assert response.status_code == 400
    assert "you can sign only for it" in response.content.decode()
    response = client.post(sign, {"content_sha256": version.content_sha256,
                                  "signer_role": "", "partner": ""})
    body = response.content.decode()
    assert "Enter your role" in body and "Confirm you have read this version" in body
    response = client.post(sign, {"content_sha256": version.content_sha256,
                                  "signer_role": "Chief Supt", "confirm": "on"})
    assert response.status_code == 302
    assert version.signatures.get().signed_by == police


def test_signoff_pages_are_404_outside_the_review_group(client, report, officer, partners,
                                                        other_partnership):
    ref = report.review.case.reference
    report_send_for_signature(actor=officer, report=report)
    agency = agency_with_user(report.review.case.partnership).user
    elsewhere = user_with_role(other_partnership, Role.PARTNER_REPRESENTATIVE,
                               statutory_partner=StatutoryPartner.POLICE)
    for user in (agency, elsewhere):
        client.force_login(user)
        assert client.get(reverse("rapid_review:signoff", args=[ref])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("rapid_review:signoff-disagree",
                              args=[ref])).status_code == 404


def test_the_signoff_page_uses_a_fixed_number_of_queries(client, report, officer, partners,
                                                         django_assert_max_num_queries):
    ref = report.review.case.reference
    for number in range(3):
        version = report_send_for_signature(actor=officer, report=report)
        _sign_all(version, partners, order=[StatutoryPartner.POLICE, StatutoryPartner.ICB])
        report.sections = {**report.sections, "background": f"Edit {number}"}
        report.save()
        report_changed(actor=officer, report=report)
    client.force_login(partners[StatutoryPartner.POLICE])
    with django_assert_max_num_queries(16):
        assert client.get(reverse("rapid_review:signoff", args=[ref])).status_code == 200


def test_where_the_partnership_asks_the_signed_version_is_endorsed_before_submission(
        client, report, officer, partners):
    with time_machine.travel(LATER):
        version = report_send_for_signature(actor=officer, report=report)
        with pytest.raises(ValidationError, match="does not ask for an endorsement"):
            report_endorse(actor=officer, version=version, endorsed_by_name="Chair",
                           endorsed_by_role="Independent chair",
                           endorsed_on=LATER.date())
        partnership = report.review.case.partnership
        partnership.rapid_review_endorsement = "independent_chair"
        partnership.save()
        _sign_all(version, partners)
        with pytest.raises(ValidationError, match="independent chair must endorse version 1"):
            submission_pack(actor=officer, review=report.review)
        client.force_login(officer)
        ref = report.review.case.reference
        page = client.get(reverse("rapid_review:signoff", args=[ref])).content.decode()
        assert "record the endorsement" in page
        url = reverse("rapid_review:signoff-endorse", args=[ref])
        response = client.post(url, {"endorsed_by_name": "Cass Chair (fictional)",
                                     "endorsed_by_role": "", "endorsed_on_0": "19",
                                     "endorsed_on_1": "11", "endorsed_on_2": "2026"})
        assert "Enter their role" in response.content.decode()
        assert 'value="Cass Chair (fictional)"' in response.content.decode()
        response = client.post(url, {"endorsed_by_name": "Cass Chair (fictional)",
                                     "endorsed_by_role": "Independent chair",
                                     "endorsed_on_0": "19", "endorsed_on_1": "11",
                                     "endorsed_on_2": "2026"})
        assert response.status_code == 302
        review = report.review
        terms_save(actor=officer, review=review, children=list(review.case.children.all()),
                   people=[], scope_from=datetime.date(2025, 11, 1), scope_to=NOTIFIED,
                   meeting_dates=[MEETING], returns_due_on=MEETING)
        _filename, data = submission_pack(actor=officer, review=review)
    archive = zipfile.ZipFile(io.BytesIO(data))
    letter = next(n for n in archive.namelist() if "covering-letter.docx" in n)
    assert "Endorsed by Cass Chair (fictional), Independent chair, on 19 November 2026" in \
        docx_text(archive.read(letter))
    client.force_login(partners[StatutoryPartner.POLICE])
    assert client.get(reverse("rapid_review:signoff-endorse", args=[ref])).status_code == 404
