"""The master chronology of a rapid review with 2,000 entries from 15 agencies: the page
(a fixed number of queries, whatever the number of entries), its exports, and the collated
returns for the review group (SCSI-7).

Goals: the page under 1 s, the PDF under 10 s, on a 2-core machine.

Never touches the developer's database: ``run()`` does the measuring in a child process
(``python -m benchmarks.bench_chronology --child``) on a throwaway database, set up as
``benchmarks/_harness.py`` describes (``BENCH_DATABASE_URL`` to use PostgreSQL). The child
builds the data, measures, checks the results (a wrong result fails the benchmark) and
prints one JSON line.

Data: one partnership on the built-in 15 working day plan; a rapid review built through the
services (referral, triage, Panel notification, terms of reference with a scope period,
requests to 15 agencies, each return completed and submitted) with 2,000 chronology entries
spread over the 15 returns on days over three years, so about a third fall before the scope
period and are flagged; and a second rapid review with 20 entries from 2 agencies, to show
the page costs the same number of queries.

Figures (seconds are the median of ``REPEAT`` runs, or ``REPEAT_SLOW`` for documents):
1. ``page_s``/``page_queries``: the master chronology page (its first 250 entries) through
   the real view and Django's test client, signed in as a business unit officer; the same
   with an agency and date range filter (``page_filtered_*``) and for the last page
   (``page_last_*``). The entries shown, their order, the flags and the counts are checked,
   and the query counts must equal the 20-entry case's.
2. ``export_generate_s``: the first PDF download, which renders and stores both the DOCX
   and the PDF (``render_docx_s``, ``render_pdf_s`` break it down); the stored document is
   removed between runs. ``export_pdf_s``/``export_docx_s``: later downloads, served from
   the stored version. ``export_xlsx_s``/``export_csv_s``: built on each download. Every
   file is read back: the PDF holds every entry (pdftotext), the DOCX table 2,000 rows and
   a header, the XLSX and CSV 2,000 rows.
3. ``collated_generate_s``: the collated returns (DOCX and PDF) for the same review, run
   once: it renders the same 2,000-row table as the export, so it costs as much.

Run alone: ``DEBUG=true .venv/bin/python -m benchmarks.bench_chronology``.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import urlencode

from benchmarks._harness import child_report, child_setup, run_child, timed

ENTRIES = 2_000
AGENCIES = 15
SMALL_ENTRIES = 20
SMALL_AGENCIES = 2
FIRST_DAY = datetime.date(2023, 11, 20)  # about three years of entries, up to LAST_DAY
LAST_DAY = datetime.date(2026, 11, 20)
SCOPE = (datetime.date(2025, 1, 1), datetime.date(2026, 10, 31))
FILTER_FROM, FILTER_TO = datetime.date(2024, 6, 1), datetime.date(2025, 12, 31)
TEMPLATE = "15 working day plan (North East Lincolnshire)"
REPEAT = 5
REPEAT_SLOW = 3
SEED = 20261125
CHILD_TIMEOUT_S = 1800
MARKER = re.compile(r"A\d\dE\d{4}X")  # one per entry, in its details


def run() -> dict:
    return run_child("benchmarks.bench_chronology", timeout_s=CHILD_TIMEOUT_S)


# --------------------------------------------------------------------------- child


def _marker(agency_index: int, position: int) -> str:
    return f"A{agency_index:02d}E{position:04d}X"


def _people(partnership) -> dict:
    from accounts.models import Role
    from accounts.services import membership_grant, user_create

    officer = user_create(actor=None, email="bench.officer@example.org",
                          full_name="Officer Benchmark")
    membership_grant(actor=None, user=officer, partnership=partnership,
                     role=Role.BUSINESS_UNIT_OFFICER)
    return {"officer": officer}


def _agency(partnership, i: int):
    """An agency with one agency user (who completes and submits its returns)."""
    from accounts.models import Agency, Role
    from accounts.services import agency_create, membership_grant, user_create

    sectors = list(Agency.Sector.values)
    agency = agency_create(actor=None, name=f"Benchmark agency {i:02d} (fictional)",
                           sector=sectors[i % len(sectors)], partnerships=[partnership])
    user = user_create(actor=None, email=f"bench.agency{i:02d}@example.org",
                       full_name=f"Agency User {i:02d}")
    membership_grant(actor=None, user=user, partnership=partnership, role=Role.AGENCY_USER,
                     agency=agency)
    return agency, user


def _review(partnership, officer, referrer, today: datetime.date):
    """Referral, triage to a rapid review, Panel notified today, terms with a scope."""
    from cases import services as case_services
    from cases.models import Incident, Referral, TriageDecision
    from notifications.services import notification_record
    from rapid_review.models import RapidReview
    from rapid_review.services import terms_save

    agency = referrer.memberships.get(partnership=partnership).agency
    referral = case_services.referral_start(actor=referrer, agency=agency,
                                            partnership=partnership)
    case_services.child_save(actor=referrer, referral=referral, full_name="Benchchild Example",
                             date_of_birth=datetime.date(2019, 3, 4), gender="female",
                             nhs_number="943 476 5919")
    case_services.incident_save(
        actor=referrer, referral=referral, occurred_on=today, place="Home address",
        description="Fictional benchmark incident", immediate_actions="None (fictional)",
        harm=Incident.Harm.SERIOUS_HARM, concern=Incident.Concern.NEGLECT,
        certainty=Incident.Certainty.SUSPECTED, characteristics=["neglect_recent"])
    case_services.referral_update(
        actor=referrer, referral=referral, request_type=Referral.RequestType.PARTNER_NOTIFICATION,
        reason="Serious harm with neglect suspected", lead_officer_name="Sam Lead-Officer",
        lead_officer_role="Named nurse")
    case = case_services.referral_submit(actor=referrer, referral=referral)
    case_services.case_take_to_triage(actor=officer, case=case)
    case_services.triage_decide(
        actor=officer, case=case, meeting_date=today, attendees="Review group",
        attending_agencies=[], criteria_met=["serious_case"],
        decision=TriageDecision.Decision.RAPID_REVIEW, rationale="Notifiable incident")
    children = list(case.children.all())
    notification_record(actor=officer, case=case, became_aware_on=today, notified_on=today,
                        notified_by="Duty manager (fictional)", children=children)
    review = RapidReview.objects.select_related("case__partnership").get(case=case)
    later = review.started_on + datetime.timedelta(days=14)
    terms_save(actor=officer, review=review, children=children, people=[],
               scope_from=SCOPE[0], scope_to=SCOPE[1], meeting_dates=[later],
               returns_due_on=later)
    return review


def _submitted_returns(review, officer, agencies: list, counts: list[int],
                       rng: random.Random) -> list[tuple]:
    """Requests sent through the service, entries added, each return completed and
    submitted by its agency user. Returns (date, agency name, position, marker, agency pk)
    for every entry: what the checks expect."""
    from rapid_review.models import ChronologyEntry, InformationRequest
    from rapid_review.services import (
        agency_return_save,
        agency_return_submit,
        information_requests_send,
    )

    requests = information_requests_send(
        actor=officer, review=review,
        agencies_with_reasons=[(a, InformationRequest.Reason.CHILD) for a, _u in agencies])
    span = (LAST_DAY - FIRST_DAY).days
    subjects = ["Child A (fictional)", "Mother (fictional)", "Child A and sibling (fictional)"]
    expected = []
    for request, (agency, user), count in zip(requests, agencies, counts, strict=True):
        index = int(agency.name.split()[2])
        agency_return = request.agency_return
        rows = []
        for position in range(1, count + 1):
            day = FIRST_DAY + datetime.timedelta(days=rng.randrange(span + 1))
            marker = _marker(index, position)
            rows.append(ChronologyEntry(
                agency_return=agency_return, review=review, agency=agency,
                position=position, date=day, source="Case notes",
                agency_department=f"Team {index:02d}", subjects=rng.choice(subjects),
                contact_type=rng.choice(["Home visit", "Phone call", "Clinic appointment"]),
                by_whom="Practitioner (fictional)",
                details=f"{marker} fictional event details, a sentence or two long as "
                        "agencies write them.",
                comments="Fictional comment on the outcome."))
            expected.append((day, agency.name, position, marker, agency.pk))
        ChronologyEntry.objects.bulk_create(rows, batch_size=500)
        start = review.started_on - datetime.timedelta(days=900)
        agency_return_save(actor=user, agency_return=agency_return, section="involvement",
                           involved_with=["child", "family"], involvement_from=start,
                           involvement_to=None, services="Fictional services")
        agency_return_save(actor=user, agency_return=agency_return, section="summary",
                           summary="Routine contacts (fictional)")
        agency_return_save(actor=user, agency_return=agency_return, section="analysis",
                           worked_well="Timely contacts", worried_about="Missed appointment")
        agency_return_save(actor=user, agency_return=agency_return, section="records",
                           records_secured=True, records_secured_on=review.started_on)
        agency_return.refresh_from_db()
        agency_return_submit(actor=user, agency_return=agency_return,
                             authorised_by="Pat Example-Lead")
    expected.sort(key=lambda e: (e[0], e[1], e[2]))
    return expected


def _spread(total: int, parts: int) -> list[int]:
    per = total // parts
    return [per + (1 if i < total - per * parts else 0) for i in range(parts)]


def _build(rng: random.Random) -> dict:
    from django.db import transaction
    from django.utils import timezone

    from accounts.services import partnership_create
    from calendars.models import TimelineTemplate
    from calendars.services import template_adopt

    today = timezone.localdate()
    with transaction.atomic():
        partnership = partnership_create(actor=None, name="Benchmark partnership",
                                         code="BENCH", local_authority="Benchmark Council")
        template_adopt(actor=None, partnership=partnership,
                       builtin=TimelineTemplate.objects.get(partnership=None, name=TEMPLATE))
        officer = _people(partnership)["officer"]
        agencies = [_agency(partnership, i) for i in range(AGENCIES)]
        big = _review(partnership, officer, agencies[0][1], today)
        small = _review(partnership, officer, agencies[0][1], today)
    # Outside the transaction above so the requests' emails are queued as in the service.
    big_expected = _submitted_returns(big, officer, agencies, _spread(ENTRIES, AGENCIES), rng)
    small_expected = _submitted_returns(small, officer, agencies[:SMALL_AGENCIES],
                                        _spread(SMALL_ENTRIES, SMALL_AGENCIES), rng)
    assert len(big_expected) == ENTRIES and len(small_expected) == SMALL_ENTRIES
    return {"officer": officer, "big": big, "small": small, "big_expected": big_expected,
            "small_expected": small_expected, "agencies": [a for a, _u in agencies]}


def _median(results: dict, key: str, runs: list[float]) -> None:
    results[key] = round(statistics.median(runs), 3)


def _get(client, url: str):
    """One GET: (response, seconds, queries), the streamed body read inside the timing."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.get(url, secure=True)
        body = (b"".join(response.streaming_content) if response.streaming
                else response.content)
        seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.status_code)
    return response, body, seconds, len(queries)


