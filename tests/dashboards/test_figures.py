"""The partnership's figures for its last financial year, built in the test on the days
things happened (tests/dashboards/figures_builders.py), checked against numbers counted
by hand; the downloads read back; who may see them; the page's queries at two sizes."""

from __future__ import annotations

import csv
import datetime
import io

import numpy
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from accounts.models import AuditEvent, Role
from calendars.models import Anchor, StepAction
from calendars.services import anchor_record, deadline_meet
from dashboards.figures.categories import age_band, ethnic_group
from dashboards.figures.selectors import financial_year, last_financial_year
from dashboards.figures.tables import figures_build
from tests.factories import MembershipFactory
from tests.readback import docx_text, flat

from . import figures_builders as story
from .figures_builders import d

pytestmark = pytest.mark.django_db
YEAR = financial_year(2025)
TODAY = d("2026-12-06")
URL = reverse("dashboards:figures")


@pytest.fixture
def year(partnership):
    return story.last_financial_year(partnership)


def _rows(figures, key):
    return figures.table(key).rows


def _by_label(figures, key):
    return {row[0]: row[1:] for row in _rows(figures, key)}


def _england_working_days(start, end):
    """Oracle: numpy's business days with England's bank holidays of 2025 and 2026 typed
    in from gov.uk, not the calendars app's."""
    holidays = ["2025-04-18", "2025-04-21", "2025-05-05", "2025-05-26", "2025-08-25",
                "2025-12-25", "2025-12-26", "2026-01-01", "2026-04-03", "2026-04-06",
                "2026-05-04", "2026-05-25", "2026-08-31", "2026-12-25", "2026-12-28"]
    # Days x with start < x <= end.
    return int(numpy.busday_count(start + datetime.timedelta(days=1),
                                  end + datetime.timedelta(days=1), holidays=holidays))


def test_last_financial_year_runs_april_to_march():
    assert last_financial_year(TODAY) == financial_year(2025)
    assert (YEAR.start, YEAR.end) == (d("2025-04-01"), d("2026-03-31"))
    assert last_financial_year(d("2026-03-31")).start == d("2024-04-01")


def test_timeliness_counts_working_days_across_easter_and_the_year_end(year, partnership):
    figures = figures_build([partnership], YEAR, TODAY)
    timeliness = {row[0][:20]: row[2:] for row in _rows(figures, "timeliness")}
    # A (23 Apr, across Good Friday and Easter Monday) and C (due 31 March) on time, B a
    # day late; D fell due on 1 April, the next year.
    assert _england_working_days(d("2025-04-14"), d("2025-04-23")) == 5
    assert timeliness["Panel notified withi"] == [2, 3, "67", "5"]
    # A sent on working day 15 (after the 5 May bank holiday); B never sent.
    assert _england_working_days(d("2025-04-23"), d("2025-05-15")) == 15
    assert timeliness["Rapid review sent to"] == [1, 2, "50", "15"]
    assert timeliness["LCSPR completed withi"[:20]] == [0, 1, "0", ""]
    assert timeliness["Final LCSPR report s"] == [0, 0, "", ""]


def test_a_final_report_sent_fewer_than_7_working_days_before_publication_is_late(
        year, partnership):
    """The LCSPR commissioned 2 June 2025: publication planned for Wednesday 10 December,
    so its final report was due 7 working days before, Monday 1 December; sent Thursday 4
    December, 4 working days before publication: late by 3. The same sending completed the
    review, due in 6 months (2 December): 2 working days late."""
    lcspr = year.cases["L"]
    with story.on(d("2025-11-03")):
        anchor_record(actor=year.officer, case=lcspr, kind=Anchor.PLANNED_PUBLICATION,
                      occurred_on=d("2025-12-10"))
    with story.on(d("2025-12-04"), 12):
        deadline_meet(actor=year.officer, case=lcspr, action=StepAction.FINAL_REPORT_SENT)
    figures = figures_build([partnership], YEAR, TODAY)
    timeliness = {row[0][:20]: row[2:] for row in _rows(figures, "timeliness")}
    assert _england_working_days(d("2025-12-04"), d("2025-12-10")) == 4
    assert timeliness["Final LCSPR report s"] == [0, 1, "0", "4"]
    taken = _england_working_days(d("2025-06-02"), d("2025-12-04"))
    assert timeliness["LCSPR completed withi"[:20]] == [0, 1, "0", str(taken)]
    late = {row[0][:12]: row for row in _rows(figures, "late")
            if row[2] == lcspr.reference}
    assert late["Final LCSPR "][3:6] == ["1 December 2025", "4 December 2025", 3]
    assert late["LCSPR comple"][3:6] == ["2 December 2025", "4 December 2025", 2]


