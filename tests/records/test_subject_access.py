"""Subject access (checklist item 29): a named person's records across the partnership, with
who accessed their cases, as one ZIP; searched by a posted name, audited without it."""

import csv
import datetime
import io
import zipfile

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Role
from cases.models import Case, Person, Stage
from dashboards.audit import describe
from lcspr.services import family_member_add, lcspr_open
from rapid_review.models import InformationRequest
from rapid_review.services.chronology import chronology_entry_add
from tests.rapid_review.builders import (
    agency_with_user,
    review_for,
    send_requests,
    submitted_return,
    user_of,
)

pytestmark = pytest.mark.django_db
SEARCH = reverse("records:subject-access")
EXPORT = reverse("records:subject-access-export")


def _case_with_chronology(partnership, child_name: str, detail: str):
    review = review_for(partnership)
    case = review.case
    case.children.update(full_name=child_name)
    agency = agency_with_user(partnership)
    (request,) = send_requests(review, [agency.agency])
    chronology_entry_add(actor=agency.user, agency_return=request.agency_return,
                         date=datetime.date(2026, 1, 5), agency_department="Health visiting",
                         subjects="Child", contact_type="Home visit", details=detail)
    return case


def _files(response) -> dict[str, list[list[str]]]:
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {name: (archive.read(name).decode("utf-8-sig") if name.endswith(".txt") else
                   list(csv.reader(io.StringIO(archive.read(name).decode("utf-8-sig"))))
                   if name.endswith(".csv") else archive.read(name))
            for name in archive.namelist()}


def test_the_export_holds_the_persons_records_and_who_accessed_them_and_nothing_else(
        client, make_user, partnership, other_partnership):
    manager = make_user(Role.BUSINESS_MANAGER, user__full_name="Bea Manager")
    reader = make_user(Role.SCRUTINEER, user__full_name="Sam Scrutineer")
    case = _case_with_chronology(partnership, "Ada Lovelock", "Weighed; thriving")
    parent = Person.objects.create(case=case, relationship="parent", full_name="Pat Lovelock")
    other = _case_with_chronology(partnership, "Otto Different", "Otto's secret visit")
    client.force_login(reader)
    client.get(reverse("cases:case-detail", args=[case.reference]))
    client.get(reverse("cases:case-detail", args=[other.reference]))

    client.force_login(manager)
    response = client.post(SEARCH, {"name": "lovelock"})
    assert response.status_code == 200
    keys = {m.key for m in response.context["matches"]}
    child = case.children.get()
    assert keys == {f"child:{child.pk}", f"person:{parent.pk}"}
    assert "Lovelock" not in response.request["PATH_INFO"] + response.request["QUERY_STRING"]

    response = client.post(EXPORT, {"subject": [f"child:{child.pk}"]})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "Lovelock" not in response["Content-Disposition"]
    files = _files(response)
    assert files["01-the-person.csv"][1][:3] == [case.reference, "Child", "Ada Lovelock"]
    assert [row[0] for row in files["02-cases.csv"][1:]] == [case.reference]
    assert files["03-referrals.csv"][1][0] == case.reference
    assert [row[6] for row in files["06-chronology.csv"][1:]] == ["Weighed; thriving"]
    assert files["05-information-requests.csv"][1][0] == case.reference
    accessed = files["08-who-accessed.csv"]
    assert any(row[1] == "Sam Scrutineer" and case.reference in row[2] for row in accessed)
    everything = "".join(str(v) for v in files.values())
    assert "Otto" not in everything and other.reference not in everything
    assert "Pat Lovelock" not in files["01-the-person.csv"].__str__()  # not chosen

    (event,) = AuditEvent.objects.filter(detail__export="subject_access")
    assert event.actor == manager and event.action == AuditEvent.Action.DOWNLOAD
    assert event.partnership_id == partnership.pk
    assert event.detail["cases"] == [case.pk] and event.detail["children"] == [child.pk]
    assert event.detail["records"] == sum(len(rows) - 1 for name, rows in files.items()
                                          if name.endswith(".csv"))
    assert "Lovelock" not in str(event.detail)
    assert describe([event])[0].what == "Downloaded a subject access export"
    search = AuditEvent.objects.get(detail__page="records:subject-access")
    assert "lovelock" not in str(search.detail).lower() and search.detail["found"] == 2


def test_a_relative_s_export_holds_the_chronology_entries_naming_them(
        client, make_user, partnership):
    manager = make_user(Role.BUSINESS_MANAGER)
    case = _case_with_chronology(partnership, "Ada Lovelock", "Pat Lovelock at the visit")
    parent = Person.objects.create(case=case, relationship="parent", full_name="Pat Lovelock")
    Case.objects.filter(pk=case.pk).update(stage=Stage.LCSPR)
    lcspr = lcspr_open(actor=manager, case=Case.objects.get(pk=case.pk),
                       decided_on=datetime.date.today())
    for name in ("Pat Lovelock", "Someone Else"):
        family_member_add(actor=manager, lcspr=lcspr, name=name, relationship="parent")
    client.force_login(manager)
    files = _files(client.post(EXPORT, {"subject": [f"person:{parent.pk}"]}))
    assert files["01-the-person.csv"][1][1:3] == ["Parent", "Pat Lovelock"]
    assert [row[6] for row in files["06-chronology.csv"][1:]] == ["Pat Lovelock at the visit"]
    assert [row[1] for row in files["09-review-family-involvement.csv"][1:]] == [
        "Pat Lovelock"]


