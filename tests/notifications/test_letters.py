"""Letters SCSI-2 and SCSI-3: generated from the record, sent to the right people, recorded."""

import datetime
import time

import pytest
import time_machine
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import Deadline, DeadlineStatus
from cases.models import CaseDocument, DocumentDispatch
from notifications.services import letter_send
from notifications.tasks import letter_dispatch_email
from tests.conftest import emails_in
from tests.factories import MembershipFactory
from tests.readback import docx_text, pdf_text

from .builders import notified_case, partner_representatives

pytestmark = pytest.mark.django_db
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
NOTIFIED = datetime.datetime(2026, 11, 24, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def case(partnership, officer):
    with time_machine.travel(TODAY):
        return notified_case(partnership, officer, notified_on=datetime.date(2026, 11, 24),
                             became_aware_on=datetime.date(2026, 11, 20))


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


@time_machine.travel(TODAY)
def test_the_letters_page_shows_both_letters_due_a_working_day_after_the_notification(
        client, officer, case, django_assert_max_num_queries):
    client.force_login(officer)
    url = reverse("notifications:letters", args=[case.reference])
    with django_assert_max_num_queries(25):
        html = client.get(url).content.decode()
    assert "SCSI-2 Letter to Safeguarding Partners" in html
    assert "SCSI-3 Letter to the Safeguarding Review Group" in html
    assert html.count("25 November 2026") == 2  # due: one working day after 24 November
    assert html.count("Not sent") == 2
    assert "Create the letters from the record" in html


@time_machine.travel(TODAY)
def test_letters_are_generated_from_the_record_with_the_child_by_initials(client, officer,
                                                                         case):
    client.force_login(officer)
    response = client.post(reverse("notifications:letters-generate", args=[case.reference]))
    assert response.status_code == 302
    partner_letter = CaseDocument.objects.get(case=case, kind="partner_letter")
    group_letter = CaseDocument.objects.get(case=case, kind="review_group_letter")
    text = pdf_text(partner_letter.pdf)
    for expected in (case.reference, "20 November 2026", "24 November 2026",
                     "14 November 2026", "Serious harm", "Neglect suspected", "T.E.",
                     "Notification of Serious Child", "Alphashire Safeguarding Children"):
        assert expected in text, expected
    assert "Testchild" not in text
    words = docx_text(group_letter.docx)
    assert "SCSI-3" in words and "T.E. (born March 2019)" in words
    assert "rapid review meeting will be held on the afternoon of working day 11" in words
    html = client.get(reverse("notifications:letters", args=[case.reference])).content.decode()
    assert "Create the letters from the record" not in html
    assert reverse("cases:document-download",
                   args=[case.reference, partner_letter.pk, "pdf"]) in html


@time_machine.travel(TODAY)
def test_sending_scsi2_goes_to_the_three_partner_representatives(
        client, officer, case, partners, django_capture_on_commit_callbacks, mailoutbox):
    MembershipFactory(partnership=case.partnership, role=Role.BUSINESS_MANAGER)
    client.force_login(officer)
    url = reverse("notifications:letter-send", args=[case.reference, "partners"])
    confirm = client.get(url).content.decode()
    for person in partners.values():
        assert person.email in confirm
    assert "extra_recipients" not in confirm  # only the review group letter takes others

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(url, {})
    assert response.status_code == 302
    dispatch = DocumentDispatch.objects.get()
    assert sorted(dispatch.recipients) == sorted(p.email for p in partners.values())
    assert dispatch.sent_by == officer and dispatch.document.kind == "partner_letter"
    assert len(callbacks) == 1  # the email goes after commit, through Celery
    assert Deadline.objects.get(case=case, step__key="inform_partners").status == \
        DeadlineStatus.MET
    assert Deadline.objects.get(case=case, step__key="send_group_letters").status == \
        DeadlineStatus.OPEN
    assert AuditEvent.objects.filter(object_type="cases.documentdispatch",
                                     object_id=str(dispatch.pk)).exists()

    assert letter_dispatch_email(dispatch.pk) == 3
    assert letter_dispatch_email(dispatch.pk) == 0  # run twice: sent once
    assert len(mailoutbox) == 3
    assert sorted(m.to[0] for m in mailoutbox) == sorted(dispatch.recipients)
    message = mailoutbox[0]
    assert case.reference in message.subject and case.reference in message.body
    assert reverse("rapid_review:papers") in message.body
    assert "Testchild" not in message.body and "T.E." not in message.body

    page = client.get(reverse("notifications:letters", args=[case.reference])).content.decode()
    assert officer.full_name in page and partners["police"].email in page


@time_machine.travel(TODAY)
def test_scsi3_goes_to_the_review_group_and_the_addresses_the_officer_adds(
        client, officer, case, partners):
    manager = MembershipFactory(partnership=case.partnership, role=Role.BUSINESS_MANAGER).user
    client.force_login(officer)
    url = reverse("notifications:letter-send", args=[case.reference, "review-group"])
    assert manager.email in client.get(url).content.decode()

    response = client.post(url, {"extra_recipients": "chair@review.example\nnot an address"})
    html = response.content.decode()
    assert response.status_code == 200 and "not an address" in html
    assert "Enter email addresses in the correct format" in html
    assert not DocumentDispatch.objects.exists()

    response = client.post(url, {"extra_recipients": "Chair@Review.example\n\n"})
    assert response.status_code == 302
    dispatch = DocumentDispatch.objects.get()
    assert set(dispatch.recipients) == {p.email for p in partners.values()} | {
        manager.email, "chair@review.example"}
    assert Deadline.objects.get(case=case, step__key="send_group_letters").status == \
        DeadlineStatus.MET


@time_machine.travel(TODAY)
def test_sending_is_refused_when_no_partner_representatives_are_set_up(client, officer, case):
    client.force_login(officer)
    response = client.post(reverse("notifications:letter-send",
                                   args=[case.reference, "partners"]), {})
    assert response.status_code == 200
    assert "No safeguarding partner representatives" in response.content.decode()
    assert not DocumentDispatch.objects.exists()


@time_machine.travel(TODAY)
def test_a_letter_sent_late_misses_its_deadline(officer, case, partners):
    with time_machine.travel(datetime.datetime(2026, 11, 27, 12, tzinfo=datetime.UTC)):
        letter_send(actor=officer, notification=case.panel_notification,
                    kind="partner_letter")
    assert Deadline.objects.get(case=case, step__key="inform_partners").status == \
        DeadlineStatus.MISSED


@time_machine.travel(TODAY)
def test_only_the_business_unit_reaches_the_letters(client, case, make_user, partners):
    for role in (Role.PARTNER_REPRESENTATIVE, Role.MANAGER, Role.SCRUTINEER, Role.AGENCY_USER):
        client.force_login(partners["police"] if role == Role.PARTNER_REPRESENTATIVE
                           else make_user(role))
        for url in (reverse("notifications:letters", args=[case.reference]),
                    reverse("notifications:letter-send", args=[case.reference, "partners"])):
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(reverse("notifications:letters-generate",
                                   args=[case.reference])).status_code == 404
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    assert client.get(reverse("notifications:letter-send",
                              args=[case.reference, "nobody"])).status_code == 404


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_emails_go_through_the_celery_worker_after_commit(celery_worker, make_user,
                                                              partnership):
    _queue, mail = celery_worker
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY):
        case = notified_case(partnership, officer)
    partners = partner_representatives(partnership)
    dispatch = letter_send(actor=officer, notification=case.panel_notification,
                           kind="review_group_letter", extra_recipients=["chair@review.example"])
    def letters():  # the referral and triage emails of the set-up are there too
        return [m for m in emails_in(mail) if "(SCSI-3)" in m]

    for _ in range(300):
        if len(letters()) >= 4:
            break
        time.sleep(0.1)
    messages = letters()
    assert len(messages) == 4 == len(dispatch.recipients)
    for address in [*(p.email for p in partners.values()), "chair@review.example"]:
        assert any(f"To: {address}" in m for m in messages), address
    assert all(case.reference in m and "Testchild" not in m for m in messages)
