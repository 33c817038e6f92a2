"""The family and wider network with the six minimum offers of seed 002, each dated, and a
wish not to take part recorded as such; practitioners' involvement (seed 002 Appendix I)
with its date and who attended from which agencies."""

import datetime
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent
from lcspr.models import FamilyMember, PractitionerInvolvement
from lcspr.services import (
    family_member_add,
    family_offers_record,
    practitioner_involvement_record,
)
from tests.factories import AgencyFactory
from tests.lcspr.builders import appointed_reviewer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
d = datetime.date.fromisoformat


def test_each_offer_is_dated_and_a_wish_not_to_take_part_is_recorded(lcspr, manager):
    token = uuid.uuid4()
    mother = family_member_add(actor=manager, lcspr=lcspr, name="Alex Example (fictional)",
                               relationship="parent", form_token=token)
    assert family_member_add(actor=manager, lcspr=lcspr, name="Alex Example (fictional)",
                             relationship="parent", form_token=token) == mother
    with pytest.raises(ValidationError) as refused:
        family_offers_record(actor=manager, member=mother, notified_on=d("2027-01-07"),
                             contact_agreed_on=d("2027-01-05"), contribution_on=d("2027-01-05"))
    errors = refused.value.message_dict
    assert errors["notified_on"] == ["The date must be today or in the past"]
    assert errors["contact_arrangement"] == ["Enter the level and frequency of contact agreed"]
    assert errors["contribution"] == ["Select how they will contribute"]
    mother = family_offers_record(actor=manager, member=mother, notified_on=d("2027-01-04"),
                                  contact_agreed_on=d("2027-01-05"),
                                  contact_arrangement="A call every fortnight",
                                  contribution_on=d("2027-01-05"), contribution="meeting")
    offers = {field: when for field, _label, when in mother.offers()}
    assert offers["notified_on"] == d("2027-01-04") and offers["embargoed_copy_on"] is None
    uncle = family_member_add(actor=manager, lcspr=lcspr, name="Sam Example (fictional)",
                              relationship="other_family", relationship_detail="Uncle")
    uncle = family_offers_record(actor=manager, member=uncle, notified_on=d("2027-01-04"),
                                 declined_on=d("2027-01-05"),
                                 declined_note="Does not wish to take part at present")
    assert uncle.declined_on == d("2027-01-05") and FamilyMember.objects.count() == 2


def test_practitioners_involvement_is_recorded_once_with_its_agencies(lcspr, manager,
                                                                      partnership):
    school = AgencyFactory(partnerships=[partnership], name="Alpha School (fictional)")
    elsewhere = AgencyFactory(name="Elsewhere Trust (fictional)")
    with pytest.raises(ValidationError) as refused:
        practitioner_involvement_record(actor=manager, lcspr=lcspr, kind="event",
                                        held_on=None, agencies=[elsewhere], attendance="")
    errors = refused.value.message_dict
    assert set(errors) == {"held_on", "agencies", "attendance"}
    token = uuid.uuid4()
    event = practitioner_involvement_record(
        actor=manager, lcspr=lcspr, kind="event", held_on=d("2027-01-05"), agencies=[school],
        attendance="Class teacher, designated safeguarding lead", form_token=token)
    again = practitioner_involvement_record(
        actor=manager, lcspr=lcspr, kind="event", held_on=d("2027-01-05"), agencies=[school],
        attendance="Class teacher, designated safeguarding lead", form_token=token)
    assert again == event and PractitionerInvolvement.objects.count() == 1
    assert list(event.agencies.all()) == [school]


def test_the_family_and_practitioner_pages(client, lcspr, manager, partnership, make_user,
                                           django_assert_max_num_queries):
    AgencyFactory(partnerships=[partnership], name="Alpha Health Visiting (fictional)")
    reviewer = appointed_reviewer(lcspr, manager)
    client.force_login(manager)
    ref = lcspr.case.reference
    overview = client.get(reverse("lcspr:overview", args=[ref])).content.decode()
    for name in ("lcspr:family", "lcspr:practitioners"):
        assert reverse(name, args=[ref]) in overview
    add = reverse("lcspr:family-add", args=[ref])
    token = str(uuid.uuid4())
    response = client.post(add, {"name": "", "relationship": "parent", "form_token": token})
    assert "Enter the family member&#x27;s name" in response.content.decode()
    response = client.post(add, {"name": "Alex Example (fictional)", "relationship": "parent",
                                 "form_token": token})
    assert response.status_code == 302
    assert client.post(add, {"name": "Alex Example (fictional)", "relationship": "parent",
                             "form_token": token}).status_code == 302
    assert FamilyMember.objects.count() == 1
    member = FamilyMember.objects.get()
    page = client.get(response.url).content.decode()
    assert "Notified of the review process" in page and "embargoed, confidential copy" in page
    response = client.post(response.url, {"notified_on_0": "4", "notified_on_1": "1",
                                          "notified_on_2": "2027", "declined_on_0": "5",
                                          "declined_on_1": "1", "declined_on_2": "2027",
                                          "declined_note": "Not at present"})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:family", args=[ref])).content.decode()
    assert "Does not wish to take part" in page and "4 January 2027" in page
    assert reverse("lcspr:family-offers", args=[ref, member.pk]) in page
    assert AuditEvent.objects.filter(action=AuditEvent.Action.VIEW, actor=manager,
                                     object_type="lcspr.lcspr", detail__case=lcspr.case_id,
                                     detail__page="family").exists()
    add = reverse("lcspr:practitioners-add", args=[ref])
    page = client.get(add).content.decode()
    assert "A practitioner event" in page and "Alpha Health Visiting (fictional)" in page
    response = client.post(add, {"kind": "individual", "held_on_0": "5", "held_on_1": "1",
                                 "held_on_2": "2027", "attendance": "",
                                 "form_token": str(uuid.uuid4())})
    assert "Enter who attended or contributed" in response.content.decode()
    response = client.post(add, {"kind": "individual", "held_on_0": "5", "held_on_1": "1",
                                 "held_on_2": "2027", "attendance": "Health visitor",
                                 "form_token": str(uuid.uuid4())})
    assert response.status_code == 302
    with django_assert_max_num_queries(15):
        page = client.get(reverse("lcspr:practitioners", args=[ref])).content.decode()
    assert "An individual meeting with the author" in page and "Health visitor" in page
    # The reviewer reads both, and changes neither.
    client.force_login(reviewer.user)
    for name in ("lcspr:family", "lcspr:practitioners"):
        assert client.get(reverse(name, args=[ref])).status_code == 200
    for url in (reverse("lcspr:family-add", args=[ref]),
                reverse("lcspr:family-offers", args=[ref, member.pk]),
                reverse("lcspr:practitioners-add", args=[ref])):
        assert client.get(url).status_code == 404