def test_another_partnerships_person_is_404_and_nothing_is_exported(
        client, make_user, partnership, other_partnership):
    theirs = _case_with_chronology(other_partnership, "Ada Lovelock", "Visit")
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    assert client.post(SEARCH, {"name": "Lovelock"}).context["matches"] == []
    child = theirs.children.get()
    assert client.post(EXPORT, {"subject": [f"child:{child.pk}"]}).status_code == 404
    assert client.post(EXPORT, {"subject": ["child:x"]}).status_code == 404
    assert not AuditEvent.objects.filter(detail__export="subject_access").exists()


def test_the_search_explains_its_errors_and_choosing_nothing(client, make_user, partnership):
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    response = client.post(SEARCH, {"name": " "})
    assert response.context["form"].errors == {"name": ["Enter the name of the person"]}
    _case_with_chronology(partnership, "Ada Lovelock", "Visit")
    response = client.post(EXPORT, {"name": "Lovelock"})
    assert response.status_code == 200
    assert b"Select the records that are the person" in response.content
    assert len(response.context["matches"]) == 1


def test_the_export_holds_every_other_record_of_a_childs_case_and_its_files(
        client, make_user, partnership):
    """Beyond the hand-written sheets: the case's other records (a review meeting and who
    attended, found from the models) and every file kept on it, each version of a generated
    document and an agency's attachment, byte for byte."""
    from rapid_review.services import meeting_attendee_add, meeting_schedule
    from rapid_review.services.chronology import master_chronology_generate
    from rapid_review.services.returns import return_attachment_add

    manager = make_user(Role.BUSINESS_MANAGER)
    case = _case_with_chronology(partnership, "Ada Lovelock", "Weighed; thriving")
    other = _case_with_chronology(partnership, "Otto Different", "Visit")
    review = case.rapid_review
    meeting = meeting_schedule(actor=manager, review=review, held_on=review.started_on,
                               starts_at=None, location="Room 7 (fictional)",
                               outside_window_reason="The only day the partners could meet")
    meeting_attendee_add(actor=manager, meeting=meeting, name="Dr Ima Fictional",
                         role="other")
    first = master_chronology_generate(actor=manager, review=review)
    request = InformationRequest.objects.get(review=review)
    pdf = b"%PDF-1.4 a fictional letter"
    return_attachment_add(actor=user_of(request), agency_return=request.agency_return,
                          filename="GP letter.pdf", data=pdf)
    submitted_return(request)
    master_chronology_generate(actor=manager, review=review)  # with the return: version 2
    master_chronology_generate(actor=manager, review=other.rapid_review)

    client.force_login(manager)
    child = case.children.get()
    files = _files(client.post(EXPORT, {"subject": [f"child:{child.pk}"]}))

    [meetings] = [rows for name, rows in files.items()
                  if name.endswith("-rapid-review-meetings.csv")]
    assert meetings[0][:1] == ["Case"] and "Location" in meetings[0]
    assert [row[meetings[0].index("Location")] for row in meetings[1:]] == [
        "Room 7 (fictional)"]
    [attendees] = [rows for name, rows in files.items()
                   if name.endswith("-rapid-review-meeting-attendees.csv")]
    assert any("Dr Ima Fictional" in row for row in attendees[1:])
    kept = {name: data for name, data in files.items() if name.startswith("files/")}
    ref = case.reference
    assert kept[f"files/{ref}/Master chronology (version 1).docx"] == bytes(first.docx)
    assert kept[f"files/{ref}/Master chronology (version 1).pdf"] == bytes(first.pdf)
    assert f"files/{ref}/Master chronology (version 2).pdf" in kept
    assert kept[f"files/{ref}/from agencies/GP letter.pdf"] == pdf
    agency = request.agency.name
    assert f"files/{ref}/Information request for rapid review {ref} to {agency} (version 1).pdf" \
        in kept
    assert not any(other.reference in name for name in files)
    everything = "".join(str(v) for name, v in files.items() if not name.startswith("files/"))
    assert "Otto" not in everything and other.reference not in everything
    held = len(kept)  # both chronologies in two formats, the letter, the request's pack
    assert held >= 6
    assert f"files folder holds every file kept on the cases ({held})" in files["00-summary.txt"]
    for name in files:  # nothing a person would not understand as a file's name
        assert "_" not in name.rsplit("/", 1)[-1].removesuffix(".csv").replace("-", " ")
    (event,) = AuditEvent.objects.filter(detail__export="subject_access")
    assert event.detail["attached"] == held


def test_a_relative_s_case_gives_only_the_other_records_naming_them(
        client, make_user, partnership):
    from rapid_review.services import meeting_attendee_add, meeting_schedule

    manager = make_user(Role.BUSINESS_MANAGER)
    case = _case_with_chronology(partnership, "Ada Lovelock", "Visit")
    parent = Person.objects.create(case=case, relationship="parent", full_name="Pat Lovelock")
    meeting = meeting_schedule(actor=manager, review=case.rapid_review,
                               held_on=case.rapid_review.started_on, starts_at=None,
                               location="Room 7 (fictional)",
                               outside_window_reason="The only day the partners could meet")
    for name in ("Pat Lovelock", "Dr Ima Fictional"):
        meeting_attendee_add(actor=manager, meeting=meeting, name=name, role="other")
    client.force_login(manager)
    files = _files(client.post(EXPORT, {"subject": [f"person:{parent.pk}"]}))
    [attendees] = [rows for name, rows in files.items()
                   if name.endswith("-rapid-review-meeting-attendees.csv")]
    assert [row[attendees[0].index("Name")] for row in attendees[1:]] == ["Pat Lovelock"]
    assert not any(name.endswith("-rapid-review-meetings.csv") for name in files)
