"""The letters to the partners and the review group (SCSI-2, SCSI-3, SCSI-4): case-level,
from the referral until the rapid review ends; generated from the record with the
partnership's own plan printed in them; sent to the right people; each meets its step of
the plan, on time or late."""

import datetime
import time

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import AuditEvent, Role
from calendars.models import Deadline, DeadlineStatus
from cases import services as case_services
from cases.models import CaseDocument, Child, DocumentDispatch, Stage, TriageDecision
from notifications.services import (
    letter_due,
    letter_email,
    letter_generate,
    letter_send,
    notification_record,
)
from outbox.models import Message
from rapid_review.services import rapid_review_stop
from tests.cases.builders import adopt_plan
from tests.conftest import deliver_emails, emails_in
from tests.factories import MembershipFactory
from tests.readback import docx_text, flat, pdf_text

from .builders import (
    LINCOLNSHIRE_PLAN,
    adopt_builtin_plan,
    notified_case,
    partner_representatives,
    referred_serious_incident,
)

pytestmark = pytest.mark.django_db
# A Monday. On the North East Lincolnshire plan the partners' letter (SCSI-2) is due a
# working day after the referral, the review group's (SCSI-3) and the rapid review letter
# (SCSI-4) two working days after it.
REFERRED_AT = datetime.datetime(2026, 11, 16, 10, 0, tzinfo=datetime.UTC)
NEXT_DAY = datetime.datetime(2026, 11, 17, 12, 0, tzinfo=datetime.UTC)
TODAY = datetime.datetime(2026, 11, 25, 12, 0, tzinfo=datetime.UTC)
PARTNERS, GROUP, RAPID = (CaseDocument.Kind.PARTNER_LETTER,
                          CaseDocument.Kind.REVIEW_GROUP_LETTER,
                          CaseDocument.Kind.RAPID_REVIEW_LETTER)


@pytest.fixture
def officer(make_user):
    return make_user(Role.BUSINESS_UNIT_OFFICER)


@pytest.fixture
def referred(partnership):
    """Only referred: nobody has triaged it and the Panel has not been notified."""
    adopt_plan(partnership)
    with time_machine.travel(REFERRED_AT):
        return referred_serious_incident(partnership)


@pytest.fixture
def partners(partnership):
    return partner_representatives(partnership)


def _row(text: str, *cells: str) -> bool:
    """Whether a table row with these cells, in order, is in the Word text (one cell a
    line)."""
    return "\n".join(cells) in text


@time_machine.travel(NEXT_DAY)
def test_the_letters_page_shows_the_three_letters_due_by_the_partnerships_plan(
        client, officer, referred, partners, django_assert_max_num_queries):
    client.force_login(officer)
    url = reverse("notifications:letters", args=[referred.reference])
    with django_assert_max_num_queries(15) as first:
        html = client.get(url).content.decode()
    assert "SCSI-2 Letter to Safeguarding Partners" in html
    assert "SCSI-3 Letter to the Safeguarding Review Group" in html
    assert "SCSI-4 Rapid Review Letter to Safeguarding Partners" in html
    assert html.count("Tue 17 Nov 2026") == 1  # SCSI-2: a working day after the referral
    assert html.count("Wed 18 Nov 2026") == 2  # SCSI-3 and SCSI-4: two working days after
    assert html.count("Not sent") == 3
    assert "Create the letters from the record" in html
    assert referred.stage == Stage.REFERRED

    # Once sent, more versions, dispatches and children cost no more queries.
    for kind in (PARTNERS, GROUP, RAPID):
        letter_send(actor=officer, case=referred, kind=kind)
    with django_assert_max_num_queries(len(first.captured_queries) + 1) as sent:
        html = client.get(url).content.decode()
    assert html.count("Not sent") == 0 and html.count("(version 1)") == 6
    for child in range(2):
        Child.objects.create(case=referred, full_name=f"Sibling{child} Example",
                             date_of_birth=datetime.date(2020, 1, 1), gender="not_known")
        for kind in (PARTNERS, GROUP, RAPID):
            letter_send(actor=officer, case=referred, kind=kind)
    assert DocumentDispatch.objects.count() == 9
    with django_assert_max_num_queries(len(sent.captured_queries)):
        html = client.get(url).content.decode()
    assert html.count("(version 3)") == 6


