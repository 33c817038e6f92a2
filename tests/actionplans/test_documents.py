"""The plan's downloads: DOCX and PDF served as stored versions through the one document
download path (audited), the XLSX partnerships pass around, and the seven-minute briefing;
read back as a reader would open them."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent, Role
from actionplans import services
from actionplans.models import Action
from cases.models import CaseDocument
from tests.actionplans.doc_builders import LEARNING_POINT, evidence_link, plan_with_actions
from tests.factories import MembershipFactory
from tests.readback import docx_text, flat, pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def built(partnership):
    return plan_with_actions(partnership)


def _get(client, user, name, *args):
    """A page or a spreadsheet, or a stored document: asked for by a POST (which stores the
    version) and downloaded by the GET it redirects to."""
    client.force_login(user)
    url = reverse(f"actionplans:{name}", args=args)
    if name.endswith("-download") and args[-1] in ("docx", "pdf"):
        return client.post(url, follow=True)
    return client.get(url)


def _workbook(response):
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)
                                    if response.streaming else response.content))


def test_plan_page_links_the_downloads_and_the_learning(client, built):
    ref = built.plan.case.reference
    response = _get(client, built.officer, "plan", ref)
    html = response.content.decode()
    assert "Learning and downloads" in html
    for url in (reverse("actionplans:plan-download", args=[ref, "docx"]),
                reverse("actionplans:plan-download", args=[ref, "pdf"]),
                reverse("actionplans:plan-download", args=[ref, "xlsx"]),
                reverse("actionplans:briefing-download", args=[ref, "pdf"]),
                reverse("actionplans:dissemination", args=[ref]),
                reverse("actionplans:briefing", args=[ref])):
        assert url in html


def test_the_plan_as_word_and_pdf_is_a_stored_version_read_back(client, built):
    ref = built.plan.case.reference
    response = _get(client, built.officer, "plan-download", ref, "docx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == f'attachment; filename="{ref}-action-plan-v1.docx"'
    text = flat(docx_text(response.content))
    assert "Action plan" in text and "Recommendation 2" in text
    assert "Brief every response officer on home conditions" in text
    assert "Alphashire Police (fictional)" in text
    assert "Testchild" not in text
    pdf = flat(pdf_text(_get(client, built.officer, "plan-download", ref, "pdf").content,
                        layout=False))
    assert "Practitioners use the escalation policy" in pdf
    # Asked again with the plan unchanged: the same version, not a new one.
    assert CaseDocument.objects.filter(case=built.plan.case, kind="action_plan").count() == 1
    downloads = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD,
                                          actor=built.officer)
    assert sorted(e.detail["format"] for e in downloads) == ["docx", "pdf"]


def test_a_get_of_the_plan_as_a_document_stores_nothing(client, built):
    ref = built.plan.case.reference
    client.force_login(built.officer)
    for name, fmt in (("plan-download", "docx"), ("briefing-download", "pdf")):
        response = client.get(reverse(f"actionplans:{name}", args=[ref, fmt]))
        assert response.status_code == 405, name
    assert client.post(reverse("actionplans:plan-download", args=[ref, "xlsx"])
                       ).status_code == 405
    assert not CaseDocument.objects.filter(case=built.plan.case).exists()
    # A second click finds the version the first made.
    url = reverse("actionplans:plan-download", args=[ref, "pdf"])
    first, second = client.post(url), client.post(url)
    assert first["Location"] == second["Location"]
    assert CaseDocument.objects.filter(case=built.plan.case).count() == 1


def test_a_changed_plan_is_downloaded_as_its_next_version(client, built):
    ref = built.plan.case.reference
    _get(client, built.officer, "plan-download", ref, "docx")
    evidence_link(built, "1.1")
    services.action_update_give(actor=built.police.user, action=built.actions["1.1"],
                                status=Action.Status.COMPLETE, note="Done (fictional)")
    response = _get(client, built.officer, "plan-download", ref, "docx")
    assert response["Content-Disposition"].endswith('-action-plan-v2.docx"')
    assert "Complete: evidence being reviewed" in docx_text(response.content)


def test_the_plan_as_xlsx_has_one_row_per_action_with_every_column(client, built):
    ref = built.plan.case.reference
    evidence_link(built, "1.1")
    services.action_update_give(actor=built.police.user, action=built.actions["1.1"],
                                status=Action.Status.ON_TRACK, note="Half briefed (fictional)")
    services.action_not_implemented(actor=built.officer, action=built.actions["1.2"],
                                    reason="The school closed (fictional)")
    response = _get(client, built.officer, "plan-download", ref, "xlsx")
    assert response["Content-Disposition"] == f'attachment; filename="{ref}-action-plan.xlsx"'
    sheet = _workbook(response).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Recommendation", "Recommendation text", "Finding", "Source", "Action ref", "Action",
        "Agency", "Lead", "Due date", "Expected outcome", "Measure of impact", "Status",
        "Impact", "Not implemented reason", "Last update")
    assert [r[4] for r in rows[1:]] == ["1.1", "1.2", "2.1"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Recommendation"] == 1 and first["Finding"] == LEARNING_POINT
    assert first["Source"] == "Rapid review: learning point"
    assert first["Agency"] == "Alphashire Police (fictional)" and first["Lead"] == "Pat Example"
    assert first["Due date"].date() == built.actions["1.1"].due_on
    assert first["Status"] == "On track" and first["Impact"] == "Not reviewed"
    assert first["Last update"].endswith(": Half briefed (fictional)")
    second = dict(zip(rows[0], rows[2], strict=True))
    assert second["Status"] == "Not implemented"
    assert second["Not implemented reason"] == "The school closed (fictional)"
    # Text that a spreadsheet would run as a formula is kept as text.
    assert rows[3][5] == "'=SUM(A1) Audit escalations every quarter"
    assert sheet.freeze_panes == "F2"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.column_dimensions["F"].width > sheet.column_dimensions["E"].width
    event = AuditEvent.objects.get(action=AuditEvent.Action.DOWNLOAD, actor=built.officer)
    assert event.detail["format"] == "xlsx"


def test_agency_users_cannot_download_the_whole_plan(client, built):
    ref = built.plan.case.reference
    for fmt in ("docx", "pdf", "xlsx"):
        assert _get(client, built.police.user, "plan-download", ref, fmt).status_code == 404
    assert _get(client, built.officer, "plan-download", ref, "csv").status_code == 404


def test_a_partner_representative_reads_the_plan_downloads(client, built, partnership):
    rep = MembershipFactory(partnership=partnership, role=Role.PARTNER_REPRESENTATIVE,
                            statutory_partner="police").user
    ref = built.plan.case.reference
    assert _get(client, rep, "plan-download", ref, "xlsx").status_code == 200
    assert _get(client, rep, "plan-download", ref, "pdf").status_code == 200


def test_another_partnerships_staff_get_404(client, built, other_partnership):
    outsider = MembershipFactory(partnership=other_partnership,
                                 role=Role.BUSINESS_UNIT_OFFICER).user
    ref = built.plan.case.reference
    assert _get(client, outsider, "plan-download", ref, "docx").status_code == 404
    assert _get(client, outsider, "briefing-download", ref, "docx").status_code == 404


# The seven-minute briefing -------------------------------------------------------------------
def test_the_briefing_has_seven_sections_from_the_learning_and_the_words(client, built):
    ref = built.plan.case.reference
    services.briefing_save(actor=built.officer, plan=built.plan,
                           background="A review of neglect at home (fictional background)",
                           why_it_matters="", questions="Do you ask about home "
                           "conditions?\nWho do you tell?", further_information="")
    response = _get(client, built.officer, "briefing-download", ref, "docx")
    assert response.status_code == 200
    text = docx_text(response.content)
    headings = ["1. Background", "2. Why it matters", "3. What happened", "4. Learning",
                "5. What this means for practice", "6. Questions for practitioners",
                "7. Further information"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "A review of neglect at home (fictional background)" in text
    assert "Do you ask about home conditions?" in text and "Who do you tell?" in text
    assert LEARNING_POINT in text  # the finding, once
    assert text.count(LEARNING_POINT) == 1
    assert "Fathers were not seen by health visiting (fictional)" in text  # the rapid review's
    assert "Recommendation 2: Practitioners use the escalation policy" in text
    assert ref in text and "Testchild" not in text
    pdf = flat(pdf_text(_get(client, built.officer, "briefing-download", ref, "pdf").content,
                        layout=False))
    assert "Questions for practitioners" in pdf and "Testchild" not in pdf
    document = CaseDocument.objects.get(case=built.plan.case, kind="seven_minute_briefing")
    assert document.version == 1


def test_agency_users_download_the_briefing_once_it_is_written(client, built):
    ref = built.plan.case.reference
    assert _get(client, built.school.user, "briefing-download", ref, "pdf").status_code == 404
    services.briefing_save(actor=built.officer, plan=built.plan, background="", questions="",
                           why_it_matters="Fictional", further_information="")
    response = _get(client, built.school.user, "briefing-download", ref, "pdf")
    assert response.status_code == 200
    assert "Why it matters" in pdf_text(response.content)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD,
                                     actor=built.school.user).count() == 1


def test_the_briefing_page_refuses_a_save_over_someone_elses(client, built, partnership):
    ref = built.plan.case.reference
    services.briefing_save(actor=built.officer, plan=built.plan, background="First words",
                           why_it_matters="", questions="", further_information="")
    other = MembershipFactory(partnership=partnership, role=Role.BUSINESS_MANAGER).user
    client.force_login(other)
    url = reverse("actionplans:briefing", args=[ref])
    page = client.get(url)
    assert "First words" in page.content.decode()
    services.briefing_save(actor=built.officer, plan=built.plan, background="Second words",
                           why_it_matters="", questions="", further_information="",
                           revision=1)
    response = client.post(url, {"background": "My words", "why_it_matters": "",
                                 "questions": "", "further_information": "", "revision": "1"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "changed the briefing after you opened the page" in html
    assert "My words" in html and "Second words" in html
    built.plan.briefing.refresh_from_db()
    assert built.plan.briefing.background == "Second words"
    saved = client.post(url, {"background": "My words", "why_it_matters": "",
                              "questions": "", "further_information": "", "revision": "2"})
    assert saved.status_code == 302
    built.plan.briefing.refresh_from_db()
    assert built.plan.briefing.background == "My words"


def test_agency_users_cannot_write_the_briefing(client, built):
    ref = built.plan.case.reference
    assert _get(client, built.police.user, "briefing", ref).status_code == 404


@pytest.mark.parametrize("name,args", [("plan", ()), ("briefing", ())])
def test_the_pages_are_bounded(client, built, django_assert_max_num_queries, name, args):
    ref = built.plan.case.reference
    client.force_login(built.officer)
    with django_assert_max_num_queries(15):
        assert client.get(reverse(f"actionplans:{name}", args=[ref, *args])).status_code == 200
