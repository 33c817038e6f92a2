"""Deny by default: every page for every role, and nothing of another partnership."""

import datetime
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, SlugConverter, StringConverter, UUIDConverter

from accounts import rules
from accounts.models import Agency, Membership, Role
from calendars import services as calendar_services
from calendars.models import Anchor, CalendarDay, StepAction, TimelineTemplate
from cases import services as case_services
from cases.documents import DocumentContent, document_generate
from cases.models import CaseDocument, Stage
from cases.services import case_create
from lcspr.services import (
    checkpoint_add,
    family_member_add,
    lcspr_open,
    lcspr_terms_save,
    national_referral_record,
    parallel_process_add,
    timetable_item_add,
)
from lcspr.services.report import report_freeze, report_upload_add
from notifications.services import notification_record
from rapid_review.models import PanelSubmission, ReviewReport
from rapid_review.services import (
    information_requests_send,
    learning_item_add,
    meeting_attendee_add,
    meeting_schedule,
    panel_response_record,
    report_start,
    return_attachment_add,
    terms_member_add,
    terms_save,
)
from rapid_review.services.chronology import chronology_entry_add
from rapid_review.services.signoff import report_disagree, report_send_for_signature
from rapid_review.services.submission import delay_notice_create
from tests.cases.builders import agency_user, complete_draft
from tests.cases.factories import referred_case
from tests.factories import AgencyFactory, MembershipFactory, UserFactory
from tests.lcspr.builders import appointed_reviewer, full_sub_group, written_report
from tests.rapid_review.builders import agency_with_user, submitted_return
from tests.rows import no_rows_written

pytestmark = pytest.mark.django_db

PUBLIC = {"accounts:sign-in", "accounts:password-reset", "accounts:password-reset-sent",
          "accounts:password-reset-confirm", "accounts:password-reset-complete",
          "operations:health"}
EVERY_ROLE = set(Role)
DIRECTORY = {Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER, Role.MANAGER,
             Role.ADMINISTRATOR, Role.SCRUTINEER, Role.PARTNER_REPRESENTATIVE}