def _measure(client, results: dict, key: str, url: str, repeat: int = REPEAT) -> bytes:
    """Median seconds into ``results[key + '_s']``; the queries must not vary between runs."""
    runs, counts, body = [], set(), b""
    for _ in range(repeat):
        _response, body, seconds, queries = _get(client, url)
        runs.append(seconds)
        counts.add(queries)
    assert len(counts) == 1, f"{key}: query count varies between runs: {sorted(counts)}"
    _median(results, f"{key}_s", runs)
    results[f"{key}_queries"] = counts.pop()
    return body


def _url(name: str, review, *args, **query) -> str:
    from django.urls import reverse

    url = reverse(name, args=[review.case.reference, *args])
    return url + ("?" + urlencode(query) if query else "")


def _date_query(prefix: str, day: datetime.date) -> dict:
    return {f"{prefix}_0": day.day, f"{prefix}_1": day.month, f"{prefix}_2": day.year}


def _check_page(html: str, expected: list[tuple], *, total: int, filtered: bool) -> None:
    """The page shows these entries, in this order, flagged where outside the scope."""
    from rapid_review.selectors.chronology import MASTER_PAGE_SIZE

    assert len(expected) <= MASTER_PAGE_SIZE
    rows = html.count('<tr class="govuk-table__row"><td')
    assert rows == len(expected), f"{rows} rows shown, expected {len(expected)}"
    shown = MARKER.findall(html)
    assert shown == [e[3] for e in expected], "entries shown or their order are wrong"
    flagged = sum(1 for e in expected if not SCOPE[0] <= e[0] <= SCOPE[1])
    assert html.count("Outside the scope period") == flagged
    if not filtered:
        assert f"{total} entries" in html, "total missing"


