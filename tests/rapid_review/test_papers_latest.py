"""The "Rapid reviews" list: each kind of paper once, its latest version, older versions
behind a details element; each case reference links to the review's overview; a version
waiting for the user's signature links to the sign-off page."""

import datetime
import hashlib

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role, StatutoryPartner
from cases.models import CaseDocument
from rapid_review.services.signoff import report_sign
from tests.notifications.builders import partner_representatives
from tests.rapid_review.test_submission import _report

pytestmark = pytest.mark.django_db
Kind = CaseDocument.Kind


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _stored(case, kind, related_key="", version=1):
    digest = hashlib.sha256(f"{kind}{related_key}{version}".encode()).hexdigest()
    return CaseDocument.objects.create(
        case=case, kind=kind, related_key=related_key, version=version,
        title=f"{kind} (fictional)", content_sha256=digest, docx=b"docx", docx_sha256=digest,
        pdf=b"%PDF-1.4", pdf_sha256=digest)


def _row(html: str, reference: str) -> str:
    start = html.rindex("<tr", 0, html.index(reference))
    return html[start:html.index("</tr>", start)]


def test_each_kind_of_paper_once_latest_first_with_older_versions_behind_it(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners, sign=False)
    case = review.case
    voided = [_stored(case, kind, "report-version-1") for kind in
              (Kind.DECISION_RECORD_LETTER, Kind.RAPID_REVIEW_REPORT, Kind.DECISION_RECORD)]
    current = [_stored(case, kind, "report-version-2") for kind in
               (Kind.DECISION_RECORD_LETTER, Kind.RAPID_REVIEW_REPORT, Kind.DECISION_RECORD)]
    signed = _stored(case, Kind.DECISION_RECORD, "report-version-2-signed")
    chronologies = [_stored(case, Kind.MASTER_CHRONOLOGY, "", v) for v in (1, 2, 3)]
    extract = _stored(case, Kind.MASTER_CHRONOLOGY, "filtered-0123456789abcdef")

    client.force_login(partners[StatutoryPartner.POLICE])
    row = _row(client.get(reverse("rapid_review:papers")).content.decode(), case.reference)
    assert row.count("Rapid review decision record (SRG-8), signed (PDF, version 2)") == 1
    assert row.count("Master chronology (PDF, version 3)") == 1
    assert row.count("Covering letter to the partners with the decision record (SRG-8) "
                     "(PDF, version 2)") == 1
    latest, older = row.split("govuk-details", 1)[0], row
    for document in (signed, chronologies[2], current[0], current[1]):
        link = reverse("cases:document-download", args=[case.reference, document.pk, "pdf"])
        assert row.count(link) == 1
    for document in (*voided, current[2], *chronologies[:2], extract):
        link = reverse("cases:document-download", args=[case.reference, document.pk, "pdf"])
        assert link not in latest and older.count(link) == 1
    assert row.count("Older versions") == 4  # the letter, report, record and chronology


def test_case_references_link_to_the_overview_and_a_waiting_version_to_the_sign_off(
        client, partnership, officer, partners):
    review, _school = _report(partnership, officer, partners, sign=False)
    ref = review.case.reference
    version = review.report.versions.get()
    with time_machine.travel(datetime.datetime(2026, 11, 19, 13, tzinfo=datetime.UTC)):
        report_sign(actor=partners[StatutoryPartner.ICB], version=version,
                    content_sha256=version.content_sha256, signer_role="Director")
    overview = reverse("rapid_review:overview", args=[ref])
    signoff = reverse("rapid_review:signoff", args=[ref])
    client.force_login(partners[StatutoryPartner.POLICE])
    row = _row(client.get(reverse("rapid_review:papers")).content.decode(), ref)
    assert f'href="{overview}"' in row and f'href="{signoff}"' in row
    assert "Waiting for your signature" in row
    client.force_login(partners[StatutoryPartner.ICB])
    row = _row(client.get(reverse("rapid_review:papers")).content.decode(), ref)
    assert f'href="{signoff}"' in row and "Waiting for your signature" not in row
    client.force_login(officer)
    row = _row(client.get(reverse("rapid_review:papers")).content.decode(), ref)
    assert f'href="{overview}"' in row and "Waiting for your signature" not in row