DRAFT_PAGES = [
    "referral-tasklist", "referral-children", "referral-child-add", "referral-child-edit",
    "referral-child-remove", "referral-child-protection-plan", "referral-people",
    "referral-person-add", "referral-person-edit", "referral-person-remove",
    "referral-involvements", "referral-involvement-add", "referral-involvement-edit",
    "referral-involvement-remove", "referral-incident", "referral-reason",
    "referral-authorisation", "referral-check",
]
ADMINISTRATION_PAGES = [
    "administration", "partnership-settings", "agency-add", "agency-edit", "agency-share",
    "person-add", "person", "role-give", "role-remove", "person-deactivate",
    "second-factor-reset",
]
# url name -> roles that get 200 (everyone else gets 404). The agency user is the
# referring agency's (and the draft's author).
MATRIX = {
    "dashboards:home": EVERY_ROLE,
    # The overdue dashboard (issue 14)
    "dashboards:overdue": {Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER, Role.MANAGER,
                           Role.SCRUTINEER},
    "dashboards:overdue-agency": {Role.AGENCY_USER},
    "accounts:choose-partnership": EVERY_ROLE,
    "accounts:partnership-detail": EVERY_ROLE,
    "accounts:agency-list": DIRECTORY,
    "accounts:agency-detail": DIRECTORY,
    "accounts:people": {Role.BUSINESS_UNIT_OFFICER, Role.BUSINESS_MANAGER,
                        Role.ADMINISTRATOR, Role.SCRUTINEER},
    "dashboards:audit-trail": {Role.BUSINESS_MANAGER, Role.ADMINISTRATOR, Role.SCRUTINEER},
    # Figures and the yearly report (issue 14)
    "dashboards:figures": set(rules.FIGURES_READERS),
    **{f"accounts:{name}": {Role.ADMINISTRATOR} for name in ADMINISTRATION_PAGES},
    "outbox:undelivered": set(rules.BUSINESS_UNIT),
    "cases:referral-start": {Role.AGENCY_USER},
    "calendars:calendar": set(rules.CALENDAR_READERS),
    "calendars:timeline": set(rules.CALENDAR_READERS),
    "calendars:calendar-day-remove": set(rules.CALENDAR_EDITORS),
    "calendars:timeline-choose": set(rules.CALENDAR_EDITORS),
    "calendars:timeline-step-new": set(rules.CALENDAR_EDITORS),
    "calendars:timeline-step-edit": set(rules.CALENDAR_EDITORS),
    "calendars:deadlines": set(rules.CASE_READERS),
    "calendars:reminders-send-now": {Role.BUSINESS_MANAGER},
    "cases:case-deadlines": set(rules.CASE_READERS),
    "cases:case-history": set(rules.CASE_READERS) & set(rules.AUDIT_READERS),
    "cases:anchor-correct": set(rules.BUSINESS_UNIT),
    "cases:deadline-waive": {Role.BUSINESS_MANAGER},
    "cases:deadline-done": set(rules.BUSINESS_UNIT),
    "notifications:decision-not-to-notify": set(rules.BUSINESS_UNIT),
    "notifications:looked-after-death": set(rules.BUSINESS_UNIT),
    # The reviewer is the one appointed to this LCSPR (tests/lcspr/test_reviewer.py: one who
    # is not gets 404 on it, and every reviewer on case pages).
    "lcspr:overview": set(rules.CASE_READERS) | {Role.REVIEWER},
    "lcspr:publication-plan": set(rules.BUSINESS_UNIT),
    "lcspr:final-report-sent": set(rules.BUSINESS_UNIT),
    "lcspr:commission": set(rules.BUSINESS_UNIT),
    "lcspr:method": set(rules.BUSINESS_UNIT),  # a learning review's
    "lcspr:sub-group": set(rules.BUSINESS_UNIT),
    "lcspr:sub-group-add": set(rules.BUSINESS_UNIT),
    "lcspr:sub-group-remove": set(rules.BUSINESS_UNIT),
    "lcspr:reviewer": {Role.BUSINESS_MANAGER},
    "lcspr:reviewer-letter": set(rules.BUSINESS_UNIT),
    "lcspr:terms": set(rules.CASE_READERS) | {Role.REVIEWER},
    "lcspr:terms-edit": set(rules.BUSINESS_UNIT),
    "lcspr:terms-agree": set(rules.BUSINESS_UNIT),
    # Running the review: its readers and its reviewer read every part; the reviewer writes
    # the checkpoint's update; the business unit records the rest.
    **{f"lcspr:{name}": set(rules.CASE_READERS) | {Role.REVIEWER} for name in (
        "target", "parallel-processes", "checkpoints", "checkpoint", "family",
        "practitioners")},
    **{f"lcspr:{name}": set(rules.BUSINESS_UNIT) for name in (
        "target-revise", "parallel-process-add", "parallel-process-edit", "checkpoints-every",
        "checkpoint-add", "checkpoint-review", "family-add", "family-offers",
        "practitioners-add")},
    "lcspr:checkpoint-update": set(rules.BUSINESS_UNIT) | {Role.REVIEWER},
    # Information from agencies and referral back to the Panel: read by the reviewer too
    # (tests/lcspr/test_further_information_pages.py: the rapid review's returns and master
    # chronology of their own review only); asked and recorded by the business unit.
    "lcspr:information": set(rules.CASE_READERS) | {Role.REVIEWER},
    "lcspr:national-referrals": set(rules.CASE_READERS) | {Role.REVIEWER},
    **{f"lcspr:{name}": set(rules.BUSINESS_UNIT) for name in (
        "further-request", "national-referral-add", "national-referral-reply")},
    "lcspr:checkpoint-move": set(rules.BUSINESS_UNIT),
    # The timetable: its readers read it; the business unit and the reviewer keep it.
    **{f"lcspr:{name}": set(rules.CASE_READERS) | {Role.REVIEWER} for name in (
        "timetable", "timetable-item")},
    **{f"lcspr:{name}": set(rules.BUSINESS_UNIT) | {Role.REVIEWER} for name in (
        "timetable-add", "timetable-item-move", "timetable-item-cancel",
        "timetable-item-done")},
    # The report: its readers, its reviewer and the partner representatives read it and its
    # approval; the reviewer and the business unit write it; a stage's decision is the
    # business unit's (a group's decision) or a partner's (their endorsement).
    **{f"lcspr:{name}": set(rules.CASE_READERS) | {Role.REVIEWER, Role.PARTNER_REPRESENTATIVE}
       for name in ("report", "approval", "report-upload-download")},
    **{f"lcspr:{name}": set(rules.BUSINESS_UNIT) | {Role.REVIEWER}
       for name in ("report-section", "report-recommendation-add", "report-upload")},
    "lcspr:approval-stage": set(rules.BUSINESS_UNIT),
    "lcspr:approval-chains": {Role.BUSINESS_MANAGER},
    # The list to anonymise names the child and family: the case's readers, not the reviewer.
    "lcspr:redaction": set(rules.CASE_READERS),
    "lcspr:redaction-add": set(rules.BUSINESS_UNIT),
    "lcspr:publication": set(rules.CASE_READERS) | {Role.REVIEWER, Role.PARTNER_REPRESENTATIVE},
    "lcspr:publication-decision": set(rules.BUSINESS_UNIT),
    "lcspr:publication-record": set(rules.BUSINESS_UNIT),
    "cases:case-list": set(rules.CASE_READERS),
    "cases:case-detail": set(rules.CASE_READERS),
    # The review group reads the overview (its task list links what each role may open).
    "rapid_review:overview": set(rules.REVIEW_PAPER_READERS),
    "cases:referral-inbox": set(rules.BUSINESS_UNIT),
    "cases:referral-review": set(rules.BUSINESS_UNIT),
    "cases:referral-query-ask": set(rules.BUSINESS_UNIT),
    "cases:triage-decide": set(rules.BUSINESS_UNIT),
    "cases:triage-executive": set(rules.BUSINESS_UNIT),
    "cases:challenge-record": set(rules.BUSINESS_UNIT),
    "cases:challenge-resolve": set(rules.BUSINESS_UNIT),
    "notifications:notification-edit": set(rules.BUSINESS_UNIT),
    "rapid_review:stop": set(rules.BUSINESS_UNIT),
    "notifications:letters": set(rules.BUSINESS_UNIT),
    "notifications:letter-send": set(rules.BUSINESS_UNIT),
    "rapid_review:terms": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:terms-edit": set(rules.BUSINESS_UNIT),
    "rapid_review:terms-member-add": set(rules.BUSINESS_UNIT),
    "rapid_review:terms-member-remove": set(rules.BUSINESS_UNIT),
    "rapid_review:papers": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:requests": set(rules.CASE_READERS),
    "rapid_review:requests-send": set(rules.BUSINESS_UNIT),
    "rapid_review:request-receipt": set(rules.BUSINESS_UNIT),
    "rapid_review:return-view": set(rules.CASE_READERS),
    "rapid_review:return-reopen": set(rules.BUSINESS_UNIT),
    "rapid_review:chase-list": set(rules.BUSINESS_UNIT),
    "rapid_review:agency-requests": {Role.AGENCY_USER},
    "rapid_review:return": {Role.AGENCY_USER},
    "rapid_review:return-section": {Role.AGENCY_USER},
    "rapid_review:return-nil": {Role.AGENCY_USER},
    "rapid_review:return-attachments": {Role.AGENCY_USER},
    "rapid_review:return-submit": {Role.AGENCY_USER},
    "rapid_review:return-attachment": set(rules.CASE_READERS) | {Role.AGENCY_USER},
    # Chronologies: the agency's own (read by case readers), the template, the master.
    "rapid_review:return-chronology": set(rules.CASE_READERS) | {Role.AGENCY_USER},
    "rapid_review:chronology-entry-add": {Role.AGENCY_USER},
    "rapid_review:chronology-entry-edit": {Role.AGENCY_USER},
    "rapid_review:chronology-entry-remove": {Role.AGENCY_USER},
    "rapid_review:chronology-upload": {Role.AGENCY_USER},
    "rapid_review:chronology-upload-status": {Role.AGENCY_USER},
    "rapid_review:chronology-template": set(rules.BUSINESS_UNIT) | {Role.AGENCY_USER},
    "rapid_review:master-chronology": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:master-chronology-export": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:collated-returns": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:meetings": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:meeting": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:meeting-referral-paper": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:meeting-schedule": set(rules.BUSINESS_UNIT),
    "rapid_review:meeting-attendee-add": set(rules.BUSINESS_UNIT),
    "rapid_review:meeting-attendee-remove": set(rules.BUSINESS_UNIT),
    # The report: the review group reads it; the business unit writes it.
    "rapid_review:report": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:report-history": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:report-preview": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:report-section": set(rules.BUSINESS_UNIT),
    "rapid_review:report-assessment": set(rules.BUSINESS_UNIT),
    "rapid_review:report-decision": set(rules.BUSINESS_UNIT),
    "rapid_review:report-learning-add": set(rules.BUSINESS_UNIT),
    "rapid_review:report-learning-remove": set(rules.BUSINESS_UNIT),
    "rapid_review:signoff": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:signoff-disagree": {Role.PARTNER_REPRESENTATIVE},
    "rapid_review:signoff-resolve": set(rules.BUSINESS_UNIT),
    "rapid_review:submission": set(rules.REVIEW_PAPER_READERS),
    "rapid_review:delay-notice": set(rules.BUSINESS_UNIT),
    "rapid_review:delay-notice-sent": set(rules.BUSINESS_UNIT),
    # The Panel's response: the business unit records it; readers see it on the submission.
    "rapid_review:panel-response-record": set(rules.BUSINESS_UNIT),
    "rapid_review:panel-response-reply": set(rules.BUSINESS_UNIT),
    "rapid_review:panel-response-move-on": set(rules.BUSINESS_UNIT),
    "cases:my-referrals": {Role.AGENCY_USER},
    "cases:my-referral": {Role.AGENCY_USER},
    "cases:referral-confirmation": {Role.AGENCY_USER},
    "cases:referral-query-answer": {Role.AGENCY_USER},
    **{f"cases:{name}": {Role.AGENCY_USER} for name in DRAFT_PAGES},
    # A master chronology: the review group's paper, so partners too, never an agency.
    "cases:document-download": set(rules.REVIEW_PAPER_READERS),
    # Action plans: its readers (the partners sign it off), the business unit writes it, the
    # agency that owns an action updates it and adds evidence.
    "actionplans:plan": set(rules.PLAN_READERS),
    **{f"actionplans:{name}": set(rules.BUSINESS_UNIT) for name in (
        "take-up", "recommendation-add", "recommendation", "action-add", "action-edit",
        "impact-review", "not-implemented", "updates-request", "review-add", "audit-add",
        "audit-findings", "sign-off", "group-name")},
    "actionplans:action": set(rules.PLAN_READERS) | {Role.AGENCY_USER},
    "actionplans:evidence-download": set(rules.PLAN_READERS) | {Role.AGENCY_USER},
    "actionplans:action-update": {Role.AGENCY_USER},
    "actionplans:evidence-add": {Role.AGENCY_USER},
    "actionplans:my-actions": {Role.AGENCY_USER},
    # Its downloads, the agency's progress spreadsheet, sharing the learning and the briefing
    # (the plan's spreadsheet here; its stored documents are asked for by a POST).
    "actionplans:plan-download": set(rules.PLAN_READERS),
    "actionplans:progress-spreadsheet": {Role.AGENCY_USER},
    "actionplans:progress-upload": {Role.AGENCY_USER},
    "actionplans:progress-upload-status": {Role.AGENCY_USER},
    "actionplans:dissemination": set(rules.PLAN_READERS) | {Role.AGENCY_USER},
    "actionplans:dissemination-add": set(rules.BUSINESS_UNIT),
    "actionplans:dissemination-done": set(rules.BUSINESS_UNIT),
    "actionplans:briefing": set(rules.BUSINESS_UNIT),
    "actionplans:dissemination-feedback": {Role.AGENCY_USER},
    # Records management (issue 15): retention and legal holds for the business manager and
    # the administrator; subject access for the business manager alone.
    "records:review": set(rules.RECORDS_MANAGERS),
    "records:retention-rules": set(rules.RECORDS_MANAGERS),
    "records:case-retention": set(rules.RECORDS_MANAGERS),
    "records:subject-access": set(rules.SUBJECT_ACCESS),
}
# The second step of signing in: open to every signed-in person, it sends on those already
# through it (tests/accounts/test_two_factor.py).
NOT_PAGES_SIGN_IN = {"accounts:second-factor", "accounts:second-factor-set-up",
                     "accounts:recovery-codes"}
