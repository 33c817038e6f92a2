"""The overview report as versioned drafts, and its approval through the partnership's
chain, each decision bound to the version's hash."""

import io
import zipfile

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.models import CaseDocument
from cases.versioning import snapshot_sha256
from lcspr.models import Lcspr, ReportApproval
from lcspr.services.approval import (
    approval_record,
    approval_send_back,
    approval_sign,
    approved_version,
    is_approved,
)
from lcspr.services.chain import approval_chain, approval_chain_save
from lcspr.services.report import (
    live_version,
    report_freeze,
    report_section_save,
    report_snapshot,
    report_upload_add,
)
from rapid_review.services import signoff
from tests.conftest import deliver_emails
from tests.lcspr.builders import (
    appointed_reviewer,
    written_report,
)
from tests.lcspr.builders import approved_version as approve
from tests.notifications.builders import partner_representatives
from tests.readback import docx_text, flat, pdf_text

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture
def reps(partnership):
    return partner_representatives(partnership)


def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def test_the_rapid_review_and_the_lcspr_hash_their_versions_the_same_way():
    assert signoff.snapshot_sha256 is snapshot_sha256


def test_the_reviewer_writes_and_freezes_a_version_with_its_hash_and_documents(
        lcspr, manager, django_capture_on_commit_callbacks):
    reviewer = appointed_reviewer(lcspr, manager).user
    written_report(lcspr, reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        version = report_freeze(actor=reviewer, lcspr=lcspr)
    report = lcspr.overview_report
    assert version.content_sha256 == snapshot_sha256(report_snapshot(report))
    assert [s["name"] for s in version.chain] == [s["name"] for s in approval_chain(
        lcspr.case.partnership, Lcspr.Kind.LCSPR)]
    assert report_freeze(actor=reviewer, lcspr=lcspr) == version  # unchanged: the same one
    document = CaseDocument.objects.get(case=lcspr.case, related_key="overview-version-1")
    for text in (pdf_text(document.pdf, layout=False), docx_text(document.docx)):
        text = flat(text)
        assert version.content_sha256 in text
        assert "Executive summary" in text and "Recommendations" in text
        assert "Agencies share information about children like Ada Example-Child" in text
        assert "30 September 2027" in text


def test_an_edit_after_freezing_voids_the_version_and_its_approvals(
        lcspr, manager, reps, mailoutbox):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    approval_record(actor=manager, version=version, stage=1,
                    content_sha256=version.content_sha256, decided_on=version.frozen_at.date(),
                    decided_by="The review sub-group")
    voided = report_section_save(actor=manager, lcspr=lcspr, key="executive_summary",
                                 text="A new summary (fictional).",
                                 revision=lcspr.overview_report.revision)
    version.refresh_from_db()
    assert voided == version and version.voided_at is not None
    assert live_version(lcspr.overview_report) is None
    with pytest.raises(ValidationError, match="no longer current"):
        approval_record(actor=manager, version=version, stage=2,
                        content_sha256=version.content_sha256,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    assert report_freeze(actor=manager, lcspr=lcspr).number == 2
    assert any("changed after your decision" in m.subject for m in deliver_emails())


def test_a_stale_hash_is_refused_with_a_clear_message(lcspr, manager, reps):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    with pytest.raises(ValidationError, match="changed while you were reading it: read "
                                              "version 1 again"):
        approval_record(actor=manager, version=version, stage=1, content_sha256="0" * 64,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    assert not ReportApproval.objects.exists()


def test_the_stages_go_in_order_and_the_partners_endorsement_needs_all_three(
        lcspr, manager, reps):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    sha = version.content_sha256
    with pytest.raises(ValidationError, match="Quality assurance by the review sub-group comes "
                                              "first"):
        approval_record(actor=manager, version=version, stage=2, content_sha256=sha,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    for stage in (1, 2):
        approval_record(actor=manager, version=version, stage=stage, content_sha256=sha,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    with pytest.raises(ValidationError, match="partner's representative signs"):
        approval_record(actor=manager, version=version, stage=3, content_sha256=sha,
                        decided_on=version.frozen_at.date(), decided_by="The partners")
    police = reps["police"]
    with pytest.raises(ValidationError, match="sign only for it"):
        approval_sign(actor=police, version=version, stage=3, content_sha256=sha,
                      signer_role="Chief Constable", partner="icb")
    approval_sign(actor=reps["local_authority"], version=version, stage=3, content_sha256=sha,
                  signer_role="Director of Children's Services")
    approval_sign(actor=police, version=version, stage=3, content_sha256=sha,
                  signer_role="Assistant Chief Constable")
    with pytest.raises(ValidationError, match="already signed"):
        approval_sign(actor=police, version=version, stage=3, content_sha256=sha,
                      signer_role="Assistant Chief Constable")
    assert not is_approved(version) and approved_version(lcspr) is None
    with pytest.raises(ValidationError, match="Endorsement by the three safeguarding partners "
                                              "comes first"):
        approval_record(actor=manager, version=version, stage=4, content_sha256=sha,
                        decided_on=version.frozen_at.date(), decided_by="The strategic group")
    approval_sign(actor=reps["icb"], version=version, stage=3, content_sha256=sha,
                  signer_role="Chief Nurse")
    version.refresh_from_db()
    # Approved once the three partners signed: the strategic group notes it for information.
    assert approved_version(lcspr) == version and version.approved_at is not None
    approval_record(actor=manager, version=version, stage=4, content_sha256=sha,
                    decided_on=version.frozen_at.date(), decided_by="The strategic group")
    assert version.approvals.get(stage=4).outcome == "noted"


def test_the_approved_report_says_who_approved_it_and_is_read_back(
        lcspr, manager, reps, django_capture_on_commit_callbacks):
    written_report(lcspr, manager)
    with django_capture_on_commit_callbacks(execute=True):
        version = approve(lcspr, manager, reps)
    document = CaseDocument.objects.get(case=lcspr.case,
                                        related_key="overview-version-1-approved")
    for text in (flat(pdf_text(document.pdf, layout=False)), flat(docx_text(document.docx))):
        assert "Version 1, approved" in text
        assert "Quality assurance by the review sub-group: approved" in text
        assert "for the police" in text and version.content_sha256 in text


def test_a_stage_sends_the_version_back_with_comments(lcspr, manager, reps):
    reviewer = appointed_reviewer(lcspr, manager).user
    written_report(lcspr, reviewer)
    version = report_freeze(actor=reviewer, lcspr=lcspr)
    with pytest.raises(ValidationError) as refused:
        approval_send_back(actor=manager, version=version, stage=1, comment=" ",
                           content_sha256=version.content_sha256,
                           decided_on=version.frozen_at.date(), decided_by="The sub-group")
    assert "Enter the comments" in str(refused.value)
    approval_send_back(actor=manager, version=version, stage=1,
                       comment="The analysis needs the school's view.",
                       content_sha256=version.content_sha256,
                       decided_on=version.frozen_at.date(), decided_by="The sub-group")
    version.refresh_from_db()
    assert version.voided_at and "Sent back" in version.void_reason
    emails = deliver_emails()
    assert any("sent back with comments" in m.subject and reviewer.email in m.to
               for m in emails)


def test_each_stage_tells_the_next_people(lcspr, manager, reps):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    sha = version.content_sha256
    for stage in (1, 2):
        approval_record(actor=manager, version=version, stage=stage, content_sha256=sha,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    emails = deliver_emails()
    to_partners = [m for m in emails if "endorsement by the three safeguarding partners"
                   in m.subject]
    assert {a for m in to_partners for a in m.to} == {u.email for u in reps.values()}
    assert any("quality assurance" in m.subject and manager.email in m.to for m in emails)


def test_a_learning_review_gets_the_lighter_chain_and_the_manager_can_set_another(
        partnership, manager):
    chain = approval_chain(partnership, Lcspr.Kind.LEARNING_REVIEW)
    assert [s["kind"] for s in chain] == ["meeting", "partners"]
    with pytest.raises(ValidationError, match="At least one stage must approve"):
        approval_chain_save(actor=manager, partnership=partnership,
                            review_kind=Lcspr.Kind.LCSPR,
                            stages=[("information", "Strategic group")])
    approval_chain_save(actor=manager, partnership=partnership, review_kind=Lcspr.Kind.LCSPR,
                        stages=[("meeting", "Quality assurance by the CSPRG"),
                                ("meeting", "Sign-off by the Assurance Executive"),
                                ("information", "Strategic Management Group"), ("meeting", "")])
    assert [s["name"] for s in approval_chain(partnership, Lcspr.Kind.LCSPR)] == [
        "Quality assurance by the CSPRG", "Sign-off by the Assurance Executive",
        "Strategic Management Group"]


def test_the_upload_must_be_word_or_pdf(lcspr, manager):
    reviewer = appointed_reviewer(lcspr, manager).user
    with pytest.raises(ValidationError, match="not a real DOCX"):
        report_upload_add(actor=reviewer, lcspr=lcspr, filename="report.docx", data=b"nope")
    with pytest.raises(ValidationError, match="Word document"):
        report_upload_add(actor=reviewer, lcspr=lcspr, filename="report.xlsx", data=b"x")
    upload = report_upload_add(actor=reviewer, lcspr=lcspr, filename="C:\\draft.docx",
                               data=_docx())
    assert upload.filename == "draft.docx"
    assert report_snapshot(lcspr.overview_report)["upload"]["sha256"] == upload.sha256


# Pages ---------------------------------------------------------------------------------------
def test_the_reviewer_sees_only_their_review(client, partnership, manager, make_user):
    from tests.lcspr.builders import opened_lcspr

    mine = opened_lcspr(partnership, manager)
    reviewer = appointed_reviewer(mine, manager).user
    other = opened_lcspr(partnership, manager)
    client.force_login(reviewer)
    for name in ("report", "approval", "report-upload", "report-recommendation-add"):
        assert client.get(reverse(f"lcspr:{name}", args=[mine.case.reference])).status_code \
            == 200, name
        assert client.get(reverse(f"lcspr:{name}", args=[other.case.reference])).status_code \
            == 404, name
    assert client.get(reverse("lcspr:report-section",
                              args=[mine.case.reference, "executive_summary"])).status_code == 200
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(reverse("lcspr:report", args=[mine.case.reference])).status_code == 200
    assert client.get(reverse("lcspr:report-upload",
                              args=[mine.case.reference])).status_code == 404


def test_a_partner_signs_from_the_page_and_a_stale_page_is_refused(client, lcspr, manager,
                                                                  reps):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    for stage in (1, 2):
        approval_record(actor=manager, version=version, stage=stage,
                        content_sha256=version.content_sha256,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    client.force_login(reps["icb"])
    page = client.get(reverse("lcspr:approval", args=[lcspr.case.reference])).content.decode()
    assert "Record your decision for the integrated care board" in page
    url = reverse("lcspr:approval-stage", args=[lcspr.case.reference, 3])
    form = client.get(url).context["form"]
    stale = {"content_sha256": "f" * 64, "outcome": "approved", "signer_role": "Chief Nurse",
             "form_token": form["form_token"].value()}
    response = client.post(url, stale)
    assert "The report changed while you were reading it" in response.content.decode()
    response = client.post(url, {**stale, "content_sha256": version.content_sha256})
    assert response.status_code == 302
    assert version.approvals.get(stage=3).partner == "icb"
    # Out of scope: another partnership's review.
    client.force_login(manager)
    assert client.get(url).status_code == 404  # the business unit does not sign for a partner


def test_the_business_unit_records_a_meeting_and_the_pages_stay_within_bounds(
        client, lcspr, manager, reps, django_assert_max_num_queries):
    written_report(lcspr, manager)
    for _ in range(3):
        version = report_freeze(actor=manager, lcspr=lcspr)
        report_section_save(actor=manager, lcspr=lcspr, key="the_case",
                            text=f"Edited {version.number}",
                            revision=lcspr.overview_report.revision)
        lcspr.overview_report.refresh_from_db()
    version = report_freeze(actor=manager, lcspr=lcspr)
    client.force_login(manager)
    url = reverse("lcspr:approval-stage", args=[lcspr.case.reference, 1])
    form = client.get(url).context["form"]
    response = client.post(url, {"content_sha256": version.content_sha256,
                                 "outcome": "sent_back", "decided_on_0": "6",
                                 "decided_on_1": "1", "decided_on_2": "2027",
                                 "decided_by": "The sub-group", "comment": "",
                                 "form_token": form["form_token"].value()})
    assert "Enter the comments the report is sent back with" in response.content.decode()
    assert 'value="The sub-group"' in response.content.decode()
    for name in ("report", "approval", "overview"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(f"lcspr:{name}",
                                      args=[lcspr.case.reference])).status_code == 200
    page = client.get(reverse("lcspr:overview", args=[lcspr.case.reference])).content.decode()
    assert "Overview report" in page and "Approval" in page


def test_the_business_manager_sets_the_chain(client, partnership, manager, make_user):
    client.force_login(manager)
    url = reverse("lcspr:approval-chains", args=["learning_review"])
    response = client.post(url, {"name_1": "Quality assurance by the SRG", "kind_1": "meeting",
                                 "name_2": "Endorsement by the partners", "kind_2": "partners"})
    assert response.status_code == 302
    assert [s["name"] for s in approval_chain(partnership, "learning_review")] == [
        "Quality assurance by the SRG", "Endorsement by the partners"]
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    assert client.get(url).status_code == 404
    assert len(mail.outbox) == 0


def test_the_partners_home_lists_the_reports_waiting_for_their_endorsement(
        client, lcspr, manager, reps):
    written_report(lcspr, manager)
    version = report_freeze(actor=manager, lcspr=lcspr)
    client.force_login(reps["police"])
    assert "Endorse version" not in client.get(reverse("dashboards:home")).content.decode()
    for stage in (1, 2):
        approval_record(actor=manager, version=version, stage=stage,
                        content_sha256=version.content_sha256,
                        decided_on=version.frozen_at.date(), decided_by="The sub-group")
    home = client.get(reverse("dashboards:home")).content.decode()
    assert "Endorse version 1 of the local child safeguarding practice review report" in home
    assert reverse("lcspr:approval", args=[lcspr.case.reference]) in home
    approval_sign(actor=reps["police"], version=version, stage=3,
                  content_sha256=version.content_sha256, signer_role="Chief Constable")
    assert "Endorse version" not in client.get(reverse("dashboards:home")).content.decode()


def test_another_partnerships_people_get_404(client, lcspr, manager, other_partnership):
    from tests.factories import user_with_role

    written_report(lcspr, manager)
    report_freeze(actor=manager, lcspr=lcspr)
    reference = lcspr.case.reference
    for role in (Role.BUSINESS_MANAGER, Role.PARTNER_REPRESENTATIVE, Role.SCRUTINEER):
        client.force_login(user_with_role(other_partnership, role, **(
            {"statutory_partner": "police"} if role == Role.PARTNER_REPRESENTATIVE else {})))
        for name in ("report", "approval", "redaction", "publication",
                     "report-recommendation-add", "publication-decision"):
            assert client.get(reverse(f"lcspr:{name}", args=[reference])).status_code == 404, \
                (role, name)
        assert client.get(reverse("lcspr:approval-stage", args=[reference, 1])).status_code \
            == 404