def _page(client, data: dict, results: dict) -> None:
    from rapid_review.selectors.chronology import MASTER_PAGE_SIZE

    big, small = data["big"], data["small"]
    big_expected, small_expected = data["big_expected"], data["small_expected"]
    client.get(_url("rapid_review:master-chronology", small), secure=True)  # warm the session

    # The 20-entry case first: what a fixed number of queries means.
    html = _measure(client, results, "small_page", _url("rapid_review:master-chronology", small))
    _check_page(html.decode(), small_expected, total=SMALL_ENTRIES, filtered=False)
    agency = data["agencies"][1]
    filters = {"agency": agency.pk, **_date_query("date_from", FILTER_FROM),
               **_date_query("date_to", FILTER_TO)}

    def matching(expected):
        return [e for e in expected if e[4] == agency.pk and FILTER_FROM <= e[0] <= FILTER_TO]

    html = _measure(client, results, "small_page_filtered",
                    _url("rapid_review:master-chronology", small, **filters))
    _check_page(html.decode(), matching(small_expected), total=SMALL_ENTRIES, filtered=True)

    html = _measure(client, results, "page", _url("rapid_review:master-chronology", big))
    _check_page(html.decode(), big_expected[:MASTER_PAGE_SIZE], total=ENTRIES, filtered=False)
    pages = -(-ENTRIES // MASTER_PAGE_SIZE)
    html = _measure(client, results, "page_last",
                    _url("rapid_review:master-chronology", big, page=pages))
    _check_page(html.decode(), big_expected[(pages - 1) * MASTER_PAGE_SIZE:],
                total=ENTRIES, filtered=False)
    html = _measure(client, results, "page_filtered",
                    _url("rapid_review:master-chronology", big, **filters))
    wanted = matching(big_expected)
    assert 0 < len(wanted) <= MASTER_PAGE_SIZE
    _check_page(html.decode(), wanted, total=ENTRIES, filtered=True)
    assert f"Showing {len(wanted)} of {ENTRIES} entries" in html.decode()
    results["page_filtered_entries"] = len(wanted)

    for key in ("page", "page_last", "page_filtered"):
        small_key = "small_page_filtered" if key == "page_filtered" else "small_page"
        assert results[f"{key}_queries"] == results[f"{small_key}_queries"], (
            f"{key}: {results[f'{key}_queries']} queries for {ENTRIES} entries, "
            f"{results[f'{small_key}_queries']} for {SMALL_ENTRIES}: not a fixed number")


def _pdf_markers(pdf: bytes) -> Counter:
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf,  # noqa: S607
                          capture_output=True, check=True).stdout.decode()
    return Counter(MARKER.findall(text))