# POST-only actions, covered by their own tests.
NOT_PAGES = NOT_PAGES_SIGN_IN | {"accounts:sign-out", "cases:triage-take",
                                 "notifications:letters-generate", "rapid_review:terms-agree"}

# The submission pack and the endorsement need three signatures: test_submission.py and
# test_signoff.py in tests/rapid_review cover who may use them.
NOT_PAGES |= {"rapid_review:signoff-send", "rapid_review:signoff-sign",
              "rapid_review:submission-record", "rapid_review:submission-pack",
              "rapid_review:signoff-endorse"}
# Making a version's documents again: tests/rapid_review/test_version_documents.py.
NOT_PAGES |= {"rapid_review:signoff-documents"}
NOT_PAGES |= {"rapid_review:return-attachment-remove", "rapid_review:meeting-confirm",
              "rapid_review:report-start", "rapid_review:panel-response-share"}
# The report's POST-only actions: tests/lcspr/test_report.py.
NOT_PAGES |= {"lcspr:report-recommendation-remove", "lcspr:report-freeze",
              "lcspr:report-documents"}
# The anonymised copy's POST-only actions, and the family's copy (which needs a ready copy):
# tests/lcspr/test_redaction.py.
NOT_PAGES |= {"lcspr:redaction-suggest", "lcspr:redaction-confirm", "lcspr:redaction-remove",
              "lcspr:redaction-copy", "lcspr:redaction-ready", "lcspr:redaction-family-copy"}
