"""The agency's chronology pages: entries added, changed and removed online, the
spreadsheet upload (all or nothing), the template, and who may see or change what."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent, Role
from cases.services import CaseError
from rapid_review.chronology_io import chronology_read
from rapid_review.models import AgencyReturn, ChronologyEntry
from rapid_review.services import chronology_entry_add, chronology_upload
from tests.factories import AgencyFactory
from tests.rapid_review.builders import agency_with_user
from tests.rapid_review.chronology_builders import (
    add_entries,
    csv_bytes,
    good_row,
    health_visiting_return,
    request_to,
    xlsx_bytes,
)

pytestmark = pytest.mark.django_db
d = datetime.date.fromisoformat


@pytest.fixture
def setup(partnership):
    return health_visiting_return(partnership)


def url(name, request, **kwargs):
    return reverse(f"rapid_review:{name}", kwargs={"pk": request.pk, **kwargs})


ENTRY = {"date_0": "3", "date_1": "2", "date_2": "2026", "source": "Case notes",
         "agency_department": "Health visiting", "subjects": "Child A",
         "contact_type": "Home visit", "by_whom": "Health visitor",
         "details": "Routine visit (fictional)", "comments": "No concerns"}


def test_entries_are_listed_in_date_order_and_out_of_scope_ones_flagged(client, setup):
    _review, request, user = setup
    agency_return = request.agency_return
    add_entries(agency_return, 1, start=d("2026-03-01"), prefix="Later")
    add_entries(agency_return, 1, start=d("2025-01-01"), prefix="Before scope")
    add_entries(agency_return, 1, start=d("2025-07-01"), prefix="In scope")
    client.force_login(user)
    response = client.get(url("return-chronology", request))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Before scope") < html.index("In scope") < html.index("Later")
    assert html.count("Outside the scope period") == 1
    assert "3 entries, 1 outside the scope period" in html
    assert "1 June 2025 to 31 October 2026" in html
    assert reverse("rapid_review:chronology-entry-add", args=[request.pk]) in html


def test_add_an_entry(client, setup):
    _review, request, user = setup
    client.force_login(user)
    response = client.post(url("chronology-entry-add", request), ENTRY)
    assert response.status_code == 302
    assert response.url == url("return-chronology", request)
    entry = ChronologyEntry.objects.get()
    assert (entry.date, entry.agency_id, entry.review_id, entry.position) == (
        d("2026-02-03"), request.agency_id, request.review_id, 1)
    assert entry.details == "Routine visit (fictional)"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.CREATE,
                                     object_type="rapid_review.chronologyentry").exists()


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"date_0": "31", "date_1": "2", "date_2": "2026"}, "date",
     "Date of the event must be a real date"),
    ({"date_0": "", "date_1": "", "date_2": ""}, "date", "Enter the date of the event"),
    ({"date_0": "1", "date_1": "1", "date_2": "2099"}, "date",
     "The date of the event must be today or in the past"),
    ({"agency_department": ""}, "agency_department", "Enter the agency or department"),
    ({"subjects": ""}, "subjects", "Enter the subject(s)"),
    ({"contact_type": " "}, "contact_type", "Enter the type of contact"),
    ({"details": ""}, "details", "Enter the details of the event"),
])
def test_entry_errors_show_next_to_the_field_and_nothing_typed_is_lost(
        client, setup, changes, field, message):
    _review, request, user = setup
    client.force_login(user)
    response = client.post(url("chronology-entry-add", request), {**ENTRY, **changes})
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert "govuk-error-summary" in html and html.count(message) >= 2  # summary and field
    for name, value in ENTRY.items():
        if name not in changes and value:
            assert f'value="{value}"' in html or f"{value}</textarea>" in html, name
    assert not ChronologyEntry.objects.exists()


def test_change_and_remove_an_entry(client, setup):
    _review, request, user = setup
    entry = add_entries(request.agency_return, 1)[0]
    client.force_login(user)
    edit = url("chronology-entry-edit", request, entry_pk=entry.pk)
    assert 'value="Case notes"' in client.get(edit).content.decode()
    response = client.post(edit, {**ENTRY, "details": "Corrected (fictional)"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.details == "Corrected (fictional)" and entry.date == d("2026-02-03")
    remove = url("chronology-entry-remove", request, entry_pk=entry.pk)
    assert "Remove this chronology entry?" in client.get(remove).content.decode()
    assert client.post(remove).status_code == 302
    assert not ChronologyEntry.objects.exists()


def test_another_agency_and_another_partnership_get_404(client, setup, partnership,
                                                         other_partnership):
    review, request, _user = setup
    entry = add_entries(request.agency_return, 1)[0]
    police = agency_with_user(partnership, "Police (fictional)")
    request_to(review, police.agency)  # police has its own request: still not this one
    elsewhere = agency_with_user(other_partnership)
    for user in (police.user, elsewhere.user):
        client.force_login(user)
        for name, extra in [("return-chronology", {}), ("chronology-entry-add", {}),
                            ("chronology-upload", {}),
                            ("chronology-entry-edit", {"entry_pk": entry.pk}),
                            ("chronology-entry-remove", {"entry_pk": entry.pk})]:
            assert client.get(url(name, request, **extra)).status_code == 404, name
        assert client.post(url("chronology-entry-remove", request, entry_pk=entry.pk)
                           ).status_code == 404
    assert ChronologyEntry.objects.count() == 1


def test_an_entry_of_another_return_is_404_through_this_one(client, setup, partnership):
    review, request, user = setup
    other = request_to(review, AgencyFactory(partnerships=[partnership]))
    entry = add_entries(other.agency_return, 1)[0]
    client.force_login(user)
    assert client.get(url("chronology-entry-edit", request, entry_pk=entry.pk)
                      ).status_code == 404


def test_the_business_unit_reads_an_agency_chronology_but_cannot_change_it(
        client, setup, make_user):
    _review, request, _user = setup
    add_entries(request.agency_return, 2)
    client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER))
    response = client.get(url("return-chronology", request))
    assert response.status_code == 200 and "Event 2" in response.content.decode()
    assert "Add an entry" not in response.content.decode()
    assert client.get(url("chronology-entry-add", request)).status_code == 404


def test_a_submitted_return_refuses_every_change(client, setup):
    review, request, user = setup
    entry = add_entries(request.agency_return, 1)[0]
    AgencyReturn.objects.filter(pk=request.agency_return.pk).update(
        status=AgencyReturn.Status.SUBMITTED)
    client.force_login(user)
    page = client.get(url("return-chronology", request)).content.decode()
    assert "has been submitted, so its chronology cannot be changed" in page
    assert "Change<span" not in page
    for name, extra in [("chronology-entry-add", {}), ("chronology-upload", {}),
                        ("chronology-entry-edit", {"entry_pk": entry.pk}),
                        ("chronology-entry-remove", {"entry_pk": entry.pk})]:
        assert client.post(url(name, request, **extra), ENTRY).status_code == 404, name
    request.agency_return.refresh_from_db()
    with pytest.raises(CaseError, match="has been submitted"):
        chronology_entry_add(actor=user, agency_return=request.agency_return,
                             **{**ENTRY, "date": d("2026-01-01")})
    assert ChronologyEntry.objects.count() == 1


def test_a_stopped_review_refuses_changes(client, setup):
    review, request, user = setup
    review.stopped_on = d("2026-11-20")
    review.save()
    client.force_login(user)
    assert client.get(url("chronology-entry-add", request)).status_code == 404


def _upload(client, request, data, name="chronology.csv", mode="add"):
    return client.post(url("chronology-upload", request),
                       {"file": SimpleUploadedFile(name, data), "mode": mode})


def test_upload_a_clean_spreadsheet_adds_after_the_existing_entries(client, setup):
    _review, request, user = setup
    add_entries(request.agency_return, 2)
    client.force_login(user)
    response = _upload(client, request, xlsx_bytes([good_row(), good_row("2025-12-01")]),
                       name="chronology.xlsx")
    assert response.status_code == 302
    entries = list(ChronologyEntry.objects.filter(agency_return=request.agency_return)
                   .order_by("position"))
    assert [e.position for e in entries] == [1, 2, 3, 4]
    assert [e.date for e in entries[2:]] == [d("2026-02-03"), d("2025-12-01")]
    assert all(e.agency_id == request.agency_id for e in entries)
    event = AuditEvent.objects.filter(object_type="rapid_review.agencyreturn").last()
    assert event.detail["chronology_upload"] == 2 and event.detail["mode"] == "add"


def test_a_double_click_on_upload_adds_the_entries_once(client, setup):
    """The page's token: the same file posted twice from one page is one upload (the
    second post answers as the first did); another file from the page used again (the
    back button) is a new one."""
    import uuid

    _review, request, user = setup
    client.force_login(user)
    token = str(uuid.uuid4())
    data = csv_bytes([good_row(), good_row("2025-12-01")])
    for _ in range(2):
        response = client.post(url("chronology-upload", request), {
            "file": SimpleUploadedFile("chronology.csv", data), "mode": "add",
            "form_token": token}, follow=True)
        assert "2 chronology entries imported" in response.content.decode()
    assert ChronologyEntry.objects.filter(agency_return=request.agency_return).count() == 2
    response = client.post(url("chronology-upload", request), {
        "file": SimpleUploadedFile("more.csv", csv_bytes([good_row("2025-11-01")])),
        "mode": "add", "form_token": token})
    assert response.status_code == 302
    assert ChronologyEntry.objects.filter(agency_return=request.agency_return).count() == 3
    assert AuditEvent.objects.filter(detail__has_key="chronology_upload").count() == 2


def test_upload_can_replace_the_entries(client, setup):
    _review, request, user = setup
    add_entries(request.agency_return, 3)
    client.force_login(user)
    assert _upload(client, request, csv_bytes([good_row()]), mode="replace"
                   ).status_code == 302
    assert list(ChronologyEntry.objects.values_list("details", "position")) == [
        ("Home visit, all well (fictional)", 1)]


def test_one_bad_row_imports_nothing_and_every_error_shows_with_its_row(client, setup):
    _review, request, user = setup
    add_entries(request.agency_return, 1)
    client.force_login(user)
    rows = [good_row(), good_row(), good_row("31/02/2026"), ["", *good_row()[1:4], "", ""]
            + good_row()[6:]]
    response = _upload(client, request, csv_bytes(rows), mode="replace")
    html = response.content.decode()
    assert response.status_code == 200
    assert ChronologyEntry.objects.count() == 1  # the old entry is still there
    errors = response.context["form"].errors["file"]
    assert errors == [
        "The selected file has 3 errors. Nothing has been imported: correct the file and "
        "upload it again",
        "Row 4, Date: enter a real date, like 27/03/2026",
        "Row 5, Date: enter the date",
        "Row 5, Type of contact: enter the type of contact",
    ]
    summary = html[html.index("govuk-error-summary"):html.index("<h1")]
    assert 'href="#id_file">Row 4, Date: enter a real date, like 27/03/2026' in summary
    field = html[html.index('id="id_file"') - 2000:html.index('id="id_file"')]
    assert "Row 5, Type of contact: enter the type of contact" in field
    assert 'value="replace"' in html and "checked" in html[html.index('value="replace"'):
                                                          html.index('value="replace"') + 60]


def test_the_service_refuses_an_upload_with_errors(setup):
    _review, request, user = setup
    parsed = chronology_read("c.csv", csv_bytes([good_row(), good_row("bad")]),
                             today=datetime.date.today())
    with pytest.raises(CaseError):
        chronology_upload(actor=user, agency_return=request.agency_return, upload=parsed,
                          mode="add")
    assert not ChronologyEntry.objects.exists()


@pytest.mark.parametrize(("name", "data", "message"), [
    ("notes.docx", b"PK\x03\x04", "The selected file must be an XLSX or CSV spreadsheet"),
    ("c.xlsx", b"not a spreadsheet", "could not be read as an XLSX spreadsheet"),
])
def test_upload_refuses_files_it_cannot_read(client, setup, name, data, message):
    _review, request, user = setup
    client.force_login(user)
    response = _upload(client, request, data, name=name)
    assert response.status_code == 200
    assert message in response.context["form"].errors["file"][0]
    assert not ChronologyEntry.objects.exists()


def test_upload_asks_for_a_file_and_a_choice(client, setup):
    _review, request, user = setup
    client.force_login(user)
    response = client.post(url("chronology-upload", request), {})
    assert response.context["form"].errors == {
        "file": ["Select a spreadsheet to upload"],
        "mode": ["Select whether to add to or replace the entries"]}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_template_downloads_for_agencies_and_the_business_unit(client, setup, make_user,
                                                                   fmt):
    _review, _request, user = setup
    path = reverse("rapid_review:chronology-template", args=[fmt])
    for who in (user, make_user(Role.BUSINESS_UNIT_OFFICER)):
        client.force_login(who)
        response = client.get(path)
        assert response.status_code == 200
        assert f'filename="chronology-template.{fmt}"' in response["Content-Disposition"]
    client.force_login(make_user(Role.SCRUTINEER))
    assert client.get(path).status_code == 404
    assert client.get(reverse("rapid_review:chronology-template", args=["pdf"])
                      ).status_code == 404