def _docx_rows(data: bytes) -> list[list[str]]:
    from docx import Document

    from rapid_review.documents.chronology import MASTER_COLUMNS

    document = Document(io.BytesIO(data))
    tables = [t for t in document.tables if [c.text for c in t.rows[0].cells] == MASTER_COLUMNS]
    assert len(tables) == 1, f"{len(tables)} master chronology tables in the DOCX"
    return [[c.text for c in row.cells] for row in tables[0].rows]


def _check_documents(docx: bytes, pdf: bytes, expected: list[tuple]) -> None:
    assert pdf.startswith(b"%PDF"), "not a PDF"
    rows = _docx_rows(docx)
    assert len(rows) == len(expected) + 1, f"DOCX has {len(rows)} rows, expected header + " \
                                           f"{len(expected)}"
    assert [MARKER.search(r[7]).group() for r in rows[1:]] == [e[3] for e in expected]
    flagged = sum(1 for e in expected if not SCOPE[0] <= e[0] <= SCOPE[1])
    assert sum("(outside the scope period)" in r[0] for r in rows[1:]) == flagged
    if shutil.which("pdftotext"):
        markers = _pdf_markers(pdf)
        assert set(markers) == {e[3] for e in expected} and max(markers.values()) == 1, \
            "the PDF does not hold every entry exactly once"