# The statement exists once the case moves to its action plan: tests/lcspr/test_publication.py.
NOT_PAGES |= {"lcspr:publication-statement"}
# Starting a plan (POST only): tests/actionplans/test_plan_pages.py.
NOT_PAGES |= {"actionplans:start"}
# "Try again" on an undelivered email: tests/outbox/test_pages.py.
NOT_PAGES |= {"outbox:message-retry"}
# Administration's POST-only actions, and the invitation link (public, like a password
# reset link): tests/accounts/test_administration.py.
NOT_PAGES |= {"accounts:person-reactivate", "accounts:invitation-resend",
              "accounts:invitation-accept"}
# "Stay signed in" (POST only, any signed-in person, their own session):
# tests/accounts/test_sessions.py.
NOT_PAGES |= {"accounts:session-keep-alive"}
# Documents stored as a version when asked for: a POST (a GET never stores anything), which
# redirects to the stored version's download (test_authorisation_post.py, POST_ONLY).
NOT_PAGES |= {"lcspr:terms-download", "actionplans:briefing-download",
              "lcspr:reviewer-letter-download"}
# A subject access export is a POST (the records chosen are in its body, never the address):
# test_authorisation_post.py, POST_ONLY, and tests/records/test_subject_access.py.
NOT_PAGES |= {"records:subject-access-export"}


def _named_urls():
    return [name for name, _converters in _named_patterns()]


def test_every_url_is_in_the_role_matrix_or_public():
    assert set(_named_urls()) == set(MATRIX) | PUBLIC | NOT_PAGES