def test_each_partnership_prints_its_own_plan_and_calendar(officer, referred, make_user,
                                                           other_partnership):
    adopt_builtin_plan(other_partnership, LINCOLNSHIRE_PLAN)
    with time_machine.travel(REFERRED_AT):
        elsewhere = referred_serious_incident(other_partnership)
    with time_machine.travel(NEXT_DAY):
        ours = {kind: letter_generate(actor=officer, case=referred, kind=kind)
                for kind in (PARTNERS, RAPID)}
        theirs = {kind: letter_generate(
            actor=make_user(Role.BUSINESS_UNIT_OFFICER, partnership=other_partnership),
            case=elsewhere, kind=kind) for kind in (PARTNERS, RAPID)}

    # North East Lincolnshire: counted from the referral on the partnership's calendar.
    assert letter_due(referred, PARTNERS).due_date == datetime.date(2026, 11, 17)
    words = docx_text(ours[PARTNERS].docx)
    assert _row(words, "When", "What happens", "Calendar")
    assert _row(words, "17 November 2026", "Inform the safeguarding partners (SCSI-2)",
                "partnership")
    assert _row(words, "23 November 2026", "Notify the National Panel", "statutory")
    assert _row(words, "23 November 2026", "Report the incident to the safeguarding partners",
                "statutory")
    assert _row(words, "7 December 2026",
                "Send the signed decision record to the Panel (Letter 9)", "partnership")
    text = flat(pdf_text(ours[PARTNERS].pdf))
    assert "17 November 2026 Inform the safeguarding partners (SCSI-2) partnership" in text
    assert "dates on the statutory calendar count England's bank holidays only" in text
    rapid = docx_text(ours[RAPID].docx)
    assert _row(rapid, "Your conference to agree and sign the decision record",
                "4 December 2026")
    assert _row(rapid, "Decision record (SRG-8) sent to you", "2 December 2026")

    # Lincolnshire: the statutory 5 working days to report to the partners instead.
    assert letter_due(elsewhere, PARTNERS).due_date == datetime.date(2026, 11, 23)
    words = docx_text(theirs[PARTNERS].docx)
    assert _row(words, "23 November 2026",
                "Report the incident to the safeguarding partners", "statutory")
    assert "Inform the safeguarding partners (SCSI-2)" not in words
    assert "17 November 2026" not in words.split("Our reference", 1)[1]  # the letter's date
    rapid = docx_text(theirs[RAPID].docx)
    assert _row(rapid, "Your conference to agree and sign the decision record",
                "between 26 November and 3 December 2026")
    assert _row(rapid, "Decision record (SRG-8) sent to you",
                "a date the partnership team will confirm")
    assert "Betashire Safeguarding Children Partnership" in pdf_text(theirs[PARTNERS].pdf)


def test_the_letters_go_before_the_notification_and_say_the_panel_is_not_told_yet(
        client, officer, referred, partners):
    client.force_login(officer)
    with time_machine.travel(NEXT_DAY):
        response = client.post(reverse("notifications:letter-send",
                                       args=[referred.reference, "partners"]), {})
    assert response.status_code == 302
    referred.refresh_from_db()
    assert referred.stage == Stage.REFERRED and not hasattr(referred, "panel_notification")
    before = CaseDocument.objects.get(case=referred, kind=PARTNERS)
    words = docx_text(before.docx)
    assert _row(words, "National Panel notified",
                "Not yet: the local authority has 5 working days from becoming aware")
    assert "Date the National Panel was notified" not in words
    assert "Not yet: the local authority has 5 working days" in flat(pdf_text(before.pdf))
    assert Deadline.objects.get(case=referred, step__key="inform_partners").status == \
        DeadlineStatus.MET

    with time_machine.travel(datetime.datetime(2026, 11, 18, 12, tzinfo=datetime.UTC)):
        notification_record(actor=officer, case=referred,
                            became_aware_on=datetime.date(2026, 11, 16),
                            notified_on=datetime.date(2026, 11, 18), notified_by="Duty manager",
                            children=list(referred.children.all()))
        page = client.get(reverse("notifications:letters",
                                  args=[referred.reference])).content.decode()
        assert "The record has changed since this version was created" in page
        after = letter_send(actor=officer, case=referred, kind=PARTNERS).document
    assert after.version == 2
    words = docx_text(after.docx)
    assert _row(words, "Date the National Panel was notified", "18 November 2026")
    assert "Not yet" not in words and "Not yet" not in pdf_text(after.pdf)