def _exports(client, data: dict, results: dict) -> None:
    import cases.documents as documents
    from cases.models import CaseDocument

    big, expected = data["big"], data["big_expected"]
    stored = CaseDocument.objects.filter(case=big.case, kind=CaseDocument.Kind.MASTER_CHRONOLOGY)

    # The first download renders and stores both formats; the renderers are timed inside.
    renders: dict[str, list[float]] = {"docx": [], "pdf": []}
    originals = {"docx": documents.render_docx, "pdf": documents.render_pdf}

    def timed_renderer(fmt):
        def render(content):
            started = time.perf_counter()
            out = originals[fmt](content)
            renders[fmt].append(time.perf_counter() - started)
            return out
        return render

    documents.render_docx, documents.render_pdf = timed_renderer("docx"), timed_renderer("pdf")
    try:
        runs, counts = [], set()
        for _ in range(REPEAT_SLOW):
            stored.delete()
            _response, pdf, seconds, queries = _get(
                client, _url("rapid_review:master-chronology-export", big, "pdf"))
            runs.append(seconds)
            counts.add(queries)
    finally:
        documents.render_docx, documents.render_pdf = originals["docx"], originals["pdf"]
    assert stored.count() == 1 and len(counts) == 1, (stored.count(), counts)
    _median(results, "export_generate_s", runs)
    results["export_generate_queries"] = counts.pop()
    _median(results, "render_docx_s", renders["docx"])
    _median(results, "render_pdf_s", renders["pdf"])

    pdf = _measure(client, results, "export_pdf",
                   _url("rapid_review:master-chronology-export", big, "pdf"))
    docx = _measure(client, results, "export_docx",
                    _url("rapid_review:master-chronology-export", big, "docx"))
    assert stored.count() == 1, "a download of an unchanged chronology stored a new version"
    _check_documents(docx, pdf, expected)
    results["pdf_bytes"], results["docx_bytes"] = len(pdf), len(docx)

    xlsx = _measure(client, results, "export_xlsx",
                    _url("rapid_review:master-chronology-export", big, "xlsx"))
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx), read_only=True).active
    xlsx_rows = list(sheet.iter_rows(values_only=True))
    assert len(xlsx_rows) == 2 + ENTRIES, f"XLSX has {len(xlsx_rows)} rows"  # title, header
    assert [MARKER.search(str(r[7])).group() for r in xlsx_rows[2:]] == [e[3] for e in expected]

    body = _measure(client, results, "export_csv",
                    _url("rapid_review:master-chronology-export", big, "csv"))
    csv_rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert len(csv_rows) == 1 + ENTRIES, f"CSV has {len(csv_rows)} rows"
    assert [MARKER.search(r[7]).group() for r in csv_rows[1:]] == [e[3] for e in expected]


def _collated(data: dict, results: dict) -> None:
    from docx import Document

    from cases.models import CaseDocument
    from rapid_review.services import collated_returns_generate

    big, officer = data["big"], data["officer"]
    assert not CaseDocument.objects.filter(case=big.case,
                                           kind=CaseDocument.Kind.COLLATED_RETURNS).exists()
    with timed(results, "collated_generate_s", "collated_generate_queries"):
        document = collated_returns_generate(actor=officer, review=big)
    assert bytes(document.pdf).startswith(b"%PDF")
    tables = Document(io.BytesIO(bytes(document.docx))).tables
    assert max(len(t.rows) for t in tables) == ENTRIES + 1, "collated chronology incomplete"


def _child() -> None:
    results = child_setup("benchmarks.bench_chronology")
    from django.conf import settings
    from django.test import Client

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    results.update(entries=ENTRIES, agencies=AGENCIES)
    with timed(results, "build_data_s"):
        data = _build(random.Random(SEED))
    client = Client()
    client.force_login(data["officer"])
    _page(client, data, results)
    _exports(client, data, results)
    _collated(data, results)
    child_report(results)


if __name__ == "__main__":
    if "--child" in sys.argv[1:]:
        _child()
    else:
        import json

        print(json.dumps(run(), indent=2, sort_keys=True))
