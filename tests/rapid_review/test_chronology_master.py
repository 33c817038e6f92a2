"""The master chronology (submitted returns only, merged and sorted, filters, a fixed
number of queries), its four exports read back, and the collated report (SCSI-7)."""

import csv
import datetime
import io
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from accounts.models import AuditEvent, Role
from cases.models import CaseDocument
from rapid_review.models import AgencyReturn
from rapid_review.selectors import MasterFilters, master_chronology
from rapid_review.services import collated_returns_generate, master_chronology_generate
from tests.factories import AgencyFactory
from tests.rapid_review.builders import agency_with_user, review_for
from tests.rapid_review.chronology_builders import (
    add_entries,
    big_review,
    request_to,
    scoped,
)

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat
SUBMITTED = AgencyReturn.Status.SUBMITTED


def pdf_text(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-layout", "-", "-"], input=data,  # noqa: S607
                          capture_output=True, check=True).stdout.decode()


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


@pytest.fixture
def review(partnership):
    review = review_for(partnership)
    scoped(review, "2025-01-01", "2026-06-30")
    return review


@pytest.fixture
def mixed(review, partnership):
    """Police and School submitted (entries on the same day to test the agency order),
    Health still drafting (its entries never show), a GP nil return, a late one."""
    police = request_to(review, AgencyFactory(partnerships=[partnership], name="Police (fict)"),
                        status=SUBMITTED, summary="Police summary (fictional)",
                        worked_well="Quick referral", worried_about="Missed call",
                        immediate_learning="Share earlier", records_secured=True,
                        records_secured_on=d("2026-11-20"), involved_with="child,family")
    school = request_to(review, AgencyFactory(partnerships=[partnership], name="School (fict)"),
                        status=SUBMITTED, late=True, summary="School summary (fictional)")
    health = request_to(review, AgencyFactory(partnerships=[partnership], name="Health (fict)"))
    gp = request_to(review, AgencyFactory(partnerships=[partnership], name="GP (fict)"),
                    status=SUBMITTED, nil=True)
    overdue = request_to(review, AgencyFactory(partnerships=[partnership],
                                               name="Housing (fict)"),
                         due_on=d("2026-01-05"))
    add_entries(school.agency_return, 1, start=d("2026-03-01"), prefix="School visit",
                subjects="Mother")
    add_entries(police.agency_return, 1, start=d("2026-03-01"), prefix="Police call")
    add_entries(police.agency_return, 1, start=d("2024-12-01"), prefix="Old police")
    add_entries(school.agency_return, 1, start=d("2026-08-01"), prefix="Late school")
    add_entries(health.agency_return, 2, prefix="Draft health")
    return {"police": police, "school": school, "health": health, "gp": gp,
            "overdue": overdue}


def master_url(review, fmt=None, query=""):
    if fmt:
        path = reverse("rapid_review:master-chronology-export",
                       args=[review.case.reference, fmt])
    else:
        path = reverse("rapid_review:master-chronology", args=[review.case.reference])
    return path + query


def filtered(client, review, **filters) -> str:
    """Post the filters as the page's form does; the page it is sent back to has their token
    in its address, never what was typed."""
    response = client.post(master_url(review), filters)
    assert response.status_code == 303
    query = response["Location"].removeprefix(master_url(review))
    assert re.fullmatch(r"\?filters=[\w-]+", query), response["Location"]
    return query


