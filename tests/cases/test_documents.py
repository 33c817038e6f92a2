"""Generated documents: both formats from one content, versions, and an audited download."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from cases.documents import (
    DocumentContent,
    Heading,
    Paragraph,
    SummaryList,
    Table,
    document_generate,
)
from cases.models import CaseDocument
from tests.cases.builders import agency_user
from tests.cases.factories import referred_case
from tests.readback import docx_text, pdf_text

pytestmark = pytest.mark.django_db


def _content(reference, extra=""):
    return DocumentContent("Master chronology", "Demo Partnership", reference).add(
        Heading("Scope"), Paragraph(f"First paragraph{extra}\n\nSecond paragraph"),
        SummaryList([("Scope from", "1 May 2026")]),
        Table(["Date", "Agency", "Details"], [["2 May 2026", "Police", "Home visit"]]))


@pytest.fixture
def case(partnership):
    return referred_case(partnership)


def test_both_formats_hold_the_same_content(case, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    document = document_generate(actor=officer, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
                                 content=_content(case.reference))
    words = docx_text(document.docx)
    assert "First paragraph" in words and "Home visit" in words and "1 May 2026" in words
    pdf = pdf_text(document.pdf)
    assert "First paragraph" in pdf and "Home visit" in pdf and case.reference in pdf
    assert "OFFICIAL-SENSITIVE" in pdf


def test_unchanged_content_keeps_the_version_and_a_change_makes_the_next(case):
    kind = CaseDocument.Kind.MASTER_CHRONOLOGY
    first = document_generate(actor=None, case=case, kind=kind, content=_content(case.reference))
    again = document_generate(actor=None, case=case, kind=kind, content=_content(case.reference))
    changed = document_generate(actor=None, case=case, kind=kind,
                                content=_content(case.reference, extra=" changed"))
    assert first.pk == again.pk and first.version == 1
    assert changed.version == 2 and changed.content_sha256 != first.content_sha256
    first.refresh_from_db()
    assert first.version == 1  # earlier versions never change


def test_download_is_authorised_and_audited(client, case, make_user, partnership,
                                             other_partnership):
    document = document_generate(actor=None, case=case,
                                 kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
                                 content=_content(case.reference))
    url = reverse("cases:document-download", args=[case.reference, document.pk, "docx"])
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-v1.docx"')
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD, actor=officer,
                                     object_id=str(document.pk)).count() == 1
    assert client.get(url.replace(".docx", ".exe")).status_code == 404
    client.force_login(agency_user(partnership))  # not addressed to that agency
    assert client.get(url).status_code == 404
    outsider = make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership)
    client.force_login(outsider)
    assert client.get(url).status_code == 404