def test_the_late_ones_are_listed_with_their_recorded_reasons(year, partnership):
    figures = figures_build([partnership], YEAR, TODAY)
    late = {(row[0][:12], row[2]): row for row in _rows(figures, "late")}
    ref = {k: c.reference for k, c in year.cases.items()}
    assert set(late) == {("Panel notifi", ref["B"]), ("Rapid review", ref["B"]),
                         ("LCSPR comple", ref["L"])}
    notification = late[("Panel notifi", ref["B"])]
    assert notification[3:] == ["23 April 2025", "24 April 2025", 1, story.LATE_REASON]
    review = late[("Rapid review", ref["B"])]
    assert review[3:] == ["16 May 2025", "Not done yet",
                          _england_working_days(d("2025-05-16"), TODAY), story.DELAY_REASON]
    assert late[("LCSPR comple", ref["L"])][3] == "2 December 2025"
    assert late[("LCSPR comple", ref["L"])][6] == "No reason recorded"


def test_volumes_count_what_happened_in_the_year_and_not_the_day_after(year, partnership):
    figures = figures_build([partnership], YEAR, TODAY)
    volumes = {label: values[0] for label, values in _by_label(figures, "volumes").items()}
    # Referred: A, B, C, D (25 March) and F (31 March); not E (1 April).
    assert volumes["Referrals received"] == 5
    assert volumes["Serious incidents notified to the Panel"] == 3
    assert volumes["of which the child died"] == 1
    assert volumes["of which the child was seriously harmed"] == 2
    assert volumes["Rapid reviews started"] == 3
    assert volumes["Rapid reviews sent to the Panel"] == 0
    assert volumes["LCSPRs commissioned"] == 1
    assert volumes["Action plans started"] == 1
    assert volumes["Action plans open at the end of the period"] == 1
    assert volumes["Actions in the plans open during the period"] == 3
    assert volumes["of which complete, with their impact evidenced"] == 1
    assert volumes["of which not implemented"] == 1
    assert volumes["of which still open"] == 1
    triage = {label: values[0] for label, values in _by_label(figures, "triage").items()}
    assert triage["Rapid review: a notifiable serious incident"] == 3
    assert triage["No further action"] == 1
    assert triage["Learning review facilitated by the partnership"] == 0
    # The next year has D's notification, and E's learning review.
    after = figures_build([partnership], financial_year(2026), TODAY)
    assert _by_label(after, "volumes")["Serious incidents notified to the Panel"] == [1]
    assert _by_label(after, "triage")[
        "Learning review facilitated by the partnership"] == [1]


def test_themes_are_counted_in_the_national_categories(year, partnership):
    figures = figures_build([partnership], YEAR, TODAY)
    themes = {(row[0], row[1]): row[2] for row in _rows(figures, "themes")}
    assert themes[("Nature of the incident", "Death")] == 1
    assert themes[("Nature of the incident", "Serious harm")] == 2
    assert [themes[("Age at the incident", band)] for band in (
        "Under 1", "1 to 5", "6 to 10", "11 to 15", "16 and over")] == [1, 0, 1, 1, 0]
    assert themes[("Sex", "Female")] == 2 and themes[("Sex", "Male")] == 1
    assert themes[("Ethnicity", "Mixed or multiple ethnic groups")] == 1
    assert themes[("Ethnicity", "White")] == 1
    assert themes[("Ethnicity", "Not known or not recorded")] == 1
    assert themes[("Disability", "Disability recorded")] == 1
    assert themes[("Looked-after status", "Looked after")] == 1
    assert themes[("Child protection plan or child in need", "Child protection plan")] == 1
    assert themes[("Known to agencies", "Known to one or more agencies")] == 1
    assert themes[("Characteristics of the incident (notifications)",
                   "Neglect - recent")] == 3
    assert themes[("Characteristics of the incident (notifications)",
                   "Sudden infant death")] == 1


def test_age_bands_and_ethnic_groups():
    assert age_band(d("2020-04-01"), d("2021-03-31")) == "Under 1"
    assert age_band(d("2020-04-01"), d("2021-04-01")) == "1 to 5"
    assert age_band(d("2010-04-01"), d("2026-04-01")) == "16 and over"
    assert ethnic_group("Mixed White and Asian") == "Mixed or multiple ethnic groups"
    assert ethnic_group("Bangladeshi") == "Asian or Asian British"
    assert ethnic_group("Black African") == "Black, Black British, Caribbean or African"
    assert ethnic_group("Arab") == "Other ethnic group"
    assert ethnic_group("") == ethnic_group("Refused") == "Not known or not recorded"


def _client_for(client, partnership, role=Role.BUSINESS_MANAGER):
    user = MembershipFactory(partnership=partnership, role=role).user
    client.force_login(user)
    return user