def test_letters_go_while_the_local_authority_may_notify_and_stop_with_the_rapid_review(
        officer, referred, partners):
    with time_machine.travel(NEXT_DAY):
        case_services.case_take_to_triage(actor=officer, case=referred)
        assert letter_send(actor=officer, case=referred, kind=GROUP).document.kind == GROUP
        case_services.referral_query_ask(actor=officer, referral=referred.referral,
                                         question="Which school does the child attend?")
        referred.refresh_from_db()
        assert referred.stage == Stage.MORE_INFORMATION
        assert letter_send(actor=officer, case=referred, kind=RAPID).document.kind == RAPID
        case_services.case_take_to_triage(actor=officer, case=referred)
        case_services.triage_decide(
            actor=officer, case=referred, meeting_date=NEXT_DAY.date(), attendees="Group",
            attending_agencies=[], criteria_met=[], rationale="Not met (fictional)",
            decision=TriageDecision.Decision.NO_FURTHER_ACTION)
        # The local authority may still notify the Panel, so the partners may be told.
        assert letter_send(actor=officer, case=referred, kind=PARTNERS).document.kind == \
            PARTNERS
        notification_record(actor=officer, case=referred,
                            became_aware_on=datetime.date(2026, 11, 16),
                            notified_on=NEXT_DAY.date(), notified_by="Duty manager",
                            children=list(referred.children.all()))
        referred.refresh_from_db()
        rapid_review_stop(actor=officer, review=referred.rapid_review,
                          reason="Criteria not met (fictional)", panel_told_on=NEXT_DAY.date())
        with pytest.raises(ValidationError, match="from the referral until the rapid review"):
            letter_send(actor=officer, case=referred, kind=PARTNERS)
    assert DocumentDispatch.objects.count() == 3


def test_letters_are_generated_from_the_record_with_the_child_by_initials(
        client, officer, referred):
    client.force_login(officer)
    with time_machine.travel(NEXT_DAY):
        response = client.post(reverse("notifications:letters-generate",
                                       args=[referred.reference]))
    assert response.status_code == 302
    assert set(CaseDocument.objects.filter(case=referred).values_list("kind", flat=True)) == {
        PARTNERS, GROUP, RAPID}
    partner_letter = CaseDocument.objects.get(case=referred, kind=PARTNERS)
    text = flat(pdf_text(partner_letter.pdf))
    for expected in (referred.reference, "13 November 2026", "16 November 2026",
                     "Serious harm", "Neglect (suspected)", "T.E.",
                     "Notification of Serious Child", "Alphashire Safeguarding Children"):
        assert expected in text, expected
    group_words = docx_text(CaseDocument.objects.get(case=referred, kind=GROUP).docx)
    assert "SCSI-3" in group_words and "T.E. (born March 2019)" in group_words
    assert "The rapid review meeting: by 1 December 2026 (the date will be confirmed)" in \
        group_words
    for letter in CaseDocument.objects.filter(case=referred):
        assert "Testchild" not in pdf_text(letter.pdf) + docx_text(letter.docx)
    with time_machine.travel(NEXT_DAY):
        html = client.get(reverse("notifications:letters",
                                  args=[referred.reference])).content.decode()
    assert "Create the letters from the record" not in html
    assert reverse("cases:document-download",
                   args=[referred.reference, partner_letter.pk, "pdf"]) in html


@time_machine.travel(NEXT_DAY)
def test_sending_scsi2_goes_to_the_three_partner_representatives(
        client, officer, referred, partners, mailoutbox):
    MembershipFactory(partnership=referred.partnership, role=Role.BUSINESS_MANAGER)
    client.force_login(officer)
    url = reverse("notifications:letter-send", args=[referred.reference, "partners"])
    confirm = client.get(url).content.decode()
    for person in partners.values():
        assert person.email in confirm
    assert "extra_recipients" not in confirm  # only the review group letter takes others

    response = client.post(url, {})
    assert response.status_code == 302
    dispatch = DocumentDispatch.objects.get()
    assert sorted(dispatch.recipients) == sorted(p.email for p in partners.values())
    assert dispatch.sent_by == officer and dispatch.document.kind == PARTNERS
    assert not mailoutbox  # queued with the dispatch; the worker delivers after commit
    queued = Message.objects.filter(kind="letter")
    assert sorted(queued.values_list("to", flat=True)) == sorted(dispatch.recipients)
    assert {m.related["dispatch"] for m in queued} == {dispatch.pk}
    assert Deadline.objects.get(case=referred, step__key="inform_partners").status == \
        DeadlineStatus.MET
    assert Deadline.objects.get(case=referred, step__key="send_group_letter").status == \
        DeadlineStatus.OPEN
    assert AuditEvent.objects.filter(object_type="cases.documentdispatch",
                                     object_id=str(dispatch.pk)).exists()

    assert letter_email(dispatch) == 3  # queued again (a retried task): nothing added
    assert queued.count() == 3
    deliver_emails()
    deliver_emails()  # a second delivery sends nothing again
    letters = [m for m in mailoutbox if "(SCSI-2)" in m.subject]  # the set-up's are there too
    assert sorted(m.to[0] for m in letters) == sorted(dispatch.recipients)
    message = letters[0]
    assert referred.reference in message.subject
    assert referred.reference in message.body
    assert reverse("rapid_review:papers") in message.body
    assert "Testchild" not in message.body and "T.E." not in message.body

    page = client.get(reverse("notifications:letters",
                              args=[referred.reference])).content.decode()
    assert officer.full_name in page and partners["police"].email in page