def test_only_submitted_entries_merged_by_date_then_agency_with_source_shown(
        client, review, mixed, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    response = client.get(master_url(review))
    html = response.content.decode()
    assert response.status_code == 200
    order = [html.index(t) for t in ("Old police", "Police call", "School visit",
                                     "Late school")]
    assert order == sorted(order)
    assert "Draft health" not in html
    assert "4 entries" in html and html.count("Outside the scope period") == 2
    assert "Police (fict) team" in html and "Case notes" in html  # department and source
    assert "Downloads hold the whole master chronology" in html


@pytest.mark.parametrize(("query", "expected"), [
    ({"subject": "mother"}, ["School visit"]),
    ({"date_from_0": "1", "date_from_1": "1", "date_from_2": "2026"},
     ["Police call", "School visit", "Late school"]),
    ({"date_to_0": "1", "date_to_1": "3", "date_to_2": "2026"},
     ["Old police", "Police call", "School visit"]),
])
def test_filters(client, review, mixed, make_user, query, expected):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    html = client.get(master_url(review, query=filtered(client, review, **query))).content.decode()
    shown = [t for t in ("Old police", "Police call", "School visit", "Late school")
             if t in html]
    assert shown == expected
    assert f"Showing {len(expected)} of 4 entries" in html
    assert "Downloads follow the filters" in html


def test_filter_by_agency_and_a_bad_date_range_is_an_error(client, review, mixed, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    police = mixed["police"].agency
    query = filtered(client, review, agency=police.pk)
    html = client.get(master_url(review, query=query)).content.decode()
    assert "Police call" in html and "School visit" not in html
    assert "agency: Police (fict)" in html
    response = client.get(master_url(review, query=filtered(
        client, review, date_from_0="2", date_from_1="3", date_from_2="2026", date_to_0="1",
        date_to_1="3", date_to_2="2026")))
    assert response.context["form"].errors["date_to"]
    assert "4 entries" in response.content.decode()  # unfiltered while the form is wrong


def test_who_sees_the_master_chronology(client, review, mixed, make_user, other_partnership):
    for role, status in [(Role.BUSINESS_MANAGER, 200), (Role.PARTNER_REPRESENTATIVE, 200),
                         (Role.SCRUTINEER, 200), (Role.AGENCY_USER, 404),
                         (Role.ADMINISTRATOR, 404)]:
        client.force_login(make_user(role))
        assert client.get(master_url(review)).status_code == status, role
        assert client.get(master_url(review, "csv")).status_code == status, role
    client.force_login(mixed["police"].agency.memberships.first().user
                       if mixed["police"].agency.memberships.exists()
                       else agency_with_user(review.case.partnership).user)
    assert client.get(master_url(review)).status_code == 404
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership))
    assert client.get(master_url(review)).status_code == 404


def test_a_fixed_number_of_queries_for_2000_entries_from_15_agencies(
        client, review, make_user, django_assert_max_num_queries):
    big_review(review, agencies=15, entries=2000)
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    client.get(master_url(review))  # warm the session
    with django_assert_max_num_queries(15):
        response = client.get(master_url(review))
    html = response.content.decode()
    assert "2000 entries" in html and 'aria-label="Page 20"' in html
    assert len(response.context["chronology"].entries) == 100
    query = filtered(client, review, subject="child")
    with django_assert_max_num_queries(15):
        response = client.get(master_url(review, query=query + "&page=8"))
    html = response.content.decode()
    assert "Showing 2000 of 2000 entries" in html
    assert len(response.context["chronology"].entries) == 100
    # The next page keeps the filters (their token) and shows the next 100.
    following = re.search(r'href="([^"]+)" rel="next"', html).group(1).replace("&amp;", "&")
    assert query in following and "page=9" in following
    page_9 = client.get(master_url(review) + following)
    assert page_9.context["chronology"].page.number == 9
    assert "Showing 2000 of 2000 entries" in page_9.content.decode()


def test_selector_pages_keep_the_order_across_pages(review):
    big_review(review, agencies=3, entries=600)
    first = master_chronology(review, MasterFilters(), page=1)
    last = master_chronology(review, MasterFilters(), page=6)
    keys = [(e.date, e.agency.name, e.position) for e in first.entries + last.entries]
    assert keys == sorted(keys) and first.total == 600 and len(last.entries) == 100
    assert not last.page.has_next()


def test_the_counts_read_only_the_reviews_own_returns(review, mixed):
    """Joined to the returns on their status alone, counting the entries read every
    submitted return in the country (docs/performance.md): the returns are the review's."""
    with CaptureQueriesContext(connection) as queries:
        chronology = master_chronology(review, MasterFilters(subject="Mother"))
    counts = [q["sql"] for q in queries.captured_queries
              if "COUNT(" in q["sql"] and "rapid_review_chronologyentry" in q["sql"]]
    assert len(counts) == 2  # the filtered entries, and the total
    for count in counts:
        assert f'FROM "rapid_review_agencyreturn" U0 INNER JOIN "rapid_review_informationrequest"' \
               f' U1 ON (U0."request_id" = U1."id") WHERE (U1."review_id" = {review.pk}' in count
    assert (chronology.count, chronology.total) == (1, 4)


def test_docx_and_pdf_exports_read_back_landscape_and_audited(client, review, mixed,
                                                              make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    response = client.post(master_url(review, "docx"), follow=True)
    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert section.page_width > section.page_height
    text = docx_text(response.content)
    assert "Master chronology" in text and "Police call" in text and "Draft health" not in text
    assert text.index("Old police") < text.index("Police call") < text.index("School visit")
    assert "(outside the scope period)" in text
    pdf = client.post(master_url(review, "pdf"), follow=True)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert "Police call" in pdf_text(pdf.content)
    docs = CaseDocument.objects.filter(kind=CaseDocument.Kind.MASTER_CHRONOLOGY)
    assert docs.count() == 1  # the same content is one stored version
    assert AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD).count() == 2