@pytest.fixture
def url_for(partnership):
    """Every URL with real objects of the user's own partnership behind it."""
    agency = AgencyFactory(partnerships=[partnership])
    plan = calendar_services.template_adopt(
        actor=None, partnership=partnership,
        builtin=TimelineTemplate.objects.filter(partnership__isnull=True).first())
    day = CalendarDay.objects.create(partnership=partnership, date=datetime.date(2026, 12, 24),
                                     kind=CalendarDay.Kind.CLOSURE, reason="Closure")
    case = case_create(actor=None, partnership=partnership)
    event = calendar_services.anchor_record(actor=None, case=case, kind=Anchor.BECAME_AWARE,
                                            occurred_on=datetime.date(2026, 11, 2))
    deadline = case.deadlines.first()
    for kind in (Anchor.REFERRAL_RECEIVED, Anchor.LOOKED_AFTER_CHILD_DIED):
        calendar_services.anchor_record(actor=None, case=case, kind=kind,
                                        occurred_on=datetime.date(2026, 11, 2))
    by_hand = case.deadlines.get(step__met_by=StepAction.MARKED_DONE)
    at_lcspr = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    to_commission = case_create(actor=None, partnership=partnership, stage=Stage.LCSPR)
    business_manager = MembershipFactory(partnership=partnership,
                                         role=Role.BUSINESS_MANAGER).user
    lcspr = lcspr_open(actor=business_manager, case=at_lcspr,
                       decided_on=datetime.date.today())
    full_sub_group(lcspr, business_manager)
    at_learning_review = case_create(actor=None, partnership=partnership,
                                     stage=Stage.LEARNING_REVIEW)
    lcspr_open(actor=business_manager, case=at_learning_review,
               decided_on=datetime.date.today())
    lcspr_reviewer = appointed_reviewer(lcspr, business_manager)
    lcspr_terms_save(actor=business_manager, lcspr=lcspr, questions="Q", agencies=[],
                     scope_from=datetime.date(2026, 1, 1), scope_to=datetime.date(2026, 2, 1),
                     method="M", child_perspective="C", practitioner_involvement="P",
                     family_involvement="F", communications_lead="L", version=0)
    parallel = parallel_process_add(actor=business_manager, lcspr=lcspr, kind="coroner",
                                    status="under_way", lead="Coroner",
                                    contact="Through the legal adviser")
    checkpoint = checkpoint_add(actor=business_manager, lcspr=lcspr,
                                due_on=datetime.date.today())
    relative = family_member_add(actor=business_manager, lcspr=lcspr, name="Relative",
                                 relationship="parent")
    referral = national_referral_record(actor=business_manager, lcspr=lcspr,
                                        referred_on=datetime.date.today(),
                                        new_information="New (fictional)",
                                        grounds=["improvements"], decided_by="partners")
    timetable_item = timetable_item_add(
        actor=business_manager, lcspr=lcspr, kind="learning_event", title="Learning event",
        due_on=datetime.date.today(), non_working_day_confirmed=True)
    written_report(lcspr, business_manager)
    upload = report_upload_add(actor=business_manager, lcspr=lcspr, filename="draft.pdf",
                               data=b"%PDF-1.4 fictional")
    report_freeze(actor=business_manager, lcspr=lcspr)
    referrer = agency_user(partnership)
    draft = complete_draft(partnership, referrer)
    child = draft.case.children.first()
    case_services.child_save(actor=referrer, referral=draft, child=child,
                             full_name=child.full_name, date_of_birth=child.date_of_birth,
                             gender=child.gender, legal_status="child_protection_plan")
    person = case_services.person_save(actor=referrer, referral=draft, relationship="parent",
                                       full_name="Parent Example")
    involvement = case_services.involvement_save(
        actor=referrer, referral=draft, agency=draft.referring_agency, nature="GP")
    reviewed = referred_case(partnership, referrer)
    plan_urls = _action_plan_urls(partnership, business_manager, draft.referring_agency,
                                  referrer)
    officer = MembershipFactory(partnership=partnership, role=Role.BUSINESS_UNIT_OFFICER).user
    case_services.case_take_to_triage(actor=officer, case=reviewed)
    decision = case_services.triage_decide(
        actor=officer, case=reviewed, meeting_date=datetime.date.today(), attendees="Group",
        attending_agencies=[], criteria_met=[], decision="rapid_review", rationale="Met")
    challenge = case_services.challenge_record(
        actor=officer, decision=decision, agency=reviewed.referral.referring_agency,
        raised_on=datetime.date.today(), grounds="Disagree")
    notification_record(actor=officer, case=reviewed, became_aware_on=datetime.date.today(),
                        notified_on=datetime.date.today(), notified_by="Duty manager",
                        children=list(reviewed.children.all()))
    terms = terms_save(actor=officer, review=reviewed.rapid_review,
                       children=list(reviewed.children.all()), people=[],
                       scope_from=datetime.date(2025, 11, 1), scope_to=datetime.date.today(),
                       meeting_dates=[datetime.date.today()],
                       returns_due_on=datetime.date.today())
    member = terms_member_add(actor=officer, terms=terms, role="chair", name="Chair Example")
    # Information requests: an open return of the referrer's agency (the agency's pages)
    # and one submitted by another agency (the business unit reads and reopens it).
    open_request, submitted_request = information_requests_send(
        actor=officer, review=reviewed.rapid_review,
        agencies_with_reasons=[(draft.referring_agency, "child"),
                               (agency_with_user(partnership).agency, "perpetrator")])
    submitted_return(submitted_request)
    attachment = return_attachment_add(actor=referrer, agency_return=open_request.agency_return,
                                       filename="notes.pdf", data=b"%PDF-1.4\n%%EOF\n")
    entry = chronology_entry_add(
        actor=referrer, agency_return=open_request.agency_return,
        date=datetime.date(2026, 1, 5), agency_department="Team", subjects="Child A",
        contact_type="Visit", details="Fictional event")
    meeting = meeting_schedule(actor=officer, review=reviewed.rapid_review,
                               held_on=datetime.date.today(), starts_at=None,
                               location="Room 1", outside_window_reason="Test")
    attendee = meeting_attendee_add(actor=officer, meeting=meeting, name="Chair Example",
                                    role="chair")
    report = report_start(actor=officer, review=reviewed.rapid_review)
    learning = learning_item_add(actor=officer, report=report, kind="learning_point",
                                 text="A point")
    ReviewReport.objects.filter(pk=report.pk).update(decision="no_further_review")
    version = report_send_for_signature(actor=officer, report=report)
    police = MembershipFactory(partnership=partnership, role=Role.PARTNER_REPRESENTATIVE,
                               statutory_partner="police").user
    disagreement = report_disagree(actor=police, version=version,
                                   content_sha256=version.content_sha256, comment="Not yet")
    notice = delay_notice_create(actor=officer, review=reviewed.rapid_review, reason="Leave",
                                 expected_on=datetime.date.today() + datetime.timedelta(days=60))
    # Submitted (straight into the table: the three signatures are test_submission's) and
    # answered by the Panel with questions.
    PanelSubmission.objects.create(review=reviewed.rapid_review, version=version,
                                   submitted_on=datetime.date.today(), method="panel_form",
                                   working_day=1, recorded_by=officer)
    panel_response = panel_response_record(
        actor=officer, review=reviewed.rapid_review, received_on=datetime.date.today(),
        outcome="questions", summary="Questions (fictional)")
    asked = referred_case(partnership, referrer)
    query = case_services.referral_query_ask(actor=officer, referral=asked.referral,
                                             question="Which school?")
    paper = document_generate(
        actor=officer, case=reviewed, kind=CaseDocument.Kind.MASTER_CHRONOLOGY,
        content=DocumentContent("Master chronology", partnership.name, reviewed.reference))
    key = {"key": draft.draft_key}
    colleague = MembershipFactory(partnership=partnership, role=Role.SCRUTINEER)
    item_ids = {"child": child.pk, "person": person.pk, "involvement": involvement.pk}
    by_name = {
        **{f"cases:{name}": key for name in DRAFT_PAGES},
        **{f"cases:referral-{item}-{action}": {**key, "pk": pk}
           for item, pk in item_ids.items() for action in ("edit", "remove")},
        "cases:referral-child-protection-plan": {**key, "pk": child.pk},
        "cases:case-detail": {"reference": reviewed.reference},
        "cases:document-download": {"reference": reviewed.reference, "pk": paper.pk,
                                    "fmt": "pdf"},
        "rapid_review:overview": {"reference": reviewed.reference},
        "rapid_review:stop": {"reference": reviewed.reference},
        "rapid_review:requests": {"reference": reviewed.reference},
        "rapid_review:requests-send": {"reference": reviewed.reference},
        "rapid_review:request-receipt": {"reference": reviewed.reference,
                                         "pk": open_request.pk},
        "rapid_review:return-view": {"reference": reviewed.reference,
                                     "pk": submitted_request.pk},
        "rapid_review:return-reopen": {"reference": reviewed.reference,
                                       "pk": submitted_request.pk},
        "rapid_review:return": {"pk": open_request.pk},
        "rapid_review:return-chronology": {"pk": open_request.pk},
        "rapid_review:chronology-entry-add": {"pk": open_request.pk},
        "rapid_review:chronology-entry-edit": {"pk": open_request.pk, "entry_pk": entry.pk},
        "rapid_review:chronology-entry-remove": {"pk": open_request.pk, "entry_pk": entry.pk},
        "rapid_review:chronology-upload": {"pk": open_request.pk},
        "rapid_review:chronology-upload-status": {
            "pk": open_request.pk, "upload_pk": _pending_upload(
                referrer, "chronology", reviewed, open_request.agency_return.pk,
                {"mode": "add"}).pk},
        "rapid_review:chronology-template": {"fmt": "xlsx"},
        "rapid_review:master-chronology": {"reference": reviewed.reference},
        "rapid_review:master-chronology-export": {"reference": reviewed.reference,
                                                  "fmt": "csv"},
        "rapid_review:collated-returns": {"reference": reviewed.reference},
        "rapid_review:meetings": {"reference": reviewed.reference},
        "rapid_review:meeting-referral-paper": {"reference": reviewed.reference},
        "rapid_review:meeting-schedule": {"reference": reviewed.reference},
        "rapid_review:meeting": {"reference": reviewed.reference, "pk": meeting.pk},
        "rapid_review:meeting-attendee-add": {"reference": reviewed.reference,
                                              "pk": meeting.pk},
        "rapid_review:meeting-attendee-remove": {"reference": reviewed.reference,
                                                 "pk": meeting.pk, "attendee_pk": attendee.pk},
        "rapid_review:report": {"reference": reviewed.reference},
        "rapid_review:signoff": {"reference": reviewed.reference},
        "rapid_review:signoff-disagree": {"reference": reviewed.reference},
        "rapid_review:signoff-resolve": {"reference": reviewed.reference,
                                         "pk": disagreement.pk},
        "rapid_review:submission": {"reference": reviewed.reference},
        "rapid_review:delay-notice": {"reference": reviewed.reference},
        "rapid_review:delay-notice-sent": {"reference": reviewed.reference, "pk": notice.pk},
        "rapid_review:panel-response-record": {"reference": reviewed.reference},
        "rapid_review:panel-response-reply": {"reference": reviewed.reference,
                                              "pk": panel_response.pk},
        "rapid_review:panel-response-move-on": {"reference": reviewed.reference},
        "rapid_review:report-history": {"reference": reviewed.reference},
        "rapid_review:report-preview": {"reference": reviewed.reference,
                                        "document": "decision-record", "fmt": "docx"},
        "rapid_review:report-section": {"reference": reviewed.reference, "key": "background"},
        "rapid_review:report-assessment": {"reference": reviewed.reference},
        "rapid_review:report-decision": {"reference": reviewed.reference},
        "rapid_review:report-learning-add": {"reference": reviewed.reference},
        "rapid_review:report-learning-remove": {"reference": reviewed.reference,
                                                "pk": learning.pk},
        "rapid_review:return-section": {"pk": open_request.pk, "section": "summary"},
        "rapid_review:return-nil": {"pk": open_request.pk},
        "rapid_review:return-attachments": {"pk": open_request.pk},
        "rapid_review:return-submit": {"pk": open_request.pk},
        "rapid_review:return-attachment": {"pk": open_request.pk,
                                           "attachment_pk": attachment.pk},
        "notifications:notification-edit": {"reference": reviewed.reference},
        "notifications:letters": {"reference": reviewed.reference},
        "notifications:letter-send": {"reference": reviewed.reference, "letter": "partners"},
        "rapid_review:terms": {"reference": reviewed.reference},
        "rapid_review:terms-edit": {"reference": reviewed.reference},
        "rapid_review:terms-member-add": {"reference": reviewed.reference},
        "rapid_review:terms-member-remove": {"reference": reviewed.reference,
                                            "pk": member.pk},
        "cases:referral-review": {"reference": reviewed.reference},
        "cases:referral-query-ask": {"reference": asked.reference},
        "cases:triage-decide": {"reference": reviewed.reference},
        "cases:triage-executive": {"reference": reviewed.reference, "pk": decision.pk},
        "cases:challenge-record": {"reference": reviewed.reference, "pk": decision.pk},
        "cases:challenge-resolve": {"pk": challenge.pk},
        "cases:my-referral": {"reference": reviewed.reference},
        "cases:referral-confirmation": {"reference": reviewed.reference},
        "cases:referral-query-answer": {"reference": asked.reference, "pk": query.pk},
        "accounts:partnership-detail": {"code": partnership.code},
        "accounts:agency-detail": {"pk": agency.pk},
        "accounts:agency-edit": {"pk": agency.pk},
        "accounts:agency-share": {"pk": agency.pk},
        **{f"accounts:{name}": {"pk": colleague.user_id}
           for name in ("person", "role-give", "person-deactivate", "second-factor-reset")},
        "accounts:role-remove": {"pk": colleague.user_id, "membership_pk": colleague.pk},
        "calendars:calendar-day-remove": {"pk": day.pk},
        "calendars:timeline-step-edit": {"pk": plan.steps.first().pk},
        "cases:case-deadlines": {"reference": case.reference},
        "cases:case-history": {"reference": reviewed.reference},
        "cases:anchor-correct": {"reference": case.reference, "pk": event.pk},
        "cases:deadline-waive": {"reference": case.reference, "pk": deadline.pk},
        "cases:deadline-done": {"reference": case.reference, "pk": by_hand.pk},
        "notifications:decision-not-to-notify": {"reference": asked.reference},
        "notifications:looked-after-death": {"reference": case.reference},
        "lcspr:overview": {"reference": at_lcspr.reference},
        "lcspr:publication-plan": {"reference": at_lcspr.reference},
        "lcspr:final-report-sent": {"reference": at_lcspr.reference},
        "lcspr:commission": {"reference": to_commission.reference},
        "lcspr:method": {"reference": at_learning_review.reference},
        **{f"lcspr:{name}": {"reference": at_lcspr.reference} for name in (
            "sub-group", "sub-group-add", "reviewer", "reviewer-letter", "terms",
            "terms-edit", "terms-agree")},
        "lcspr:sub-group-remove": {"reference": at_lcspr.reference,
                                   "pk": lcspr.members.first().pk},
        "lcspr:terms-download": {"reference": at_lcspr.reference, "fmt": "pdf"},
        **{f"lcspr:{name}": {"reference": at_lcspr.reference} for name in (
            "target", "target-revise", "parallel-processes", "parallel-process-add",
            "checkpoints", "checkpoints-every", "checkpoint-add", "family", "family-add",
            "practitioners", "practitioners-add", "timetable", "timetable-add")},
        **{f"lcspr:{name}": {"reference": at_lcspr.reference, "pk": timetable_item.pk}
           for name in ("timetable-item", "timetable-item-move", "timetable-item-cancel",
                        "timetable-item-done")},
        "lcspr:parallel-process-edit": {"reference": at_lcspr.reference, "pk": parallel.pk},
        **{f"lcspr:{name}": {"reference": at_lcspr.reference, "pk": checkpoint.pk}
           for name in ("checkpoint", "checkpoint-update", "checkpoint-review",
                        "checkpoint-move")},
        "lcspr:family-offers": {"reference": at_lcspr.reference, "pk": relative.pk},
        **{f"lcspr:{name}": {"reference": at_lcspr.reference} for name in (
            "information", "further-request", "national-referrals",
            "national-referral-add", "report", "approval", "report-recommendation-add",
            "report-upload", "redaction", "redaction-add", "publication", "publication-decision",
            "publication-record")},
        "lcspr:national-referral-reply": {"reference": at_lcspr.reference,
                                          "pk": referral.pk},
        "lcspr:report-section": {"reference": at_lcspr.reference, "key": "executive_summary"},
        "lcspr:report-upload-download": {"reference": at_lcspr.reference, "pk": upload.pk},
        "lcspr:approval-stage": {"reference": at_lcspr.reference, "stage": 1},
        "lcspr:approval-chains": {"kind": "lcspr"},
        "records:case-retention": {"reference": reviewed.reference},
        **plan_urls,
    }

    def url(name):
        return reverse(name, kwargs=by_name.get(name, {}))
    url.referrer = referrer
    url.reviewer = lcspr_reviewer.user
    return url