def test_the_spreadsheet_has_a_sheet_for_each_table_and_the_same_numbers(client, year,
                                                                        partnership):
    user = _client_for(client, partnership)
    response = client.get(URL, {"period": "2025", "format": "xlsx"})
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Timeliness", "Late", "Volumes and outcomes",
                                   "Triage decisions by pathway", "Themes and characteristics",
                                   "Findings and recommendations",
                                   "Actions not taken, and why"]
    volumes = {r[0]: r[1] for r in workbook["Volumes and outcomes"].iter_rows(values_only=True)}
    assert volumes["Referrals received"] == 5
    assert volumes["Serious incidents notified to the Panel"] == 3
    not_taken = list(workbook["Actions not taken, and why"].iter_rows(values_only=True))
    assert not_taken[1][1] == year.cases["A"].reference
    assert not_taken[1][5] == story.NOT_TAKEN_REASON
    findings = list(workbook["Findings and recommendations"].iter_rows(values_only=True))
    assert findings[1][3:] == (story.FINDING, story.RECOMMENDATION, "Added by the business unit",
                               3, 1, 1)
    event = AuditEvent.objects.get(actor=user, action=AuditEvent.Action.DOWNLOAD)
    assert event.detail["format"] == "xlsx" and event.detail["from"] == "2025-04-01"


def test_the_word_report_states_findings_actions_and_why_not(client, year, partnership):
    _client_for(client, partnership)
    response = client.get(URL, {"period": "2025", "format": "docx"})
    text = flat(docx_text(response.content))
    assert "Yearly report figures, 1 April 2025 to 31 March 2026" in text
    assert story.FINDING in text and story.NOT_TAKEN_REASON in text
    assert story.LATE_REASON in text
    assert "Referrals received 5" in text


def test_each_table_downloads_as_csv(client, year, partnership):
    _client_for(client, partnership)
    response = client.get(URL, {"period": "2025", "format": "csv", "table": "triage"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Decision", partnership.name]
    assert ["No further action", "1"] in rows
    assert client.get(URL, {"period": "2025", "format": "csv",
                            "table": "nothing"}).status_code == 404


def test_the_page_shows_charts_with_their_tables_and_keeps_the_period_in_the_url(
        client, year, partnership):
    user = _client_for(client, partnership)
    response = client.get(URL, {"period": "2025"})
    html = response.content.decode()
    assert 'role="img" aria-labelledby="chart-timeliness-title chart-timeliness-desc"' in html
    assert "<title id=\"chart-triage-title\">" in html
    assert 'href="?period=2025&amp;format=xlsx"' in html
    assert AuditEvent.objects.filter(actor=user, action=AuditEvent.Action.VIEW).exists()


def test_other_dates_are_checked_and_nothing_typed_is_lost(client, partnership):
    _client_for(client, partnership)
    response = client.get(URL, {"period": "dates", "date_from_0": "1", "date_from_1": "4",
                                "date_from_2": "2026", "date_to_0": "1", "date_to_1": "3",
                                "date_to_2": "2026"})
    assert "The last date must be the same as or after the first date" in \
        response.content.decode()
    assert response.context["form"]["date_from"].value() == ["1", "4", "2026"]
    assert client.get(URL, {"period": "dates", "format": "xlsx"}).status_code == 404


def test_a_regional_service_sees_each_partnership_side_by_side(client, year, partnership,
                                                               other_partnership):
    user = _client_for(client, partnership)
    MembershipFactory(user=user, partnership=other_partnership, role=Role.MANAGER)
    response = client.get(URL, {"period": "2025", "partnership": "all"})
    volumes = response.context["figures"].table("volumes")
    assert volumes.headers == ["Figure", partnership.name, other_partnership.name, "All"]
    assert _by_label(response.context["figures"], "volumes")["Referrals received"] == [5, 0, 5]


def test_another_partnerships_figures_are_not_found(client, year, partnership,
                                                    other_partnership):
    _client_for(client, other_partnership)
    assert client.get(URL, {"partnership": partnership.code}).status_code == 404
    assert client.get(URL, {"partnership": partnership.code,
                            "format": "xlsx"}).status_code == 404
    _client_for(client, other_partnership, Role.AGENCY_USER)
    assert client.get(URL).status_code == 404


def test_the_page_costs_the_same_queries_whatever_the_data_size(
        client, partnership, django_assert_max_num_queries):
    _client_for(client, partnership)
    with django_assert_max_num_queries(15):
        assert client.get(URL, {"period": "2025"}).status_code == 200
    story.last_financial_year(partnership)
    with django_assert_max_num_queries(15):
        assert client.get(URL, {"period": "2025"}).status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(URL, {"period": "2025", "format": "xlsx"}).status_code == 200