def test_exports_follow_the_filters_and_say_so(client, review, mixed, make_user):
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    query = filtered(client, review, subject="mother")
    html = client.get(master_url(review, query=query)).content.decode()
    exports = re.findall(r'(?:href|action)="([^"]*/export\.\w+[^"]*)"', html)
    assert len(exports) == 4 and all(href.endswith(query) for href in exports)
    assert "mother" not in " ".join(re.findall(r'(?:href|action|src)="([^"]*)"', html))
    response = client.post(master_url(review, "docx", query), follow=True)
    text = docx_text(response.content)
    assert "Filtered: subject contains 'mother'" in text
    assert "School visit" in text and "Police call" not in text
    keys = set(CaseDocument.objects.filter(kind=CaseDocument.Kind.MASTER_CHRONOLOGY)
               .values_list("related_key", flat=True))
    assert len(keys) == 1 and keys.pop().startswith("filtered-")
    rows = list(csv.reader(io.StringIO(b"".join(
        client.get(master_url(review, "csv", query)).streaming_content
    ).decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][7].startswith("School visit")


def test_xlsx_and_csv_exports_read_back_and_are_audited(client, review, mixed, make_user):
    mixed["police"].agency_return.chronology_entries.update(details="=cmd|' /C calc'!A0")
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    response = client.get(master_url(review, "xlsx"))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert rows[0][:2] == ("Date", "Agency") and len(rows) == 5
    assert rows[1][0] == datetime.datetime(2024, 12, 1) and rows[1][9] == "Yes"
    assert sheet.cell(row=3, column=8).data_type == "s"
    response = client.get(master_url(review, "csv"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content)
                                       .decode("utf-8-sig"))))
    assert rows[0][0] == "Date" and len(rows) == 5
    assert rows[1][:2] == ["01/12/2024", "Police (fict)"]
    assert rows[1][7] == "'=cmd|' /C calc'!A0"
    events = AuditEvent.objects.filter(action=AuditEvent.Action.DOWNLOAD)
    assert sorted(e.detail["format"] for e in events) == ["csv", "xlsx"]


def test_collated_report_has_every_return_nil_return_missing_agency_and_chronology(
        client, review, mixed, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    client.force_login(officer)
    page = reverse("rapid_review:collated-returns", args=[review.case.reference])
    assert "Not generated yet" in client.get(page).content.decode()
    assert client.post(page).status_code == 302
    document = CaseDocument.objects.get(kind=CaseDocument.Kind.COLLATED_RETURNS)
    collate = review.case.deadlines.filter(step__key="collate_returns").first()
    assert collate is None or collate.status != "open"  # the plan's step, where it has one
    html = client.get(page).content.decode()
    assert reverse("cases:document-download",
                   args=[review.case.reference, document.pk, "pdf"]) in html
    text = docx_text(bytes(document.docx))
    for expected in ("Police summary (fictional)", "Quick referral", "Missed call",
                     "Share earlier", "Yes, on 20 November 2026", "Pat Example-Lead",
                     "School summary (fictional)", "(late)",
                     "GP (fict) | No record of the family (fictional)",
                     "Health (fict) | ", "Housing (fict) | 5 January 2026 | Overdue",
                     "Master chronology", "Police call", "Late school"):
        assert expected in text, expected
    assert "Draft health" not in text
    pdf = pdf_text(bytes(document.pdf))
    assert "Police summary (fictional)" in pdf and "Housing (fict)" in pdf
    # The same returns again: the same version; readers download, only the unit generates.
    assert collated_returns_generate(actor=officer, review=review).pk == document.pk
    client.force_login(make_user(Role.PARTNER_REPRESENTATIVE))
    assert client.get(page).status_code == 200
    assert client.get(reverse("cases:document-download",
                              args=[review.case.reference, document.pk, "docx"])
                      ).status_code == 200
    assert client.post(page).status_code == 404


def test_master_chronology_document_with_no_entries(review, make_user):
    document = master_chronology_generate(actor=make_user(Role.BUSINESS_UNIT_OFFICER),
                                          review=review)
    assert "No chronology entries have been submitted" in docx_text(bytes(document.docx))


def test_a_chronology_at_the_inline_limit_downloads_in_the_request(client, review, mixed,
                                                                  make_user, settings):
    settings.DOCUMENT_INLINE_MAX_ENTRIES = 4  # the mixed review has 4 submitted entries
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    response = client.post(master_url(review, "pdf"), follow=True)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    settings.DOCUMENT_INLINE_MAX_ENTRIES = 3
    mixed["police"].agency_return.chronology_entries.update(comments="Changed (fictional)")
    response = client.post(master_url(review, "pdf"))
    assert response.status_code == 302 and response["Location"] == master_url(review)
    assert "The PDF is being prepared" in client.get(master_url(review)).content.decode()