def _action_plan_urls(partnership, manager, agency, agency_user) -> dict:
    """A plan with one action of the referring agency, its evidence file and an audit."""
    from actionplans.services import (
        action_plan_start,
        action_save,
        briefing_save,
        dissemination_add,
        dissemination_done,
        evidence_add,
        recommendation_save,
        scrutiny_audit_request,
    )

    case = case_create(actor=None, partnership=partnership, stage=Stage.ACTION_PLAN)
    plan = action_plan_start(actor=manager, case=case)
    recommendation = recommendation_save(actor=manager, plan=plan, finding="",
                                         text="By June 2027, 90% of staff trained")
    action = action_save(actor=manager, plan=plan, recommendation=recommendation,
                         text="Train staff", agency=agency, lead="Lead", due_on=None,
                         outcome="", measure="", accept_reason="Dates follow")
    evidence = evidence_add(actor=agency_user, action=action, kind="file",
                            description="Register", filename="register.pdf",
                            data=b"%PDF-1.4 fictional")
    audit = scrutiny_audit_request(actor=manager, plan=plan, actions=[action],
                                   auditor="Scrutineer", due_on=datetime.date.today())
    shared = dissemination_add(actor=manager, plan=plan, what="The learning", method="briefing",
                               audience="Safeguarding leads", planned_on=datetime.date.today())
    dissemination_done(actor=manager, dissemination=shared, done_on=datetime.date.today())
    briefing_save(actor=manager, plan=plan, background="Background", why_it_matters="Why",
                  questions="Questions", further_information="More")
    ref = case.reference
    return {
        **{f"actionplans:{name}": {"reference": ref} for name in (
            "plan", "take-up", "recommendation-add", "updates-request", "review-add",
            "group-name", "audit-add", "sign-off", "progress-spreadsheet", "progress-upload",
            "dissemination", "dissemination-add", "briefing")},
        "actionplans:plan-download": {"reference": ref, "fmt": "xlsx"},
        "actionplans:briefing-download": {"reference": ref, "fmt": "pdf"},
        **{f"actionplans:{name}": {"reference": ref, "pk": shared.pk} for name in (
            "dissemination-done", "dissemination-feedback")},
        "actionplans:recommendation": {"reference": ref, "pk": recommendation.pk},
        "actionplans:action-add": {"reference": ref, "recommendation_pk": recommendation.pk},
        "actionplans:action-edit": {"reference": ref, "recommendation_pk": recommendation.pk,
                                    "pk": action.pk},
        **{f"actionplans:{name}": {"reference": ref, "pk": action.pk} for name in (
            "action", "action-update", "evidence-add", "impact-review", "not-implemented")},
        "actionplans:evidence-download": {"reference": ref, "pk": action.pk,
                                          "evidence_pk": evidence.pk},
        "actionplans:audit-findings": {"reference": ref, "pk": audit.pk},
        "actionplans:progress-upload-status": {"reference": ref, "upload_pk": _pending_upload(
            agency_user, "progress", case, plan.pk, {"agencies": [agency.pk]}).pk},
    }