@time_machine.travel(NEXT_DAY)
def test_scsi3_goes_to_the_review_group_and_the_addresses_the_officer_adds(
        client, officer, referred, partners):
    manager = MembershipFactory(partnership=referred.partnership,
                                role=Role.BUSINESS_MANAGER).user
    client.force_login(officer)
    url = reverse("notifications:letter-send", args=[referred.reference, "review-group"])
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
    assert Deadline.objects.get(case=referred, step__key="send_group_letter").status == \
        DeadlineStatus.MET


@time_machine.travel(NEXT_DAY)
def test_scsi4_goes_to_the_partner_representatives_only(client, officer, referred, partners):
    MembershipFactory(partnership=referred.partnership, role=Role.BUSINESS_MANAGER)
    with pytest.raises(ValidationError, match="only be added to the letter to the review"):
        letter_send(actor=officer, case=referred, kind=RAPID,
                    extra_recipients=["chair@review.example"])
    client.force_login(officer)
    url = reverse("notifications:letter-send", args=[referred.reference, "rapid-review"])
    assert "extra_recipients" not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 302
    dispatch = DocumentDispatch.objects.get()
    assert dispatch.document.kind == RAPID
    assert sorted(dispatch.recipients) == sorted(p.email for p in partners.values())
    assert Deadline.objects.get(case=referred, step__key="send_rapid_review_letter").status \
        == DeadlineStatus.MET


@time_machine.travel(NEXT_DAY)
def test_sending_is_refused_when_no_partner_representatives_are_set_up(client, officer,
                                                                       referred):
    client.force_login(officer)
    response = client.post(reverse("notifications:letter-send",
                                   args=[referred.reference, "partners"]), {})
    assert response.status_code == 200
    assert "No safeguarding partner representatives" in response.content.decode()
    assert not DocumentDispatch.objects.exists()


def test_a_letter_sent_late_is_recorded_late_against_its_deadline(client, officer, referred,
                                                                  partners):
    late = datetime.datetime(2026, 11, 19, 12, tzinfo=datetime.UTC)  # due 17 November
    with time_machine.travel(late):
        dispatch = letter_send(actor=officer, case=referred, kind=PARTNERS)
        also_late = letter_send(actor=officer, case=referred, kind=RAPID)
    deadline = Deadline.objects.get(case=referred, step__key="inform_partners")
    assert (deadline.status, deadline.met_at) == (DeadlineStatus.MISSED, dispatch.sent_at)
    rapid = Deadline.objects.get(case=referred, step__key="send_rapid_review_letter")
    assert rapid.due_date == datetime.date(2026, 11, 18)
    assert (rapid.status, rapid.met_at) == (DeadlineStatus.MISSED, also_late.sent_at)
    group = Deadline.objects.get(case=referred, step__key="send_group_letter")
    assert group.status == DeadlineStatus.OPEN
    client.force_login(officer)
    with time_machine.travel(late):
        page = client.get(reverse("notifications:letters",
                                  args=[referred.reference])).content.decode()
    assert page.count("Met late") == 2 and page.count("Overdue") == 1


@time_machine.travel(NEXT_DAY)
def test_only_the_business_unit_reaches_the_letters(client, referred, make_user, partners):
    for role in (Role.PARTNER_REPRESENTATIVE, Role.MANAGER, Role.SCRUTINEER, Role.AGENCY_USER):
        client.force_login(partners["police"] if role == Role.PARTNER_REPRESENTATIVE
                           else make_user(role))
        for url in (reverse("notifications:letters", args=[referred.reference]),
                    reverse("notifications:letter-send", args=[referred.reference, "partners"])):
            assert client.get(url).status_code == 404, (role, url)
        assert client.post(reverse("notifications:letters-generate",
                                   args=[referred.reference])).status_code == 404
    client.force_login(make_user(Role.BUSINESS_MANAGER))
    assert client.get(reverse("notifications:letter-send",
                              args=[referred.reference, "nobody"])).status_code == 404


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_the_emails_go_through_the_celery_worker_after_commit(celery_worker, make_user,
                                                              partnership):
    _queue, mail = celery_worker
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    with time_machine.travel(TODAY):
        case = notified_case(partnership, officer)
    partners = partner_representatives(partnership)
    dispatch = letter_send(actor=officer, case=case, kind=GROUP,
                           extra_recipients=["chair@review.example"])

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