def _pending_upload(user, kind: str, case, target_id: int, options: dict):
    """A large spreadsheet upload waiting for the worker (its page is the uploader's)."""
    from cases.models import SpreadsheetUpload

    return SpreadsheetUpload.objects.create(
        kind=kind, case=case, target_id=target_id, options=options, form_token=uuid.uuid4(),
        filename="upload.csv", content_type="", size=3, sha256="", data=b"a,b",
        uploaded_by=user)


def _named_patterns(resolver=None, namespace="", converters=None):
    """(namespaced name, the converters of its whole path) for every named URL."""
    for entry in (resolver or get_resolver()).url_patterns:
        found = {**(converters or {}), **entry.pattern.converters}
        if isinstance(entry, URLResolver):
            if entry.namespace == "admin":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _named_patterns(entry, inner, found)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", found


def _any_url(name: str) -> str:
    """The URL with made-up arguments: signing in comes before any object is looked up."""
    values = {IntConverter: 1, SlugConverter: "x", UUIDConverter: uuid.uuid4(),
              StringConverter: "NONE-2026-001"}
    converters = dict(_named_patterns())[name]
    return reverse(name, kwargs={k: values[type(c)] for k, c in converters.items()})


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_anonymous_users_are_sent_to_sign_in(client, name):
    response = client.get(_any_url(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign-in"))


@pytest.mark.parametrize("name", sorted(PUBLIC - {"accounts:password-reset-confirm"}))
def test_public_pages_need_no_sign_in(client, name):
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(client, make_user, url_for, role):
    # The agency user is the referring agency's, who wrote the draft; the reviewer the one
    # appointed to the LCSPR.
    users = {Role.AGENCY_USER: url_for.referrer, Role.REVIEWER: url_for.reviewer}
    client.force_login(users.get(role) or make_user(role))
    for name, allowed in MATRIX.items():
        expected = 200 if role in allowed else 404
        with no_rows_written((role, name)):  # a GET changes nothing (but the audit trail)
            response = client.get(url_for(name))
        assert response.status_code == expected, (role, name)
        # Nothing shown to a signed-in person is kept by a browser or a proxy.
        assert "no-store" in response["Cache-Control"], (role, name)
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], (role, name)


@pytest.mark.parametrize("role", list(Role))
def test_navigation_links_only_to_pages_the_role_may_open(client, make_user, role):
    user = make_user(role)
    client.force_login(user)
    items = client.get(reverse("dashboards:home")).context["navigation"]
    assert len({i.url_name for i in items}) == len(items)
    for item in items:
        assert client.get(item.href).status_code == 200, item.url_name


def test_user_without_any_role_sees_only_an_explanation(client, url_for):
    client.force_login(UserFactory())
    response = client.get(url_for("dashboards:home"))
    assert b"You do not have a role in any partnership yet" in response.content
    for name in set(MATRIX) - {"dashboards:home", "accounts:choose-partnership"}:
        assert client.get(url_for(name)).status_code == 404, name


@pytest.mark.parametrize("role", list(Role))
def test_partnership_b_objects_are_404_for_partnership_a_users(client, make_user, role,
                                                               other_partnership):
    b_agency = AgencyFactory(partnerships=[other_partnership])
    client.force_login(make_user(role))
    assert client.get(reverse("accounts:partnership-detail",
                              kwargs={"code": other_partnership.code})).status_code == 404
    assert client.get(reverse("accounts:agency-detail",
                              kwargs={"pk": b_agency.pk})).status_code == 404


def test_agency_serving_both_partnerships_is_visible_from_both(client, partnership,
                                                               other_partnership, make_user):
    shared = AgencyFactory(partnerships=[partnership, other_partnership])
    for p in (partnership, other_partnership):
        client.force_login(make_user(Role.BUSINESS_UNIT_OFFICER, partnership=p))
        assert client.get(reverse("accounts:agency-detail", args=[shared.pk])).status_code == 200


def test_visible_to_scopes_by_the_roles_held(partnership, other_partnership, make_user):
    officer = make_user(Role.BUSINESS_UNIT_OFFICER)
    MembershipFactory(user=officer, partnership=other_partnership, role=Role.SCRUTINEER)
    memberships = Membership.objects.all()
    assert set(rules.visible_to(officer, memberships).values_list("partnership", flat=True)) == {
        partnership.pk, other_partnership.pk}
    scoped = rules.visible_to(officer, memberships, roles=rules.BUSINESS_UNIT)
    assert set(scoped.values_list("partnership", flat=True)) == {partnership.pk}


def test_superuser_gets_nothing_in_the_service_without_a_membership(admin_client, url_for):
    for name in set(MATRIX) - {"dashboards:home", "accounts:choose-partnership"}:
        assert admin_client.get(url_for(name)).status_code == 404, name


def test_switching_partnership_changes_what_is_shown(client, partnership, other_partnership,
                                                     make_user):
    user = make_user(Role.ADMINISTRATOR)
    MembershipFactory(user=user, partnership=other_partnership, role=Role.AGENCY_USER)
    client.force_login(user)
    assert client.get(reverse("dashboards:audit-trail")).status_code == 200
    response = client.post(reverse("accounts:choose-partnership"),
                           {"partnership": other_partnership.pk})
    assert response.status_code == 302
    assert client.get(reverse("dashboards:audit-trail")).status_code == 404
    assert client.get(reverse("cases:referral-start")).status_code == 200


def test_choosing_a_partnership_you_are_not_in_is_refused(client, make_user, other_partnership):
    client.force_login(make_user(Role.ADMINISTRATOR))
    response = client.post(reverse("accounts:choose-partnership"),
                           {"partnership": other_partnership.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_agency_user_sees_only_their_own_agency(partnership, make_user):
    user = make_user(Role.AGENCY_USER)
    AgencyFactory(partnerships=[partnership])
    from accounts import selectors

    assert list(selectors.agencies_visible_to(user, partnership)) == [
        Agency.objects.get(memberships__user=user)]
